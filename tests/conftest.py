import datetime as dt
import socket
import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import settings as hypothesis_settings

from plans.periods import Period
from targets import kinds
from tests.factories import MembershipFactory, PlanFactory, TargetFactory, TaskFactory, UnitFactory, UserFactory
from zones.choices import Role

# Speed is measured by the benchmark commands, never by a timed assertion in a test: hypothesis's
# per-example deadline (200 ms) would fail a correct property on a loaded CI machine.
hypothesis_settings.register_profile("taizhang", deadline=None)
hypothesis_settings.load_profile("taizhang")


@pytest.fixture
def desk(db):
    """A 2026 plan with one unit leading three targets, its staff and reviewer,
    another unit, and a 'today' inside the March period."""
    plan = PlanFactory(start_year=2026, end_year=2026, status="published", due_day=5, lock_after_days=10)
    unit = UnitFactory(zone=plan.zone, name="经济发展局")
    other_unit = UnitFactory(zone=plan.zone, name="财政局")
    task = TaskFactory(plan=plan, lead_unit=unit, heading="推进重点项目建设")
    amount = TargetFactory(task=task, indicator="固定资产投资", kind=kinds.AMOUNT.key, unit="亿元", value=Decimal(130))
    growth = TargetFactory(
        task=task, indicator="规上工业增加值增速", kind=kinds.GROWTH_RATE.key, unit="%", value=Decimal(15), order=2
    )
    count = TargetFactory(
        task=task, indicator="新开工项目", kind=kinds.AMOUNT.key, unit="个", value=Decimal(18), order=3
    )
    other_task = TaskFactory(plan=plan, lead_unit=other_unit, heading="财政收入")
    other_target = TargetFactory(task=other_task, indicator="一般公共预算收入", unit="亿元", value=Decimal(10))
    staff = MembershipFactory(unit=unit, role=Role.STAFF, user=UserFactory(username="staff")).user
    reviewer = MembershipFactory(unit=unit, role=Role.REVIEWER, user=UserFactory(username="reviewer")).user
    other_staff = MembershipFactory(unit=other_unit, role=Role.STAFF, user=UserFactory(username="other")).user
    return SimpleNamespace(
        plan=plan,
        unit=unit,
        other_unit=other_unit,
        task=task,
        amount=amount,
        growth=growth,
        count=count,
        other_target=other_target,
        staff=staff,
        reviewer=reviewer,
        other_staff=other_staff,
        period=Period(2026, 3),
        today=dt.date(2026, 4, 2),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set passwords for every user; PBKDF2 at full strength would
    dominate the suite's time without testing anything."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a cached dashboard of an earlier
    test must not answer for a later one that reuses its ids."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class SilentMailServer:
    """A mail server that accepts connections and never says a word (not even
    its greeting), as a hung or firewalled SMTP relay does. Counts the
    connections it accepted."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self.connections = 0
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="silent-smtp", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._held.append(connection)

    def close(self) -> None:
        self._stopped.set()
        self._thread.join()
        self._listener.close()
        for connection in self._held:
            connection.close()


@pytest.fixture
def silent_smtp(settings):
    """The SMTP backend pointed at a server that never answers, with a short
    EMAIL_TIMEOUT so that a test that reaches it gives up quickly."""
    server = SilentMailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 0.3
    yield server
    server.close()


@pytest.fixture
def send_owed_mail(db):
    """Send every mail the outbox owes, as the workers would; the number sent."""
    from core.mail_delivery import mail_deliver
    from core.models import OutgoingMail

    def send() -> int:
        owed = OutgoingMail.objects.filter(sent_at__isnull=True, failed_at__isnull=True).order_by("pk")
        return sum(mail_deliver(mail_id=pk) for pk in owed.values_list("pk", flat=True))

    return send


@pytest.fixture
def database_dsn() -> str:
    """How to open a second session on the test database (PostgreSQL), to
    hold locks against the tests' own."""
    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
    )


@pytest.fixture
def empty_broker():
    """A broker with no message waiting: a real worker started by a test takes the test's
    own messages first, not those an earlier stage left behind (CI fuzzes the API and the
    pages on the same broker before the suite runs)."""
    from config.celery import app

    app.control.purge()
