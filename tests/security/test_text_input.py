"""Text that no file format can carry (``core.text``: NUL, U+000B and the other control
characters XML forbids) is refused wherever text comes in, with a message naming the
character, and the form keeps what was typed. One staff member's stray character must never
break the supervisors' exports.

The walks below take every form class, every serializer class and every model text field of
the project, so that a new one cannot forget the rule.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import SimpleNamespace

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.test import APIClient

from api.serializers import CleanTextModelSerializer, CleanTextSerializer
from progress.models import Report
from tests.factories import ReportFactory, ZoneFactory
from zones.models import Unit, Zone

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("core", "zones", "plans", "targets", "progress", "supervision", "imports", "dashboard", "api")
TYPED = {"\x0b": "甲\x0b乙", "\x00": "甲\x00乙"}


def import_project_modules() -> None:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)


def subclasses(base: type) -> list[type]:
    import_project_modules()
    found, todo = [], [base]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.split(".")[0] in PROJECT_APPS:
                found.append(cls)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def said_of(character: str, messages) -> bool:
    code = f"U+{ord(character):04X}"
    return any(code in str(message) and "invisible control character" in str(message) for message in messages)


# --- every form --------------------------------------------------------------------------

# What the forms that take more than data need to be built.
FORM_KWARGS = {
    "ReopenForm": lambda: {"units": Unit.objects.none()},
    "BulletinForm": lambda: {"plan": SimpleNamespace(start_year=2026, end_year=2026)},
    "UploadForm": lambda: {"zones": Zone.objects.none()},
    "PlanReviewForm": lambda: {"zone": None},
    "TargetReviewForm": lambda: {"task_choices": []},
    "TaskReviewForm": lambda: {"people": SimpleNamespace(units={}, leaders={}, unit_choices=[], leader_choices=[])},
    "AddTaskForm": lambda: {"task_choices": []},
    "AddTargetForm": lambda: {"task_choices": []},
    "TaskAddForm": lambda: {"tasks": []},
    "TargetAddForm": lambda: {"tasks": []},
    "TaskRowForm": lambda: {
        "assignable": SimpleNamespace(unit_choices=[], leader_choices=[]),
        "plan": SimpleNamespace(start_year=2026, end_year=2026, status="draft"),
        "task": SimpleNamespace(deadline=None, pk=None, lead_unit_id=None),
    },
    "UnitForm": lambda: {"zone": None},
    "ExportRecordFilterForm": lambda: {"zones": Zone.objects.none(), "kinds": []},
    "InstructionFilterForm": lambda: {"units": []},
}
FORM_CLASSES = subclasses(forms.BaseForm)


def test_the_walk_finds_the_forms():
    names = {cls.__name__ for cls in FORM_CLASSES}
    assert {"ReturnForm", "IssueForm", "AnswerForm", "UploadForm", "TargetReviewForm"} <= names


@pytest.mark.parametrize("character", TYPED)
@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: cls.__name__)
def test_every_text_field_of_every_form_refuses_control_characters_and_keeps_the_text(form_class, character):
    kwargs = FORM_KWARGS.get(form_class.__name__, dict)()
    empty = form_class(**kwargs)
    fields = empty.fields
    text_fields = [
        name
        for name, field in fields.items()
        if isinstance(field, forms.CharField) and name not in getattr(form_class, "documents", ())
    ]
    typed = TYPED[character]
    with translation.override("en"):
        form = form_class(data={empty.add_prefix(name): typed for name in text_fields}, **kwargs)
        assert not form.is_valid() or not text_fields
        for name in text_fields:
            assert said_of(character, form.errors.get(name, [])), (form_class.__name__, name, form.errors.get(name))
            assert len(form.errors[name]) == 1, form.errors[name]  # one clear message
            assert form[name].value() == typed  # what was typed is shown again


# --- every serializer ----------------------------------------------------------------------

SERIALIZER_CLASSES = subclasses(serializers.BaseSerializer)


def test_the_walk_finds_the_serializers():
    names = {cls.__name__ for cls in SERIALIZER_CLASSES}
    assert {"FigureInSerializer", "ReturnSerializer", "NoticeIssueSerializer", "NoticeCloseSerializer"} <= names


@pytest.mark.parametrize("character", TYPED)
@pytest.mark.parametrize("serializer_class", SERIALIZER_CLASSES, ids=lambda cls: cls.__name__)
def test_every_writable_text_field_of_every_serializer_refuses_control_characters(serializer_class, character):
    if serializer_class in (CleanTextSerializer, CleanTextModelSerializer):
        return  # the bases themselves
    serializer = serializer_class()
    text_fields = {
        name: field
        for name, field in serializer.fields.items()
        if isinstance(field, serializers.CharField) and not field.read_only
    }
    with translation.override("en"):
        for name, field in text_fields.items():
            with pytest.raises(APIValidationError) as refusal:
                field.run_validation(TYPED[character])
            assert said_of(character, refusal.value.detail), (serializer_class.__name__, name, refusal.value.detail)


# --- every model text field (the admin's forms and any ModelForm) -----------------------------


def model_text_fields() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, field)
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    ]


def test_the_walk_finds_the_model_text_fields():
    names = {f"{model.__name__}.{field.name}" for model, field in model_text_fields()}
    assert {"Unit.name", "Zone.name", "Report.progress", "Notice.requirement", "Task.heading"} <= names


@pytest.mark.parametrize(
    ("model", "field"), model_text_fields(), ids=lambda item: getattr(item, "__name__", getattr(item, "name", ""))
)
def test_every_model_text_field_refuses_control_characters(model, field):
    instance = model()
    setattr(instance, field.attname, "甲\x0b乙")
    others = [f.name for f in model._meta.fields if f.name != field.name]
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        instance.clean_fields(exclude=others)
    assert said_of("\x0b", refusal.value.message_dict.get(field.name, []))


def test_the_admin_refuses_a_unit_name_with_a_control_character_and_keeps_it(admin_client):
    unit = Unit.objects.create(zone=ZoneFactory(), name="经济发展局", kind="bureau")
    url = reverse("admin:zones_unit_change", args=[unit.pk])
    with translation.override("en"):
        response = admin_client.post(
            url, {"zone": unit.zone.pk, "name": "经济\x0b发展局", "kind": unit.kind, "order": unit.order}
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "U+000B" in page and "经济\x0b发展局" in page
    unit.refresh_from_db()
    assert unit.name == "经济发展局"


# --- the ways in, end to end -------------------------------------------------------------


@pytest.fixture
def on_april_2(desk, monkeypatch):
    monkeypatch.setattr("core.clock.today", lambda: desk.today)
    return desk


def period_url(desk) -> str:
    return reverse("progress:period", kwargs={"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": "2026-03"})


@pytest.mark.parametrize("character", TYPED)
def test_the_period_page_refuses_control_characters_and_keeps_what_was_typed(client, on_april_2, character):
    desk = on_april_2
    client.force_login(desk.staff)
    prefix = f"r{desk.amount.pk}-"
    data = {
        "action": "save",
        f"{prefix}present": "1",
        f"{prefix}value": "32.5",
        f"{prefix}progress": f"完成投资{character}二期",
        f"{prefix}version": "",
    }
    response = client.post(period_url(desk), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert f"U+{ord(character):04X}" in page
    assert 'value="32.5"' in page and "完成投资" in page
    assert not Report.objects.exists()


def test_the_period_sheet_preview_refuses_a_text_with_a_control_character(on_april_2):
    from progress.selectors import period_rows
    from progress.sheets import period_sheet_build, period_sheet_preview, period_sheet_read

    desk = on_april_2
    data = period_sheet_build(
        plan=desk.plan,
        unit=desk.unit,
        period=desk.period,
        rows=period_rows(plan=desk.plan, unit=desk.unit, period=desk.period),
    )
    rows = period_sheet_read(data=data, plan=desk.plan, unit=desk.unit, period=desk.period)
    rows[0].raw_value, rows[0].problems = "10", "土地\x0b指标"  # as a cell could carry it
    with translation.override("en"):
        preview = period_sheet_preview(
            plan=desk.plan, unit=desk.unit, period=desk.period, rows=rows, by=desk.staff, today=desk.today
        )
    assert not preview.can_confirm
    assert [column for column, _message in preview.rows[0].errors] == ["Problems"]
    assert said_of("\x0b", [message for _column, message in preview.rows[0].errors])
    assert not Report.objects.exists()


def test_a_return_reason_with_a_control_character_is_refused_on_the_page(client, on_april_2):
    desk = on_april_2
    report = ReportFactory(target=desk.amount, year=2026, month=3, status="submitted", submitted_at="2026-04-01T10:00Z")
    client.force_login(desk.reviewer)
    response = client.post(
        reverse("progress:review"), {"report": [report.pk], "action": "return", "reason": "口径\x0b不一致"}
    )
    assert response.status_code == 400 and "U+000B" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted" and report.return_reason == ""


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("character", TYPED)
def test_the_api_refuses_control_characters_in_a_report(on_april_2, character):
    desk = on_april_2
    body = {"target": desk.amount.pk, "year": 2026, "month": 3, "value": "10", "progress": f"完成{character}投资"}
    response = api_for(desk.staff).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 400 and list(response.json()) == ["progress"], response.json()
    assert f"U+{ord(character):04X}" in response.json()["progress"][0]
    rows = {"plan": desk.plan.pk, "unit": desk.unit.pk, "period": "2026-03", "submit": False}
    rows["rows"] = [{"target": desk.amount.pk, "value": "10", "next_steps": f"下步{character}措施"}]
    response = api_for(desk.staff).post("/api/v1/period-submissions/", rows, format="json")
    assert response.status_code == 400 and "rows" in response.json(), response.json()
    assert not Report.objects.exists()


def test_the_api_refuses_a_lone_surrogate_with_the_same_message(on_april_2):
    desk = on_april_2
    body = b'{"target": %d, "year": 2026, "month": 3, "value": "10", "progress": "a\\ud800b"}' % desk.amount.pk
    response = api_for(desk.staff).post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 400 and "U+D800" in response.json()["progress"][0], response.json()
    assert not Report.objects.exists()
