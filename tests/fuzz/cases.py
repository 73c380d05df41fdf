"""A case of the page fuzzer: requests drawn for a form or a page, sent as one role in a
transaction that is rolled back, and what went wrong with them; and the run of every case of a
role (``fuzz_role``): each form, each page's query parameters, then a write followed by reads.

A form keeps the values its page offers in all but a few fields, so that a nasty value gets
past the form's other checks to the code behind it. A post follows its redirect as a browser
does, and the forms a post comes back with (the period form asking to confirm a figure) are
fuzzed too. A request that wrote to the database is followed by a fingerprint of the data the
user must not change (``tests.fuzz.fingerprint``), compared with the one taken before.
"""

from __future__ import annotations

import json
import traceback
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from plans.models import Plan, Task
from progress.models import Report
from supervision.models import Bulletin, Notice
from targets.models import Target
from tests.fuzz import values
from tests.fuzz.crawl import Found, GetPage, crawl, is_html
from tests.fuzz.discovery import Form, path_parameters, read_page, view_name
from tests.fuzz.files import Upload, uploads
from tests.fuzz.fingerprint import changed, fingerprint, writable, wrote
from tests.fuzz.report import Failure, Tally
from zones.models import Region, Unit, Zone


def other_ids() -> tuple[str, ...]:
    """The ids of every object of the world, of this zone and the other, as text."""
    ids = set()
    for model in (Zone, Region, Unit, Plan, Task, Target, Report, Notice, Bulletin):
        ids |= {str(pk) for pk in model.objects.values_list("pk", flat=True)}
    return tuple(sorted(ids, key=int))


def _where(exc_info) -> tuple[str, str]:
    """The exception's type and the deepest frame of the project's own code (else the deepest)."""
    kind, _error, tb = exc_info
    frames = traceback.extract_tb(tb)
    root = str(Path(__file__).resolve().parents[2])
    own = [
        f
        for f in frames
        if f.filename.startswith(root) and not f.filename.startswith(f"{root}/tests/") and "/.venv/" not in f.filename
    ]
    frame = (own or frames)[-1]
    deepest = frames[-1]
    where = f"{frame.filename.removeprefix(root + '/')}:{frame.lineno} in {frame.name}"
    if deepest is not frame:
        where += f" (raised in {Path(deepest.filename).name}:{deepest.lineno} {deepest.name})"
    return kind.__name__, where


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 120 else f"{text[:100]}…({len(text)} chars)"


# --- drawing requests -------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request of a case: to which view (for the report), how, where and with what."""

    view: str
    method: str
    url: str
    data: dict
    multipart: bool = False
    json: str | None = None  # sent as the body instead of the form's fields

    def __str__(self) -> str:
        shown = _short(self.json) if self.json is not None else {k: _short(v) for k, v in self.data.items()}
        return f"{self.method.upper()} {_short(self.url)[1:-1]} {shown}"


def _path_with(path: str, ids: tuple[str, ...]) -> st.SearchStrategy[str]:
    """The path as it is (mostly: a case is about the fields), or with one of its parameters
    (an id, a period) replaced."""
    spans = path_parameters(path)
    if not spans:
        return st.just(path)
    options = []
    for _name, converter, start, end in spans:
        replacement = st.sampled_from(values.IDS + ids) if converter == "int" else values.nasty(ids=ids)
        options.append(replacement.map(lambda v, s=start, e=end: path[:s] + quote(v, safe="") + path[e:]))
    other = st.one_of(*options)
    return st.integers(min_value=0, max_value=9).flatmap(lambda n: st.just(path) if n < 8 else other)


# Fields a user types into (not hidden, chosen from a list or ticked).
TYPED_IN = frozenset({"text", "textarea", "number", "date", "email", "search", "tel", "url"})


def _kept(offered: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(offered) if offered else st.just("")


@st.composite
def form_request(draw, form: Form, *, ids: tuple[str, ...], sheet: bytes | None, gentle: bool = False) -> Request:
    """The form as the page offers it with a few fields changed (now and then all of them),
    and now and then sent to a path with another id or period in it. ``gentle``: one field
    the user types into is changed, to one value, so that the form is likely to store it."""
    parts = urlsplit(form.action)
    path = parts.path if gentle else draw(_path_with(parts.path, ids), label="path")
    names = sorted(form.fields)
    # Fields of a kind (figures, ids, dates, periods) are changed more often than free text.
    kinds = [n for n in names if values.typed(n, form.fields[n].kind, form.fields[n].values) is not None]
    typed_in = [n for n in names if form.fields[n].kind in TYPED_IN]
    how = draw(st.integers(min_value=0, max_value=9), label="how many fields")
    if gentle:
        changed_fields = {draw(st.sampled_from(typed_in), label="field")} if typed_in else set()
    elif how == 0 or not names:
        changed_fields = set(names)
    else:
        pool = kinds if kinds and how < 5 else names
        changed_fields = draw(st.sets(st.sampled_from(pool), max_size=3), label="fields")
    data: dict[str, object] = {}
    for name, entry in form.fields.items():
        if entry.is_file:
            value = draw(st.one_of(uploads(sheet=sheet), st.just(values.MISSING)), label=name)
        elif name in changed_fields and gentle:
            value = draw(values.retyped(name, entry.kind, entry.values, ids=ids), label=name)
        elif name in changed_fields:
            value = draw(values.mutated(name, entry.kind, entry.values, ids=ids), label=name)
        else:
            value = draw(_kept(entry.values), label=name)
        if value is not values.MISSING:
            data[name] = value
    view = f"{form.method.upper()} {view_name(parts.path)} (form on {form.found_on})"
    url = path + (f"?{parts.query}" if parts.query else "")
    body = None
    if form.method == "post" and draw(st.integers(min_value=0, max_value=19), label="as JSON") == 0:
        fields = {k: v for k, v in data.items() if not isinstance(v, Upload)}
        body = draw(st.one_of(st.just(json.dumps(fields)), st.sampled_from(values.NESTED_JSON)), label="body")
    return Request(view, form.method, url, data, multipart=form.multipart, json=body)


@st.composite
def page_request(draw, page: GetPage, *, ids: tuple[str, ...]) -> Request:
    """The page's URL with a few of its query parameters set to what its pages offer or to
    nasty values, and now and then another id or period in its path."""
    path = draw(_path_with(page.path, ids), label="path")
    data: dict[str, object] = dict(page.query)
    names = draw(st.sets(st.sampled_from(sorted(page.parameters)), max_size=4), label="parameters")
    for name in sorted(names):
        offered = page.parameters[name]
        kind = "select" if offered else "text"
        value = draw(st.one_of(_kept(offered), values.mutated(name, kind, offered, ids=ids)), label=name)
        if value is values.MISSING:
            data.pop(name, None)
        else:
            data[name] = value
    return Request(f"GET {page.name}", "get", path, data)


# --- sending them ------------------------------------------------------------------------------


def _send(template: Client, request: Request):
    """The response to one request from a fresh client with ``template``'s session; a post
    follows its redirect, as a browser does, so that what it stored is shown at once."""
    client = Client(raise_request_exception=False)
    for name, morsel in template.cookies.items():  # a case that logs out drops only its copy
        client.cookies[name] = morsel.value
    data = request.data
    if request.method == "get":
        return client.get(request.url, data)
    if request.json is not None:
        return client.post(request.url, request.json, content_type="application/json", follow=True)
    if request.multipart or any(isinstance(v, Upload) for v in data.values()):
        files = {
            name: SimpleUploadedFile(v.name, v.content) if isinstance(v, Upload) else v for name, v in data.items()
        }
        return client.post(request.url, files, follow=True)
    body = urlencode(data, doseq=True)
    return client.post(request.url, body, content_type="application/x-www-form-urlencoded", follow=True)


class _Statements:
    """Collects the SQL a request runs, to tell whether it wrote anything."""

    def __init__(self) -> None:
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def _step(tally: Tally, template: Client, request: Request, steps: str, *, guard, found: Found) -> str | None:
    """Send one request and check its answer; "failed", "wrote" (to a guarded table) or None."""
    allowed, before = guard
    tally.cases += 1
    statements = _Statements()
    with connection.execute_wrapper(statements):
        response = _send(template, request)
    if request.method == "post" and response.status_code < 500 and is_html(response):
        path = response.request.get("PATH_INFO") or urlsplit(request.url).path
        found.add_page(read_page(path, response.content.decode()))
    if response.status_code >= 500:
        exc_info = getattr(response, "exc_info", None)
        kind, where = _where(exc_info) if exc_info else (f"HTTP {response.status_code}", "(no exception)")
        detail = str(exc_info[1])[:300] if exc_info else ""
        tally.record(Failure("server error: " + kind, request.view, where, detail), steps)
        return "failed"
    if not wrote(statements.sql):
        return None
    try:
        after = fingerprint()
    except DatabaseError as error:  # the request left the transaction unusable
        tally.record(Failure("broken transaction", request.view, type(error).__name__, str(error)), steps)
        return "failed"
    touched = changed(before, after, allowed=allowed)
    if touched:
        tally.record(Failure("changed others' data", request.view, ", ".join(touched), ""), steps)
    return "wrote"


def run_case(
    tally: Tally, template: Client, requests: list[Request], *, guard, found: Found, then: list[Request] = ()
) -> None:
    """Send the requests one after another in a transaction that is rolled back (so that the
    next case meets the same world) and record what went wrong; when they stored something,
    send the requests of ``then`` (every page), which must show it."""
    with transaction.atomic():
        stored = False
        for number, request in enumerate(requests):
            steps = "\n    then ".join(map(str, requests[: number + 1]))
            outcome = _step(tally, template, request, steps, guard=guard, found=found)
            if outcome == "failed":
                break
            stored = stored or outcome == "wrote"
        else:
            for read in then if stored else ():
                steps = "\n    then ".join(map(str, [*requests, read]))
                if _step(tally, template, read, steps, guard=guard, found=found) == "failed":
                    break
        transaction.set_rollback(True)


def _run(strategy: st.SearchStrategy[list[Request]], *, label: str, examples: int, start: int, body) -> None:
    """Draw ``examples`` cases from ``strategy`` (the same ones for the same ``start`` and
    label) and pass each to ``body``."""

    @seed(zlib.crc32(label.encode()) ^ start)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def cases(requests):
        body(requests)

    cases()


def fuzz_role(world, role: str, *, examples: int, start: int = 0) -> Tally:
    """Fuzz what ``role`` reaches: each form, each page's query, then writes followed by reads
    (what one request stores, the next page or export must show)."""
    template = Client(raise_request_exception=False)
    if role != "anonymous":
        template.force_login(world.users[role])
    found: Found = crawl(world, template)
    ids = other_ids()
    user = world.users.get(role)
    guard = (writable(user) if user else set(), fingerprint())
    tally = Tally(role)

    def run(strategy, label: str, examples: int = examples) -> None:
        _run(
            strategy,
            label=f"{role} {label}",
            examples=examples,
            start=start,
            body=lambda requests: run_case(tally, template, requests, guard=guard, found=found),
        )

    for _round in range(3):  # the forms found, then those their answers brought, and theirs
        fresh = [form for key, form in sorted(found.forms.items(), key=repr) if key not in tally.forms]
        for form in fresh:
            tally.forms.add(form.key)
            run(form_request(form, ids=ids, sheet=found.sheet).map(lambda r: [r]), repr(form.key))
    forms = list(found.forms.values())
    pages = [page for _name, page in sorted(found.pages.items())]
    for page in pages:
        tally.pages.add(page.name)
        run(page_request(page, ids=ids).map(lambda r: [r]), f"GET {page.name}")
    writes = [form for form in forms if form.method == "post"]
    if writes:
        # What a form stored must not break a page or an export that shows it: after each
        # write that stored something, every page is read as it is linked.
        every_page = [Request(f"GET {page.name}", "get", page.path, dict(page.query)) for page in pages]
        write = st.sampled_from(writes).flatmap(
            lambda form: form_request(form, ids=ids, sheet=found.sheet, gentle=True)
        )
        _run(
            write.map(lambda request: [request]),
            label=f"{role} write then read",
            examples=examples * len(writes),
            start=start,
            body=lambda requests: run_case(tally, template, requests, guard=guard, found=found, then=every_page),
        )
    return tally
