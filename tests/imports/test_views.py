"""The import pages: upload or paste, review, confirm. Every permission case, refusals through
the page, and nothing written before the administrator confirms."""

import datetime as dt
import io
import time
import zipfile
from decimal import Decimal
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils.html import escape

from bench.management.commands.bench_import import synthetic_plan
from imports.forms import PAYLOAD_SALT, Review, proposal_load
from imports.reading import MAX_BYTES, MAX_LINES, ImportRefused
from imports.services import plan_parse
from imports.views import Span, source_html
from plans.models import Plan, Task
from targets.models import Target
from tests.factories import MembershipFactory, PlanFactory, UserFactory, ZoneFactory
from zones.choices import Role
from zones.models import Membership

PLAN = """示范区2027年重点工作计划
一、项目建设
1.招商引资。全年引进亿元以上项目10个,实际利用外资同比增长12%。(牵头单位:招商局)
2.项目推进。新开工项目8-10个,完成固定资产投资150亿元,力争160亿元。
二、科技创新
3.企业培育。新增高新技术企业30家,研发投入占生产总值比重达到3.5%以上。
4.平台建设。9月底前建成科技企业孵化器二期。
三、生态环保
5.节能降耗。万元工业增加值能耗同比下降5%,城镇登记失业率控制在4%以内。
"""
TITLE = "示范区2027年重点工作计划"

NEW = reverse("imports:new")
REVIEW = reverse("imports:review")


@pytest.fixture
def zone(db):
    return ZoneFactory(code="demo-zone", short_name="示范区")


@pytest.fixture
def other_zone(db):
    return ZoneFactory(code="other-zone", short_name="别的区")


@pytest.fixture
def admin(zone):
    return MembershipFactory(user=UserFactory(username="zone-admin"), zone=zone, unit=None, role=Role.ADMIN).user


@pytest.fixture
def english(client):
    """Messages are asserted in English whatever the catalogue holds."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def as_admin(english, admin):
    english.force_login(admin)
    return english


def upload(client, zone, *, text=PLAN, year=2027, **extra):
    data = {"zone": zone.pk, "year": year, "end_year": "", "title": "", "text": text}
    data.update(extra)
    return client.post(NEW, data)


def nothing_created() -> bool:
    return not (Plan.objects.exists() or Task.objects.exists() or Target.objects.exists())


def review_post(response, action="confirm", **edits) -> dict:
    """What the browser posts back from the review page, with ``edits`` ({field name: value},
    None to leave a checkbox unchecked)."""
    review: Review = response.context["review"]
    data = {"action": action}
    forms = [review.plan_form, *review.task_forms, *(f for _i, _j, f in review.milestone_forms), *review.target_forms]
    for form in forms:
        for field in form:
            value = field.value()
            if field.widget_type == "checkbox":
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, dt.date):
                data[field.html_name] = value.isoformat()
            else:
                data[field.html_name] = "" if value is None else value
    for name, value in edits.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def target_index(response, indicator: str) -> int:
    targets = response.context["review"].parsed.targets
    return next(i for i, t in enumerate(targets) if t.indicator == indicator)


# ---- who may import ------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(NEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(REVIEW, {"payload": "x"}).status_code == 302


@pytest.mark.parametrize("role", [Role.STAFF, Role.REVIEWER])
def test_unit_staff_and_reviewers_may_not_import(english, zone, role):
    english.force_login(MembershipFactory(unit__zone=zone, role=role).user)
    assert english.get(NEW).status_code == 403
    assert upload(english, zone).status_code == 403
    assert nothing_created()


@pytest.mark.parametrize("role", [Role.LEADER, Role.SUPERVISOR])
def test_zone_wide_roles_other_than_admin_may_not_import(english, zone, role):
    english.force_login(MembershipFactory(zone=zone, unit=None, role=role).user)
    response = english.get(NEW)
    assert response.status_code == 403
    assert "administrators of a zone" in response.content.decode()


def test_a_zone_admin_chooses_among_the_zones_they_administer(as_admin, zone, other_zone):
    page = as_admin.get(NEW).content.decode()
    assert "示范区" in page and "别的区" not in page
    assert 'name="text"' in page and 'name="file"' in page and 'enctype="multipart/form-data"' in page


def test_a_zone_admin_cannot_import_into_another_zone(as_admin, other_zone):
    assert upload(as_admin, other_zone).status_code == 403
    assert nothing_created()


def test_a_superuser_may_import_into_any_zone(english, zone, other_zone):
    english.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    page = english.get(NEW).content.decode()
    assert "示范区" in page and "别的区" in page
    response = upload(english, other_zone)
    assert response.status_code == 200 and "review" in response.context


def test_the_review_of_another_user_is_refused(as_admin, zone, client):
    response = upload(as_admin, zone)
    colleague = MembershipFactory(user=UserFactory(username="colleague"), zone=zone, unit=None, role=Role.ADMIN).user
    as_admin.force_login(colleague)
    assert as_admin.post(REVIEW, review_post(response)).status_code == 403
    assert nothing_created()


def test_an_admin_who_lost_the_role_meanwhile_cannot_confirm(as_admin, zone, admin):
    response = upload(as_admin, zone)
    Membership.objects.filter(user=admin).delete()
    assert as_admin.post(REVIEW, review_post(response)).status_code == 403
    assert nothing_created()


def test_the_home_page_links_to_the_import_for_zone_admins_only(english, admin, zone):
    english.force_login(admin)
    assert NEW in english.get(reverse("home")).content.decode()
    english.force_login(MembershipFactory(unit__zone=zone, role=Role.STAFF).user)
    assert NEW not in english.get(reverse("home")).content.decode()


# ---- refusals through the page ------------------------------------------------------------


def test_neither_file_nor_text_is_refused(as_admin, zone):
    response = upload(as_admin, zone, text="")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Upload the plan's file or paste its text."]
    assert "paste its text." in response.content.decode()


def test_both_file_and_text_are_refused_keeping_the_text(as_admin, zone):
    data = {"zone": zone.pk, "year": 2027, "text": PLAN, "file": io.BytesIO(PLAN.encode())}
    data["file"].name = "plan.txt"
    response = as_admin.post(NEW, data)
    page = response.content.decode()
    assert "Give either a file or pasted text, not both." in page
    assert "全年引进亿元以上项目10个" in page  # what was typed is kept
    assert nothing_created()


def test_blank_text_gets_the_readers_message(as_admin, zone):
    response = upload(as_admin, zone, text="   \n  ")
    assert "The document is empty" in response.content.decode()


def test_text_without_numbering_is_refused_and_kept(as_admin, zone):
    response = upload(as_admin, zone, text="今年要大力发展经济,引进项目10个。")
    page = response.content.decode()
    assert "No items were found" in page
    assert "今年要大力发展经济" in page
    assert response.context["form"]["year"].value() == "2027"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("plan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "This is an image"),
        ("plan.bin", b"\x7fELF" + bytes(range(256)) * 4, "binary file"),
        ("plan.docx", b"not a zip at all", "damaged or not a Word document"),
        ("plan.pdf", b"%PDF-1.4 ...", "PDF files cannot be read"),
    ],
)
def test_files_that_are_not_plans_are_refused_with_the_readers_message(as_admin, zone, name, content, words):
    file = io.BytesIO(content)
    file.name = name
    response = as_admin.post(NEW, {"zone": zone.pk, "year": 2027, "file": file})
    page = response.content.decode()
    assert response.status_code == 200 and words in page
    assert nothing_created()


def test_a_file_over_the_upload_limit_is_refused(as_admin, zone, settings):
    settings.UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    file = io.BytesIO(b"1" * (MAX_BYTES + 1))
    file.name = "plan.txt"
    response = as_admin.post(NEW, {"zone": zone.pk, "year": 2027, "file": file})
    assert "larger than 5 MB" in response.content.decode()


@pytest.mark.parametrize(
    ("edits", "field", "words"),
    [
        ({"year": "1999"}, "year", "greater than or equal to 2000"),
        ({"end_year": "2026"}, "end_year", "cannot end before it starts"),
        ({"title": "标" * 201}, "title", "at most 200 characters"),
    ],
)
def test_bad_years_and_titles_are_refused_beside_the_field(as_admin, zone, edits, field, words):
    response = upload(as_admin, zone, **edits)
    assert any(words in error for error in response.context["form"].errors[field])


def test_a_gbk_text_file_and_a_word_document_are_read(as_admin, zone):
    file = io.BytesIO(PLAN.encode("gb18030"))
    file.name = "plan.txt"
    response = as_admin.post(NEW, {"zone": zone.pk, "year": 2027, "file": file})
    assert len(response.context["review"].parsed.targets) == 8

    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in PLAN.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    buffer.name = "plan.docx"
    response = as_admin.post(NEW, {"zone": zone.pk, "year": 2027, "file": buffer})
    assert len(response.context["review"].parsed.targets) == 8
    assert nothing_created()


@pytest.mark.parametrize("source", ["pasted", "file"])
def test_control_characters_in_a_plan_become_line_breaks_or_go_and_the_review_says_so(as_admin, zone, source):
    """A document's page breaks (U+000C, as pdftotext writes them), Word's manual line breaks
    (U+000B) and stray NULs carry nothing a plan needs, and no file format can hold them: the
    importer replaces them instead of refusing pages of text for an invisible character."""
    garbled = PLAN.replace("\n二、", "\n\x0c二、").replace("引进亿元", "引进\x00亿元").replace("(牵头", "\x0b(牵头")
    if source == "pasted":
        response = upload(as_admin, zone, text=garbled)
    else:
        file = io.BytesIO(garbled.replace("\x00", "\x1f").encode("utf-8"))  # a NUL byte makes a file binary
        file.name = "plan.txt"
        response = as_admin.post(NEW, {"zone": zone.pk, "year": 2027, "file": file})
    assert response.status_code == 200 and "review" in response.context, response.context["form"].errors
    parsed = response.context["review"].parsed
    assert len(parsed.targets) == 8
    assert not {"\x00", "\x0b", "\x0c", "\x1f"} & set(parsed.text)
    assert "引进亿元以上项目" in [target.indicator for target in parsed.targets]
    assert "3 invisible control characters" in response.content.decode()


def test_a_plan_whose_task_choices_would_swell_the_review_page_is_refused_with_a_way_out(as_admin, zone, monkeypatch):
    """Each target's task select lists every task: a page of targets x tasks options."""
    parsed = plan_parse(text=PLAN, year=2027)
    options = len(parsed.targets) * len(parsed.tasks)

    monkeypatch.setattr("imports.forms.REVIEW_MAX_TASK_OPTIONS", options)
    assert upload(as_admin, zone).context["review"]

    monkeypatch.setattr("imports.forms.REVIEW_MAX_TASK_OPTIONS", options - 1)
    response = upload(as_admin, zone)
    assert "review" not in response.context
    assert "import_plan command" in response.content.decode()
    assert nothing_created()


def test_a_paste_over_the_line_limit_is_refused_beside_the_text_and_kept(as_admin, zone):
    text = PLAN + "\n" * MAX_LINES
    response = upload(as_admin, zone, text=text, title="我的计划")
    assert response.status_code == 200
    form = response.context["form"]
    assert any(error.startswith("The plan's text is too long:") for error in form.errors["text"])
    assert form["text"].value() == text
    assert form["title"].value() == "我的计划"
    assert nothing_created()


@pytest.mark.parametrize("level", ["x", "12", "abc"])
def test_a_word_document_with_a_damaged_list_level_is_refused_beside_the_file(as_admin, zone, level):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("一、项目建设")
    document.add_paragraph("招商引资。全年引进亿元以上项目10个。", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        for name in source.namelist():
            xml = source.read(name)
            if name == "word/numbering.xml":
                xml = xml.replace(b'w:ilvl="0"', f'w:ilvl="{level}"'.encode())
            archive.writestr(name, xml)
    damaged.seek(0)
    damaged.name = "plan.docx"

    response = as_admin.post(NEW, {"zone": zone.pk, "year": 2027, "title": "我的计划", "file": damaged})

    assert response.status_code == 200
    form = response.context["form"]
    assert any("list numbering is damaged" in error for error in form.errors["file"])
    assert (form["year"].value(), form["title"].value()) == ("2027", "我的计划")
    assert nothing_created()


def test_a_one_megabyte_paste_is_answered_with_a_page(as_admin, zone):
    text = synthetic_plan(1024 * 1024)
    response = upload(as_admin, zone, text=text)
    assert response.status_code == 200
    assert "import_plan command" in response.content.decode()  # more targets than a review page holds
    assert nothing_created()


def test_a_plan_too_big_for_one_review_page_is_refused_with_a_way_out(as_admin, zone, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    response = upload(as_admin, zone)
    assert "import_plan command" in response.content.decode()


# ---- the review --------------------------------------------------------------------------


def test_the_review_shows_the_text_with_every_target_highlighted_and_creates_nothing(as_admin, zone):
    response = upload(as_admin, zone)
    assert response.status_code == 200
    page = response.content.decode()
    parsed = response.context["review"].parsed
    for index, target in enumerate(parsed.targets):
        assert f'<mark id="t-{index}" class="target" data-ref="t-{index}"' in page
        assert f'href="#t-{index}"' in page
        assert PLAN[target.start : target.end] == target.quote
    assert 'id="m-0" class="milestone"' in page
    assert 'value="引进亿元以上项目"' in page and 'name="t0-value" value="10"' in page
    assert 'name="payload"' in page
    assert nothing_created()


def test_a_recheck_of_a_clean_proposal_says_so_and_creates_nothing(as_admin, zone):
    response = as_admin.post(REVIEW, review_post(upload(as_admin, zone), action="recheck"))
    assert response.status_code == 200
    assert "No problems found" in response.content.decode()
    assert nothing_created()


def test_confirming_creates_the_draft_plan_with_the_corrected_target(as_admin, zone, admin):
    first = upload(as_admin, zone)
    index = target_index(first, "引进亿元以上项目")
    response = as_admin.post(
        REVIEW, review_post(first, **{f"t{index}-value": "12", f"t{index}-indicator": "引进亿元以上产业项目"})
    )
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:plan", args=[plan.pk])
    assert (plan.title, plan.status, plan.zone, plan.start_year) == (TITLE, "draft", zone, 2027)
    target = Target.objects.get(task__plan=plan, indicator="引进亿元以上产业项目")
    assert target.value == Decimal(12)
    assert target.task.path == "一 > 1"
    assert Target.objects.filter(task__plan=plan).stated().count() == 9  # 8 targets and the dated milestone

    page = as_admin.get(response["Location"]).content.decode()
    assert TITLE in page and "引进亿元以上产业项目" in page and "12个" in page
    assert "was created" in page


def test_the_plan_page_shows_the_draft_status_in_chinese(client, zone, admin):
    client.force_login(admin)
    first = upload(client, zone)
    response = client.post(REVIEW, review_post(first), follow=True)
    page = response.content.decode()
    assert "草稿" in page and TITLE in page


def test_a_dropped_target_is_not_created(as_admin, zone):
    first = upload(as_admin, zone)
    index = target_index(first, "城镇登记失业率")
    as_admin.post(REVIEW, review_post(first, **{f"t{index}-accepted": None, f"t{index}-value": "not checked"}))
    plan = Plan.objects.get()
    assert not Target.objects.filter(task__plan=plan, indicator="城镇登记失业率").exists()
    assert Target.objects.filter(task__plan=plan).stated().count() == 8


def test_a_dropped_milestone_and_a_dropped_leaf_item_are_not_created(as_admin, zone):
    first = upload(as_admin, zone)
    review = first.context["review"]
    leaf = next(i for i, t in enumerate(review.parsed.tasks) if t.path == "二 > 4")
    as_admin.post(REVIEW, review_post(first, **{"m0-accepted": None, f"k{leaf}-accepted": None}))
    plan = Plan.objects.get()
    assert not Task.objects.filter(plan=plan, path="二 > 4").exists()
    assert not Target.objects.filter(task__plan=plan, kind="milestone").exists()


def test_an_edited_heading_and_kind_and_title_are_created_as_edited(as_admin, zone):
    first = upload(as_admin, zone)
    review = first.context["review"]
    section = next(i for i, t in enumerate(review.parsed.tasks) if t.path == "二")
    edits = {"title": "示范区2027年工作要点", "kind": "work_points", f"k{section}-heading": "科技创新引领"}
    as_admin.post(REVIEW, review_post(first, **edits))
    plan = Plan.objects.get()
    assert (plan.title, plan.kind) == ("示范区2027年工作要点", "work_points")
    assert Task.objects.get(plan=plan, path="二").heading == "科技创新引领"


def test_a_target_moved_to_another_item_is_created_there(as_admin, zone):
    first = upload(as_admin, zone)
    review = first.context["review"]
    index = target_index(first, "新增高新技术企业")
    platform = next(i for i, t in enumerate(review.parsed.tasks) if t.path == "二 > 4")
    as_admin.post(REVIEW, review_post(first, **{f"t{index}-task": str(platform)}))
    target = Target.objects.get(indicator="新增高新技术企业")
    assert target.task.path == "二 > 4"


@pytest.mark.parametrize(
    ("indicator", "edits", "field", "words"),
    [
        ("新开工项目", {"value_high": "6"}, "value_high", "high end of a range must be above"),
        ("固定资产投资", {"stretch": "100"}, "stretch", "stretch value must be above"),
        ("城镇登记失业率", {"comparator": ">="}, "comparator", "ceiling must be"),
        ("引进亿元以上项目", {"value": ""}, "value", "needs a value"),
        ("引进亿元以上项目", {"value": "十个"}, "value", "plain number"),  # the unit has its own field
        ("引进亿元以上项目", {"value": "1e400"}, "value", "not a number"),  # a 500 before
        ("引进亿元以上项目", {"value": "nan"}, "value", "not a number"),
        ("引进亿元以上项目", {"value": "inf"}, "value", "not a number"),
        ("引进亿元以上项目", {"value": "0.000001"}, "value", "at most 4 decimal places"),  # 0 before
        ("引进亿元以上项目", {"value": "1,5"}, "value", "thousands separator"),  # 15 before
        ("引进亿元以上项目", {"value": "1²"}, "value", "not a number"),
        ("引进亿元以上项目", {"value": "100000000000"}, "value", "at most 11 digits"),
        ("固定资产投资", {"stretch": "1e400"}, "stretch", "not a number"),
        ("新开工项目", {"value_high": "10.00001"}, "value_high", "at most 4 decimal places"),
        ("引进亿元以上项目", {"indicator": " "}, "indicator", "indicator is empty"),
        ("引进亿元以上项目", {"deadline_date": "2027-13-45"}, "deadline_date", "valid date"),
    ],
)
def test_an_edit_that_breaks_a_rule_is_shown_beside_its_field_and_nothing_is_created(
    as_admin, zone, indicator, edits, field, words
):
    first = upload(as_admin, zone)
    index = target_index(first, indicator)
    response = as_admin.post(REVIEW, review_post(first, **{f"t{index}-{k}": v for k, v in edits.items()}))
    assert response.status_code == 200
    form = response.context["review"].target_forms[index]
    assert any(words in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert f'href="#row-t{index}"' in page  # listed in the summary at the top
    for key, value in edits.items():
        if value.strip():
            assert f'name="t{index}-{key}"' in page and escape(value) in page  # what was typed is kept
    assert nothing_created()


def test_a_figure_typed_in_the_review_is_created_exactly_as_read(as_admin, zone):
    first = upload(as_admin, zone)
    index = target_index(first, "固定资产投资")
    edits = {f"t{index}-value": "１,２３４.５", f"t{index}-stretch": "99999999999.9999"}
    response = as_admin.post(REVIEW, review_post(first, **edits))
    assert response.status_code == 302, response.context["review"].target_forms[index].errors
    target = Target.objects.get(indicator="固定资产投资")
    assert (target.value, target.stretch) == (Decimal("1234.5"), Decimal("99999999999.9999"))


def test_an_error_in_a_dropped_target_does_not_matter(as_admin, zone):
    first = upload(as_admin, zone)
    index = target_index(first, "新开工项目")
    as_admin.post(REVIEW, review_post(first, **{f"t{index}-accepted": None, f"t{index}-value_high": "1"}))
    assert Plan.objects.count() == 1


def test_keeping_an_item_whose_parent_is_dropped_is_refused(as_admin, zone):
    first = upload(as_admin, zone)
    section = next(i for i, t in enumerate(first.context["review"].parsed.tasks) if t.path == "三")
    response = as_admin.post(REVIEW, review_post(first, **{f"k{section}-accepted": None}))
    page = response.content.decode()
    assert "Its parent item 三、生态环保 is dropped" in page
    assert nothing_created()


def test_a_target_whose_item_is_dropped_is_refused(as_admin, zone):
    first = upload(as_admin, zone)
    review = first.context["review"]
    item = next(i for i, t in enumerate(review.parsed.tasks) if t.path == "三 > 5")
    response = as_admin.post(REVIEW, review_post(first, **{f"k{item}-accepted": None}))
    index = target_index(first, "城镇登记失业率")
    assert "This item is dropped" in str(response.context["review"].target_forms[index].errors["task"])
    assert nothing_created()


def test_a_title_already_used_in_the_zone_is_flagged_at_once_and_refused(as_admin, zone):
    PlanFactory(zone=zone, title=TITLE)
    first = upload(as_admin, zone)
    assert "already has a plan with this title" in first.content.decode()
    response = as_admin.post(REVIEW, review_post(first))
    assert "already has a plan with this title" in str(response.context["review"].plan_form.errors["title"])
    assert Plan.objects.count() == 1
    as_admin.post(REVIEW, review_post(first, title="示范区2027年重点工作计划(修订)"))
    assert Plan.objects.count() == 2


def test_the_title_and_end_year_given_at_upload_are_used(as_admin, zone):
    first = upload(as_admin, zone, title="三年行动计划", end_year="2029")
    as_admin.post(REVIEW, review_post(first))
    plan = Plan.objects.get()
    assert (plan.title, plan.start_year, plan.end_year) == ("三年行动计划", 2027, 2029)


def test_confirming_twice_creates_one_plan(as_admin, zone):
    data = review_post(upload(as_admin, zone))
    as_admin.post(REVIEW, data)
    response = as_admin.post(REVIEW, data)
    assert response.status_code == 200 and Plan.objects.count() == 1


def test_a_refusal_of_the_service_at_confirmation_is_shown_and_the_review_kept(as_admin, zone):
    data = review_post(upload(as_admin, zone))
    data["t0-value"] = "11"
    refusal = ImportRefused("Nothing was created: the database refused the plan.", code="integrity")
    with mock.patch("imports.views.plan_import_create", side_effect=refusal):
        response = as_admin.post(REVIEW, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "the database refused the plan" in page and 'name="t0-value" value="11"' in page
    assert "No problems found" not in page
    assert nothing_created()


def test_an_edited_deadline_is_the_targets_deadline(as_admin, zone):
    first = upload(as_admin, zone)
    index = target_index(first, "新增高新技术企业")
    as_admin.post(REVIEW, review_post(first, **{f"t{index}-deadline_date": "2027-06-30"}))
    assert Target.objects.get(indicator="新增高新技术企业").deadline == dt.date(2027, 6, 30)


def test_past_results_are_listed_as_not_imported(as_admin, zone):
    text = "2026年工作总结\n一、经济运行\n2026年实现地区生产总值120亿元。\n二、2027年工作安排\n1.引进项目10个。\n"
    response = upload(as_admin, zone, text=text)
    review = response.context["review"]
    assert review.parsed.achievements
    page = response.content.decode()
    assert "Past results (not imported)" in page and 'class="past"' in page
    as_admin.post(REVIEW, review_post(response))
    assert not Target.objects.filter(value=120).exists()


# ---- the signed proposal -----------------------------------------------------------------


def test_a_tampered_proposal_is_refused(as_admin, zone):
    data = review_post(upload(as_admin, zone))
    payload = data["payload"]
    data["payload"] = payload[:-3] + ("AAA" if payload[-3:] != "AAA" else "BBB")
    response = as_admin.post(REVIEW, data)
    assert response.status_code == 400
    assert "altered" in response.content.decode()
    assert nothing_created()


def test_a_proposal_signed_for_another_purpose_is_refused(as_admin, zone):
    data = review_post(upload(as_admin, zone))
    data["payload"] = signing.dumps({"user": 1}, salt="something else")
    assert as_admin.post(REVIEW, data).status_code == 400
    data["payload"] = signing.dumps({"user": 1}, salt=PAYLOAD_SALT)  # right salt, not a proposal
    assert as_admin.post(REVIEW, data).status_code == 400
    assert as_admin.post(REVIEW, {"action": "confirm"}).status_code == 400
    assert nothing_created()


def test_an_expired_proposal_is_refused(as_admin, zone):
    data = review_post(upload(as_admin, zone))
    later = time.time() + 3 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = as_admin.post(REVIEW, data)
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert nothing_created()


def test_the_proposal_round_trips_through_its_token(as_admin, zone, admin):
    response = upload(as_admin, zone)
    review = response.context["review"]
    proposal = proposal_load(review.plan_form.initial["payload"])
    assert (proposal.user_id, proposal.zone_id) == (admin.pk, zone.pk)
    assert proposal.parsed.to_json() == review.parsed.to_json()
    assert proposal.parsed.text == review.parsed.text


def test_only_reviews_are_posted_to_the_review_page(as_admin):
    assert as_admin.get(REVIEW).status_code == 405


# ---- the imported plan page --------------------------------------------------------------


def test_the_plan_page_is_for_the_zones_admins(english, zone, admin):
    plan = PlanFactory(zone=zone, title="示范区计划")
    url = reverse("imports:plan", args=[plan.pk])
    assert english.get(url).status_code == 302
    english.force_login(MembershipFactory(unit__zone=zone, role=Role.STAFF).user)
    assert english.get(url).status_code == 403
    other_admin = MembershipFactory(zone=ZoneFactory(), unit=None, role=Role.ADMIN).user
    english.force_login(other_admin)
    assert english.get(url).status_code == 403
    english.force_login(admin)
    assert english.get(url).status_code == 200
    assert english.get(reverse("imports:plan", args=[plan.pk + 1000])).status_code == 404


# ---- the highlighted text ----------------------------------------------------------------


def test_the_source_is_escaped_piece_by_piece():
    text = "一、<script>alert(1)</script>引进项目10个&更多"
    start = text.index("引进")
    html = source_html(text, [Span(start, start + 7, "t-0", "target", '"><b>')])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<mark id="t-0" class="target" data-ref="t-0" title="&quot;&gt;&lt;b&gt;">引进项目10个</mark>' in html
    assert html.endswith("&amp;更多")


def test_overlapping_and_out_of_range_spans_keep_every_anchor():
    text = "完成固定资产投资150亿元,力争160亿元"
    spans = [
        Span(0, len(text), "t-0", "target", "a"),
        Span(2, 8, "t-1", "target", "b"),
        Span(2, 5, "t-2", "target dropped", "c"),
        Span(5, 500, "t-3", "target", "beyond the text"),
    ]
    html = str(source_html(text, spans))
    assert html.count('id="t-0"') == html.count('id="t-1"') == html.count('id="t-2"') == 1
    assert "t-3" not in html
    assert html.replace("</mark>", "").count("固定") == 1


# ---- queries ---------------------------------------------------------------------------


def test_the_pages_use_a_bounded_number_of_queries(as_admin, zone, django_assert_max_num_queries):
    # Eight, and the bell's unread count in the menu (one per page, whatever the page holds).
    with django_assert_max_num_queries(9):
        as_admin.get(NEW)
    # The review adds three for the tasks' assignment: the zone's units, its leaders, its people
    # (and the bell's count).
    with django_assert_max_num_queries(12):
        first = upload(as_admin, zone)
    data = review_post(first, action="recheck")
    with django_assert_max_num_queries(12):
        as_admin.post(REVIEW, data)
    data["action"] = "confirm"
    # The plan, its 8 items, 9 targets (each a row) and the lookups around them; not per field.
    with django_assert_max_num_queries(40):
        response = as_admin.post(REVIEW, data)
    with django_assert_max_num_queries(10):
        as_admin.get(response["Location"])


@pytest.mark.parametrize("bad", ["²", "9" * 5000, "99999999999999999999", "0"])
def test_a_zone_that_is_not_an_id_is_refused_beside_the_field(as_admin, zone, bad):
    response = as_admin.post(NEW, {"zone": bad, "year": 2027, "end_year": "", "title": "", "text": PLAN})
    assert response.status_code == 200
    assert "zone" in response.context["form"].errors
    assert nothing_created()
