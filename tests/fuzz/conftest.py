"""The security tests' world (one zone with a user per role, another zone, a region's viewer),
with what makes every form of the site appear: a report waiting for review, and a notice of
another unit whose extension request waits for the supervision team."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from progress.choices import ReportStatus
from supervision.services import notice_extension_request
from tests.factories import ReportFactory
from tests.security.conftest import world  # noqa: F401  (fixture)
from tests.supervision.conftest import clock_at, fast_passwords, issue, zone  # noqa: F401  (fixtures)


@pytest.fixture
def fuzz_world(world, issue):  # noqa: F811
    w = world
    submitted = timezone.make_aware(dt.datetime(2014, 7, 3, 10, 0))
    w.pending = ReportFactory(
        target=w.zone.unsubmitted,
        year=2014,
        month=6,
        value=D("2.5"),
        status=ReportStatus.SUBMITTED,
        submitted_at=submitted,
        submitted_by=w.zone.staff,
    )
    w.extension_notice = issue(w.zone.lagging).notices[0]
    notice_extension_request(
        notice=w.extension_notice, by=w.zone.invest_staff, until=dt.date(2014, 7, 31), reason="数据核实中"
    )
    return w


def pytest_terminal_summary(terminalreporter):
    """The page fuzzer's figures, on one line, after a run that fuzzed."""
    from tests.fuzz.report import TALLIES, summary

    if TALLIES:
        terminalreporter.write_line(summary(TALLIES))
