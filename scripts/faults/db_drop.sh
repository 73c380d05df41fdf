#!/usr/bin/env bash
# Fault: the database connection drops in the middle of a submission. The
# request answers 503 (no traceback) and nothing of it remains; the same
# submission succeeds right after. Real gunicorn with production settings and
# PostgreSQL, no hook in the code. Prints figures and PASS or FAIL.
# The same fault as a test on the page and the API: tests/faults/test_db_drop.py.
#
#   DATABASE_URL      default postgres://postgres@127.0.0.1:5432/taizhang_faults
#   FAULTS_WEB_PORT   gunicorn's port (default 8792)
set -euo pipefail
cd "$(dirname "$0")/../.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/taizhang_faults}"
export FAULTS_WEB_PORT="${FAULTS_WEB_PORT:-8792}"
export FAULTS_WEB_URL="http://127.0.0.1:${FAULTS_WEB_PORT}"
# No broker is needed: the recompute of the successful retry waits in the outbox.
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/13}"
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false LOG_LEVEL=INFO
export SECRET_KEY="${SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')}"
export FAULTS_LOG_DIR="${FAULTS_LOG_DIR:-$PWD/var/faults}"
mkdir -p "$FAULTS_LOG_DIR"

.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:${FAULTS_WEB_PORT}" --workers 1 \
  >>"$FAULTS_LOG_DIR/gunicorn-db-drop.log" 2>&1 &
web=$!
trap 'kill $web 2>/dev/null; wait $web 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "$FAULTS_WEB_URL/accounts/login/" && break; sleep 0.2; done
.venv/bin/python scripts/faults/db_drop.py
