"""Referential integrity of the derived tables, checked per statement.

Results and flags are written in bulk: a whole-plan recompute inserts some
300,000 rows in one statement. A foreign key checks each row on its own (one
trigger call and one index probe per row, at commit), which cost more than a
second of a three-second recompute. These statement-level triggers keep the
same promise set-based:

* ``*_targets_exist`` (after INSERT, per statement): every target the
  statement's rows name exists, else ``foreign_key_violation`` (Django's
  IntegrityError) and the statement is undone. The targets are locked
  ``FOR KEY SHARE``, as a foreign key locks them, so a target cannot be
  deleted by another transaction until this one ends.
* ``*_target_changed`` (before UPDATE, per row, only when ``target_id``
  changes, which the application never does): the same check for that row.
* ``target_derived_cascade`` (after DELETE on targets, per statement): a
  deleted target's results and flags go with it, as ``ON DELETE CASCADE``
  would (the ORM deletes them first anyway; this covers deletes in SQL).

PostgreSQL only; on SQLite, the embedded default, the ORM's cascade is the
guard. ``tests/targets/test_integrity.py`` shows each promise kept.

This is the live copy, for whatever must install the triggers again (a
database restored without them, a test); every statement is idempotent
(``CREATE OR REPLACE``), so installing over an installed copy is harmless.
Migration 0005 holds its own frozen copy of this SQL, so that editing this
module never changes what an old migration does: a change here needs a new
migration carrying the new text, and the test that compares what the
migrations installed with what this module installs fails until it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

DERIVED_TABLES = ("targets_targetresult", "targets_targetflag")

FUNCTIONS = """
CREATE OR REPLACE FUNCTION taizhang_derived_targets_exist() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    WITH named AS (SELECT DISTINCT target_id FROM written),
    held AS (
        SELECT t.id FROM targets_target t JOIN named ON named.target_id = t.id FOR KEY SHARE OF t
    )
    SELECT (SELECT count(*) FROM named) - (SELECT count(*) FROM held) INTO missing;
    IF missing > 0 THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('%s: %s target(s) named by the new rows do not exist', TG_TABLE_NAME, missing);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION taizhang_derived_target_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM targets_target t WHERE t.id = NEW.target_id FOR KEY SHARE OF t;
    IF NOT FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('%s: target %s does not exist', TG_TABLE_NAME, NEW.target_id);
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION taizhang_target_derived_cascade() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM targets_targetresult WHERE target_id IN (SELECT id FROM removed);
    DELETE FROM targets_targetflag WHERE target_id IN (SELECT id FROM removed);
    RETURN NULL;
END $$;
"""


def _triggers(table: str) -> str:
    short = table.removeprefix("targets_target")  # result, flag
    return f"""
CREATE OR REPLACE TRIGGER {short}_targets_exist AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION taizhang_derived_targets_exist();
CREATE OR REPLACE TRIGGER {short}_target_changed BEFORE UPDATE OF target_id ON {table}
    FOR EACH ROW WHEN (OLD.target_id IS DISTINCT FROM NEW.target_id)
    EXECUTE FUNCTION taizhang_derived_target_changed();
"""


INSTALL = (
    FUNCTIONS
    + "".join(_triggers(table) for table in DERIVED_TABLES)
    + """
CREATE OR REPLACE TRIGGER target_derived_cascade AFTER DELETE ON targets_target
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION taizhang_target_derived_cascade();
"""
)

UNINSTALL = """
DROP TRIGGER IF EXISTS target_derived_cascade ON targets_target;
DROP TRIGGER IF EXISTS result_targets_exist ON targets_targetresult;
DROP TRIGGER IF EXISTS result_target_changed ON targets_targetresult;
DROP TRIGGER IF EXISTS flag_targets_exist ON targets_targetflag;
DROP TRIGGER IF EXISTS flag_target_changed ON targets_targetflag;
DROP FUNCTION IF EXISTS taizhang_derived_targets_exist();
DROP FUNCTION IF EXISTS taizhang_derived_target_changed();
DROP FUNCTION IF EXISTS taizhang_target_derived_cascade();
"""


def install(connection: BaseDatabaseWrapper) -> bool:
    """Install (or install again) the functions and triggers; whether the
    database is one that has them (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(INSTALL)
    return True


def uninstall(connection: BaseDatabaseWrapper) -> bool:
    """Drop them; whether the database is one that has them (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(UNINSTALL)
    return True
