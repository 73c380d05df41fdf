#!/usr/bin/env bash
# Fault: the mail server accepts connections and never answers. Issuing a
# notice through the API still answers at once (the mail is only queued);
# the worker's attempt gives up after EMAIL_TIMEOUT and is tried again later.
# Starts gunicorn with production settings; the silent mail server runs inside
# the Python script. Prints figures and PASS or FAIL.
#
#   DATABASE_URL        default postgres://postgres@127.0.0.1:5432/taizhang_faults
#   CELERY_BROKER_URL   default redis://127.0.0.1:6379/12
#   FAULTS_SMTP_PORT    the silent mail server's port (default 8725)
#   FAULTS_WEB_PORT     gunicorn's port (default 8793)
set -euo pipefail
cd "$(dirname "$0")/../.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/taizhang_faults}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/12}"
export FAULTS_SMTP_PORT="${FAULTS_SMTP_PORT:-8725}" FAULTS_WEB_PORT="${FAULTS_WEB_PORT:-8793}"
export FAULTS_WEB_URL="http://127.0.0.1:${FAULTS_WEB_PORT}"
export EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend EMAIL_HOST=127.0.0.1
export EMAIL_PORT="$FAULTS_SMTP_PORT" EMAIL_TIMEOUT="${EMAIL_TIMEOUT:-5}"
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false LOG_LEVEL=INFO
export SECRET_KEY="${SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')}"
export FAULTS_LOG_DIR="${FAULTS_LOG_DIR:-$PWD/var/faults}"
mkdir -p "$FAULTS_LOG_DIR"

.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:${FAULTS_WEB_PORT}" --workers 1 \
  >>"$FAULTS_LOG_DIR/gunicorn.log" 2>&1 &
web=$!
trap 'kill $web 2>/dev/null; wait $web 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "$FAULTS_WEB_URL/accounts/login/" && break; sleep 0.2; done
.venv/bin/python scripts/faults/mail_silent.py
