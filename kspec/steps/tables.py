"""``kubectl get`` tables."""

from __future__ import annotations

from kspec.harness import Harness
from kspec.steps.registry import then

D = "tables"


@then("kubectl get {resource:[a-z.]+(?: -o ?wide)?}{in_ns} shows:", domain=D, table=True)
def kubectl_get(k: Harness, resource: str, ns: str | None, datatable: list[list[str]]) -> None:
    """The named rows match kubectl get in the named columns (AGE is never compared)."""
    k.cluster.expect.kubectl_table(resource, datatable, ns)
