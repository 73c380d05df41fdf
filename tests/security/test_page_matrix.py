"""Who may open which page: every page of the site (the API has its own matrix in tests/api)
against every role, with the status each must get.

The pages are enumerated from the URL resolver, so a new page fails
``test_every_page_is_in_the_matrix`` until it is given its row here. Anonymous visitors are
sent to the login page; a user outside the page's zone or unit is refused (403 or 404, or for
the filtered supervision lists a refusal of the filter) and sees nothing of the zone; the roles
the page is for get it. Requests that would change something carry valid data, so that the
permission, not a form error, decides; each runs in a savepoint that is rolled back, so every
role meets the same world.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from imports.forms import Proposal, proposal_sign
from imports.services import plan_parse
from tests.factories import UserFactory
from zones.models import ZoneWebhook
from zones.services import zone_admin_group_ensure

ROLES = (
    "anonymous",
    "staff",  # staff of the unit the objects belong to
    "other_staff",  # staff of another unit of the same zone
    "reviewer",
    "leader",
    "supervisor",
    "admin",
    "foreign_admin",  # administrator of another zone
    "region_viewer",
)
READERS = frozenset({"leader", "supervisor", "admin", "region_viewer"})  # read the whole zone
UNIT = frozenset({"staff", "reviewer"})
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
DENIED = (403, 404)
# The supervision lists refuse a plan of another zone as a filter they cannot apply (400), or
# send the user back to the list (302); either way nothing of that zone is shown.
FILTER_REFUSED = (302, 400, 403, 404)
# Outside this matrix: the API (tests/api has its matrix) and Django's admin (staff only, below).
OUTSIDE = ("api/", "admin/")
PUBLIC = {
    "login",
    "logout",
    "set_language",
    "password_reset_confirm",
    "password_reset_complete",
    "password_reset",
    "password_reset_done",
}
ZONE_ADMIN = frozenset({"admin"})


@dataclass(frozen=True)
class Page:
    url: Callable[[SimpleNamespace], str]
    allowed: frozenset[str]
    ok: tuple[int, ...] = (200,)
    denied: tuple[int, ...] = DENIED
    method: str = "get"
    data: Callable[[SimpleNamespace], dict] | None = None
    # Pages every user may open but that list only what is theirs: the text that must show to
    # ``seen_by`` and to no one else.
    reveals: Callable[[SimpleNamespace], str] | None = None
    seen_by: frozenset[str] = frozenset()


def period_url(w, tail: str = "") -> str:
    return f"/progress/plans/{w.zone.plan.pk}/units/{w.zone.econ.pk}/periods/2014-06/{tail}"


def robot(w) -> ZoneWebhook:
    """The zone's group robot (made again after the administrator's delete)."""
    return ZoneWebhook.objects.get_or_create(
        zone=w.zone.zone, name="工作群", defaults={"kind": "wecom", "url": "https://example.com/robot"}
    )[0]


def plan_id(w) -> int:
    return w.zone.plan.pk


def import_payload(w) -> dict:
    parsed = plan_parse(text="一、发展目标\n1.新增企业5家。\n", year=2015)
    proposal = Proposal(user_id=w.users["admin"].pk, zone_id=w.zone.zone.pk, end_year=None, title="", parsed=parsed)
    return {"payload": proposal_sign(proposal)}


MATRIX: dict[str, Page] = {
    "home": Page(
        lambda w: "/", SIGNED_IN, reveals=lambda w: w.zone.plan.title, seen_by=READERS | UNIT | {"other_staff"}
    ),
    # The bell: each person's own notifications (the notice issued to 经济发展局 told its staff and reviewer).
    "notifications": Page(lambda w: "/notifications/", SIGNED_IN, reveals=lambda w: w.notice.number, seen_by=UNIT),
    "notification_open": Page(
        lambda w: f"/notifications/{w.users['staff'].notifications.filter(kind='notice_issued').get().pk}/",
        frozenset({"staff"}),
        ok=(302,),
    ),
    # How each person is told (everyone, their own), and the zone's group robots (its administrators).
    "notification_settings": Page(lambda w: "/notifications/settings/", SIGNED_IN),
    "zone_webhooks": Page(lambda w: f"/notifications/zones/{w.zone.zone.pk}/robots/", frozenset({"admin"})),
    "zone_webhook_edit": Page(
        lambda w: f"/notifications/zones/{w.zone.zone.pk}/robots/{robot(w).pk}/", frozenset({"admin"})
    ),
    "zone_webhook_delete": Page(
        lambda w: f"/notifications/zones/{w.zone.zone.pk}/robots/{robot(w).pk}/delete/",
        frozenset({"admin"}),
        ok=(302,),
        method="post",
        data=lambda w: {},
    ),
    # Reporting
    "progress:mine": Page(
        lambda w: "/progress/", SIGNED_IN, reveals=lambda w: w.zone.on_track.indicator, seen_by=frozenset({"staff"})
    ),
    "progress:review": Page(lambda w: "/progress/review/", frozenset({"reviewer"})),
    # Withdrawing a submission: the unit's staff only (an approved report is refused with a
    # message and the user is sent back; the others are refused outright).
    "progress:withdraw": Page(
        lambda w: "/progress/withdraw/",
        frozenset({"staff"}),
        ok=(302,),
        method="post",
        data=lambda w: {"report": [w.report.pk]},
    ),
    "progress:plan_periods": Page(lambda w: f"/progress/plans/{plan_id(w)}/units/{w.zone.econ.pk}/", READERS | UNIT),
    "progress:period": Page(period_url, READERS | UNIT),
    # The period form's autosave: the unit's staff only (409 when the month is closed, as the world's may be).
    "progress:period_draft": Page(
        lambda w: period_url(w, "draft/"), frozenset({"staff"}), ok=(200, 409), method="post", data=lambda w: {}
    ),
    "progress:reopen": Page(lambda w: f"/progress/plans/{plan_id(w)}/reopen/", frozenset({"admin"})),
    # The publish page (its checklist and the reporting start): the zone's administration only.
    "progress:publish": Page(lambda w: f"/progress/plans/{plan_id(w)}/publish/", frozenset({"admin"})),
    # Late-report requests (补报申请): the unit's staff ask, the zone office decides, the unit and
    # the zone's readers read them.
    "progress:late_request_new": Page(
        lambda w: f"/progress/plans/{plan_id(w)}/units/{w.zone.econ.pk}/periods/2014-05/late-request/",
        frozenset({"staff"}),
    ),
    "progress:late_requests": Page(
        lambda w: "/progress/late-requests/?status=all",
        SIGNED_IN,
        reveals=lambda w: w.late_request.reason,
        seen_by=READERS | UNIT,
    ),
    "progress:late_request": Page(lambda w: f"/progress/late-requests/{w.late_request.pk}/", READERS | UNIT),
    "progress:late_request_decide": Page(
        lambda w: f"/progress/late-requests/{w.late_request.pk}/decide/",
        frozenset({"admin"}),
        ok=(302,),
        method="post",
        data=lambda w: {"action": "refuse", "reason": "五月数据已齐"},
    ),
    "progress:target": Page(lambda w: f"/progress/targets/{w.zone.on_track.pk}/", READERS | UNIT),
    "progress:correct": Page(
        lambda w: f"/progress/reports/{w.report.pk}/correct/",
        frozenset({"reviewer", "admin"}),
        ok=(302,),
        method="post",
        data=lambda w: {"value": "61", "reason": "口径调整", "version": w.report.version},
    ),
    # Evidence (佐证材料): the unit's staff add and remove it; the unit and its zone's leaders,
    # supervision and administrators open it (not a region's viewer, not another unit).
    "progress:attachment_upload": Page(
        lambda w: period_url(w, f"targets/{w.zone.on_track.pk}/attachments/"),
        frozenset({"staff"}),
        ok=(302,),
        method="post",
        data=lambda w: {"file": SimpleUploadedFile("照片.pdf", b"%PDF-1.7\n%%EOF\n")},
    ),
    "progress:attachment_remove": Page(
        lambda w: f"/progress/attachments/{w.attachment.pk}/remove/", frozenset({"staff"}), ok=(302,), method="post"
    ),
    "progress:attachment": Page(
        lambda w: f"/progress/attachments/{w.attachment.pk}/", UNIT | {"leader", "supervisor", "admin"}
    ),
    "progress:sheet_download": Page(lambda w: period_url(w, "sheet.xlsx"), UNIT),
    "progress:sheet_upload": Page(lambda w: period_url(w, "sheet/upload/"), frozenset({"staff"})),
    "progress:sheet_confirm": Page(
        lambda w: period_url(w, "sheet/confirm/"), frozenset({"staff"}), ok=(302,), method="post"
    ),
    # Dashboard
    "dashboard:index": Page(lambda w: "/dashboard/", READERS | {"foreign_admin"}, ok=(200, 302)),
    "dashboard:mine": Page(
        lambda w: "/dashboard/mine/", SIGNED_IN, reveals=lambda w: "推进项目建设", seen_by=frozenset({"leader"})
    ),
    "dashboard:plan": Page(lambda w: f"/dashboard/plans/{plan_id(w)}/", READERS),
    "dashboard:tree": Page(lambda w: f"/dashboard/plans/{plan_id(w)}/tree/", READERS),
    "dashboard:region": Page(lambda w: f"/dashboard/regions/{w.zone.zone.region_id}/", READERS),
    # Supervision
    "supervision:index": Page(lambda w: f"/supervision/?plan={plan_id(w)}", READERS, denied=FILTER_REFUSED),
    "supervision:export_xlsx": Page(
        lambda w: f"/supervision/export.xlsx?plan={plan_id(w)}", READERS, denied=FILTER_REFUSED
    ),
    "supervision:export_csv": Page(
        lambda w: f"/supervision/export.csv?plan={plan_id(w)}", READERS, denied=FILTER_REFUSED
    ),
    "supervision:notices": Page(
        lambda w: "/supervision/notices/", SIGNED_IN, reveals=lambda w: w.notice.number, seen_by=READERS | UNIT
    ),
    "supervision:notice_new": Page(
        lambda w: f"/supervision/notices/new/?target={w.zone.lagging.pk}&period=2014-06",
        frozenset({"supervisor", "admin"}),
        denied=FILTER_REFUSED,
    ),
    "supervision:notice": Page(lambda w: f"/supervision/notices/{w.notice.pk}/", READERS | UNIT),
    "supervision:notice_act": Page(
        lambda w: f"/supervision/notices/{w.notice.pk}/close/",
        frozenset({"supervisor", "admin"}),
        ok=(302,),
        method="post",
        data=lambda w: {"note": "已整改到位", "confirm": "on"},  # its item still lags: closing is confirmed
    ),
    # Leaders' instructions: the zone's readers and the answering unit read them; leaders write,
    # the unit answers, the author marks the answer read.
    "supervision:instructions": Page(
        lambda w: "/supervision/instructions/",
        SIGNED_IN,
        reveals=lambda w: w.instruction.text,
        seen_by=READERS | UNIT,
    ),
    "supervision:instructions_xlsx": Page(lambda w: "/supervision/instructions/export.xlsx", SIGNED_IN),
    "supervision:instruction": Page(lambda w: f"/supervision/instructions/{w.instruction.pk}/", READERS | UNIT),
    "supervision:instruction_new": Page(
        lambda w: "/supervision/instructions/new/",
        frozenset({"leader"}),
        ok=(302,),
        method="post",
        data=lambda w: {"subject": "target", "subject_id": w.zone.lagging.pk, "text": "请分析原因"},
    ),
    "supervision:instruction_answer": Page(
        lambda w: f"/supervision/instructions/{w.instruction.pk}/answer/",
        UNIT,
        ok=(302,),
        method="post",
        data=lambda w: {"answer": "已部署整改"},
    ),
    "supervision:instruction_read": Page(
        lambda w: f"/supervision/instructions/{w.instruction.pk}/read/",
        frozenset({"leader"}),
        ok=(302,),
        method="post",
    ),
    "supervision:ranking": Page(lambda w: f"/supervision/ranking/?plan={plan_id(w)}", READERS),
    "supervision:ledger": Page(
        lambda w: f"/supervision/ledger/?plan={plan_id(w)}",
        READERS | UNIT | {"other_staff"},
        reveals=lambda w: f"/supervision/ledger/{plan_id(w)}/units/{w.zone.econ.pk}.xlsx",
        seen_by=READERS | UNIT,
    ),
    "supervision:ledger_unit": Page(
        lambda w: f"/supervision/ledger/{plan_id(w)}/units/{w.zone.econ.pk}.xlsx", READERS | UNIT
    ),
    "supervision:ledger_leader": Page(
        lambda w: f"/supervision/ledger/{plan_id(w)}/leaders/{w.zone.leader.pk}.xlsx", READERS
    ),
    "supervision:bulletins": Page(lambda w: f"/supervision/bulletins/?plan={plan_id(w)}", READERS),
    # The record of exports: any zone's administrator, who sees their own zone's records only
    # (tests/supervision/test_export_layout.py).
    "supervision:export_records": Page(lambda w: "/supervision/exports/", frozenset({"admin", "foreign_admin"})),
    "supervision:bulletin_download": Page(lambda w: f"/supervision/bulletins/{w.bulletin.pk}/download/", READERS),
    "supervision:bulletin_pdf": Page(lambda w: f"/supervision/bulletins/{w.bulletin.pk}/pdf/", READERS),
    # Plan import: any zone's administrator starts one; a review and a plan are their zone's.
    "imports:new": Page(lambda w: "/imports/new/", frozenset({"admin", "foreign_admin"})),
    "imports:review": Page(lambda w: "/imports/review/", frozenset({"admin"}), method="post", data=import_payload),
    "imports:plan": Page(lambda w: f"/imports/plans/{plan_id(w)}/", frozenset({"admin"})),
    # Self-service: every account's own page and password.
    "account": Page(lambda w: "/accounts/", SIGNED_IN),
    "password_change": Page(lambda w: "/accounts/password_change/", SIGNED_IN),
    "password_change_done": Page(lambda w: "/accounts/password_change/done/", SIGNED_IN),
    # People: the zone's administrators, for their own zone's people; a new zone: superusers only.
    "zones:people_home": Page(lambda w: "/people/", frozenset({"admin", "foreign_admin"}), ok=(302,)),
    "zones:zone_new": Page(lambda w: "/people/new-zone/", frozenset()),
    "zones:people": Page(
        lambda w: f"/people/{w.zone.zone.pk}/", ZONE_ADMIN, reveals=lambda w: "econ_staff", seen_by=ZONE_ADMIN
    ),
    "zones:person_new": Page(lambda w: f"/people/{w.zone.zone.pk}/new/", ZONE_ADMIN),
    "zones:units": Page(lambda w: f"/people/{w.zone.zone.pk}/units/", ZONE_ADMIN),
    "zones:unit_edit": Page(lambda w: f"/people/{w.zone.zone.pk}/units/{w.zone.econ.pk}/", ZONE_ADMIN),
    "zones:people_import": Page(lambda w: f"/people/{w.zone.zone.pk}/import/", ZONE_ADMIN),
    "zones:people_template": Page(lambda w: f"/people/{w.zone.zone.pk}/import/template.xlsx", ZONE_ADMIN),
    "zones:person_edit": Page(lambda w: f"/people/{w.zone.zone.pk}/{w.users['staff'].pk}/", ZONE_ADMIN),
    "zones:person_active": Page(
        lambda w: f"/people/{w.zone.zone.pk}/{w.users['staff'].pk}/active/",
        ZONE_ADMIN,
        ok=(302,),
        method="post",
        data=lambda w: {"active": "0"},
    ),
    "zones:person_invite": Page(
        lambda w: f"/people/{w.zone.zone.pk}/{w.users['staff'].pk}/invite/", ZONE_ADMIN, ok=(302,), method="post"
    ),
    # A plan's assignment: its zone's administrators only.
    "targets:assign": Page(lambda w: f"/plans/{plan_id(w)}/assignment/", frozenset({"admin"})),
    # A plan's last year's figures, its sheet and the sheet's upload: its zone's administrators only.
    "last_year:page": Page(lambda w: f"/plans/{plan_id(w)}/last-year/", ZONE_ADMIN),
    "last_year:sheet": Page(lambda w: f"/plans/{plan_id(w)}/last-year/sheet.xlsx", ZONE_ADMIN),
    "last_year:upload": Page(
        lambda w: f"/plans/{plan_id(w)}/last-year/upload/", ZONE_ADMIN, ok=(200, 400), method="post"
    ),
    "last_year:confirm": Page(
        lambda w: f"/plans/{plan_id(w)}/last-year/confirm/", ZONE_ADMIN, ok=(302,), method="post"
    ),
}


def page_names() -> set[str]:
    def walk(patterns, namespace: str = ""):
        for pattern in patterns:
            if str(pattern.pattern).startswith(OUTSIDE):
                continue
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver().url_patterns))


def clients_of(w) -> dict[str, Client]:
    """One client per role, signed in as that role (anonymous: not signed in)."""
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if role != "anonymous":
            clients[role].force_login(w.users[role])
    return clients


def visit(w, client: Client, page: Page):
    """The response of one role to one page, with whatever it changed rolled back."""
    data = page.data(w) if page.data else {}
    with transaction.atomic():
        response = getattr(client, page.method)(page.url(w), data)
        transaction.set_rollback(True)
    return response


def body(response) -> str:
    if getattr(response, "streaming", False) or "html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode()


def problems_of(w, clients: dict[str, Client], name: str, page: Page) -> list[str]:
    problems = []
    secrets = [w.zone.serious.indicator, w.notice.title]
    for role in ROLES:
        response = visit(w, clients[role], page)
        status, location, text = response.status_code, response.get("Location", ""), body(response)
        where = f"{name} as {role}: {status} {location}".rstrip()
        if role == "anonymous":
            if status != 302 or not location.startswith("/accounts/login/?next="):
                problems.append(f"{where} (expected 302 to the login page)")
            continue
        if role in page.allowed:
            if status not in page.ok or location.startswith("/accounts/login/"):
                problems.append(f"{where} (expected {page.ok})")
        elif status not in page.denied:
            problems.append(f"{where} (expected a refusal {page.denied})")
        elif any(secret in text for secret in secrets):
            problems.append(f"{where} shows another zone's or unit's items")
        if page.reveals is not None and status == 200:
            shown = page.reveals(w) in text
            if shown != (role in page.seen_by):
                problems.append(f"{where} {'shows' if shown else 'does not show'} {page.reveals(w)!r}")
    return problems


def test_every_page_is_in_the_matrix():
    missing = page_names() - PUBLIC - set(MATRIX)
    assert not missing, f"pages without a row in the permission matrix: {sorted(missing)}"
    assert not set(MATRIX) - page_names(), "rows for pages that no longer exist"


def test_every_role_gets_its_status_on_every_page(world):
    clients = clients_of(world)
    problems = [problem for name, page in MATRIX.items() for problem in problems_of(world, clients, name, page)]
    assert not problems, "\n".join(problems)


# Django's admin: the user pages, for every role. Zone administrators hold the staff flag and the
# group, as the demo sets them up; a superuser runs the site. A zone administrator manages only the
# people of their own zones and never sets a password (they send the password e-mail instead).
ADMIN_ROLES = ("anonymous", "superuser", "admin", "foreign_admin", "staff", "reviewer", "leader", "supervisor")
NOT_STAFF = frozenset({"staff", "reviewer", "leader", "supervisor"})
ZONE_ADMINS = frozenset({"admin", "foreign_admin"})
ADMIN_LOGIN = "/admin/login/?next="


def user_url(w, tail: str = "change/", who: str = "staff") -> str:
    return f"/admin/auth/user/{w.users[who].pk}/{tail}"


ADMIN_MATRIX: list[tuple[str, Page]] = [
    (
        "user list (own zone's people)",
        Page(
            lambda w: "/admin/auth/user/",
            frozenset({"superuser"}) | ZONE_ADMINS,
            reveals=lambda w: "econ_staff",
            seen_by=frozenset({"superuser", "admin"}),
        ),
    ),
    (
        "user list (another zone's people)",
        Page(
            lambda w: "/admin/auth/user/",
            frozenset({"superuser"}) | ZONE_ADMINS,
            reveals=lambda w: "other_supervisor",
            seen_by=frozenset({"superuser", "foreign_admin"}),
        ),
    ),
    ("user change", Page(user_url, frozenset({"superuser", "admin"}))),
    ("user change (a superuser)", Page(lambda w: user_url(w, who="superuser"), frozenset({"superuser"}))),
    (
        "user change (save)",
        Page(
            user_url,
            frozenset({"superuser", "admin"}),
            ok=(302,),
            method="post",
            data=lambda w: {
                "username": "econ_staff",
                "email": "econ_staff@example.com",
                "is_active": "on",
                "date_joined_0": "2014-01-01",
                "date_joined_1": "00:00:00",
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "1",
                "memberships-0-id": str(w.users["staff"].memberships.get().pk),
                "memberships-0-user": str(w.users["staff"].pk),
                "memberships-0-zone": str(w.zone.zone.pk),
                "memberships-0-unit": str(w.zone.econ.pk),
                "memberships-0-role": "staff",
            },
        ),
    ),
    ("user add", Page(lambda w: "/admin/auth/user/add/", frozenset({"superuser"}) | ZONE_ADMINS)),
    ("user password", Page(lambda w: user_url(w, "password/"), frozenset({"superuser"}))),
    (
        "user password (set)",
        Page(
            lambda w: user_url(w, "password/"),
            frozenset({"superuser"}),
            ok=(302,),
            method="post",
            data=lambda w: {
                "password1": "Set-by-someone-2024",
                "password2": "Set-by-someone-2024",
                "set_usable_password": "true",
            },
        ),
    ),
    (
        "user password e-mail",
        Page(lambda w: user_url(w, "password-email/"), frozenset({"superuser", "admin"}), ok=(302,), method="post"),
    ),
    ("user delete", Page(lambda w: user_url(w, "delete/"), frozenset({"superuser"}))),
]


@pytest.fixture
def admin_world(world):
    """The world with its zone administrators set up for the admin site, and a superuser."""
    group = zone_admin_group_ensure()
    for role in ZONE_ADMINS:
        user = world.users[role]
        user.is_staff = True
        user.save()
        user.groups.add(group)
    world.users["superuser"] = UserFactory(username="root", is_staff=True, is_superuser=True)
    return world


def admin_problems_of(w, name: str, page: Page) -> list[str]:
    problems = []
    for role in ADMIN_ROLES:
        # A fresh session each time: setting a password cycles the session key, and the new
        # session row is rolled back with the rest of the visit.
        client = Client()
        if role != "anonymous":
            client.force_login(w.users[role])
        response = visit(w, client, page)
        status, location, text = response.status_code, response.get("Location", ""), body(response)
        where = f"admin {name} as {role}: {status} {location}".rstrip()
        if role == "anonymous" or role in NOT_STAFF:
            if status != 302 or not location.startswith(ADMIN_LOGIN):
                problems.append(f"{where} (expected 302 to the admin's login page)")
            continue
        if role in page.allowed:
            if status not in page.ok or location.startswith("/admin/login/"):
                problems.append(f"{where} (expected {page.ok})")
        elif not (status in DENIED or (status == 302 and location == "/admin/")):
            problems.append(f"{where} (expected a refusal: 403, 404 or the admin's 'no such object')")
        if page.reveals is not None and status == 200:
            shown = page.reveals(w) in text
            if shown != (role in page.seen_by):
                problems.append(f"{where} {'shows' if shown else 'does not show'} {page.reveals(w)!r}")
    return problems


def test_every_role_gets_its_status_on_the_admin_user_pages(admin_world):
    problems = [problem for name, page in ADMIN_MATRIX for problem in admin_problems_of(admin_world, name, page)]
    assert not problems, "\n".join(problems)


def test_the_admin_site_is_for_staff_accounts_only(world):
    clients = clients_of(world)
    for role in SIGNED_IN:
        response = clients[role].get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), role


def test_the_public_pages_need_no_login(db):
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    # A password link that is not (or no longer) valid says so.
    assert client.get("/accounts/password/MQ/set-password/", follow=True).status_code == 200
    assert client.get("/admin/").status_code == 302
