#!/usr/bin/env bash
# Dashboard speed on the bench dataset (200 zones): gunicorn with production
# settings on 127.0.0.1, locust headless for a bounded time. Needs DATABASE_URL
# pointing at PostgreSQL. Prints p50/p95 per page and the error count, measured
# from the moment every user has logged in (loadtests/dashboard.py resets the
# figures then): the steady state of the pages, not a burst of password hashing.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?point DATABASE_URL at a PostgreSQL database}"
PORT=${PORT:-8765}
USERS=${USERS:-20}
DURATION=${DURATION:-60s}
PY=.venv/bin/python
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false \
  CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0 LOG_LEVEL=WARNING
SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(64))")
export SECRET_KEY
$PY manage.py migrate --noinput -v0
if [ "${SKIP_BUILD:-}" != "1" ]; then
  $PY manage.py bench_recompute --zones 200 --targets-per-zone 150 --months 12 --keep
fi
$PY manage.py bench_dashboard_users --leaders 50
$PY manage.py collectstatic --noinput -v0
.venv/bin/gunicorn config.wsgi -b "127.0.0.1:${PORT}" -w 3 --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -sf -o /dev/null "http://127.0.0.1:${PORT}/accounts/login/" && break; sleep 1; done
mkdir -p var
.venv/bin/locust -f loadtests/dashboard.py --headless -u "$USERS" -r 5 -t "$DURATION" \
  --host "http://127.0.0.1:${PORT}" --csv var/locust-dashboard --only-summary --loglevel WARNING
$PY - <<'PY'
import csv
rows = list(csv.DictReader(open("var/locust-dashboard_stats.csv")))
for row in rows:
    print(f"{row['Name']:<20} requests={row['Request Count']:>6} failures={row['Failure Count']:>3} "
          f"p50={row['50%']} ms p95={row['95%']} ms")
PY
