"""What there is to fuzz on a page: its HTML forms, the query parameters its links and GET
forms use, and those its view reads.

Forms are read from the pages as each role gets them (method, action, every named field with
the values the page offers: a text input's value, a select's options, a checkbox's value, the
hidden fields and the CSRF token). Query parameters come from three places: GET forms and
links on the pages, and the view's own module (``request.GET.get("…")`` and the FilterSets it
uses), so that a parameter no page links to is fuzzed too.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import django_filters
from django.urls import Resolver404, resolve


@dataclass
class Field:
    """A named field of a form, with the values the page offers for it."""

    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    values: list[str] = field(default_factory=list)

    @property
    def is_file(self) -> bool:
        return self.kind == "file"


@dataclass
class Form:
    """One HTML form: where it goes, how, and its fields in page order."""

    found_on: str  # the page's path
    action: str  # path and query the form submits to
    method: str  # "get" or "post"
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        """Forms that submit the same fields to the same view for the same step (a notice's
        ``close`` and ``refuse`` are two) are one form to fuzz, whatever the ids in their path."""
        path = urlsplit(self.action).path
        return (self.method, view_name(path), *_steps(path), tuple(sorted(self.fields)))

    def add(self, name: str, kind: str, value: str | None) -> None:
        entry = self.fields.setdefault(name, Field(name, kind))
        if value is not None and value not in entry.values:
            entry.values.append(value)


@dataclass
class Page:
    """What one fetched page offers to fuzz."""

    path: str
    forms: list[Form] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self, path: str):
        super().__init__(convert_charrefs=True)
        self.page = Page(path)
        self.form: Form | None = None
        self.select: str | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.page.links.append(urljoin(self.page.path, a["href"]))
        elif tag == "form":
            self.form = Form(
                found_on=self.page.path,
                action=urljoin(self.page.path, a.get("action") or self.page.path),
                method=(a.get("method") or "get").lower(),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.page.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "option" and self.select is not None:
            self.form.add(self.select, "select", a.get("value", ""))
        elif not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset") and "value" not in a:
                return
            default = "on" if kind == "checkbox" else ""
            self.form.add(a["name"], kind, None if kind == "file" else a.get("value", default))
        elif tag == "button":
            self.form.add(a["name"], "submit", a.get("value", ""))
        elif tag == "select":
            self.select = a["name"]
            self.form.add(a["name"], "select-multiple" if "multiple" in a else "select", None)
        elif tag == "textarea":
            self.textarea = a["name"]
            self.text = []

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form.add(self.textarea, "textarea", "".join(self.text).removeprefix("\n"))
            self.textarea = None


def read_page(path: str, html: str) -> Page:
    """The forms and links of a page (``path`` resolves relative actions and links)."""
    parser = _FormParser(path)
    parser.feed(html)
    parser.close()
    return parser.page


def _steps(path: str) -> tuple[str, ...]:
    """The words in a path's parameters (``close`` in ``notices/3/close/``), not its ids or periods."""
    try:
        match = resolve(path)
    except Resolver404:
        return ()
    return tuple(str(value) for value in match.captured_kwargs.values() if str(value).isalpha())


def view_name(path: str) -> str | None:
    """The URL name of the view serving ``path`` (``namespace:name``), or None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def internal_query_links(page: Page) -> list[tuple[str, list[tuple[str, str]]]]:
    """The page's links to this site that carry a query: (path, parameters)."""
    found = []
    for link in page.links:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.query:
            continue
        found.append((parts.path, parse_qsl(parts.query, keep_blank_values=True)))
    return found


_READS = re.compile(r"""\b(?:request\.GET|source|query)\.(?:get|getlist)\(\s*["']([\w-]+)["']""")


def view_parameters(path: str) -> set[str]:
    """The query parameters the view of ``path`` may read: ``request.GET`` reads in its
    module, and the filters of the FilterSets that module uses."""
    try:
        match = resolve(path)
    except Resolver404:
        return set()
    module = inspect.getmodule(inspect.unwrap(match.func))
    if module is None:
        return set()
    names = set(_READS.findall(inspect.getsource(module)))
    for value in vars(module).values():
        if inspect.isclass(value) and issubclass(value, django_filters.FilterSet):
            names |= set(value.base_filters)
    names.add("page")  # paginated lists
    return names


def path_parameters(path: str) -> list[tuple[str, str, int, int]]:
    """The parameters in a URL's path, as (name, converter, start, end) spans of ``path``,
    so that a case can put other values in their place."""
    try:
        match = resolve(path)
    except Resolver404:
        return []
    converters = {name: converter for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", match.route)}
    spans = []
    position = 0
    for name, value in match.captured_kwargs.items():
        text = str(value)
        found = re.compile(r"(?<=/)" + re.escape(text) + r"(?=[/.])").search(path, position)
        if found is None:
            continue
        converter = converters.get(name) or ("int" if text.isdigit() else "str")
        spans.append((name, converter, found.start(), found.end()))
        position = found.end()
    return spans
