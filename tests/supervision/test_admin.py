"""The supervision admin keeps a zone administrator inside their zone, and
notices change only through their logged steps."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from supervision.models import SupervisionRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone_admin(zone):
    zone.admin.is_staff = True
    zone.admin.save()
    zone.admin.user_permissions.set(Permission.objects.filter(content_type__app_label="supervision"))
    return zone.admin


def test_a_zone_administrator_lists_only_their_zones_notices_and_rules(client, zone, issue, zone_admin):
    own = issue(zone.serious).notices[0]
    issue(zone.other_target, by=zone.other_supervisor)
    SupervisionRule.objects.create(plan=zone.other_plan, bulletin_day=3)
    SupervisionRule.objects.create(plan=zone.plan, bulletin_day=12)
    client.force_login(zone_admin)
    notices = client.get(reverse("admin:supervision_notice_changelist")).content.decode()
    assert own.title in notices and "他区指标" not in notices
    rules = client.get(reverse("admin:supervision_supervisionrule_changelist")).content.decode()
    assert "2014年工作要点" in rules and "他区要点" not in rules


def test_notices_are_read_only_in_the_admin(client, zone, issue):
    from tests.factories import UserFactory

    notice = issue(zone.serious).notices[0]
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:supervision_notice_change", args=[notice.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:supervision_notice_add")).status_code == 403


def test_the_rules_form_offers_only_the_zones_plans(client, zone, zone_admin):
    client.force_login(zone_admin)
    page = client.get(reverse("admin:supervision_supervisionrule_add")).content.decode()
    assert "2014年工作要点" in page and "他区要点" not in page
