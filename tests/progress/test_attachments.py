"""Evidence (佐证材料) on reports: what is accepted (by content, within the size limit), who may
add, remove and open it and when, what the history says, and where reviewers and the zone see it."""

from __future__ import annotations

import hashlib
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation

from progress.choices import ReportStatus
from progress.history import history_entries
from progress.models import Attachment, Report, ReportEvent
from progress.selectors import report_history
from tests.factories import MembershipFactory, ReportFactory, TargetFactory, TaskFactory, UserFactory, ZoneFactory
from zones.choices import Role
from zones.models import RegionAccess

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 40
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 40
EXE = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff" + b"\0" * 64


def zip_of(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("项目验收意见")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def setting(desk, settings, tmp_path, client):
    """Files stored under a fresh MEDIA_ROOT; the clock inside March's open period; English."""
    settings.MEDIA_ROOT = tmp_path / "media"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with mock.patch("core.clock.today", return_value=desk.today), translation.override("en"):
        yield


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload_url(desk, target=None, unit=None, period="2026-03") -> str:
    target = target or desk.amount
    kwargs = {"plan_id": desk.plan.pk, "unit_id": (unit or desk.unit).pk, "period": period, "target_id": target.pk}
    return reverse("progress:attachment_upload", kwargs=kwargs)


def upload(client, desk, name: str, data: bytes, **where):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        upload_url(desk, **where), {"file": SimpleUploadedFile(name, data)}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )


def message_of(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


# --- what is accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type", "kept_name"),
    [
        ("验收报告.pdf", lambda: PDF, "application/pdf", "验收报告.pdf"),
        ("现场.PNG", lambda: PNG, "image/png", "现场.png"),
        ("现场照片.jpeg", lambda: JPEG, "image/jpeg", "现场照片.jpeg"),
        ("会议纪要.docx", docx_bytes, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "会议纪要.docx"),
        ("台账.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "台账.xlsx"),
        ("扫描件", lambda: PDF, "application/pdf", "扫描件.pdf"),  # no extension: the content's is added
        ("C:\\Users\\张三\\照片.jpg", lambda: PNG, "image/png", "照片.jpg.png"),  # the path goes, the kind is told
    ],
    ids=["pdf", "png", "jpeg", "docx", "xlsx", "no-extension", "windows-path-and-wrong-extension"],
)  # fmt: skip
def test_staff_attach_a_file_its_content_decides_its_type(client, desk, settings, name, data, content_type, kept_name):
    client.force_login(desk.staff)
    content = data()
    response = upload(client, desk, name, content)
    assert response.redirect_chain[-1][0].endswith(f"/periods/2026-03/#row-{desk.amount.pk}")
    assert "Attached" in message_of(response)
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.content_type, attachment.size) == (kept_name, content_type, len(content))
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.uploaded_by == desk.staff and attachment.report.target == desk.amount
    assert attachment.report.status == ReportStatus.DRAFT  # a draft holds the file until the figure comes
    (path,) = stored_files(settings)
    assert path.read_bytes() == content and name not in str(path)  # stored under a random name


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("报告.pdf", lambda: EXE, "is not a PDF"),  # a program renamed
        ("报告.exe", lambda: EXE, "is not a PDF"),
        ("纪要.docx", lambda: zip_of({"a.txt": b"hello"}), "is not a PDF"),  # a zip that is no document
        ("宏.docx", lambda: zip_of({"[Content_Types].xml": b"<x/>", "_rels/.rels": b"<x/>",
                                   "word/document.xml": b"<x/>", "word/vbaProject.bin": b"\0"}), "is not a PDF"),
        ("旧版.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "save the file as .docx or .xlsx"),
        ("页面.html", lambda: b"<html><script>alert(1)</script></html>", "is not a PDF"),
        ("空.pdf", lambda: b"", "The file is empty"),
    ],
    ids=["exe-as-pdf", "exe", "bare-zip-as-docx", "macro-docx", "old-doc", "html", "empty"],
)  # fmt: skip
def test_a_file_not_of_an_accepted_kind_is_refused_whatever_its_name(client, desk, settings, name, data, words):
    client.force_login(desk.staff)
    response = upload(client, desk, name, data())
    assert response.status_code == 200  # back on the period form, never a 500
    assert words in message_of(response) and "was not attached" in message_of(response)
    assert not Attachment.objects.exists() and not Report.objects.exists() and not ReportEvent.objects.exists()
    assert stored_files(settings) == []


def test_a_file_over_the_evidence_limit_is_refused_and_only_limit_plus_one_byte_is_read(client, desk, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    client.force_login(desk.staff)
    with mock.patch("progress.views_attachments.attachment_add", wraps=__import__(
        "progress.attachments", fromlist=["attachment_add"]).attachment_add) as add:  # fmt: skip
        response = upload(client, desk, "大文件.pdf", PDF + b"\0" * (3 * 1024 * 1024))
    assert "larger than 1 MB" in message_of(response)
    assert len(add.call_args.kwargs["data"]) == 1024 * 1024 + 1  # the handler dropped the rest
    assert not Attachment.objects.exists() and stored_files(settings) == []


def test_evidence_may_be_larger_than_the_other_uploads(client, desk, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024  # a plan or a sheet
    settings.ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024
    client.force_login(desk.staff)
    content = PDF + b"\0" * (2 * 1024 * 1024)
    upload(client, desk, "扫描件.pdf", content)
    assert Attachment.objects.get().size == len(content)


def test_a_post_without_a_file_says_so_and_changes_nothing(client, desk):
    client.force_login(desk.staff)
    response = client.post(upload_url(desk), {}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Choose a file" in message_of(response)
    assert not Report.objects.exists()


@pytest.mark.parametrize("period", ["2026-13", "abc", "1999-01"])
def test_an_odd_period_is_not_found_or_refused_never_a_500(client, desk, period):
    client.force_login(desk.staff)
    response = upload(client, desk, "a.pdf", PDF, period=period)
    assert response.status_code in (200, 404)
    assert not Attachment.objects.exists()


# --- who and when ---------------------------------------------------------------------------------


def test_only_the_units_staff_upload(client, desk):
    for user in (desk.reviewer, desk.other_staff):
        client.force_login(user)
        assert upload(client, desk, "a.pdf", PDF).status_code == 403
    client.force_login(desk.other_staff)  # another unit's target under this unit's address
    assert upload(client, desk, "a.pdf", PDF, target=desk.other_target).status_code == 404
    assert not Attachment.objects.exists()


def test_after_submitting_the_evidence_is_fixed(client, desk, settings):
    client.force_login(desk.staff)
    upload(client, desk, "a.pdf", PDF)
    attachment = Attachment.objects.get()
    Report.objects.filter(pk=attachment.report_id).update(
        status=ReportStatus.SUBMITTED, value=Decimal(3), submitted_at=attachment.uploaded_at
    )
    response = upload(client, desk, "b.pdf", PDF)
    assert "its evidence is fixed" in message_of(response)
    response = client.post(reverse("progress:attachment_remove", args=[attachment.pk]), follow=True)
    assert "its evidence is fixed" in message_of(response)
    assert Attachment.objects.filter(removed_at__isnull=True).count() == 1


def test_a_returned_report_takes_evidence_again(client, desk):
    report = ReportFactory(
        target=desk.amount, year=2026, month=3, value=Decimal(3), status=ReportStatus.RETURNED,
        submitted_at="2026-04-01T09:00+08:00", returned_at="2026-04-01T10:00+08:00", return_reason="缺佐证",
    )  # fmt: skip
    client.force_login(desk.staff)
    upload(client, desk, "补充.pdf", PDF)
    assert Attachment.objects.get().report == report


def test_a_closed_period_takes_no_evidence(client, desk):
    client.force_login(desk.staff)
    with mock.patch("core.clock.today", return_value=desk.today.replace(month=5)):
        response = upload(client, desk, "a.pdf", PDF)
    assert "was not attached" in message_of(response)
    assert not Attachment.objects.exists()


def test_removing_keeps_the_file_marked_and_the_history_says_what_was_added_and_removed(client, desk, settings):
    client.force_login(desk.staff)
    upload(client, desk, "验收报告.pdf", PDF)
    attachment = Attachment.objects.get()
    response = client.post(reverse("progress:attachment_remove", args=[attachment.pk]), follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#row-{desk.amount.pk}")
    attachment.refresh_from_db()
    assert attachment.removed and attachment.removed_by == desk.staff
    assert len(stored_files(settings)) == 1  # the bytes stay for the record
    with translation.override("en"):  # each request set its own language
        entries = history_entries(report_history(target=desk.amount))
        assert [entry.event.get_action_display() for entry in entries] == ["Evidence removed", "Evidence attached"]
        removed, added = (entry.changes[0] for entry in entries)
    words = "验收报告.pdf"
    assert (added.field, added.old, added.new) == ("Evidence", "—", words)
    assert (removed.field, removed.old, removed.new) == ("Evidence", words, "—")
    page = client.get(reverse("progress:target", args=[desk.amount.pk])).content.decode()
    assert "Evidence removed" in page and "验收报告.pdf" in page
    chinese = client.get(reverse("progress:target", args=[desk.amount.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "删除佐证材料" in chinese.content.decode() and "上传佐证材料" in chinese.content.decode()
    assert client.get(reverse("progress:attachment", args=[attachment.pk])).status_code == 404


def test_only_the_units_staff_remove(client, desk):
    client.force_login(desk.staff)
    upload(client, desk, "a.pdf", PDF)
    attachment = Attachment.objects.get()
    for user in (desk.reviewer, desk.other_staff):
        client.force_login(user)
        assert client.post(reverse("progress:attachment_remove", args=[attachment.pk])).status_code == 403
    assert client.get(reverse("progress:attachment_remove", args=[attachment.pk])).status_code == 405
    assert not Attachment.objects.get().removed


# --- who opens it ---------------------------------------------------------------------------------


@pytest.fixture
def evidence(client, desk):
    client.force_login(desk.staff)
    upload(client, desk, "验收 报告.pdf", PDF)
    client.logout()
    return Attachment.objects.get()


def zone_member(desk, role, zone=None):
    return MembershipFactory(user=UserFactory(), zone=zone or desk.plan.zone, unit=None, role=role).user


def test_the_unit_and_its_zones_leaders_supervision_and_administrators_open_evidence(client, desk, evidence):
    readers = [
        desk.staff,
        desk.reviewer,
        *(zone_member(desk, role) for role in (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)),
    ]
    for user in readers:
        client.force_login(user)
        response = client.get(reverse("progress:attachment", args=[evidence.pk]))
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Disposition"].startswith('attachment; filename="evidence-')
        assert "filename*=UTF-8''%E9%AA%8C%E6%94%B6%20%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]


def test_other_units_other_zones_and_region_viewers_do_not_open_evidence(client, desk, evidence):
    co_staff = desk.other_staff
    desk.task.co_units.add(desk.other_unit)  # reads the task's reports, not its documents
    other_zone = ZoneFactory()
    region_viewer = UserFactory()
    RegionAccess.objects.create(user=region_viewer, region=desk.plan.zone.region)
    for user in (co_staff, zone_member(desk, Role.LEADER, zone=other_zone), region_viewer):
        client.force_login(user)
        assert client.get(reverse("progress:attachment", args=[evidence.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("progress:attachment", args=[evidence.pk])).status_code == 302  # to the login


def test_a_missing_stored_file_is_not_found_not_a_500(client, desk, evidence, settings):
    for path in stored_files(settings):
        path.unlink()
    client.force_login(desk.reviewer)
    assert client.get(reverse("progress:attachment", args=[evidence.pk])).status_code == 404


# --- where it shows -------------------------------------------------------------------------------


def test_the_period_form_lists_the_rows_files_and_offers_an_upload_per_editable_row(client, desk, evidence):
    client.force_login(desk.staff)
    page = client.get(reverse("progress:period", args=[desk.plan.pk, desk.unit.pk, "2026-03"])).content.decode()
    link = reverse("progress:attachment", args=[evidence.pk])
    assert f'href="{link}"' in page and "验收 报告.pdf" in page
    for target in (desk.amount, desk.growth, desk.count):
        assert f'id="evidence-{target.pk}"' in page and f'form="evidence-{target.pk}"' in page
    assert reverse("progress:attachment_remove", args=[evidence.pk]) in page
    # A co-operating unit reads the row, not the file.
    desk.task.co_units.add(desk.other_unit)
    client.force_login(desk.other_staff)
    page = client.get(reverse("progress:period", args=[desk.plan.pk, desk.unit.pk, "2026-03"])).content.decode()
    assert "固定资产投资" in page and link not in page and 'id="evidence-' not in page


def test_the_period_form_reads_evidence_in_one_query_whatever_the_rows(client, desk, django_assert_max_num_queries):
    client.force_login(desk.staff)
    url = reverse("progress:period", args=[desk.plan.pk, desk.unit.pk, "2026-03"])
    upload(client, desk, "a.pdf", PDF)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    first = len(few)  # read now: the next request clears the connection's log
    for n in range(4):
        target = TargetFactory(task=TaskFactory(plan=desk.plan, lead_unit=desk.unit), indicator=f"追加{n}")
        upload(client, desk, f"{n}.pdf", PDF, target=target)
        upload(client, desk, f"{n}b.png", PNG, target=target)
    with django_assert_max_num_queries(first):
        client.get(url)


def test_the_reviewer_sees_the_submitted_reports_files(client, desk, evidence):
    Report.objects.filter(pk=evidence.report_id).update(
        status=ReportStatus.SUBMITTED, value=Decimal(3), submitted_at=evidence.uploaded_at, submitted_by=desk.staff
    )
    client.force_login(desk.reviewer)
    page = client.get(reverse("progress:review")).content.decode()
    assert reverse("progress:attachment", args=[evidence.pk]) in page and "验收 报告.pdf" in page


def test_the_target_page_shows_files_to_the_zone_not_to_a_co_operating_unit(client, desk, evidence):
    link = reverse("progress:attachment", args=[evidence.pk])
    client.force_login(zone_member(desk, Role.SUPERVISOR))
    assert link in client.get(reverse("progress:target", args=[desk.amount.pk])).content.decode()
    desk.task.co_units.add(desk.other_unit)
    client.force_login(desk.other_staff)
    page = client.get(reverse("progress:target", args=[desk.amount.pk]))
    assert page.status_code == 200 and link not in page.content.decode()


def test_a_name_keeps_no_character_a_file_system_or_a_sheet_cannot_take():
    from core.uploads import PDF as PDF_KIND
    from core.uploads import safe_filename

    assert safe_filename('a\x0bb<c>:"d\ud800.pdf', kind=PDF_KIND) == "a_b_c___d.pdf"
    assert safe_filename("../../etc/passwd", kind=PDF_KIND) == "passwd.pdf"
    assert safe_filename("...", kind=PDF_KIND) == "evidence.pdf"
    assert len(safe_filename("长" * 300 + ".pdf", kind=PDF_KIND)) == 120


def test_a_report_created_meanwhile_takes_the_file(desk):
    """Another request created the row's report after this one read the rows: the file goes to
    that report, never a second report of the same target and month (nor a 500)."""
    from progress import selectors
    from progress.attachments import attachment_add

    def rows_read_before(**kwargs):
        return [row.__class__(row.target, None, row.previous, row.before_previous) for row in
                selectors.period_rows(**kwargs)]  # fmt: skip

    existing = ReportFactory(target=desk.amount, year=2026, month=3, value=None, status=ReportStatus.DRAFT)
    with mock.patch("progress.attachments.period_rows", rows_read_before):
        attachment = attachment_add(
            plan=desk.plan, unit=desk.unit, period=desk.period, target=desk.amount, name="a.pdf", data=PDF,
            by=desk.staff,
        )  # fmt: skip
    assert attachment.report == existing and Report.objects.count() == 1


def test_the_admin_lists_evidence_read_only_and_opens_it_through_the_checked_download(admin_client, desk, evidence):
    listing = admin_client.get("/admin/progress/attachment/")
    assert listing.status_code == 200 and "验收 报告.pdf" in listing.content.decode()
    page = admin_client.get(f"/admin/progress/attachment/{evidence.pk}/change/").content.decode()
    assert reverse("progress:attachment", args=[evidence.pk]) in page and 'name="name"' not in page
    assert admin_client.post(f"/admin/progress/attachment/{evidence.pk}/delete/").status_code == 403


def test_with_csrf_enforced_the_token_is_checked_after_the_evidence_limit_is_set(desk, settings):
    """The view sets its own upload limit before anything reads the body, so it checks the CSRF
    token itself: a post without the token is refused, one with it takes a file larger than the
    other uploads' limit."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    settings.ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(desk.staff)
    content = PDF + b"\0" * (2 * 1024 * 1024)
    refused = browser.post(upload_url(desk), {"file": SimpleUploadedFile("a.pdf", content)})
    assert refused.status_code == 403 and not Attachment.objects.exists()
    browser.get(reverse("progress:period", args=[desk.plan.pk, desk.unit.pk, "2026-03"]))
    token = browser.cookies["csrftoken"].value
    taken = browser.post(upload_url(desk), {"file": SimpleUploadedFile("a.pdf", content), "csrfmiddlewaretoken": token})
    assert taken.status_code == 302
    assert Attachment.objects.get().size == len(content)
