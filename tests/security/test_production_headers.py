"""Under production settings (DEBUG off), responses carry HSTS, a strict Content Security
Policy and the other security headers, cookies are Secure, and plain HTTP is redirected.

The settings are read in a fresh process with the production environment, as a deployment
reads them; the test client there makes the requests against a migrated SQLite database.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.contrib.auth import get_user_model

call_command("migrate", verbosity=0)
get_user_model().objects.create_user("prod-user", password="a-Long-passw0rd-for-this-test")
out = {}
# The manifest storage needs `collectstatic`; headers do not depend on how static URLs are made.
with override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}):
    client = Client(HTTP_HOST="taizhang.example.cn")
    plain = client.get("/accounts/login/")
    out["http"] = {"status": plain.status_code, "location": plain.get("Location", "")}
    # Plain HTTP claiming to have come through a TLS proxy.
    forwarded = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    out["forwarded"] = {"status": forwarded.status_code, "headers": dict(forwarded.headers)}
    page = client.get("/accounts/login/", secure=True)
    out["page"] = {"status": page.status_code, "headers": dict(page.headers)}
    out["page_cookies"] = {name: dict(morsel.items()) for name, morsel in page.cookies.items()}
    login = client.post(
        "/accounts/login/",
        {"username": "prod-user", "password": "a-Long-passw0rd-for-this-test"},
        secure=True,
    )
    out["login"] = {"status": login.status_code, "headers": dict(login.headers)}
    out["login_cookies"] = {name: dict(morsel.items()) for name, morsel in login.cookies.items()}
print("RESULT" + json.dumps(out))
"""


def run_production(tmp_path_factory, **extra_env: str) -> dict:
    var = tmp_path_factory.mktemp("prod")
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "taizhang.example.cn",
        "TAIZHANG_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
        **extra_env,
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line.removeprefix("RESULT"))


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    return run_production(tmp_path_factory)


@pytest.fixture(scope="module")
def behind_a_proxy(tmp_path_factory) -> dict:
    return run_production(tmp_path_factory, TRUST_X_FORWARDED_PROTO="true")


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_plain_http_is_redirected_to_https(production):
    assert production["http"]["status"] == 301
    assert production["http"]["location"] == "https://taizhang.example.cn/accounts/login/"


def test_hsts_and_the_other_security_headers(production):
    headers = production["page"]["headers"]
    assert production["page"]["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_content_security_policy_allows_only_this_site(production):
    policy = directives(production["page"]["headers"]["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    everything = " ".join(" ".join(values) for values in policy.values())
    assert "unsafe-inline" not in everything and "unsafe-eval" not in everything and "*" not in everything


def test_cookies_are_secure(production):
    csrf = production["page_cookies"]["csrftoken"]
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"
    assert production["login"]["status"] == 302
    session = production["login_cookies"]["sessionid"]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"


def test_a_forwarded_proto_header_is_not_trusted_by_default(production):
    assert production["forwarded"]["status"] == 301
    assert production["forwarded"]["headers"]["Location"] == "https://taizhang.example.cn/accounts/login/"
    assert "Strict-Transport-Security" not in production["forwarded"]["headers"]


def test_behind_a_proxy_that_sets_it_the_forwarded_proto_header_is_trusted(behind_a_proxy):
    assert behind_a_proxy["http"]["status"] == 301  # no header: still plain HTTP
    assert behind_a_proxy["forwarded"]["status"] == 200
    assert "Strict-Transport-Security" in behind_a_proxy["forwarded"]["headers"]
