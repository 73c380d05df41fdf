"""Parsing a plan's text into a proposal, and creating a draft plan from an accepted proposal.

``plan_parse`` is pure: text in, a ``ParsedPlan`` out (plain dataclasses with offsets into the
text, so that a review screen can highlight, edit, accept or drop every item). Nothing touches
the database until ``plan_import_create``, which writes the accepted items in one transaction
or nothing at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.text import illegal_count, xml_safe
from imports.extraction import (
    DEADLINE_RE,
    ParsedMilestone,
    ParsedTarget,
    deadlines_in,
    extract,
    node_is_past,
)
from imports.numbering import Outline, TaskNode, normalize, outline_build
from imports.reading import ImportRefused, refuse_empty, refuse_no_numbering, text_from_str
from plans.choices import PlanKind, PlanStatus
from plans.models import Plan, Task
from targets import kinds
from targets.choices import Comparator
from targets.models import Target
from targets.problems import TargetProblem, decimal_or_none, target_problems
from targets.task_items import task_items_ensure
from zones.models import Unit, Zone

_ROLES = (
    r"牵头单位|牵头部门|主责单位|责任单位|责任部门|配合单位|协办单位|协同单位|参与单位|"
    r"责任领导|分管领导|牵头领导|包抓领导|责任人|完成时限|完成时间|时间节点"
)
# The value runs to the next role (牵头单位:区发改委,配合单位:区财政局), a ; or 。 or the aside's end.
ROLE_RE = re.compile(rf"(?P<role>{_ROLES})\s*:\s*(?P<value>(?:(?!,?\s*(?:{_ROLES})\s*:)[^;。\n()])+)")
LEAD_ROLES = ("牵头单位", "牵头部门", "主责单位", "责任单位", "责任部门")
CO_ROLES = ("配合单位", "协办单位", "协同单位", "参与单位")
LEADER_ROLES = ("责任领导", "分管领导", "牵头领导", "包抓领导", "责任人")
DEADLINE_ROLES = ("完成时限", "完成时间", "时间节点")
# (区发改委牵头,区财政局、区科技局配合)
LEAD_ASIDE_RE = re.compile(
    r"\((?:由)?(?P<lead>[^()]{2,40}?)牵头(?:,|;|、)?(?:(?P<co>[^()]{2,60}?)(?:配合|参与|协办))?\)"
)
OVERALL_PATH = "0"
logger = logging.getLogger(__name__)


@dataclass
class ParsedTask:
    """A numbered item as proposed: as written, with what the text says about who and when."""

    number: str
    label: str
    path: str
    parent_path: str
    depth: int
    order: int
    heading: str
    start: int
    end: int
    heading_start: int
    heading_end: int
    inline: bool = False
    preamble: bool = False  # not numbered: the text before the first item, where it holds targets
    past: bool = False  # part of a review of an earlier year
    lead_unit: str = ""
    co_units: list[str] = field(default_factory=list)
    leader: str = ""
    deadline: str | None = None
    deadline_date: dt.date | None = None
    milestones: list[ParsedMilestone] = field(default_factory=list)
    accepted: bool = True

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "label": self.label,
            "path": self.path,
            "parent_path": self.parent_path,
            "depth": self.depth,
            "order": self.order,
            "heading": self.heading,
            "start": self.start,
            "end": self.end,
            "heading_start": self.heading_start,
            "heading_end": self.heading_end,
            "inline": self.inline,
            "preamble": self.preamble,
            "past": self.past,
            "lead_unit": self.lead_unit or None,
            "co_units": self.co_units,
            "leader": self.leader or None,
            "deadline": self.deadline,
            "deadline_date": self.deadline_date.isoformat() if self.deadline_date else None,
            "milestones": [m.as_dict() for m in self.milestones],
            "accepted": self.accepted,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ParsedTask:
        deadline_date = data.get("deadline_date")
        return cls(
            number=data.get("number") or "",
            label=data.get("label") or "",
            path=data.get("path") or "",
            parent_path=data.get("parent_path") or "",
            depth=int(data.get("depth") or 0),
            order=int(data.get("order") or 0),
            heading=data.get("heading") or "",
            start=int(data.get("start") or 0),
            end=int(data.get("end") or 0),
            heading_start=int(data.get("heading_start") or 0),
            heading_end=int(data.get("heading_end") or 0),
            inline=bool(data.get("inline")),
            preamble=bool(data.get("preamble")),
            past=bool(data.get("past")),
            lead_unit=data.get("lead_unit") or "",
            co_units=list(data.get("co_units") or []),
            leader=data.get("leader") or "",
            deadline=data.get("deadline"),
            deadline_date=dt.date.fromisoformat(deadline_date) if deadline_date else None,
            milestones=[ParsedMilestone.from_dict(m) for m in data.get("milestones") or []],
            accepted=bool(data.get("accepted", True)),
        )


@dataclass
class ParsedPlan:
    """The proposal made from a document: its tree, targets, past results and dated milestones."""

    text: str
    year: int
    title: str
    kind: str
    tasks: list[ParsedTask]
    targets: list[ParsedTarget]
    achievements: list[ParsedTarget]
    # Characters no file format can carry that the document held and parsing replaced (core.text).
    replaced_characters: int = 0

    def to_json(self) -> dict:
        """``{"tasks": [...], "targets": [...], "achievements": [...]}`` (what the eval scores)."""
        return {
            "tasks": [task.as_dict() for task in self.tasks],
            "targets": [target.as_dict() for target in self.targets],
            "achievements": [item.as_dict() for item in self.achievements],
        }

    @classmethod
    def from_json(cls, data: dict, *, text: str, year: int, title: str = "", kind: str = "") -> ParsedPlan:
        """The proposal as a review screen posts it back (``to_json``'s shape, edited)."""
        return cls(
            text=text,
            year=year,
            title=title or _title(text, year),
            kind=kind or _kind(text),
            tasks=[ParsedTask.from_dict(item) for item in data.get("tasks") or []],
            targets=[ParsedTarget.from_dict(item) for item in data.get("targets") or []],
            achievements=[ParsedTarget.from_dict(item) for item in data.get("achievements") or []],
        )


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def plan_parse(*, text: str, year: int) -> ParsedPlan:
    """Propose a plan from its text. Raises ``ImportRefused`` when there is nothing to import.

    Characters no file format can carry are replaced first (``core.text.xml_safe``: a page
    break or Word's manual line break becomes a line break, the rest goes), not refused: a
    document of many pages is not sent back for an invisible character that means nothing
    to the plan; the proposal counts them so the review can say so.
    """
    if not text or not text.strip():
        raise refuse_empty()
    text = text_from_str(text)
    replaced = illegal_count(text)
    text = xml_safe(text)
    norm = normalize(text)
    masked: list[tuple[int, int]] = []
    outline = outline_build(text, norm, masked=masked)
    if not outline.nodes:
        raise refuse_no_numbering()
    found = extract(text, norm, outline, year=year, masked=masked)
    tasks = _tasks(text, norm, outline, year)
    if any(not t.inline_path for t in found.targets) or any(not m.inline_path for m in found.milestones):
        # Targets before the first numbered item (a plan's overall targets, a news report's lead)
        # need a home: an unnumbered first item.
        tasks.insert(
            0,
            ParsedTask(
                number="",
                label="",
                path="",
                parent_path="",
                depth=0,
                order=-1,
                heading=str(_("Overall targets")),
                start=0,
                end=outline.nodes[0].start,
                heading_start=0,
                heading_end=0,
                preamble=True,
            ),
        )
    by_path = {task.path: task for task in tasks}
    for milestone in found.milestones:
        owner = by_path.get(milestone.inline_path) or by_path.get(milestone.task_path)
        if owner is not None:
            owner.milestones.append(milestone)
    return ParsedPlan(
        text=text,
        year=year,
        title=_title(text, year),
        kind=_kind(text),
        tasks=tasks,
        targets=found.targets,
        achievements=found.achievements,
        replaced_characters=replaced,
    )


def replaced_note(parsed: ParsedPlan) -> str:
    """What the review says of the characters ``plan_parse`` replaced ('' when none)."""
    count = parsed.replaced_characters
    if not count:
        return ""
    return ngettext(
        "The document held %(n)d invisible control character (such as a page break) that no file can keep: "
        "it was replaced by a line break or removed. Check the items around it.",
        "The document held %(n)d invisible control characters (such as page breaks) that no file can keep: "
        "they were replaced by line breaks or removed. Check the items around them.",
        count,
    ) % {"n": count}


def _tasks(text, norm, outline: Outline, year) -> list[ParsedTask]:
    tasks = []
    for node in outline.nodes:
        task = ParsedTask(
            number=node.number,
            label=node.label,
            path=node.path,
            parent_path=node.parent_path,
            depth=node.depth,
            order=node.index,
            heading=node.heading,
            start=node.start,
            end=node.end,
            heading_start=node.heading_start,
            heading_end=node.heading_end,
            inline=node.inline,
        )
        _roles(task, text, norm, node, year)
        # A review of an earlier year (一、2011年工作总结) is context, not tasks of this plan:
        # proposed, but not accepted unless the reviewer keeps it.
        task.past = _is_past_section(node, year)
        task.accepted = not task.past
        tasks.append(task)
    return tasks


def _is_past_section(node: TaskNode | None, year: int) -> bool:
    return node_is_past(node, year, {})


def _split_names(value: str) -> list[str]:
    """Names listed with 、 , / or spaces (not 和: 人力资源和社会保障局 is one name)."""
    return [name.strip() for name in re.split(r"[、,,/]|\s+", value) if name.strip()]


def _roles(task: ParsedTask, text: str, norm: str, node: TaskNode, year: int) -> None:
    """牵头单位:… 配合单位:… 责任领导:… 完成时限:… written in the item's own text."""
    for m in LEAD_ASIDE_RE.finditer(norm, node.start, node.end):
        if task.lead_unit:
            break
        names = _split_names(text[m.start("lead") : m.end("lead")])
        if names:
            task.lead_unit = names[0]
            task.co_units.extend(names[1:])
        if m.group("co"):
            task.co_units.extend(n for n in _split_names(text[m.start("co") : m.end("co")]) if n not in task.co_units)
    for m in ROLE_RE.finditer(norm, node.start, node.end):
        role = m.group("role")
        value = text[m.start("value") : m.end("value")].strip()
        if role in LEAD_ROLES and not task.lead_unit:
            names = _split_names(value)
            if names:
                task.lead_unit = names[0]
                task.co_units.extend(n for n in names[1:] if n not in task.co_units)
        elif role in CO_ROLES:
            task.co_units.extend(n for n in _split_names(value) if n not in task.co_units)
        elif role in LEADER_ROLES and not task.leader:
            names = _split_names(value)
            task.leader = names[0] if names else ""
        elif role in DEADLINE_ROLES and not task.deadline:
            task.deadline = value
            found = deadlines_in(normalize(value), normalize(value), 0, len(value), year)
            if not found and DEADLINE_RE.search(normalize(value)):
                found = deadlines_in("到" + value, "到" + normalize(value), 0, len(value) + 1, year)
            task.deadline_date = found[0].date if found else None
            if found and found[0].date is None:
                task.deadline_date = dt.date(year, 12, 31)


def _title(text: str, year: int) -> str:
    lines = [line.strip(" \t\u3000") for line in text.splitlines()[:40]]
    candidates = [
        line
        for line in lines
        if 4 <= len(line) <= 60 and re.search(r"要点|计划|安排|方案|报告", line) and not re.search(r"[。,;:]", line)
    ]
    for line in candidates:
        if not re.search(r"通知|关于|印发", line):
            return line.strip("《》")
    if candidates:
        m = re.search(r"印发(.+?)的通知", candidates[0])
        return (m.group(1) if m else candidates[0]).strip("《》")
    return _("%(year)s work plan") % {"year": year}


def _kind(text: str) -> str:
    head = text[:600]
    if "要点" in head:
        return PlanKind.WORK_POINTS
    if re.search(r"行动计划|行动方案|三年", head):
        return PlanKind.ACTION_PLAN
    if re.search(r"报告|总结", head):
        return PlanKind.WORK_REPORT
    return PlanKind.WORK_PLAN


# --------------------------------------------------------------------------------------------
# Creating the draft plan
# --------------------------------------------------------------------------------------------


def plan_import_create(
    *,
    parsed: ParsedPlan,
    zone: Zone,
    by,
    title: str | None = None,
    kind: str | None = None,
    end_year: int | None = None,
) -> Plan:
    """Create a draft plan in ``zone`` from the accepted items of ``parsed``, in one transaction.

    Raises ``ImportRefused`` (and creates nothing) when a title is taken or an item breaks a rule
    of the data model.
    """
    title = (title or parsed.title).strip()[:200]
    end_year = end_year or parsed.year
    tasks = [task for task in parsed.tasks if task.accepted]
    targets = [target for target in parsed.targets if target.accepted]
    milestones = [(task.path, m) for task in tasks for m in task.milestones if m.accepted]
    problems = [
        *_plan_problems(parsed, zone=zone, title=title, end_year=end_year),
        *_task_problems(parsed, tasks=tasks),
        *_accepted_target_problems(targets, paths={task.path for task in tasks}),
    ]
    if problems:
        raise ImportRefused(
            _("Nothing was created: %(problems)s") % {"problems": " ".join(problems[:10])}, code="invalid"
        )
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                zone=zone,
                title=title,
                kind=kind or parsed.kind,
                start_year=parsed.year,
                end_year=end_year,
                status=PlanStatus.DRAFT,
            )
            created = _tasks_create(plan, parsed=parsed, tasks=tasks)
            _targets_create(created, tasks=tasks, targets=targets, milestones=milestones)
            items = task_items_ensure(plan)  # every leaf task in the ledger
    except IntegrityError as error:
        raise ImportRefused(
            _("Nothing was created: the database refused the plan (%(error)s).") % {"error": error}, code="integrity"
        ) from error
    logger.info(
        "plan %s (%s) imported into zone %s by %s: %s tasks, %s targets, %s milestones, %s task items",
        plan.pk,
        plan.title,
        zone.code,
        getattr(by, "username", by),
        len(tasks),
        len(targets),
        len(milestones),
        items,
    )
    return plan


# --- what keeps an import from being created --------------------------------------------


def _plan_problems(parsed: ParsedPlan, *, zone: Zone, title: str, end_year: int) -> list[str]:
    """The plan's own: a title, years in order, a title not taken in the zone."""
    problems = []
    if not title:
        problems.append(_("The plan needs a title."))
    if end_year < parsed.year:
        problems.append(_("The plan cannot end before it starts."))
    if Plan.objects.filter(zone=zone, title=title).exists():
        problems.append(_("The zone already has a plan titled “%(title)s”.") % {"title": title})
    return problems


def _task_problems(parsed: ParsedPlan, *, tasks: list[ParsedTask]) -> list[str]:
    """The kept tasks': numbers and paths that fit, parents kept, and the
    unnumbered first item kept when targets come before the first number."""
    problems = []
    paths = {task.path for task in tasks}
    if not any(task.preamble for task in tasks) and any(not t.inline_path for t in parsed.targets if t.accepted):
        problems.append(_("Targets before the first numbered item need the unnumbered first item; keep it."))
    for task in tasks:
        if len(task.number) > 16 or len(task.path) > 200:
            problems.append(_("Task %(path)s: its number or path is too long.") % {"path": task.path})
        if task.parent_path and task.parent_path not in paths:
            problems.append(
                _("Task %(path)s: its parent %(parent)s was dropped; drop the task too or keep its parent.")
                % {"path": task.path, "parent": task.parent_path}
            )
    return problems


def _accepted_target_problems(targets: list[ParsedTarget], *, paths: set[str]) -> list[str]:
    """The kept targets': the data model's rules (``target_problems``) and a task kept."""
    problems = []
    for index, target in enumerate(targets, start=1):
        for problem in target_problems(target):
            problems.append(
                _("Target %(n)s (%(indicator)s): %(problem)s.")
                % {
                    "n": index,
                    "indicator": target.indicator or target.quote[:20],
                    "problem": problem.message.rstrip(".。"),
                }
            )
        if target.inline_path not in paths and target.task_path not in paths:
            problems.append(
                _("Target %(n)s (%(indicator)s): its task %(path)s was dropped.")
                % {"n": index, "indicator": target.indicator, "path": target.task_path}
            )
    return problems


# --- writing the plan ------------------------------------------------------------------------


def _tasks_create(plan: Plan, *, parsed: ParsedPlan, tasks: list[ParsedTask]) -> dict[str, Task]:
    """The kept tasks in the document's order, under their parents, with the
    lead and co-operating units and the leader matched by name in the zone."""
    units = {unit.name: unit for unit in Unit.objects.filter(zone=plan.zone)}
    leaders = zone_people(plan.zone)
    created: dict[str, Task] = {}
    for order, task in enumerate(tasks, start=1):
        row = Task.objects.create(
            plan=plan,
            parent=created.get(task.parent_path) if task.parent_path else None,
            number=task.number,
            path=task.path or OVERALL_PATH,
            depth=task.depth,
            order=order,
            heading=(task.heading or task.number)[:300],
            text=parsed.text[task.start : task.end].strip(),
            lead_unit=unit_match(units, task.lead_unit),
            leader=leader_match(leaders, task.leader),
            deadline=task.deadline_date,
        )
        co = [u for u in (unit_match(units, name) for name in task.co_units) if u and u != row.lead_unit]
        if co:
            row.co_units.set(co)
        created[task.path] = row
    return created


def _targets_create(
    created: dict[str, Task],
    *,
    tasks: list[ParsedTask],
    targets: list[ParsedTarget],
    milestones: list[tuple[str, ParsedMilestone]],
) -> None:
    """The kept targets under their tasks, then the tasks' milestones, numbered in that order."""
    deadlines = {task.path: task.deadline_date for task in tasks if task.deadline_date}
    order = 0
    for target in targets:
        order += 1
        # A target without a date of its own is due when its task is (完成时限).
        due = target.deadline_date or deadlines.get(target.inline_path) or deadlines.get(target.task_path)
        Target.objects.create(
            task=created.get(target.inline_path) or created[target.task_path],
            indicator=target.indicator.strip()[:200],
            kind=target.kind,
            unit=target.unit or "",
            comparator=target.comparator,
            value=decimal_or_none(target.value),
            value_high=decimal_or_none(target.value_high),
            stretch=decimal_or_none(target.stretch),
            start_value=decimal_or_none(target.start_value),
            deadline=due,
            quote=target.quote,
            order=order,
        )
    for path, milestone in milestones:
        order += 1
        Target.objects.create(
            task=created[path],
            indicator=milestone.quote.strip()[:200],
            kind=kinds.MILESTONE.key,
            unit="%",
            comparator=Comparator.AT_LEAST,
            value=Decimal(100),
            deadline=milestone.deadline_date,
            quote=milestone.quote[:500],
            order=order,
        )


def unit_match(units: dict[str, Unit], name: str) -> Unit | None:
    """The zone's unit a document names (投资促进局 for 区投资促进局): the one
    whose name holds it or is held by it; None when none or several do."""
    if not name:
        return None
    if name in units:
        return units[name]
    matches = [unit for key, unit in units.items() if name in key or key in name]
    return matches[0] if len(matches) == 1 else None


def zone_people(zone: Zone) -> dict[str, object]:
    """The zone's people by every name a document may use: full name, given
    name, username."""
    users = get_user_model().objects.filter(memberships__zone=zone).distinct()
    people: dict[str, object] = {}
    for user in users:
        for name in {user.get_full_name().strip(), (user.first_name or "").strip(), user.username}:
            if name:
                people.setdefault(name, user)
    return people


def leader_match(people: dict[str, object], name: str):
    """The person a document names (王强, or 王 for 王强 when only one starts so)."""
    if not name:
        return None
    if name in people:
        return people[name]
    matches = {id(user): user for key, user in people.items() if key.startswith(name)}
    return next(iter(matches.values())) if len(matches) == 1 else None


__all__ = [
    "ImportRefused",
    "ParsedMilestone",
    "ParsedPlan",
    "ParsedTarget",
    "ParsedTask",
    "TargetProblem",
    "leader_match",
    "plan_import_create",
    "plan_parse",
    "target_problems",
    "unit_match",
    "zone_people",
]
