"""A simulated resource-metrics source (what metrics-server reports), read by the HPA.

Steps set cpu usage per pod, or for every pod matching a label selector (pods
created later included). Only Running pods report usage, as metrics-server
scrapes running containers. Attached to a cluster on first use as
``cluster.metrics``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kspec.errors import StepError
from kspec.labels import Selector
from kspec.objects import Obj
from kspec.quantity import cpu_millis

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: metrics-server's --metric-resolution (the window of each sample)
WINDOW_MS = 15_000


class MetricsSource:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._pods: dict[tuple[str, str], int] = {}
        self._rules: list[tuple[str, Selector, int]] = []  # later rules win

    @staticmethod
    def _millis(quantity: str) -> int:
        try:
            return cpu_millis(quantity)
        except Exception:  # noqa: BLE001 - any unparsable quantity is the user's mistake
            raise StepError(f'invalid cpu quantity "{quantity}": expected e.g. 250m or 1') from None

    def set_pod_cpu(self, namespace: str, pod: str, quantity: str) -> None:
        self._pods[(namespace, pod)] = self._millis(quantity)

    def set_selector_cpu(self, namespace: str, selector: str, quantity: str) -> None:
        """Every pod matching ``selector`` uses this much cpu (each)."""
        millis = self._millis(quantity)
        self._pods = {k: v for k, v in self._pods.items() if k[0] != namespace or not self._matches(
            namespace, k[1], Selector.parse(selector))}
        self._rules.append((namespace, Selector.parse(selector), millis))

    def _matches(self, namespace: str, pod: str, selector: Selector) -> bool:
        obj = self.cluster.api.try_get("pods", pod, namespace)
        return obj is not None and selector.matches(obj["metadata"].get("labels"))

    def pod_cpu(self, pod: Obj) -> int | None:
        """The pod's cpu usage in millicores, or None when metrics-server has none for it."""
        if pod.get("status", {}).get("phase") != "Running":
            return None
        md = pod["metadata"]
        explicit = self._pods.get((md["namespace"], md["name"]))
        if explicit is not None:
            return explicit
        for ns, selector, millis in reversed(self._rules):
            if ns == md["namespace"] and selector.matches(md.get("labels")):
                return millis
        return None


def metrics_for(cluster: Cluster) -> MetricsSource:
    """The cluster's metrics source, made on first use."""
    source = cluster.__dict__.get("metrics")
    if source is None:
        source = MetricsSource(cluster)
        cluster.__dict__["metrics"] = source
    return source
