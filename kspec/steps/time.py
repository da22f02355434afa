"""Time: waiting, settling, and the ``within`` form of every assertion."""

from __future__ import annotations

from kspec.errors import UnknownStep
from kspec.harness import Harness
from kspec.steps.registry import find, then, when

D = "time"


@when("I wait {duration}", domain=D)
def wait(k: Harness, duration: str) -> None:
    """Advance the virtual clock exactly that long, running everything due on the way."""
    k.cluster.run_for(duration)


@when("the cluster settles", domain=D)
def settles(k: Harness) -> None:
    """Run until only periodic work (probes, lease renewals, resyncs) is left; fail after 10 virtual minutes, naming
    who keeps writing."""
    k.cluster.settle()


@then("within {duration} {assertion}", domain=D, assertion=False, table=True)
def within(k: Harness, duration: str, assertion: str, datatable: list[list[str]] | None = None) -> None:
    """Advance time until the assertion holds, or fail when the duration runs out."""
    found = find("then", assertion, assertions_only=True)
    if found is None:
        from kspec.lint import unknown_assertion_message  # kspec.lint reads this registry: imported when needed
        raise UnknownStep(unknown_assertion_message(assertion, duration))
    phrase, args = found
    if phrase.takes_table:
        args["datatable"] = datatable
    k.within(duration, lambda: phrase.func(k, **args))
