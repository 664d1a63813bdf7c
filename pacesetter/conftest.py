"""Shared fixtures: a small world of units with one user per role.

World::

    Province (root)                     staff: committee staff over the root
    ├── Committee                       owns Cluster A and the Council
    │   ...
    ├── Own unit  (member of Cluster A) officer, viewer over it
    │   └── Child unit
    └── Other unit (member of Cluster B, owned by Other root)
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from pacesetter.accounts.models import Role, User
from pacesetter.accounts.services import role_grant
from pacesetter.accounts.tests.factories import UserFactory
from pacesetter.bodies.models import Body
from pacesetter.bodies.services import body_member_add
from pacesetter.bodies.tests.factories import BodyFactory
from pacesetter.clusters.models import Cluster
from pacesetter.clusters.services import cluster_leader_set, cluster_member_add
from pacesetter.clusters.tests.factories import ClusterFactory
from pacesetter.testing.clock import moment_of, running_at
from pacesetter.testing.shared import (  # noqa: F401 (fixtures, a hook)
    pytest_runtest_teardown,
    register,
    shared,
    shared_prepare_fixture,
    shared_stack_fixture,
)
from pacesetter.units.models import Unit
from pacesetter.units.tests.factories import UnitFactory, UnitTypeFactory

# --- The clock ----------------------------------------------------------------------
# No test reads the wall clock: every test runs at TEST_NOW (ticking from there, so waits
# and timeouts still pass). `make test-clock` runs each test marked `clock` again at the
# moments that broke such tests before (late evening, midnight, a year's end, a
# daylight-saving change), given as --clock-moments: ISO moments, each with an optional
# "@Zone" for the server's TIME_ZONE during that run.


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-moments",
        default="",
        help="comma-separated ISO moments (each optionally @Time/Zone): run every test "
        "marked `clock` at each of them",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    moments = metafunc.config.getoption("--clock-moments")
    if moments and metafunc.definition.get_closest_marker("clock"):
        values = [m.strip() for m in moments.split(",") if m.strip()]
        metafunc.fixturenames.append("clock_moment")
        # Module-scoped, so that pytest runs a module's tests moment by moment, and the
        # module's shared data is built once per moment (pacesetter/testing/shared.py).
        metafunc.parametrize("clock_moment", values, ids=values, scope="module")


# --- Order and placement on pytest-xdist's processes ------------------------------------
#: Directories whose tests must run together on one process, as one work unit (a
#: package-scoped fixture loads their data once). Every other file is its own unit.
RUN_TOGETHER = ("pacesetter/demo/tests/loaded/",)

#: The longest units start first, so that no process is left alone with one at the end.
LONGEST_FIRST = (
    "pacesetter/demo/tests/loaded/",
    "pacesetter/core/tests/test_journeys.py",
    "pacesetter/core/tests/test_migrations.py",
    "pacesetter/awards/tests/test_journey.py",
    "pacesetter/core/tests/test_api_fuzz.py",
    "pacesetter/workplans/tests/test_calendar_migration.py",
    "pacesetter/scoring/tests/test_translation_migration.py",
    "pacesetter/core/tests/test_backup.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        for position, prefix in enumerate(LONGEST_FIRST):
            if item.nodeid.startswith(prefix):
                return position
        return len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each file keeps its order, and its tests together


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """--dist loadfile (the Makefile's), with each RUN_TOGETHER directory as one unit."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            for directory in RUN_TOGETHER:
                if nodeid.startswith(directory):
                    return directory
            return str(super()._split_scope(nodeid))

    return Scheduling(config, log)


@pytest.fixture(autouse=True)
def _clock(request: pytest.FixtureRequest) -> Iterator[Any]:
    with running_at(*moment_of(request)) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _language() -> Iterator[None]:
    """Each test starts in the default language, whatever the one before it activated
    (tests share a process, and pytest-xdist changes which test comes before which)."""
    translation.deactivate()
    yield
    translation.deactivate()


@dataclass
class World:
    root: Unit
    committee: Unit
    own: Unit
    child: Unit
    sibling: Unit
    other_root: Unit
    other: Unit
    cluster: Cluster
    other_cluster: Cluster
    council: Body
    users: dict[str, User]


@pytest.fixture
def _django_db_helper(shared_prepare: None, _django_db_helper: Any) -> Any:
    """pytest-django's database access for a test, once the module's shared data is
    ready for it (pacesetter/testing/shared.py): the test's savepoint opens above it."""
    return _django_db_helper


@pytest.fixture
def world(request: pytest.FixtureRequest, db: Any) -> World:
    """The world, built once per module where the module can share it."""
    return shared(request, "world")


def build_world() -> World:
    enterprise = UnitTypeFactory(code="enterprise", name="Enterprise")
    root = UnitFactory(code="PROV", name="Province", unit_type=UnitTypeFactory(code="province"))
    committee = UnitFactory(code="COMM", name="Committee", parent=root)
    own = UnitFactory(code="OWN", name="Own unit", parent=root, unit_type=enterprise)
    child = UnitFactory(code="CHILD", name="Child unit", parent=own, unit_type=enterprise)
    sibling = UnitFactory(code="SIB", name="Sibling unit", parent=root, unit_type=enterprise)
    other_root = UnitFactory(code="OROOT", name="Other root")
    other = UnitFactory(code="OTHER", name="Other unit", parent=other_root, unit_type=enterprise)
    cluster = ClusterFactory(code="CA", name="Cluster A", owner_unit=committee)
    other_cluster = ClusterFactory(code="CB", name="Cluster B", owner_unit=other_root)
    start = dt.date(2024, 1, 1)
    cluster_member_add(actor=None, cluster=cluster, unit=own, start=start)
    cluster_member_add(actor=None, cluster=cluster, unit=sibling, start=start)
    cluster_member_add(actor=None, cluster=other_cluster, unit=other, start=start)
    cluster_leader_set(
        actor=None, cluster=cluster, year=2024, role="leader", unit=own, assigned_on=start
    )
    council = BodyFactory(name="Council", owner_unit=committee)
    body_member_add(actor=None, body=council, unit=own, start=start)

    users = {
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
        "committee_staff": UserFactory(username="staff"),
        "cluster_leader": UserFactory(username="leader"),
        "unit_officer": UserFactory(username="officer"),
        "council_member": UserFactory(username="councillor"),
        "viewer": UserFactory(username="viewer"),
        "nobody": UserFactory(username="nobody"),
    }
    role_grant(actor=None, user=users["committee_staff"], role=Role.COMMITTEE_STAFF, unit=root)
    role_grant(actor=None, user=users["cluster_leader"], role=Role.CLUSTER_LEADER, cluster=cluster)
    role_grant(actor=None, user=users["unit_officer"], role=Role.UNIT_OFFICER, unit=own)
    role_grant(actor=None, user=users["council_member"], role=Role.COUNCIL_MEMBER, body=council)
    role_grant(actor=None, user=users["viewer"], role=Role.VIEWER, unit=own)
    return World(
        root=root,
        committee=committee,
        own=own,
        child=child,
        sibling=sibling,
        other_root=other_root,
        other=other,
        cluster=cluster,
        other_cluster=other_cluster,
        council=council,
        users=users,
    )


register("world", build_world)


# --- Real-browser journeys (mark ``browser``) ------------------------------------------

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _missing(what: str) -> None:
    """On CI a missing browser is a failure, never a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required on CI")
    pytest.skip(f"{what} is not installed (make test installs it)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        _missing("Debian's chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - installed from the lock file
        _missing("Playwright")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # the test itself are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_FLAGS
            )
            yield instance
            instance.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any, transactional_db: Any) -> Iterator[Any]:
    """A browser tab on the live server. It is set up after the test's database, so that
    it closes, and the server finishes the requests it was still answering, before the
    database is emptied: a request finishing during the flush would leave rows behind
    (on SQLite the server shares the test's connection)."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    # The same allowance for `expect(...)`, whose own default is 5 s: on a busy CI
    # machine a language switch (a POST, a redirect, a page) has taken longer.
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    tab = context.new_page()
    yield tab
    context.close()
    threads = getattr(getattr(live_server.thread, "httpd", None), "_threads", None)
    if isinstance(threads, list):  # socketserver's own list, once a request has come
        for thread in list(threads):
            thread.join(timeout=30)
