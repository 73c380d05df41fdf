"""Locust scenario: leaders of the bench zones on their dashboard pages.

Run through loadtests/run_dashboard.sh, which builds the bench dataset, starts
gunicorn with production settings and runs this file headless for a bounded
time against 127.0.0.1 only.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-password-not-secret")
LEADERS = int(os.environ.get("BENCH_LEADERS", "50"))
_TARGET_LINK = re.compile(r'href="(/progress/targets/\d+/)"')
_TREE_LINK = re.compile(r'href="(/dashboard/plans/\d+/tree/)[^"]*"')
_REGION_LINK = re.compile(r'href="(/dashboard/regions/\d+/)"')


_logged_in = 0


@events.test_start.add_listener
def _count_from_zero(environment, **_kwargs) -> None:
    global _logged_in
    _logged_in = 0


class Leader(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        """Log in and open the dashboard once. When the last user has done so
        the figures start afresh: what is measured is the pages with every
        leader browsing, not a burst of password hashing."""
        global _logged_in
        username = f"bench_leader_{random.randrange(LEADERS)}"  # noqa: S311 - load mix, not security
        self.client.get("/accounts/login/", name="login page")
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="log in",
        )
        response = self.client.get("/dashboard/", name="dashboard")
        self.plan_url = response.url.replace(self.host, "")
        page = response.text
        self.targets = _TARGET_LINK.findall(page) or ["/"]
        self.tree = (_TREE_LINK.findall(page) or [self.plan_url])[0]
        self.region = (_REGION_LINK.findall(page) or ["/dashboard/"])[0]
        _logged_in += 1
        runner = self.environment.runner
        if runner is not None and _logged_in == runner.target_user_count:
            self.environment.stats.reset_all()

    @task(4)
    def dashboard(self) -> None:
        self.client.get(self.plan_url, name="dashboard")

    @task(2)
    def dashboard_other_month(self) -> None:
        self.client.get(f"{self.plan_url}?period=2024-{random.randint(1, 12):02d}", name="dashboard ?period")  # noqa: S311

    @task(2)
    def tree(self) -> None:
        self.client.get(self.tree, name="task tree")

    @task(2)
    def target(self) -> None:
        self.client.get(random.choice(self.targets), name="target page")  # noqa: S311

    @task(1)
    def region(self) -> None:
        self.client.get(f"{self.region}?indicator=", name="region")
