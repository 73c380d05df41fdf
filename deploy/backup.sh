#!/bin/sh
# A compressed, restorable dump of the Taizhang database, and the removal of
# dumps older than KEEP_DAYS. Runs on the database machine as postgres
# (taizhang-backup.service); install as /usr/local/sbin/taizhang-backup.
#
#   BACKUP_DIR=/var/backups/taizhang KEEP_DAYS=14 PGDATABASE=taizhang taizhang-backup
#
# Any libpq variable (PGHOST, PGPORT, PGUSER, PGPASSFILE) selects the server.
# The dump is written under a temporary name and renamed when complete, then
# read back with pg_restore --list, so a file named *.dump is a whole dump.
set -eu
BACKUP_DIR=${BACKUP_DIR:-/var/backups/taizhang}
KEEP_DAYS=${KEEP_DAYS:-14}
DATABASE=${PGDATABASE:-taizhang}
stamp=$(date +%Y%m%d-%H%M%S)
target="$BACKUP_DIR/$DATABASE-$stamp.dump"

mkdir -p "$BACKUP_DIR"
umask 077
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$target.partial" "$DATABASE"
pg_restore --list "$target.partial" >/dev/null
mv "$target.partial" "$target"
find "$BACKUP_DIR" -name "$DATABASE-*.dump" -type f -mtime +"$KEEP_DAYS" -delete
echo "backup: $target ($(du -h "$target" | cut -f1))"
