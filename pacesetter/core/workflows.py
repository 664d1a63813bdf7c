"""Workflows: one transition table per model's state field, read by everyone.

A :class:`Workflow` lists a model's transitions. Each :class:`Transition` names the move
(``name``), the states it starts from (``sources``), the state it leads to (``target``;
``None`` for a step that acts on the object without moving it, such as entering paper
totals), the policy action it needs (``action``), and optionally

- ``when``: a condition on the object alone (no query), part of whether the move is on
  offer at all (a proposal with a cluster goes to a cluster vote instead of being sent);
- ``guard``: a rule that may query and raises a ``ValidationError`` (with a code) when it
  does not hold; only :meth:`Workflow.check` runs it.

One name may have several rows (the same move from other states, needing another action
or another guard). The same table serves

- the service, which calls ``workflow.check(obj, name)`` before it writes: a move not in
  the table raises ``ValidationError(code="invalid_transition")``;
- the page, whose buttons are the names in ``workflow.allowed(user, obj)``;
- the API, whose detail responses carry the same set as ``allowed_actions``.

``allowed`` and ``allowed_many`` ask the policy once (``Policy.allowed_actions``), so a
page of many objects costs one query. Guards are not run there: a button may still be
refused with its rule's message, exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from pacesetter.core.policies import Policy

M = TypeVar("M", bound=models.Model)

#: The code of the error raised for a move the table does not allow from the object's state.
INVALID_TRANSITION = "invalid_transition"


@dataclass(frozen=True)
class Transition(Generic[M]):
    name: str
    sources: tuple[str, ...]
    target: str | None
    action: str
    when: Callable[[M], bool] | None = None
    guard: Callable[[M], None] | None = None

    def offered(self, obj: M, state: str) -> bool:
        return state in self.sources and (self.when is None or self.when(obj))


class Workflow(Generic[M]):
    """The transition table of ``policy.model``'s ``field``.

    ``refusal(obj, name)`` gives the translated message of a move the table refuses (each
    workflow keeps its own wording). A model without a policy of its own names the
    foreign key whose object's policy decides (``via="campaign"`` for a review point).
    """

    def __init__(
        self,
        *,
        policy: Policy[Any],
        transitions: Iterable[Transition[M]],
        refusal: Callable[[M, str], str],
        field: str = "state",
        via: str | None = None,
    ) -> None:
        self.policy = policy
        self.field = field
        self.via = via
        self.transitions: tuple[Transition[M], ...] = tuple(transitions)
        self.refusal = refusal
        for transition in self.transitions:
            policy._check(transition.action)

    @property
    def names(self) -> tuple[str, ...]:
        """Every transition's name once, in the table's order."""
        return tuple(dict.fromkeys(t.name for t in self.transitions))

    def state(self, obj: M) -> str:
        return str(getattr(obj, self.field))

    def available(self, obj: M) -> list[Transition[M]]:
        """The rows on offer from ``obj``'s state (whoever asks)."""
        state = self.state(obj)
        return [t for t in self.transitions if t.offered(obj, state)]

    def check(self, obj: M, name: str) -> Transition[M]:
        """The row of ``name`` from ``obj``'s state, after running its guard; raises
        ``ValidationError(code="invalid_transition")`` when the table has no such move."""
        state = self.state(obj)
        for transition in self.transitions:
            if transition.name == name and transition.offered(obj, state):
                if transition.guard is not None:
                    transition.guard(obj)
                return transition
        raise ValidationError(self.refusal(obj, name), code=INVALID_TRANSITION)

    def allowed_many(self, user: Any, objs: Iterable[M]) -> dict[Any, frozenset[str]]:
        """For each object's pk, the names of the moves ``user`` may make now: on offer
        from its state and granted by the policy. One query for all the objects."""
        objs = list(objs)
        actions = {t.action for t in self.transitions}
        owners = {self._owner(obj).pk: self._owner(obj) for obj in objs}
        granted = self.policy.allowed_actions(user, owners.values(), sorted(actions))
        result: dict[Any, frozenset[str]] = {}
        for obj in objs:
            may = granted.get(self._owner(obj).pk, frozenset())
            result[obj.pk] = frozenset(t.name for t in self.available(obj) if t.action in may)
        return result

    def _owner(self, obj: M) -> models.Model:
        return getattr(obj, self.via) if self.via else obj

    def allowed(self, user: Any, obj: M) -> frozenset[str]:
        return self.allowed_many(user, [obj])[obj.pk]

    def ordered(self, obj: M, names: Iterable[str]) -> list[str]:
        """``names`` in the table's order from ``obj``'s state (for buttons and the API)."""
        wanted = set(names)
        return [n for n in dict.fromkeys(t.name for t in self.available(obj)) if n in wanted]

    def allowed_list(self, user: Any, obj: M) -> list[str]:
        """:meth:`allowed` in the table's order."""
        return self.ordered(obj, self.allowed(user, obj))
