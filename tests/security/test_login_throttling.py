"""Login throttling (django-axes): a username is locked out from an address after repeated
failures, with a clear message on the login page; other users and addresses are not."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import translation

from core.lockout import lockout_message
from tests.factories import UserFactory

LOGIN = "/accounts/login/"
PASSWORD = "pw-for-tests-only"


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


def attempt(client: Client, username: str, password: str, *, ip: str = "10.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )


def fail_until_locked(client: Client, username: str = "alice", *, ip: str = "10.0.0.1"):
    responses = [attempt(client, username, "wrong", ip=ip) for _ in range(settings.AXES_FAILURE_LIMIT)]
    return responses


def expected_message(language: str = "zh-hans") -> str:
    with translation.override(language):
        return lockout_message()


def test_failures_below_the_limit_keep_the_ordinary_login_error(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt(client, "alice", "wrong")
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
    assert expected_message() not in response.content.decode()
    assert attempt(client, "alice", PASSWORD).status_code == 302  # still allowed in


def test_the_limit_locks_the_username_from_that_address_with_a_message(client, alice):
    responses = fail_until_locked(client)
    last = responses[-1]
    assert last.status_code == 429
    page = last.content.decode()
    assert expected_message() in page and 'role="alert"' in page
    assert 'value="alice"' in page  # the login form is there again, with the username
    # Even the right password is refused now, and no session is opened.
    locked = attempt(client, "alice", PASSWORD)
    assert locked.status_code == 429 and expected_message() in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_the_message_is_in_the_users_language(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(LOGIN, {"username": "alice", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many failed logins" in expected_message("en")
    assert expected_message("en") in response.content.decode()


def test_other_usernames_and_other_addresses_are_not_locked(client, alice):
    UserFactory(username="bob")
    fail_until_locked(client)
    assert attempt(client, "bob", PASSWORD).status_code == 302
    assert attempt(Client(), "alice", PASSWORD, ip="10.0.0.2").status_code == 302


def test_a_success_clears_the_count(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "alice", "wrong")
    assert attempt(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "alice", "wrong").status_code == 200
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, alice):
    fail_until_locked(client)
    assert attempt(client, "alice", PASSWORD).status_code == 429
    past = dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
    AccessAttempt.objects.filter(username="alice").update(attempt_time=past)
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/admin/login/", {"username": "alice", "password": "wrong", "next": "/admin/"}, REMOTE_ADDR="10.0.0.9"
        )
    assert response.status_code == 429


def test_api_clients_get_json(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            LOGIN, {"username": "alice", "password": "wrong"}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
        )
    assert response.status_code == 429
    assert response.json()["detail"] == expected_message()


def test_a_login_name_longer_than_any_account_is_refused_by_the_form_before_any_attempt_is_recorded(client, db):
    """Found by the page fuzzer: a 256-character name reached django-axes, whose column holds 255
    (a 500 on PostgreSQL). No account's name is longer than the username field allows."""
    response = attempt(client, "u" * 256, "wrong")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AccessAttempt.objects.exists()
