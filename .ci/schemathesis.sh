#!/usr/bin/env bash
# Fuzz the API against its own OpenAPI schema (schemathesis): no 5xx, every
# response conforms to the schema. Serves the demo on 127.0.0.1 with the
# configured database and authenticates as a demo staff member. Bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${SCHEMATHESIS_PORT:-8766}
export DEBUG=true ALLOWED_HOSTS=127.0.0.1
$PY manage.py migrate --noinput -v0
$PY manage.py load_demo --if-empty >/dev/null
token() {
  $PY manage.py shell -c "
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
print(Token.objects.get_or_create(user=get_user_model().objects.get(username='$1'))[0].key)" | tail -n 1
}
TOKEN=$(token xx_staff)
.venv/bin/gunicorn config.wsgi -b "127.0.0.1:${PORT}" -w 2 --log-level warning &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -sf -o /dev/null "http://127.0.0.1:${PORT}/accounts/login/" && break; sleep 1; done
fuzz() {  # fuzz as the user whose token is $1, for at most $2 seconds, further options after
  local auth=$1 seconds=$2
  shift 2
  .venv/bin/schemathesis run "http://127.0.0.1:${PORT}/api/schema/" \
    -H "Authorization: Token ${auth}" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance \
    -n 20 --seed 1 --max-time "$seconds" --phases examples,coverage,fuzzing "$@"
}
# Every operation as a unit's reporting staff ...
fuzz "$TOKEN" "${SCHEMATHESIS_SECONDS:-90}"
# ... then the steps staff may not take, as the roles that take them: a
# reviewer approves and returns reports, supervision issues and handles notices,
# the zone office grants and refuses late-report requests.
fuzz "$(token xx_reviewer)" "${SCHEMATHESIS_ROLE_SECONDS:-30}" --include-path-regex '^/api/v1/reports/'
fuzz "$(token xx_supervisor)" "${SCHEMATHESIS_ROLE_SECONDS:-30}" --include-path-regex '^/api/v1/notices/'
fuzz "$(token xx_admin)" "${SCHEMATHESIS_ROLE_SECONDS:-30}" --include-path-regex '^/api/v1/late-report-requests/'
