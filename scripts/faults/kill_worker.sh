#!/usr/bin/env bash
# Fault: kill the Celery worker in the middle of a plan recompute and start it
# again; the results and flags must end identical to an undisturbed run.
# Prints the figures and PASS or FAIL (exit status 0 or 1). See docs/faults.md.
#
#   DATABASE_URL   PostgreSQL (default postgres://postgres@127.0.0.1:5432/taizhang_faults)
#   REDIS_URL      the broker, a Redis database of its own (default redis://127.0.0.1:6379/13)
#   TARGETS        targets of the bench plan when it is built (default 20000; 12 reports each)
#   REBUILD=1      build the bench plan again even if one exists
set -euo pipefail
cd "$(dirname "$0")/../.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/taizhang_faults}"
export CELERY_BROKER_URL="${REDIS_URL:-redis://127.0.0.1:6379/13}"
export DEBUG=false LOG_LEVEL=INFO ALLOWED_HOSTS=127.0.0.1
export SECRET_KEY="${SECRET_KEY:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')}"
export FAULTS_LOG_DIR="${FAULTS_LOG_DIR:-$PWD/var/faults}"
mkdir -p "$FAULTS_LOG_DIR"

.venv/bin/python manage.py migrate --no-input -v0
have=$(.venv/bin/python manage.py shell -v0 -c \
  'from plans.models import Plan; print(Plan.objects.filter(zone__code__startswith="bench-").count())' 2>/dev/null | tail -1)
if [[ "${REBUILD:-0}" == 1 || "$have" == 0 ]]; then
  echo "building the bench plan (${TARGETS:-20000} targets) ..."
  flock /tmp/taizhang-bench.lock .venv/bin/python manage.py bench_recompute \
    --zones 1 --targets-per-zone "${TARGETS:-20000}" --months 12 --keep | grep -E "^(built|kept)"
fi
# The recompute runs are load: take the bench lock like every benchmark.
exec flock /tmp/taizhang-bench.lock .venv/bin/python scripts/faults/kill_worker.py
