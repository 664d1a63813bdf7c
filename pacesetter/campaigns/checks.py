"""Rules that apps above campaigns add to its steps.

Campaigns sits below scoring (docs/architecture.md, "Layers"), yet three of its steps
depend on scoring's data: registration opens only with an adopted scoring table, a
cluster's pact is signed only once each of its units has registered its targets, and a
review point's ranking is published only when its items are final. Campaigns names the
steps here; scoring registers its rules for them in ``ScoringConfig.ready()``. The
step runs them in the order they were registered, and a rule that does not hold raises
its ``ValidationError`` with its code (``table_not_adopted``, ...), as a guard of the
workflow's own would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, ParamSpec

if TYPE_CHECKING:
    from pacesetter.clusters.models import Cluster

    from .models import Campaign, ReviewPoint

P = ParamSpec("P")


class Checks(Generic[P]):
    """The rules registered for one step."""

    def __init__(self) -> None:
        self._rules: list[Callable[P, None]] = []

    def register(self, rule: Callable[P, None]) -> None:
        """Add ``rule`` to the step (once, however often an app's ``ready()`` runs)."""
        if rule not in self._rules:
            self._rules.append(rule)

    def run(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Run every rule of the step; the first that does not hold raises."""
        for rule in self._rules:
            rule(*args, **kwargs)


#: Before a campaign moves to registration (scoring: its table is adopted).
registration_checks: Checks[[Campaign]] = Checks()
#: Before a cluster's pact is signed (scoring: each unit of the cluster has registered
#: its targets).
pact_checks: Checks[[Campaign, Cluster]] = Checks()
#: Before a review point's ranking is published (scoring: every assigned item is final).
publish_checks: Checks[[ReviewPoint]] = Checks()
