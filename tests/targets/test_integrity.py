"""The derived tables' targets are kept in existence per statement
(targets.integrity), as the foreign keys kept them per row."""

from importlib import import_module

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from targets import integrity
from targets.models import Target, TargetFlag, TargetResult
from tests.factories import TargetFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers are PostgreSQL's; on SQLite the ORM cascades"
)


def result(target_id, month=1, status="on_track"):
    return TargetResult(
        target_id=target_id, year=2024, month=month, status=status, reason="against_time", computed_at=timezone.now()
    )


def flag(target_id, month=2):
    return TargetFlag(
        target_id=target_id, year=2024, month=month, change="raised", to_status="lagging", at=timezone.now()
    )


@pytest.mark.django_db
def test_a_result_naming_a_missing_target_is_refused_and_nothing_is_written():
    target = TargetFactory()
    with pytest.raises(IntegrityError, match="do not exist"), transaction.atomic():
        TargetResult.objects.bulk_create([result(target.pk), result(target.pk + 10_000, month=2)])
    assert not TargetResult.objects.exists()


@pytest.mark.django_db
def test_a_flag_naming_a_missing_target_is_refused():
    with pytest.raises(IntegrityError, match="do not exist"), transaction.atomic():
        TargetFlag.objects.bulk_create([flag(987_654)])
    assert not TargetFlag.objects.exists()


@pytest.mark.django_db
def test_rows_naming_existing_targets_go_in():
    first, second = TargetFactory(), TargetFactory()
    TargetResult.objects.bulk_create([result(first.pk, month) for month in range(1, 13)] + [result(second.pk)])
    TargetFlag.objects.bulk_create([flag(first.pk)])
    assert TargetResult.objects.count() == 13
    assert TargetFlag.objects.count() == 1


@pytest.mark.django_db
def test_moving_a_result_to_a_missing_target_is_refused():
    target = TargetFactory()
    row = result(target.pk)
    row.save()
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        TargetResult.objects.filter(pk=row.pk).update(target_id=target.pk + 10_000)
    assert TargetResult.objects.get(pk=row.pk).target_id == target.pk


@pytest.mark.django_db
def test_a_target_deleted_in_sql_takes_its_results_and_flags_with_it():
    kept, removed = TargetFactory(), TargetFactory()
    TargetResult.objects.bulk_create([result(kept.pk), result(removed.pk), result(removed.pk, month=2)])
    TargetFlag.objects.bulk_create([flag(kept.pk), flag(removed.pk)])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM targets_target WHERE id = %s", [removed.pk])
    assert list(TargetResult.objects.values_list("target_id", flat=True)) == [kept.pk]
    assert list(TargetFlag.objects.values_list("target_id", flat=True)) == [kept.pk]


@pytest.mark.django_db(transaction=True)
def test_a_target_with_rows_being_written_cannot_be_deleted_until_they_commit(database_dsn):
    """The check locks the targets it found (FOR KEY SHARE), as a foreign key
    does: a delete from another transaction waits instead of leaving orphans."""
    target = TargetFactory()
    with transaction.atomic():
        TargetResult.objects.bulk_create([result(target.pk)])
        with psycopg.connect(database_dsn, autocommit=True) as other:
            other.execute("SET lock_timeout = '300ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("DELETE FROM targets_target WHERE id = %s", [target.pk])
    assert Target.objects.filter(pk=target.pk).exists()
    assert TargetResult.objects.filter(target=target, year=2024, month=1).exists()


def installed() -> dict[str, str]:
    """The definitions of the functions and triggers in the database, as PostgreSQL prints them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE proname LIKE 'taizhang\\_%' ORDER BY 1"
        )
        functions = cursor.fetchall()
        cursor.execute(
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid IN ('targets_target'::regclass, 'targets_targetresult'::regclass, "
            "'targets_targetflag'::regclass) ORDER BY 1"
        )
        return dict(functions + cursor.fetchall())


@pytest.mark.django_db
def test_the_migrations_installed_what_the_live_module_installs():
    """Migration 0005 holds a frozen copy of the SQL: if the live module
    changes, this fails until a migration installs the change."""
    migrated = installed()
    assert len(migrated) == 8  # three functions, five triggers
    integrity.install(connection)
    assert installed() == migrated


@pytest.mark.django_db
def test_installing_the_triggers_again_is_harmless_and_they_still_refuse_a_missing_target():
    assert integrity.install(connection)
    assert integrity.install(connection)
    with connection.schema_editor() as editor:
        import_module("targets.migrations.0005_derived_integrity_per_statement").install(None, editor)
    target = TargetFactory()
    with pytest.raises(IntegrityError, match="do not exist"), transaction.atomic():
        TargetResult.objects.bulk_create([result(target.pk), result(target.pk + 10_000, month=2)])
    with pytest.raises(IntegrityError, match="do not exist"), transaction.atomic():
        TargetFlag.objects.bulk_create([flag(target.pk + 10_000)])
    assert not TargetResult.objects.exists()
    assert not TargetFlag.objects.exists()


@pytest.mark.django_db
def test_triggers_dropped_and_installed_again_guard_the_tables_again():
    assert integrity.uninstall(connection)
    assert installed() == {}
    assert integrity.install(connection)
    with pytest.raises(IntegrityError, match="do not exist"), transaction.atomic():
        TargetFlag.objects.bulk_create([flag(987_654)])
    target = TargetFactory()
    TargetResult.objects.bulk_create([result(target.pk)])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM targets_target WHERE id = %s", [target.pk])
    assert not TargetResult.objects.exists()
