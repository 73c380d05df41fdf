#!/usr/bin/env bash
# Fault: the broker (Redis) stops. Submissions through the API still succeed,
# fast, and their recompute happens once Redis is back (the outbox and the
# catch-up sweep). Starts its own Redis (never the shared one on 6379) and
# gunicorn with production settings. Prints figures and PASS or FAIL.
#
#   DATABASE_URL        default postgres://postgres@127.0.0.1:5432/taizhang_faults
#   FAULTS_REDIS_PORT   the Redis this script starts and stops (default 6391)
#   FAULTS_WEB_PORT     gunicorn's port (default 8791)
set -euo pipefail
cd "$(dirname "$0")/../.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/taizhang_faults}"
export FAULTS_REDIS_PORT="${FAULTS_REDIS_PORT:-6391}" FAULTS_WEB_PORT="${FAULTS_WEB_PORT:-8791}"
export CELERY_BROKER_URL="redis://127.0.0.1:${FAULTS_REDIS_PORT}/0"
export FAULTS_WEB_URL="http://127.0.0.1:${FAULTS_WEB_PORT}"
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false LOG_LEVEL=INFO
export SECRET_KEY="${SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')}"
export FAULTS_LOG_DIR="${FAULTS_LOG_DIR:-$PWD/var/faults}"
mkdir -p "$FAULTS_LOG_DIR"
if redis-cli -p "$FAULTS_REDIS_PORT" ping >/dev/null 2>&1; then
  echo "FAIL: something already answers on port $FAULTS_REDIS_PORT; set FAULTS_REDIS_PORT" >&2; exit 1
fi

.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/gunicorn config.wsgi --bind "127.0.0.1:${FAULTS_WEB_PORT}" --workers 1 \
  >>"$FAULTS_LOG_DIR/gunicorn.log" 2>&1 &
web=$!
trap 'kill $web 2>/dev/null; wait $web 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "$FAULTS_WEB_URL/accounts/login/" && break; sleep 0.2; done
.venv/bin/python scripts/faults/broker_down.py
