"""Pages of supervision: the lists and their exports, follow-up notices, the
ranking, the ledger and the bulletins. Views check rights, validate and call
selectors and services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.downloads import attach
from core.export_records import record_export
from core.forms import CleanTextForm
from core.models import ExportRecord
from core.office import office_available
from core.params import parse_id, parse_ids
from core.people import display_name
from plans.models import Plan
from plans.periods import Period, default_period, period_label
from progress.choices import ReportStatus
from progress.selectors import pending_figures
from supervision import exports, services
from supervision.choices import (
    ANSWER_FIELDS,
    DEFAULT_SCORE_MODE,
    OPEN_STATES,
    PROGRESS_LISTS,
    REPORTING_LISTS,
    AnswerKind,
    InstructionSubject,
    ListKind,
    NoticeState,
    NoticeStep,
    ScoreMode,
)
from supervision.filtersets import SupervisionFilterSet
from supervision.forms import (
    AnswerForm,
    BulletinForm,
    CloseForm,
    ExportRecordFilterForm,
    ExtensionForm,
    GrantForm,
    IssueForm,
    RefuseForm,
    ReturnAnswerForm,
    SignOffForm,
    period_choices,
)
from supervision.instructions import instructions_on_notice, subject_of
from supervision.models import Bulletin, Notice
from supervision.panels import instructions_box
from supervision.selectors import (
    answering_units,
    can_supervise,
    explanation_of,
    items_behind,
    ledger,
    ledger_leaders,
    notice_answer_kind,
    notice_steps,
    notices_visible_to,
    pace_of,
    ranking_title,
    rule_for,
    supervised_zones,
    unit_scores,
)
from targets.models import Target
from targets.selectors import latest_results
from zones import policy
from zones.models import Unit

PAGE_SIZE = 100
NOT_FOR_YOU = gettext_lazy("These pages are for the zone's supervision team and leadership.")


def _readable_plans(user) -> QuerySet[Plan]:
    """Plans whose supervision pages the user reads (zone-wide roles)."""
    return (
        Plan.objects.readable_by(user, whole_zones_only=True)
        .select_related("zone")
        .order_by("-start_year", "zone__code", "title")
    )


def _require_reader(request: HttpRequest) -> None:
    if not policy.zones_seen_whole(request.user).exists():
        raise PermissionDenied(NOT_FOR_YOU)


def _chosen_plan(request: HttpRequest, plans: QuerySet[Plan]) -> Plan:
    """The plan named by ``?plan=``, else the newest; 403 when none is readable,
    400 when the value is not an id (core.params)."""
    text = request.GET.get("plan") or request.POST.get("plan")
    if text:
        plan_id = parse_id(text)
        if plan_id is None:
            raise BadRequest(_("No such plan."))
        plan = plans.filter(pk=plan_id).first()
        if plan is None:
            if Plan.objects.filter(pk=plan_id).exists():
                raise PermissionDenied(NOT_FOR_YOU)
            raise Http404(_("No such plan."))
        return plan
    plan = plans.first()
    if plan is None:
        raise PermissionDenied(NOT_FOR_YOU)
    return plan


def _period_of(text: str | None, plan: Plan) -> Period:
    if not text:
        return default_period(plan)
    try:
        period = Period.parse(text)
    except ValueError:
        raise Http404(_("No such period.")) from None
    if not plan.start_year <= period.year <= plan.end_year:
        raise Http404(_("The period lies outside the plan."))
    return period


def _query_with(query: QueryDict, **changes) -> str:
    query = query.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


# --- the lists ------------------------------------------------------------------------


def _filterset(request: HttpRequest) -> SupervisionFilterSet:
    data = request.GET.copy()
    data.pop("page", None)
    if "list" not in data:
        data["list"] = ListKind.FLAGGED
    return SupervisionFilterSet(data, request=request)


def _tabs(query: QueryDict, kinds) -> list[tuple[str, str, str, bool]]:
    return [
        (kind, ListKind(kind).label, _query_with(query, list=kind, page=None), query.get("list") == kind)
        for kind in kinds
    ]


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """What needs supervision: the lists, their filters and exports. Every
    row shows the progress status (with the age of a carried figure) and the
    reporting status; the page counts every row and pages through all of them."""
    _require_reader(request)
    filterset = _filterset(request)
    period = filterset.chosen_period
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    results = list(page.object_list)
    pending = pending_figures(targets=[result.target_id for result in results], period=period)
    query = filterset.data
    can_issue = supervised_zones(request.user).exists()
    chosen_plans = list(filterset.plans_chosen()[:2])
    list_kind = query.get("list")
    context = {
        # What a printout says at its top: the plan (when the filters leave one), the list.
        "print_plan": chosen_plans[0] if len(chosen_plans) == 1 else None,
        "print_list": ListKind(list_kind).label if list_kind in ListKind.values else _("All targets"),
        "filterset": filterset,
        "form": filterset.form,
        "period": period,
        "period_text": period_label(period.year, period.month),
        "page": page,
        "rows": [
            (
                result,
                explanation_of(result),
                pending.get(result.target_id),
                result.report_status == ReportStatus.RETURNED,
                pace_of(result),
            )
            for result in results
        ],
        "progress_lists": _tabs(query, PROGRESS_LISTS),
        "reporting_lists": _tabs(query, REPORTING_LISTS),
        "all_targets": (_query_with(query, list="", page=None), query.get("list") == ""),
        "query": _query_with(query, page=None),
        "can_issue": can_issue,
        "statuses": filterset.form["status"],
        "reportings": filterset.form["reporting"],
    }
    return render(request, "supervision/index.html", context, status=400 if filterset.errors else 200)


@login_required
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The list as filtered, every row: XLSX or CSV, streamed."""
    _require_reader(request)
    filterset = _filterset(request)
    if filterset.errors:
        messages.error(request, _("The filters are not valid; nothing was exported."))
        return redirect(f"{reverse('supervision:index')}?{request.GET.urlencode()}")
    period = filterset.chosen_period
    about = exports.list_about(filterset, user=request.user)
    respond = exports.list_xlsx_response if fmt == "xlsx" else exports.list_csv_response
    response = respond(filterset.qs, period=period, about=about)
    heading = exports.list_heading(about, period)
    record_export(
        user=request.user,
        kind=ExportRecord.Kind.LIST,
        title=heading.title,
        file_name=exports.list_filename(period, fmt, about)[0],
        filters=heading.subtitle,
        zone_ids=about.zone_ids,
        rows=filterset.qs.count(),
    )
    return response


# --- notices ------------------------------------------------------------------------------


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    """Issue follow-up notices for one flagged item or many at once."""
    if not supervised_zones(request.user).exists():
        raise PermissionDenied(_("Only the zone's supervision team issues follow-up notices."))
    source = request.POST if request.method == "POST" else request.GET
    targets = _targets_to_follow_up(request, source)
    if not targets:
        messages.error(request, _("Choose at least one item to follow up."))
        return redirect("supervision:index")
    plan = targets[0].task.plan
    period_text = source.get("period") or str(default_period(plan))
    today = clock.today()
    if request.method == "POST":
        form = IssueForm(request.POST)
        if form.is_valid():
            issued = _notices_issue(request, form, targets=targets, today=today)
            if issued is not None:
                return issued
    else:
        form = _issue_form(targets, plan=plan, period_text=period_text, today=today)
    context = {
        "form": form,
        "rows": _follow_up_rows(targets, plan=plan, period_text=period_text),
        "units": sorted({t.task.lead_unit.name for t in targets if t.task.lead_unit}),
        "period_text": period_text,
    }
    return render(request, "supervision/notice_new.html", context, status=400 if form.errors else 200)


def _targets_to_follow_up(request: HttpRequest, source: QueryDict) -> list[Target]:
    """The targets named by ``target`` (or, posted, ``targets``) that the user
    reads and supervises, grouped by lead unit."""
    ids = parse_ids(source.getlist("target"))
    if request.method == "POST" and not ids:
        ids = parse_ids(source.get("targets", "").split(","))
    return list(
        Target.objects.visible_to(request.user)
        .filter(pk__in=ids, task__plan__zone__in=supervised_zones(request.user))
        .select_related("task__plan", "task__lead_unit", "task__leader")
        .order_by("task__lead_unit__name", "task__order", "order")
    )


def _issue_form(targets: list[Target], *, plan: Plan, period_text: str, today: dt.date) -> IssueForm:
    """The form as first shown: the plan's reply time and the usual requirement."""
    return IssueForm(
        initial={
            "targets": ",".join(str(t.pk) for t in targets),
            "period": period_text,
            "reply_by": today + dt.timedelta(days=rule_for(plan).reply_days),
            "requirement": _(
                "Analyse why these items lag, take measures to catch up with time progress, and answer "
                "the supervision team in writing by the date below."
            ),
        }
    )


def _notices_issue(
    request: HttpRequest, form: IssueForm, *, targets: list[Target], today: dt.date
) -> HttpResponse | None:
    """Issue the notices and say what was issued and left out; the redirect to
    the notice (or the list), or None with the refusal on the form."""
    try:
        result = services.notices_issue(
            target_ids=[t.pk for t in targets],
            period=form.cleaned_data["period"],
            reply_by=form.cleaned_data["reply_by"],
            requirement=form.cleaned_data["requirement"],
            by=request.user,
            today=today,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if result.notices:
        messages.success(
            request,
            _("Issued %(n)d follow-up notice(s): %(numbers)s.")
            % {"n": len(result.notices), "numbers": "、".join(n.number for n in result.notices)},
        )
    if result.skipped:
        messages.warning(
            request,
            _("Already followed up by an open notice, so left out: %(items)s.")
            % {"items": "、".join(t.indicator for t in result.skipped)},
        )
    if len(result.notices) == 1:
        return redirect("supervision:notice", notice_id=result.notices[0].pk)
    return redirect("supervision:notices")


def _follow_up_rows(targets: list[Target], *, plan: Plan, period_text: str) -> list[tuple]:
    """Each target with its result for the period and its explanation."""
    results = {
        r.target_id: r
        for r in latest_results(
            targets=Target.objects.filter(pk__in=[t.pk for t in targets]), period=_safe_period(period_text, plan)
        ).select_related("target__task__plan")
    }
    return [(t, results.get(t.pk), explanation_of(results[t.pk]) if t.pk in results else "") for t in targets]


def _safe_period(text: str, plan: Plan) -> Period:
    try:
        return Period.parse(text)
    except ValueError:
        return default_period(plan)


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    """督办事项: notices of the zones the user supervises or reads, and those
    addressed to the user's units."""
    user = request.user
    visible = notices_visible_to(user)
    units = answering_units(user)
    if not policy.zones_seen_whole(user).exists() and not units.exists():
        raise PermissionDenied(_("Follow-up notices are for the supervision team and the units they address."))
    state = request.GET.get("state", "open")
    shown = visible
    if state == "open":
        shown = shown.filter(state__in=OPEN_STATES)
    elif state in NoticeState.values:
        shown = shown.filter(state=state)
    today = clock.today()
    page = Paginator(
        shown.select_related("unit", "zone", "plan", "issued_by")
        .annotate(items_count=Count("items"))
        .order_by("-level", "state", "reply_by", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    counts = visible.aggregate(
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("pk", filter=Q(state=NoticeState.ISSUED, reply_by__lt=today)),
        red=Count("pk", filter=Q(state__in=OPEN_STATES, level=2)),
    )
    states = [("open", pgettext("notices", "Open")), *NoticeState.choices, ("all", _("All"))]
    return render(
        request,
        "supervision/notices.html",
        {
            "notices": page.object_list,
            "page": page,
            "query": _query_with(request.GET, page=None),
            "state": state,
            "states": states,
            "counts": counts,
            "today": today,
        },
    )


def _notice_for(request: HttpRequest, notice_id: int) -> Notice:
    notice = get_object_or_404(Notice.objects.select_related("zone", "plan", "unit", "issued_by"), pk=notice_id)
    if not notices_visible_to(request.user).filter(pk=notice.pk).exists():
        raise PermissionDenied(_("This notice is addressed to another unit."))
    return notice


def _notice_page(request: HttpRequest, notice: Notice, *, forms: dict | None = None, status: int = 200):
    user = request.user
    steps = notice_steps(user, notice)
    forms = forms or {}
    items = list(
        notice.items.select_related("target__task__lead_unit", "target__task__leader", "target__task__plan").order_by(
            "id"
        )
    )
    now = {
        r.target_id: r
        for r in latest_results(
            targets=Target.objects.filter(pk__in=[item.target_id for item in items]),
            period=default_period(notice.plan),
        )
    }
    context = {
        "notice": notice,
        "items": [(item, now.get(item.target_id)) for item in items],
        "events": notice.events.select_related("by").order_by("at", "id"),
        "today": clock.today(),
        "can_answer": NoticeStep.ANSWER in steps,
        "can_sign_off": NoticeStep.SIGN_OFF in steps,
        "behind": items_behind(notice, period=default_period(notice.plan)) if NoticeStep.CLOSE in steps else [],
        "can_ask_extension": NoticeStep.REQUEST_EXTENSION in steps,
        "can_decide_extension": NoticeStep.GRANT_EXTENSION in steps,
        "can_close": NoticeStep.CLOSE in steps,
        "answer_form": forms.get(NoticeStep.ANSWER) or _answer_form(notice),
        "sign_off_form": forms.get(NoticeStep.SIGN_OFF) or SignOffForm(),
        "answer_labels": {
            name: label for name, (label, _message) in ANSWER_FIELDS[notice.answer_kind or AnswerKind.LAGGING].items()
        },
        "return_form": forms.get(NoticeStep.RETURN_ANSWER) or ReturnAnswerForm(),
        "extension_form": forms.get(NoticeStep.REQUEST_EXTENSION) or ExtensionForm(),
        "grant_form": forms.get(NoticeStep.GRANT_EXTENSION) or GrantForm(),
        "refuse_form": forms.get(NoticeStep.REFUSE_EXTENSION) or RefuseForm(),
        "close_form": forms.get(NoticeStep.CLOSE) or CloseForm(),
        "instructions_box": instructions_box(
            request,
            instructions=instructions_on_notice(notice, user=user),
            subject=subject_of(notice=notice),
            kind=InstructionSubject.NOTICE,
            subject_id=notice.pk,
        ),
    }
    return render(request, "supervision/notice_detail.html", context, status=status)


def _answer_form(notice: Notice, data=None) -> AnswerForm:
    """The answer form of the notice's kind, holding what a returned answer said."""
    initial = {"reason": notice.answer_reason, "measures": notice.answer_measures, "expected": notice.answer_expected}
    return AnswerForm(data, kind=notice_answer_kind(notice), initial=initial)


@login_required
@require_GET
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    return _notice_page(request, _notice_for(request, notice_id))


# The page's form of each step and what it says when the step is taken; the
# service is services.NOTICE_STEP_SERVICES[step], as for the API.
STEP_FORMS: dict[NoticeStep, tuple[type[CleanTextForm], Promise]] = {
    NoticeStep.ANSWER: (AnswerForm, gettext_lazy("Your answer is recorded.")),
    NoticeStep.SIGN_OFF: (SignOffForm, gettext_lazy("Signed off; the answer goes to the supervision team.")),
    NoticeStep.RETURN_ANSWER: (ReturnAnswerForm, gettext_lazy("The answer is returned to be written again.")),
    NoticeStep.REQUEST_EXTENSION: (
        ExtensionForm,
        gettext_lazy("Your request for an extension is sent to the supervision team."),
    ),
    NoticeStep.GRANT_EXTENSION: (GrantForm, gettext_lazy("Extension granted; the new answer date applies.")),
    NoticeStep.REFUSE_EXTENSION: (RefuseForm, gettext_lazy("Extension refused; the answer date stays.")),
    NoticeStep.CLOSE: (CloseForm, gettext_lazy("The notice is closed.")),
}


@login_required
@require_POST
def notice_act(request: HttpRequest, notice_id: int, step: NoticeStep) -> HttpResponse:
    """One step of a notice: the unit answers or asks for more time;
    supervision grants, refuses or closes."""
    notice = _notice_for(request, notice_id)
    form_class, done = STEP_FORMS[step]
    form = _answer_form(notice, request.POST) if step == NoticeStep.ANSWER else form_class(request.POST)
    if form.is_valid():
        try:
            services.NOTICE_STEP_SERVICES[step](notice=notice, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict") and not set(error.error_dict) <= set(form.fields):
                error = ValidationError(error.messages)
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("supervision:notice", notice_id=notice.pk)
    notice.refresh_from_db()
    messages.error(request, _("Nothing was saved; see the form below."))
    return _notice_page(request, notice, forms={step: form}, status=400)


# --- scores and ranking --------------------------------------------------------------------


@login_required
@require_GET
def ranking(request: HttpRequest) -> HttpResponse:
    """月考核 / 年度考核: units scored and ranked for a period."""
    _require_reader(request)
    plans = _readable_plans(request.user)
    plan = _chosen_plan(request, plans)
    period = _period_of(request.GET.get("period"), plan)
    mode = request.GET.get("mode") if request.GET.get("mode") in ScoreMode.values else DEFAULT_SCORE_MODE
    rule = rule_for(plan)
    scores = unit_scores(plan=plan, period=period, mode=mode)
    return render(
        request,
        "supervision/ranking.html",
        {
            "plan": plan,
            "plans": plans,
            "period": period,
            "mode": mode,
            "modes": ScoreMode.choices,
            "title": ranking_title(mode=mode, period=period),
            "periods": period_choices(plan),
            "scores": scores,
            "rule": rule,
            "can_edit_rule": request.user.is_staff and can_supervise(request.user, plan.zone),
        },
    )


# --- the ledger ------------------------------------------------------------------------------


def _ledger_plans(user) -> QuerySet[Plan]:
    """Plans with a ledger the user downloads: every plan of a zone read whole,
    and those in which the user's units lead targets (a ledger is a lead unit's)."""
    return (
        Plan.objects.readable_by(user, co_operation=False)
        .select_related("zone")
        .order_by("-start_year", "zone__code", "title")
    )


@login_required
@require_GET
def ledger_index(request: HttpRequest) -> HttpResponse:
    """台账: the ledger of each unit and each leader, to download."""
    user = request.user
    plans = _ledger_plans(user)
    plan = _chosen_plan(request, plans)
    period = _period_of(request.GET.get("period"), plan)
    whole = policy.can_read_zone(user, plan.zone)
    lead_units = Unit.objects.filter(led_tasks__plan=plan, led_tasks__targets__isnull=False)
    if not whole:
        lead_units = lead_units.filter(pk__in=answering_units(user))
    # Counted in tasks, the ledger's rows (a leaf task has its task item, so every one counts).
    units = lead_units.annotate(n=Count("led_tasks", distinct=True)).order_by("order", "name")
    leaders = (
        ledger_leaders(plan).annotate(n=Count("led_tasks", distinct=True)).order_by("first_name", "pk")
        if whole
        else get_user_model().objects.none()
    )
    return render(
        request,
        "supervision/ledger.html",
        {
            "plan": plan,
            "plans": plans,
            "period": period,
            "periods": period_choices(plan),
            "units": units,
            "leaders": leaders,
        },
    )


@login_required
@require_GET
def ledger_unit(request: HttpRequest, plan_id: int, unit_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("zone"), pk=plan_id)
    unit = get_object_or_404(Unit, pk=unit_id, zone=plan.zone)
    if not (policy.can_read_zone(request.user, plan.zone) or answering_units(request.user).filter(pk=unit.pk).exists()):
        raise PermissionDenied(_("You may not read this unit's ledger."))
    period = _period_of(request.GET.get("period"), plan)
    return _ledger_download(request, ledger(plan=plan, period=period, unit=unit), subject=unit.name)


@login_required
@require_GET
def ledger_leader(request: HttpRequest, plan_id: int, user_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("zone"), pk=plan_id)
    leader = get_object_or_404(ledger_leaders(plan).distinct(), pk=user_id)
    if not (policy.can_read_zone(request.user, plan.zone) or request.user.pk == leader.pk):
        raise PermissionDenied(_("You may not read this leader's ledger."))
    period = _period_of(request.GET.get("period"), plan)
    return _ledger_download(request, ledger(plan=plan, period=period, leader=leader), subject=display_name(leader))


def _ledger_download(request: HttpRequest, book, *, subject: str) -> HttpResponse:
    """The ledger as a download, recorded (core.export_records)."""
    at = clock.now()
    response = exports.ledger_response(book, subject=subject, user=request.user, at=at)
    heading = exports.ledger_heading(book, subject=subject, user=request.user, at=at)
    record_export(
        user=request.user,
        kind=ExportRecord.Kind.LEDGER,
        title=heading.title,
        file_name=exports.ledger_filename(book, subject=subject, at=at)[0],
        filters=heading.subtitle,
        zone_ids=[book.plan.zone_id],
        rows=len(book.tasks),
    )
    return response


# --- bulletins ----------------------------------------------------------------------------------


@login_required
def bulletins(request: HttpRequest) -> HttpResponse:
    """月通报: the stored bulletins, and a button to generate one."""
    _require_reader(request)
    plans = _readable_plans(request.user)
    plan = _chosen_plan(request, plans)
    can_generate = can_supervise(request.user, plan.zone)
    form = BulletinForm(request.POST or None, plan=plan, initial={"period": str(default_period(plan))})
    if request.method == "POST":
        if not can_generate:
            raise PermissionDenied(_("Only the zone's supervision team publishes bulletins."))
        if form.is_valid():
            try:
                bulletin = services.bulletin_generate(plan=plan, period=form.cleaned_data["period"], by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Generated “%(title)s”.") % {"title": bulletin.title})
                return redirect(f"{reverse('supervision:bulletins')}?plan={plan.pk}")
    return render(
        request,
        "supervision/bulletins.html",
        {
            "plan": plan,
            "plans": plans,
            "form": form,
            "can_generate": can_generate,
            "bulletins": Bulletin.objects.filter(plan=plan).select_related("generated_by").order_by("-year", "-month"),
            "rule": rule_for(plan),
            "office_available": office_available(),
        },
        status=400 if form.errors else 200,
    )


def _bulletin_file(request: HttpRequest, bulletin_id: int, *, pdf: bool) -> FileResponse:
    """The bulletin's Word file or its PDF, named by its 文号 and title."""
    bulletin = get_object_or_404(Bulletin.objects.select_related("plan__zone"), pk=bulletin_id)
    if not policy.can_read_zone(request.user, bulletin.plan.zone):
        raise PermissionDenied(NOT_FOR_YOU)
    stored = bulletin.pdf if pdf else bulletin.file
    if not stored:
        raise Http404(_("This bulletin has no PDF: LibreOffice was not installed when it was generated."))
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(_("The bulletin's file is missing; generate it again.")) from None
    suffix = "pdf" if pdf else "docx"
    name = f"{bulletin.document_number}{bulletin.title}" if bulletin.document_number else bulletin.title
    # Government working papers: who took which bulletin out of the app, and when.
    record_export(
        user=request.user,
        kind=ExportRecord.Kind.BULLETIN,
        title=name,
        file_name=f"{name}.{suffix}",
        zone_ids=[bulletin.plan.zone_id],
    )
    content_type = (
        "application/pdf" if pdf else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return attach(
        FileResponse(handle, content_type=content_type),
        filename=f"{name}.{suffix}",
        fallback=f"bulletin-{bulletin.year}-{bulletin.month:02d}.{suffix}",
    )


@login_required
@require_GET
def bulletin_download(request: HttpRequest, bulletin_id: int) -> FileResponse:
    return _bulletin_file(request, bulletin_id, pdf=False)


@login_required
@require_GET
def bulletin_pdf(request: HttpRequest, bulletin_id: int) -> FileResponse:
    return _bulletin_file(request, bulletin_id, pdf=True)


# --- the record of exports -----------------------------------------------------------------


@login_required
@require_GET
def export_records(request: HttpRequest) -> HttpResponse:
    """导出记录: who took which list, ledger, bulletin or sheet out of the app,
    with which filter and when, for the zone's administration
    (``policy.export_record_zones``); filtered and paged."""
    zones = policy.export_record_zones(request.user).order_by("code")
    if not zones.exists():
        raise PermissionDenied(_("The record of exports is for the zone's administration."))
    form = ExportRecordFilterForm(request.GET or None, zones=zones, kinds=ExportRecord.Kind.choices)
    records = ExportRecord.objects.filter(zone_id__in=zones.values("pk"))
    if form.is_valid():
        records = _records_filtered(records, form.cleaned_data)
    elif form.is_bound:
        records = records.none()
    page = Paginator(records.order_by("-at", "-id"), RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    names = dict(zones.values_list("pk", "short_name"))
    names.update({pk: name for pk, name in zones.values_list("pk", "name") if not names.get(pk)})
    return render(
        request,
        "supervision/export_records.html",
        {
            "form": form,
            "page": page,
            "rows": [(record, names.get(record.zone_id, "")) for record in page.object_list],
            "query": _query_with(request.GET, page=None),
        },
        status=400 if form.errors else 200,
    )


RECORDS_PER_PAGE = 50


def _records_filtered(records: QuerySet[ExportRecord], data: dict) -> QuerySet[ExportRecord]:
    if data.get("zone"):
        records = records.filter(zone_id=data["zone"])
    if data.get("kind"):
        records = records.filter(kind=data["kind"])
    if data.get("who"):
        records = records.filter(user_name__icontains=data["who"].strip())
    if data.get("start"):
        records = records.filter(at__date__gte=data["start"])
    if data.get("end"):
        records = records.filter(at__date__lte=data["end"])
    return records
