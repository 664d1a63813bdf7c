"""Data built once per test module; each test reads and changes its own copy.

Shared data is a fixture whose builder is registered here (``world`` in
``pacesetter/conftest.py``, ``scoring`` on top of it, ``ranked`` on top of that, ...).
In a test module that can share, one transaction is opened for the whole module, and the
data a test needs is built in it once, each layer behind its own savepoint::

    module transaction
    └── savepoint: world
        └── savepoint: scoring            (on the world)
            └── savepoint: ranked         (on the scoring)
                └── the test's own savepoint (pytest-django), rolled back after it

Before each test the stack is brought to exactly the layers that test asks for: layers it
does not use are rolled back, missing ones are built. A test that asks for none sees an
empty database, as before. Each test then receives a deep copy of the Python objects of
the layers (one copy memo for all, so an object two layers share stays shared), so
whatever a test changes, in memory or in the database, goes with it.
Each layer is built from a copy of the layers below, so a layer's changes to them
(``ranked`` publishes ``scoring``'s review point) never reach a test of a lower layer.

The data is built a minute before the moment the test runs at (BUILT_AT before TEST_NOW;
under ``--clock-moments``, before each moment, in its time zone: pytest runs a module's
tests moment by moment, and the stack is rebuilt when the moment changes).

Where that cannot hold, each test builds its own data, as a plain fixture does: in a
module with any transactional test (``django_db(transaction=True)``,
``live_server``, ...): such a test needs committed data and flushes the database after
it, which a module-wide transaction forbids.

Declaring shared data::

    register("scoring", build_scoring, needs=("world",))

    @pytest.fixture
    def scoring(request, world):
        return shared(request, "scoring", world)

After every test a guard (``pytest_runtest_teardown`` below) checks that no rows are left
committed outside a module's transaction, and fails that test if some are: otherwise the
tests that follow it on the process would fail in its place.

The hook is the override of pytest-django's ``_django_db_helper`` in
``pacesetter/conftest.py``: the stack must be ready before the test's own savepoint opens.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from pytest_django.plugin import blocking_manager_key

from pacesetter.testing.clock import TEST_NOW, moment_of, running_at

#: Shared data is built a minute before the moment the tests run at, so that whatever a
#: test creates comes after it, as it would with data the test built itself.
BEFORE = dt.timedelta(minutes=1)
BUILT_AT = TEST_NOW - BEFORE

TRANSACTIONAL_FIXTURES = frozenset(
    {
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)


@dataclass(frozen=True)
class Builder:
    build: Callable[..., Any]
    needs: tuple[str, ...]


#: Name of the fixture -> its builder, in the order of registration (a layer after the
#: layers it needs).
BUILDERS: dict[str, Builder] = {}


def register(name: str, build: Callable[..., Any], *, needs: tuple[str, ...] = ()) -> None:
    missing = [need for need in needs if need not in BUILDERS]
    if missing:
        raise ValueError(f"shared data {name!r} needs {missing}, registered after it")
    BUILDERS[name] = Builder(build, needs)


@dataclass
class Layer:
    name: str
    savepoint: str
    #: The values of this layer and of every layer below it, as this layer left them.
    values: dict[str, Any]


@dataclass
class ModuleStack:
    layers: list[Layer] = field(default_factory=list)
    #: The moment and time zone the tests of the layers run at.
    at: tuple[dt.datetime, str] = (TEST_NOW, "")

    def bring_to(self, names: list[str], at: tuple[dt.datetime, str]) -> None:
        """Roll back the layers not in ``names`` (and those above them), build the rest;
        all of them again if the test runs at another moment."""
        keep = 0
        if at != self.at:
            self.at, names_kept = at, 0
        else:
            names_kept = len(names)
        while keep < len(self.layers) and keep < names_kept:
            if self.layers[keep].name != names[keep]:
                break
            keep += 1
        while len(self.layers) > keep:
            layer = self.layers.pop()
            transaction.savepoint_rollback(layer.savepoint)
            transaction.savepoint_commit(layer.savepoint)
        for name in names[keep:]:
            builder = BUILDERS[name]
            below = copy.deepcopy(self.layers[-1].values) if self.layers else {}
            savepoint = transaction.savepoint()
            moment, zone = self.at
            try:
                with running_at(moment - BEFORE, zone):
                    value = builder.build(*(below[need] for need in builder.needs))
            except BaseException:
                # A failed build leaves nothing behind for the module's next tests.
                transaction.savepoint_rollback(savepoint)
                transaction.savepoint_commit(savepoint)
                raise
            self.layers.append(Layer(name, savepoint, {**below, name: value}))

    def values(self) -> dict[str, Any]:
        return self.layers[-1].values if self.layers else {}


_can_share = pytest.StashKey[bool]()
_stack = pytest.StashKey[ModuleStack]()
_copies = pytest.StashKey[dict[str, Any]]()


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        flags = ("transaction", "reset_sequences", "serialized_rollback")
        if any(marker.kwargs.get(flag) for flag in flags) or any(marker.args[:1]):
            return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def _module_can_share(request: pytest.FixtureRequest) -> bool:
    module = request.node
    if _can_share not in module.stash:
        items = [i for i in request.session.items if i.getparent(pytest.Module) is module]
        module.stash[_can_share] = not any(_transactional(item) for item in items)
    return module.stash[_can_share]


@pytest.fixture(scope="module", name="shared_stack")
def shared_stack_fixture(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[ModuleStack | None]:
    """The module's transaction and its stack of layers; None where it cannot share."""
    if not _module_can_share(request):
        yield None
        return
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
    try:
        yield ModuleStack()
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(name="shared_prepare")
def shared_prepare_fixture(
    request: pytest.FixtureRequest, shared_stack: ModuleStack | None, django_db_blocker: Any
) -> None:
    """Bring the module's stack to the layers this test asks for (before its savepoint)."""
    stack = shared_stack
    if stack is None:
        return
    names = [name for name in BUILDERS if name in request.fixturenames]
    with django_db_blocker.unblock():
        stack.bring_to(names, moment_of(request))
    request.node.stash[_stack] = stack


def shared(request: pytest.FixtureRequest, name: str, *needs: Any) -> Any:
    """This test's copy of the shared layer ``name``, or a fresh build where the module
    does not share (``needs`` are then the built values it needs, in order)."""
    stack = request.node.stash.get(_stack, None)
    if stack is None:
        return BUILDERS[name].build(*needs)
    if _copies not in request.node.stash:
        request.node.stash[_copies] = copy.deepcopy(stack.values())
    copies = request.node.stash[_copies]
    if name not in copies:  # asked with request.getfixturevalue, after the stack was made
        raise LookupError(f"ask for the shared fixture {name!r} as an argument of the test")
    return copies[name]


#: Tables every test that writes fills first: rows in them between tests mean a test
#: committed data and left it behind.
def leftover_rows() -> list[str]:
    """The tables that hold committed rows while no test runs (none, if all is well)."""
    from django.db import connections

    from pacesetter.accounts.models import User
    from pacesetter.units.models import Unit

    found = []
    for alias in connections:
        conn = connections[alias]
        if conn.connection is None or conn.in_atomic_block:
            continue  # not opened, or inside a module's or a package's transaction
        for model in (Unit, User):
            if model._default_manager.using(alias).exists():
                found.append(f"{alias}:{model._meta.db_table}")
    return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Fail the test after which committed rows are left (the next tests would see them)."""
    result = yield
    if blocking_manager_key in item.config.stash:  # Django is set up
        blocker = item.config.stash[blocking_manager_key]
        with blocker.unblock():
            leftover = leftover_rows()
        if leftover:
            pytest.fail(f"rows left committed after this test: {', '.join(leftover)}")
    return result
