"""Locust scenario: month end. Reporting staff submit their unit's figures for
the month that just ended, all at once, while leaders watch their dashboards.

Run through loadtests/run_month_end.sh, which builds the dataset
(``manage.py bench_month_end_users``), starts gunicorn with production
settings, a Celery worker and this file headless for a bounded time against
127.0.0.1 only, then checks the database with loadtests/month_end_check.py.

Each staff user takes one unit of the manifest (one user per unit, never
two), opens "my reports" and the period form, saves a draft, then submits;
``API_SHARE`` of them are a unit's own system that submits the whole period
in one request to ``/api/v1/period-submissions/`` with a token instead.
Before the final request a user appends what it sends (the exact figures)
to ``var/month_end/attempts-<pid>.jsonl``; once the server confirmed it (a
redirect after the form, 200 from the API) the same line goes to
``submitted-<pid>.jsonl``. The checker compares these with the reports in the
database: confirmed figures must be there exactly once, figures sent but not
confirmed (the run ended, the request failed) all or not at all.

Staff whose ``LOGIN_SHARE`` draw says so log in through the form (the
password hash is slow by design); the others reuse a session opened earlier in
the day, as most people at their desks do.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import random
import re
import threading
from pathlib import Path

import gevent
from locust import HttpUser, between, task

from loadtests.month_end_figures import every_nth, month_figure

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("MONTH_END_DIR", ROOT / "var" / "month_end"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-password-not-secret")
STAFF_USERS = int(os.environ.get("STAFF_USERS", "200"))
LEADER_USERS = int(os.environ.get("LEADER_USERS", "20"))
API_SHARE = float(os.environ.get("API_SHARE", "0.25"))
LOGIN_SHARE = float(os.environ.get("LOGIN_SHARE", "0.2"))
TYPING = (float(os.environ.get("TYPING_MIN", "2")), float(os.environ.get("TYPING_MAX", "6")))  # seconds per form

_TARGET_LINK = re.compile(r'href="(/progress/targets/\d+/)"')
_TREE_LINK = re.compile(r'href="(/dashboard/plans/\d+/tree/)[^"]*"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VERSION = re.compile(r'name="r(\d+)-version" value="(\d*)"')


@functools.cache
def load(name: str) -> dict:
    """manifest.json or credentials.json of bench_month_end_users (read once)."""
    path = OUT / name
    if not path.exists():
        raise SystemExit(f"{path} is missing: run manage.py bench_month_end_users first")
    return json.loads(path.read_text())


_next_staff = itertools.count()
_next_leader = itertools.count()
_write_lock = threading.Lock()


def _record(kind: str, entry: dict) -> None:
    """Append one line to this process's JSONL file (flushed at once, so a
    crash loses nothing already confirmed)."""
    with _write_lock, (OUT / f"{kind}-{os.getpid()}.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


class _Signed(HttpUser):
    """A user who is logged in already (a session from the manifest) or logs in now."""

    abstract = True

    def sign_in(self, username: str, *, fresh: bool) -> None:
        credentials = load("credentials.json")
        if not fresh and username in credentials["sessions"]:
            self.client.cookies.set(credentials["cookie"], credentials["sessions"][username])
            return
        page = self.client.get("/accounts/login/", name="login page").text
        token = _CSRF.search(page)
        self.client.post(
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="log in",
        )


class Staff(_Signed):
    """A unit's reporting staff at month end: opens the period, types the
    figures (``TYPING_MIN``–``TYPING_MAX`` seconds), saves a draft, reads it
    back, submits, then looks in now and then."""

    fixed_count = STAFF_USERS

    def wait_time(self) -> float:
        """A few seconds between steps; once submitted, a look now and then."""
        return self.rng.uniform(15, 45) if self.done else self.rng.uniform(1, 4)

    def on_start(self) -> None:
        index = next(_next_staff)
        staff = load("manifest.json")["staff"]
        self.period = load("manifest.json")["period"]
        self.entry = staff[index] if index < len(staff) else None
        self.rng = random.Random()  # noqa: S311 -- load mix, not security
        self.via_api = every_nth(index, API_SHARE)
        self.done = self.entry is None
        if self.entry is None:
            return
        self.username = self.entry["username"]
        self.url = f"/progress/plans/{self.entry['plan']}/units/{self.entry['unit']}/periods/{self.period}/"
        if not self.via_api:
            self.sign_in(self.username, fresh=every_nth(index, LOGIN_SHARE))

    @task
    def month_end(self) -> None:
        if self.done:
            if not self.via_api:
                self.client.get("/progress/", name="my reports")
            return
        self.done = True  # one submission per unit and period, as in life
        figures = {row["target"]: month_figure(row, self.rng) for row in self.entry["targets"]}
        entry = {
            "username": self.username,
            "plan": self.entry["plan"],
            "unit": self.entry["unit"],
            "period": self.period,
            "via": "api" if self.via_api else "form",
            "figures": {str(k): v for k, v in figures.items()},
        }
        confirmed = self.submit_by_api(figures, entry) if self.via_api else self.submit_by_form(figures, entry)
        if confirmed:
            _record("submitted", entry)

    def submit_by_form(self, figures: dict[int, str], entry: dict) -> bool:
        self.client.get("/progress/", name="my reports")
        page = self.client.get(self.url, name="period form").text
        gevent.sleep(self.rng.uniform(*TYPING))
        draft = self.form_fields(page, figures, action="save", with_progress=False)
        with self.client.post(
            self.url, draft, name="period form: save draft", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"draft not saved: {response.status_code}")
                return False
        page = self.client.get(self.url, name="period form").text
        gevent.sleep(self.rng.uniform(*TYPING))
        final = self.form_fields(page, figures, action="submit", with_progress=True)
        _record("attempts", entry)  # sent: from here the server may have it without our knowing
        with self.client.post(
            self.url, final, name="period form: submit", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"not submitted: {response.status_code}")
                return False
        return True

    def form_fields(self, page: str, figures: dict[int, str], *, action: str, with_progress: bool) -> dict:
        """The period form as a person fills it in: the page's versions and
        CSRF token, the figures, a line of progress when submitting."""
        token = _CSRF.search(page)
        versions = dict(_VERSION.findall(page))
        data = {"csrfmiddlewaretoken": token.group(1) if token else "", "action": action}
        for target, value in figures.items():
            prefix = f"r{target}-"
            data |= {
                f"{prefix}present": "1",
                f"{prefix}version": versions.get(str(target), ""),
                f"{prefix}value": value,
                f"{prefix}progress": f"月末填报:累计完成{value}" if with_progress else "",
                f"{prefix}problems": "",
                f"{prefix}next_steps": "",
                f"{prefix}value_note": "",
            }
        return data

    def submit_by_api(self, figures: dict[int, str], entry: dict) -> bool:
        headers = {"Authorization": f"Token {load('credentials.json')['tokens'][self.username]}"}
        self.client.get(
            f"/api/v1/targets/?plan={self.entry['plan']}&lead_unit={self.entry['unit']}",
            headers=headers,
            name="api: targets",
        )
        body = {
            "plan": self.entry["plan"],
            "unit": self.entry["unit"],
            "period": self.period,
            "submit": True,
            "rows": [
                {"target": target, "value": value, "progress": f"月末填报:累计完成{value}", "version": None}
                for target, value in figures.items()
            ],
        }
        with self.client.post(
            "/api/v1/period-submissions/",
            json=body,
            headers=headers,
            name="api: period submission",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"not submitted: {response.status_code} {response.text[:200]}")
                return False
        return True


class Leader(_Signed):
    """A zone leader on the dashboard while the figures come in."""

    fixed_count = LEADER_USERS
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        leaders = load("manifest.json")["leaders"]
        index = next(_next_leader)
        self.sign_in(leaders[index % len(leaders)], fresh=every_nth(index, LOGIN_SHARE))
        response = self.client.get("/dashboard/", name="dashboard")
        self.plan_url = response.url.replace(self.host, "")
        page = response.text
        self.targets = _TARGET_LINK.findall(page) or ["/"]
        self.tree = (_TREE_LINK.findall(page) or [self.plan_url])[0]

    @task(4)
    def dashboard(self) -> None:
        self.client.get(self.plan_url, name="dashboard")

    @task(2)
    def tree(self) -> None:
        self.client.get(self.tree, name="task tree")

    @task(2)
    def target(self) -> None:
        self.client.get(random.choice(self.targets), name="target page")  # noqa: S311
