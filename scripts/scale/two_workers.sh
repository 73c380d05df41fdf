#!/usr/bin/env bash
# Scaling out, on one machine: two Celery workers (separate processes, w1 and
# w2) share the recompute of every published plan through one Redis, without
# doing any plan twice, and end with results identical to one worker's.
#
#   DATABASE_URL=postgres://…/taizhang_load \
#   flock /tmp/taizhang-bench.lock bash scripts/scale/two_workers.sh
#
# 1. one worker (w0): delete every stored result and flag, queue
#    progress.engine.tasks.recompute_published_plans (one recompute_plan task per
#    published plan), wait, fingerprint the results;
# 2. two workers (w1, w2): the same from empty results;
# 3. print how many plans each worker recomputed (their task logs), whether
#    every plan ran exactly once (one job run per plan, in one worker's log)
#    and whether both runs' fingerprints agree.
#
# It deletes and recomputes every result and flag of the database it is given:
# point it at a bench database, never at production.
# Builds the 200-zone bench dataset first unless it is there (or SKIP_BUILD=1).
# CELERY_BROKER_URL defaults to Redis DB 14 on 127.0.0.1; CONCURRENCY=1
# thread per worker; AS_OF defaults to today.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${DATABASE_URL:?point DATABASE_URL at a PostgreSQL database}"
PY=.venv/bin/python
CHECK="$PY scripts/scale/scale_check.py"
OUT=var/scale
CONCURRENCY=${CONCURRENCY:-1}
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/14}
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING
SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(64))")
export SECRET_KEY

$PY manage.py migrate --noinput -v0
if [ "${SKIP_BUILD:-}" != "1" ] && [ "$($PY manage.py shell -c \
    'from zones.models import Zone; print(Zone.objects.filter(code__startswith="bench-").count())' 2>/dev/null \
    | tail -n1)" = "0" ]; then
  $PY manage.py bench_recompute --zones 200 --targets-per-zone 150 --months 12 --keep
fi
AS_OF=${AS_OF:-$($CHECK today | tail -n1)}
rm -rf "$OUT" && mkdir -p "$OUT"

PIDS=()
stop_workers() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap stop_workers EXIT

start_worker() {  # name, log dir
  SCALE_LOG_DIR="$2" .venv/bin/celery -A scripts.scale.worker_app worker -n "$1@%h" --pool=threads \
    --concurrency="$CONCURRENCY" --without-gossip --without-mingle --loglevel=INFO >"$OUT/$1.log" 2>&1 &
  PIDS+=($!)
}

phase() {  # label, worker names…
  local label=$1; shift
  echo "== $label: workers $*"
  $CHECK reset | tail -n1
  $PY -c "from config.celery import app; app.control.purge()"
  for name in "$@"; do start_worker "$name" "$OUT/$label"; done
  # Wait until every worker answers, so none misses the start.
  for _ in $(seq 1 60); do
    answered=$($PY -c "from config.celery import app; print(len(app.control.ping(timeout=1) or []))" 2>/dev/null | tail -n1)
    [ "$answered" = "$#" ] && break
    sleep 1
  done
  local since
  since=$($CHECK trigger --as-of "$AS_OF" | tail -n1)
  $CHECK wait --since "$since" --timeout "${TIMEOUT:-900}" | tail -n1 || STATUS=1
  sleep 2  # the last task lines reach the workers' logs
  stop_workers
  $CHECK report --since "$since" --label "$label" --logs "$OUT/$label" || STATUS=1
}

STATUS=0
phase one w0
phase two w1 w2
$CHECK compare "$OUT/one.json" "$OUT/two.json" || STATUS=1
exit $STATUS
