import psycopg
import pytest
from django.db import connection


@pytest.fixture
def database_dsn() -> str:
    """How to open a second session on the test database (PostgreSQL), to
    hold locks against the tests' own."""
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
    )
