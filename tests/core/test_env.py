"""Settings parsing: defaults, valid values, and clear failures on malformed ones."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_broker,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_time_zone,
)


def test_it_returns_defaults_when_variables_are_unset():
    assert env_bool("DEBUG", False, environ={}) is False
    assert env_list("ALLOWED_HOSTS", ["a"], environ={}) == ["a"]
    assert env_time_zone("TIME_ZONE", "Asia/Shanghai", environ={}) == "Asia/Shanghai"
    assert env_choice("LANGUAGE_CODE", "zh-hans", ["zh-hans", "en"], environ={}) == "zh-hans"


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), ("yes", True), ("0", False), ("off", False)]
)
def test_it_reads_booleans(raw, expected):
    assert env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


def test_it_refuses_a_malformed_boolean_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe'"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_it_refuses_a_non_integer_and_a_value_below_minimum():
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("SECURE_HSTS_SECONDS", 0, environ={"SECURE_HSTS_SECONDS": "ten"})
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("SECURE_HSTS_SECONDS", 0, minimum=0, environ={"SECURE_HSTS_SECONDS": "-1"})


def test_it_splits_lists_and_refuses_empty_items():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.cn, b.cn"}) == ["a.cn", "b.cn"]
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.cn,,b.cn"})


def test_it_refuses_an_unknown_time_zone_and_language():
    with pytest.raises(ImproperlyConfigured, match="not a known time zone"):
        env_time_zone("TIME_ZONE", "Asia/Shanghai", environ={"TIME_ZONE": "Mars/Olympus"})
    with pytest.raises(ImproperlyConfigured, match="LANGUAGE_CODE='fr'"):
        env_choice("LANGUAGE_CODE", "zh-hans", ["zh-hans", "en"], environ={"LANGUAGE_CODE": "fr"})


def test_it_parses_postgres_and_sqlite_database_urls():
    pg = env_database("DATABASE_URL", "", environ={"DATABASE_URL": "postgres://u:p@db.local:5433/taizhang"})
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["HOST"], pg["PORT"], pg["NAME"], pg["USER"]) == ("db.local", 5433, "taizhang", "u")
    assert pg["OPTIONS"]["options"] == "-c jit=off"
    lite = env_database("DATABASE_URL", "", environ={"DATABASE_URL": "sqlite:////tmp/x.sqlite3"})
    assert lite["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in lite["OPTIONS"]["init_command"]


@pytest.mark.parametrize("url", ["mysql://u@h/db", "nonsense", "postgres://host/"])
def test_it_refuses_unsupported_or_malformed_database_urls(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", "", environ={"DATABASE_URL": url})


def test_it_accepts_known_brokers_and_refuses_others():
    assert env_broker("CELERY_BROKER_URL", "", environ={"CELERY_BROKER_URL": "redis://h:6379/0"}).startswith("redis")
    with pytest.raises(ImproperlyConfigured, match="CELERY_BROKER_URL"):
        env_broker("CELERY_BROKER_URL", "", environ={"CELERY_BROKER_URL": "kafka://h"})


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    """Importing the settings with DEBUG off and no SECRET_KEY fails with a clear message."""
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DEBUG": "false", "TAIZHANG_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    import secrets
    import subprocess
    import sys

    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "taizhang.example.cn",
        "TAIZHANG_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_postgres_connections_run_without_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def _settings_with(tmp_path, code: str, **variables: str):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "TAIZHANG_VAR_DIR": str(tmp_path), **variables}
    return subprocess.run(  # noqa: S603 - the test's own code
        [sys.executable, "-c", f"from config import settings as s; {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_mail_server_comes_from_the_environment_and_is_waited_for_ten_seconds_by_default(tmp_path):
    show = "print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_TIMEOUT)"
    assert _settings_with(tmp_path, show).stdout.split() == ["localhost", "25", "False", "10"]
    configured = _settings_with(
        tmp_path, show, EMAIL_HOST="smtp.example.cn", EMAIL_PORT="587", EMAIL_USE_TLS="true", EMAIL_TIMEOUT="5"
    )
    assert configured.stdout.split() == ["smtp.example.cn", "587", "True", "5"]


def test_it_refuses_a_zero_mail_timeout_and_both_tls_and_ssl(tmp_path):
    zero = _settings_with(tmp_path, "", EMAIL_TIMEOUT="0")
    assert zero.returncode != 0 and "EMAIL_TIMEOUT=0 is below the minimum" in zero.stderr
    both = _settings_with(tmp_path, "", EMAIL_USE_TLS="true", EMAIL_USE_SSL="true")
    assert both.returncode != 0 and "EMAIL_USE_TLS and EMAIL_USE_SSL" in both.stderr


def test_the_cache_is_each_process_memory_unless_a_redis_url_is_given():
    from config.env import env_cache

    assert env_cache("CACHE_URL", "", environ={})["default"]["BACKEND"].endswith("LocMemCache")
    shared = env_cache("CACHE_URL", "", environ={"CACHE_URL": "redis://127.0.0.1:6379/13"})["default"]
    assert shared["BACKEND"].endswith("RedisCache") and shared["LOCATION"] == "redis://127.0.0.1:6379/13"
    assert shared["OPTIONS"]["socket_timeout"] == 2  # a cache that hangs cannot hold a request long
    with pytest.raises(ImproperlyConfigured, match="not a supported cache URL"):
        env_cache("CACHE_URL", "", environ={"CACHE_URL": "memcached://h:11211"})
