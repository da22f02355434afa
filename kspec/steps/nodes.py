"""Node-side phrases beyond STEPS.md: memory usage, slow shutdowns, drains that may be refused."""

from __future__ import annotations

from kspec.durations import parse_duration
from kspec.harness import Harness
from kspec.steps.registry import given, when

D = "nodes"


@when('container "{container}" of pod "{pod}" uses {quantity} of memory{in_ns}', domain="metrics")
def uses_memory(k: Harness, container: str, pod: str, quantity: str, ns: str | None) -> None:
    """The container's working set becomes that quantity (an OOM kill above its limit)."""
    k.cluster.require("runtime", "kubelet").set_memory(ns or "default", pod, container, quantity)
    k.cluster.clock.run_now()


@given('image "{image}" takes {duration} to stop', domain="images")
def image_stop_time(k: Harness, image: str, duration: str) -> None:
    """Containers of this image exit that long after SIGTERM (SIGKILL if the grace period ends first)."""
    k.cluster.describe_image(image, stop_ms=parse_duration(duration))


@when('I try to drain node "{node}"', domain=D)
def try_drain(k: Harness, node: str) -> None:
    """Like I drain node, but a refused eviction is kept for the next step."""
    k.attempt(lambda: k.cluster.drain(node))
