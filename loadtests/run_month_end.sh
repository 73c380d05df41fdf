#!/usr/bin/env bash
# Month end: STAFF_USERS reporting staff (one unit each) submit the month that
# just ended at once while LEADER_USERS leaders watch their dashboards, against
# gunicorn with production settings, PostgreSQL, Redis and a real Celery
# worker that consumes the recompute jobs. Prints p50/p95 and failures per
# request type, then checks that every confirmed figure is in the database
# exactly once and was recomputed (loadtests/month_end_check.py).
#
#   DATABASE_URL=postgres://…/taizhang_load \
#   flock /tmp/taizhang-bench.lock bash loadtests/run_month_end.sh
#
# STAFF_USERS=200 LEADER_USERS=20 DURATION=60s SPAWN_RATE=50 API_SHARE=0.25
# LOGIN_SHARE=0.2 WEB_WORKERS=3 CELERY_CONCURRENCY=2 STOP_TIMEOUT=60 (seconds
# a user may take to finish the submission it is in when the time is up) by default;
# FRESHNESS=1 (the probe of approval-to-dashboard delays beside the load);
# CELERY_BROKER_URL defaults to Redis DB 14 on 127.0.0.1, CACHE_URL to DB 13. The dataset is
# rebuilt on every run (its zones are named monthend-*); nothing else in the
# database is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?point DATABASE_URL at a PostgreSQL database}"
PORT=${PORT:-8766}
STAFF_USERS=${STAFF_USERS:-200}
LEADER_USERS=${LEADER_USERS:-20}
DURATION=${DURATION:-60s}
SPAWN_RATE=${SPAWN_RATE:-50}
WEB_WORKERS=${WEB_WORKERS:-3}
CELERY_CONCURRENCY=${CELERY_CONCURRENCY:-2}
OUT=var/month_end
PY=.venv/bin/python
export CELERY_BROKER_URL=${CELERY_BROKER_URL:-redis://127.0.0.1:6379/14}
# The shared cache, as docs/deploy.md sets it up in production (CACHE_URL= for each process's own).
export CACHE_URL=${CACHE_URL-redis://127.0.0.1:6379/13}
export STAFF_USERS LEADER_USERS MONTH_END_DIR=$OUT
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false \
  CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0 LOG_LEVEL=WARNING
SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(64))")
export SECRET_KEY

mkdir -p "$OUT"
rm -f "$OUT"/submitted-*.jsonl "$OUT"/attempts-*.jsonl
$PY manage.py migrate --noinput -v0
$PY manage.py bench_month_end_users --units "$STAFF_USERS" --out "$OUT"
$PY manage.py collectstatic --noinput -v0

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
# Only this run's recompute jobs in the queue.
$PY - <<'PY'
from config.celery import app
from django.core.cache import cache
app.control.purge()
cache.clear()  # no dashboard of an earlier run
PY
.venv/bin/celery -A config worker -n "monthend@%h" --pool=threads --concurrency="$CELERY_CONCURRENCY" \
  --without-gossip --without-mingle --loglevel=WARNING >"$OUT/worker.log" 2>&1 &
PIDS+=($!)
.venv/bin/gunicorn config.wsgi -b "127.0.0.1:${PORT}" -w "$WEB_WORKERS" --log-level warning \
  >"$OUT/gunicorn.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 30); do curl -sf -o /dev/null "http://127.0.0.1:${PORT}/accounts/login/" && break; sleep 1; done

echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$OUT"/freshness-*.jsonl
if [ "${FRESHNESS:-1}" = 1 ]; then
  # The freshness probe: a reviewer approves a figure every few seconds and a leader
  # waits for the dashboard to show it (loadtests/month_end_check.py --probe).
  seconds=$($PY -c "import sys; d=sys.argv[1]; print(int(d[:-1]) * {'s': 1, 'm': 60, 'h': 3600}[d[-1]] if d[-1] in 'smh' else int(d))" "$DURATION")
  $PY loadtests/month_end_check.py --dir "$OUT" --probe "$seconds" --host "http://127.0.0.1:${PORT}" \
    >"$OUT/probe.log" 2>&1 &
  PROBE=$!
  PIDS+=($PROBE)
fi
.venv/bin/locust -f loadtests/month_end.py --headless -u "$((STAFF_USERS + LEADER_USERS))" -r "$SPAWN_RATE" \
  -t "$DURATION" --stop-timeout "${STOP_TIMEOUT:-60}" --host "http://127.0.0.1:${PORT}" --csv var/locust-month-end --only-summary \
  --loglevel WARNING --exit-code-on-error 0 >"$OUT/locust.log" 2>&1 || true
$PY - <<'PY'
import csv
rows = list(csv.DictReader(open("var/locust-month-end_stats.csv")))
for row in rows:
    print(f"{row['Name']:<28} requests={row['Request Count']:>6} failures={row['Failure Count']:>4} "
          f"p50={row['50%']:>6} ms p95={row['95%']:>6} ms")
failures = list(csv.DictReader(open("var/locust-month-end_failures.csv")))
for row in failures[:10]:
    print(f"failure: {row['Name']}: {row['Error'][:160]} x{row['Occurrences']}")
PY
# The probe finishes the approval it is timing (two minutes at most) before the check.
if [ -n "${PROBE:-}" ]; then wait "$PROBE" || true; fi
$PY loadtests/month_end_check.py --dir "$OUT" --wait "${CHECK_WAIT:-300}"
