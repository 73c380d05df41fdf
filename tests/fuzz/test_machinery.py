"""The page fuzzer's own parts, so that a fuzzing run that finds nothing means the pages held:
it reads every kind of field of a form, records a server error with where it was raised,
and sees a change to another unit's data."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from progress.models import Report
from tests.fuzz.cases import Request, run_case
from tests.fuzz.crawl import Found
from tests.fuzz.discovery import read_page, view_parameters
from tests.fuzz.fingerprint import changed, fingerprint, writable, wrote
from tests.fuzz.report import Tally

FORM = """
<form method="post" action="/progress/reports/5/correct/" enctype="multipart/form-data">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input name="value" value="60.0000"><input type="checkbox" name="confirmed" value="1">
  <select name="unit"><option value="">--</option><option value="3" selected>经发局</option></select>
  <textarea name="reason">
口径调整</textarea><input type="file" name="sheet"><button name="action" value="submit">Go</button>
  <input type="submit" value="ignored without a name">
</form>
<a href="/supervision/?plan=1&amp;list=serious">serious</a>
"""


def test_a_form_is_read_with_every_kind_of_field_and_the_values_it_offers():
    page = read_page("/progress/", FORM)
    (form,) = page.forms
    assert (form.method, form.action, form.multipart) == ("post", "/progress/reports/5/correct/", True)
    offered = {name: (field.kind, field.values) for name, field in form.fields.items()}
    assert offered == {
        "csrfmiddlewaretoken": ("hidden", ["tok"]),
        "value": ("text", ["60.0000"]),
        "confirmed": ("checkbox", ["1"]),
        "unit": ("select", ["", "3"]),
        "reason": ("textarea", ["口径调整"]),
        "sheet": ("file", []),
        "action": ("submit", ["submit"]),
    }
    assert form.key[:2] == ("post", "progress:correct")


def test_the_query_parameters_of_a_page_come_from_its_links_forms_and_view(db):
    found = Found()
    found.add_page(read_page("/progress/", FORM))
    supervision = found.pages["supervision:index"]
    assert supervision.parameters["list"] == ["serious"]
    # Read by the view (its FilterSet) though no link carries them.
    assert {"zone", "unit", "leader", "kind", "status", "q", "period"} <= set(supervision.parameters)
    assert "indicator" in view_parameters("/dashboard/regions/1/")


def crash(request):
    raise ZeroDivisionError("boom")


urlpatterns = [path("crash/", crash), path("fine/", lambda request: HttpResponse("ok"))]


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_recorded_once_with_where_it_was_raised_and_the_smallest_request(db):
    tally = Tally("staff")
    for data in ({"q": "a much longer value"}, {"q": "x"}):
        run_case(tally, Client(), [Request("GET crash", "get", "/crash/", data)], guard=(set(), {}), found=Found())
    run_case(tally, Client(), [Request("GET fine", "get", "/fine/", {})], guard=(set(), {}), found=Found())
    (failure,) = tally.failures.values()
    assert failure.kind == "server error: ZeroDivisionError"
    assert "tests/fuzz/test_machinery.py" in failure.where and "in crash" in failure.where
    assert failure.count == 2 and "'x'" in failure.request
    assert tally.cases == 3


def test_a_change_to_another_units_reports_is_seen_and_ones_own_is_allowed(world):
    zone = world.zone
    staff = world.users["staff"]
    before = fingerprint()
    Report.objects.filter(target=zone.on_track).update(progress="改")  # the staff's own unit
    assert changed(before, fingerprint(), allowed=writable(staff)) == []
    Report.objects.filter(target=zone.projects).update(progress="改")  # 招商局's
    assert changed(before, fingerprint(), allowed=writable(staff)) == [f"reports:{zone.invest.pk}"]
    assert f"reports:{zone.invest.pk}" in writable(world.users["admin"])
    assert changed(before, fingerprint(), allowed=set()) == [f"reports:{zone.econ.pk}", f"reports:{zone.invest.pk}"]


def test_only_writes_to_guarded_tables_call_for_a_fingerprint():
    assert wrote(['UPDATE "progress_report" SET "value" = %s'])
    assert wrote(['INSERT INTO "supervision_notice" ("zone_id") VALUES (%s)'])
    assert not wrote(['UPDATE "django_session" SET "session_data" = %s', 'INSERT INTO "axes_accessattempt" …'])
    assert not wrote(['SELECT "progress_report"."id" FROM "progress_report"'])
