"""Finding what to fuzz, as one role: the pages of the permission matrix and the pages they link
to, their forms, and the query parameters each page reads.

Two forms appear only after a step: the review of an imported plan (after a plan is posted)
and the confirmation of a period sheet (after the downloaded sheet is uploaded). The crawl takes
those steps with valid input, in a transaction that is rolled back, and reads the forms they
lead to.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook

from progress.sheets import FILL_COLUMNS, FIRST_ROW
from tests.fuzz.discovery import Form, Page, internal_query_links, read_page, view_name, view_parameters
from tests.security.test_page_matrix import MATRIX, OUTSIDE, period_url

LOGIN = "/accounts/login/"
MAX_PAGES = 80  # pages fetched per role, links included
# Forms of one view with different fields (the period form asking to confirm a figure, a review
# of another plan) fuzzed at most: a plan's review has other fields for every plan.
MAX_VARIANTS = 4
VALUE_COLUMN = next(column for column, name in FILL_COLUMNS.items() if name == "raw_value")
PLAN_TEXT = "一、发展目标\n1.新增企业5家。\n2.固定资产投资增长10%。\n"


@dataclass
class GetPage:
    """A page to fuzz with query parameters: a URL it answers, and the parameters it may read
    with the values its pages offer for them."""

    name: str  # the URL's name
    path: str
    query: list[tuple[str, str]]
    parameters: dict[str, list[str]] = field(default_factory=dict)

    def offer(self, name: str, value: str | None) -> None:
        values = self.parameters.setdefault(name, [])
        if value is not None and value not in values:
            values.append(value)


@dataclass
class Found:
    """Everything one role can fuzz, and the period sheet it downloads (for uploads)."""

    forms: dict[tuple, Form] = field(default_factory=dict)
    pages: dict[str, GetPage] = field(default_factory=dict)
    sheet: bytes | None = None

    def add_page(self, page: Page) -> list[Form]:
        """Take in the page's forms and query parameters; the forms not seen before."""
        new = []
        for form in page.forms:
            if form.key not in self.forms and self._variants(form) < MAX_VARIANTS:
                self.forms[form.key] = form
                new.append(form)
            if form.method == "get":
                target = self._get_page(urlsplit(form.action).path)
                for name, entry in form.fields.items():
                    for value in entry.values or [None]:
                        target and target.offer(name, value)
        for path, query in internal_query_links(page):
            target = self._get_page(path)
            for name, value in query:
                target and target.offer(name, value)
        return new

    def _variants(self, form: Form) -> int:
        """How many forms with other fields this form's view already has."""
        return sum(1 for key in self.forms if key[:-1] == form.key[:-1])

    def _get_page(self, path: str, query: list[tuple[str, str]] | None = None) -> GetPage | None:
        name = view_name(path)
        if name is None or path.startswith(tuple(f"/{prefix}" for prefix in OUTSIDE)):
            return None
        if name not in self.pages:
            self.pages[name] = GetPage(name=name, path=path, query=query or [])
            for parameter in view_parameters(path):
                self.pages[name].offer(parameter, None)
        return self.pages[name]


def is_html(response) -> bool:
    return not getattr(response, "streaming", False) and "html" in response.get("Content-Type", "")


def crawl(world, client: Client) -> Found:
    """What ``client``'s user can reach from the matrix's pages, and the forms behind the two steps."""
    found = Found()
    queue = [LOGIN, *(page.url(world) for page in MATRIX.values())]
    seen: set[str] = set()
    with transaction.atomic():
        for url in queue:
            parts = urlsplit(url)
            found._get_page(parts.path, parse_qsl(parts.query, keep_blank_values=True))
        while queue and len(seen) < MAX_PAGES:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code != 200 or not is_html(response):
                continue
            page = read_page(url, response.content.decode())
            found.add_page(page)
            for link in page.links:
                parts = urlsplit(link)
                if not (parts.scheme or parts.netloc) and view_name(parts.path) and link not in seen:
                    queue.append(link)
        found.sheet = _after_steps(world, client, found)
        transaction.set_rollback(True)
    return found


def _after_steps(world, client: Client, found: Found) -> bytes | None:
    """Take the two steps that lead to more forms; the period sheet if the user downloads it."""
    plan = client.post("/imports/new/", {"zone": world.zone.zone.pk, "year": 2014, "text": PLAN_TEXT})
    if plan.status_code == 200 and is_html(plan):
        found.add_page(read_page("/imports/new/", plan.content.decode()))
    plan = client.post("/imports/new/", {"zone": world.zone.other_plan.zone.pk, "year": 2014, "text": PLAN_TEXT})
    if plan.status_code == 200 and is_html(plan):
        found.add_page(read_page("/imports/new/", plan.content.decode()))
    download = client.get(period_url(world, "sheet.xlsx"))
    if download.status_code != 200:
        return None
    sheet = download.content
    upload_url = period_url(world, "sheet/upload/")
    preview = client.post(upload_url, {"file": SimpleUploadedFile("sheet.xlsx", filled_in(sheet))})
    if preview.status_code == 200 and is_html(preview):
        found.add_page(read_page(upload_url, preview.content.decode()))
    return sheet


def filled_in(sheet: bytes) -> bytes:
    """The period sheet with a figure typed into every row open for entry."""
    workbook = load_workbook(io.BytesIO(sheet))
    rows = workbook.worksheets[0]
    for line in rows.iter_rows(min_row=FIRST_ROW):
        cell = line[VALUE_COLUMN]
        if not cell.protection.locked:
            cell.value = "15"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
