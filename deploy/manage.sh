#!/bin/sh
# Run manage.py with the installation's environment (migrate, check --deploy,
# collectstatic, recompute, createsuperuser …). Install as
# /usr/local/bin/taizhang-manage and call it as the app's user:
#   sudo -u taizhang taizhang-manage migrate
set -eu
set -a
. /etc/taizhang/taizhang.env
. /etc/taizhang/secrets.env
set +a
cd /srv/taizhang/app
exec .venv/bin/python manage.py "$@"
