"""The supervision tests' zone (units, roles, targets in every state, another zone) serves
the security tests too, with the roles they add: an administrator of another zone and a
region's viewer."""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from progress.models import Attachment, LateReportRequest
from supervision.instruction_services import instruction_create
from supervision.instructions import subject_of
from supervision.services import bulletin_generate
from tests.factories import MembershipFactory, UserFactory
from tests.supervision.conftest import clock_at, fast_passwords, issue, zone  # noqa: F401  (fixtures)
from zones.choices import Role
from zones.models import RegionAccess

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def world(zone, issue, settings, tmp_path):  # noqa: F811
    """Every kind of object a page is about, in ``zone``, and one user per role."""
    settings.MEDIA_ROOT = tmp_path / "media"
    foreign_admin = MembershipFactory(
        user=UserFactory(username="foreign_admin"), zone=zone.other_plan.zone, unit=None, role=Role.ADMIN
    ).user
    region_viewer = UserFactory(username="region_viewer")
    RegionAccess.objects.create(user=region_viewer, region=zone.zone.region)
    notice = issue(zone.serious).notices[0]
    settings.OFFICE_PDF = False  # no LibreOffice run: the PDF is stood in for, so its page answers alike everywhere
    bulletin = bulletin_generate(plan=zone.plan, period=zone.period, by=zone.supervisor, today=zone.today)
    bulletin.pdf.save("bulletin.pdf", ContentFile(PDF))
    report = zone.on_track.reports.get(year=2014, month=6)
    attachment = Attachment(
        report=report,
        name="验收报告.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=zone.staff,
        uploaded_at=timezone.now(),
    )
    attachment.file.save("upload.pdf", ContentFile(PDF))
    late_request = LateReportRequest.objects.create(
        plan=zone.plan,
        unit=zone.econ,
        year=2014,
        month=5,
        reason="五月数据需补报",
        requested_by=zone.staff,
        requested_at=timezone.now(),
    )
    instruction = instruction_create(subject=subject_of(target=zone.serious), by=zone.leader, text="请加快新开工项目")
    users = {
        "staff": zone.staff,  # staff of the unit the objects belong to (经济发展局)
        "other_staff": zone.invest_staff,  # staff of another unit of the zone
        "reviewer": zone.reviewer,
        "leader": zone.leader,
        "supervisor": zone.supervisor,
        "admin": zone.admin,
        "foreign_admin": foreign_admin,
        "region_viewer": region_viewer,
    }
    return SimpleNamespace(
        zone=zone,
        notice=notice,
        bulletin=bulletin,
        report=report,
        attachment=attachment,
        late_request=late_request,
        instruction=instruction,
        users=users,
    )
