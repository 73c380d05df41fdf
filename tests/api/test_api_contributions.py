"""Co-operating units' parts through the API: read only; a unit reads its own
parts, drafts included, and others read only the submitted parts of the tasks
they may see."""

import pytest
from django.utils import timezone

from progress.choices import ContributionStatus
from progress.models import TaskContribution
from targets.task_items import task_items_ensure
from tests.api.test_api import client_for
from tests.factories import MembershipFactory, PlanFactory, UnitFactory, UserFactory
from zones.choices import Role


@pytest.fixture
def parts(desk):
    """财政局 co-operates on 推进重点项目建设 (led by 经济发展局): one part submitted in
    March, one draft in April."""
    desk.task.co_units.add(desk.other_unit)
    task_items_ensure(desk.plan)
    item = desk.task.targets.task_items().get()
    sent = TaskContribution.objects.create(
        target=item, unit=desk.other_unit, year=2026, month=3, progress="配合拨付",
        status=ContributionStatus.SUBMITTED, submitted_at=timezone.now(),
    )  # fmt: skip
    draft = TaskContribution.objects.create(target=item, unit=desk.other_unit, year=2026, month=4, progress="草稿")
    return sent, draft


def ids(user, **params) -> set[int]:
    response = client_for(user).get("/api/v1/contributions/", params)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_the_co_operating_unit_reads_its_own_parts_drafts_included(desk, parts):
    sent, draft = parts
    assert ids(desk.other_staff) == {sent.pk, draft.pk}
    assert ids(desk.other_staff, status="draft") == {draft.pk}


def test_the_lead_unit_reads_the_submitted_part_only(desk, parts):
    sent, draft = parts
    assert ids(desk.staff) == {sent.pk}
    assert ids(desk.reviewer, month=3) == {sent.pk}
    assert client_for(desk.staff).get(f"/api/v1/contributions/{draft.pk}/").status_code == 404
    row = client_for(desk.staff).get(f"/api/v1/contributions/{sent.pk}/").json()
    assert (row["unit"], row["progress"], row["status"]) == (desk.other_unit.pk, "配合拨付", "submitted")


def test_another_zones_staff_read_nothing_and_no_one_writes(desk, parts):
    stranger = MembershipFactory(
        unit=UnitFactory(zone=PlanFactory().zone), role=Role.STAFF, user=UserFactory(username="stranger")
    ).user
    assert ids(stranger) == set()
    sent, _draft = parts
    api = client_for(desk.other_staff)
    assert api.post("/api/v1/contributions/", {"target": sent.target_id}, format="json").status_code == 405
    assert api.patch(f"/api/v1/contributions/{sent.pk}/", {"progress": "改"}, format="json").status_code == 405
    assert TaskContribution.objects.get(pk=sent.pk).progress == "配合拨付"
