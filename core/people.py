"""How the app names a person: one rule for pages, exports, mail and the API."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser


def name_from_parts(first_name: str, last_name: str, username: str) -> str:
    """The full name (first and last, as ``User.get_full_name`` joins them), or
    the username when no name was entered; for rows read as values."""
    return f"{first_name} {last_name}".strip() or username


def display_name(user: AbstractBaseUser | None, *, nobody: str = "") -> str:
    """The user's full name, or their username when no name was entered (a
    Chinese name is usually entered whole as the first name); ``nobody`` when
    there is no user (a blank cell in an export, a dash on a page)."""
    if user is None:
        return nobody
    return user.get_full_name() or user.get_username()
