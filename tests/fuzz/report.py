"""What the page fuzzer found: each distinct failure once, the cases run, the forms and pages
fuzzed per role; and the errors known today (``KNOWN``), which other branches are fixing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

# Server errors known and not fixed yet: (what, exception, text in the place it was raised or in
# its message). A run that meets only these is an expected failure, unless TAIZHANG_FUZZ_STRICT is
# set (CI). Everything the fuzzer found on 2026-12-07 (ids in other scripts' digits or past 64
# bits, figures SQLite could not read back, control characters in exports, damaged Word
# numbering, a returned figure cleared, a NUL on PostgreSQL, a login name over 255 characters) is
# fixed, each with its own test.
KNOWN: tuple[tuple[str, str, str], ...] = ()


@dataclass
class Failure:
    """One distinct server error or forbidden change, with the smallest request that caused it."""

    kind: str
    view: str
    where: str
    detail: str
    roles: set[str] = field(default_factory=set)
    request: str = ""
    count: int = 0

    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.view, self.where)

    def known(self) -> str | None:
        """What the failure is in ``KNOWN``, or None when nobody has listed it."""
        for label, exception, text in KNOWN:
            if self.kind == f"server error: {exception}" and text in f"{self.where} {self.detail}":
                return label
        return None

    def describe(self) -> str:
        label = self.known()
        head = f"[{'known: ' + label if label else 'NEW'}] {self.view}: {self.kind} at {self.where}"
        roles = ", ".join(sorted(self.roles))
        return f"{head}\n    {self.detail}\n    roles: {roles}; {self.count} cases\n    {self.request}"


@dataclass
class Tally:
    """What a role's run did, for the summary line and the CI log."""

    role: str
    cases: int = 0
    forms: set[tuple] = field(default_factory=set)
    pages: set[str] = field(default_factory=set)
    failures: dict[tuple, Failure] = field(default_factory=dict)

    def record(self, failure: Failure, request: str) -> None:
        kept = self.failures.setdefault(failure.key(), failure)
        kept.roles.add(self.role)
        kept.count += 1
        if not kept.request or len(request) < len(kept.request):
            kept.request = request


TALLIES: list[Tally] = []


def summary(tallies: list[Tally]) -> str:
    """The one line CI prints: how many cases ran over what, and what they found."""
    cases = sum(t.cases for t in tallies)
    forms = {key for t in tallies for key in t.forms}
    pages = {name for t in tallies for name in t.pages}
    failures = [f for t in tallies for f in t.failures.values()]
    errors = [f for f in failures if f.kind.startswith("server error")]
    changes = [f for f in failures if not f.kind.startswith("server error")]
    line = (
        f"page fuzzer: {cases} cases over {len(forms)} forms and {len(pages)} GET pages "
        f"as {len(tallies)} roles, {sum(f.count for f in errors)} server errors"
    )
    if errors:
        line += f" ({len({(f.view, f.kind, f.where) for f in errors})} distinct)"
    if changes:
        line += f", {sum(f.count for f in changes)} changes to data the user must not change"
    return line


def write_log(tally: Tally, path: str) -> None:
    """Append the role's tally to ``path`` as one JSON line."""
    entry = {
        "role": tally.role,
        "cases": tally.cases,
        "forms": sorted(map(repr, tally.forms)),
        "pages": sorted(tally.pages),
        "failures": [
            {**{k: v for k, v in f.__dict__.items() if k != "roles"}, "roles": sorted(f.roles), "known": f.known()}
            for f in tally.failures.values()
        ],
    }
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
