"""The one place the app reads the clock, so calculations take an explicit
``as_of`` and tests can pin "now"."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()
