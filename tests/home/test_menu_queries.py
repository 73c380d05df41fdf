"""The menu every page carries reads the user's memberships once, shared by
its badges and the page's own permission checks: its queries do not grow
with the user's roles or units, and a page's checks add none."""

from django.urls import reverse

from tests.factories import MembershipFactory, UnitFactory
from zones.choices import Role


def _account_queries(client, user, django_assert_max_num_queries) -> int:
    client.force_login(user)
    client.get(reverse("account"))  # the session's first read, untimed
    with django_assert_max_num_queries(10) as captured:
        response = client.get(reverse("account"))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_menu_reads_the_memberships_once(client, desk, django_assert_max_num_queries):
    _account_queries(client, desk.staff, django_assert_max_num_queries)
    with django_assert_max_num_queries(10) as captured:
        client.get(reverse("account"))
    membership_reads = [q for q in captured.captured_queries if q["sql"].startswith('SELECT "zones_membership".')]
    # One for the menu and the checks, one for the account page's own list of roles.
    assert len(membership_reads) <= 2


def test_the_menu_costs_as_much_whatever_the_roles(client, desk, django_assert_max_num_queries):
    few = _account_queries(client, desk.staff, django_assert_max_num_queries)
    for _ in range(3):
        unit = UnitFactory(zone=desk.plan.zone)
        MembershipFactory(user=desk.staff, unit=unit, role=Role.STAFF)
        MembershipFactory(user=desk.staff, unit=unit, role=Role.REVIEWER)
    MembershipFactory(user=desk.staff, zone=desk.plan.zone, unit=None, role=Role.LEADER)
    many = _account_queries(client, desk.staff, django_assert_max_num_queries)
    assert many <= few + 1  # the reviewer's badge is asked for now (the same aggregate query)


def test_a_user_who_neither_enters_nor_reviews_costs_no_report_count(client, desk, django_assert_max_num_queries):
    leader = MembershipFactory(zone=desk.plan.zone, unit=None, role=Role.LEADER).user
    _account_queries(client, leader, django_assert_max_num_queries)
    with django_assert_max_num_queries(10) as captured:
        client.get(reverse("account"))
    assert not [q for q in captured.captured_queries if 'FROM "progress_report"' in q["sql"]]


def test_the_badges_count_as_before(client, desk):
    """The returned and waiting figures still count the units' reports (ids, not subqueries)."""
    from django.utils import timezone

    from progress.choices import ReportStatus
    from progress.selectors import review_counts
    from tests.factories import ReportFactory

    now = timezone.now()
    returned = {"status": ReportStatus.RETURNED, "return_reason": "数据有误", "returned_at": now}
    ReportFactory(target=desk.amount, year=2026, month=3, **returned)
    ReportFactory(target=desk.growth, year=2026, month=3, status=ReportStatus.SUBMITTED, submitted_at=now)
    ReportFactory(target=desk.other_target, year=2026, month=3, **returned)
    assert review_counts(desk.staff) == {"returned": 1, "waiting": 0}
    assert review_counts(desk.reviewer) == {"returned": 0, "waiting": 1}
    assert review_counts(desk.other_staff) == {"returned": 1, "waiting": 0}
