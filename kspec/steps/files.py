"""File contents through a pod's volumes: what survives a restart, a rescheduling or a deletion."""

from __future__ import annotations

from kspec.harness import Harness
from kspec.steps.registry import then, when

D = "pods"


@when('container "{container}" of pod "{pod}" writes "{text}" to "{path}"{in_ns}', domain=D)
def write_file(k: Harness, container: str, pod: str, text: str, path: str, ns: str | None) -> None:
    """The running container writes the text to the file (its mounts decide where it lands)."""
    k.cluster.write_file(pod, container, path, text, ns or "default")


@then('the file "{path}" in container "{container}" of pod "{pod}" contains "{text}"{in_ns}', domain=D)
def file_contains(k: Harness, path: str, container: str, pod: str, text: str, ns: str | None) -> None:
    """The file exists in the container's current instance and its contents include the text."""
    found = k.cluster.read_file(pod, container, path, ns or "default")
    if found is None:
        raise AssertionError(f'the file "{path}" does not exist in container "{container}" of pod "{pod}"')
    if text not in found:
        raise AssertionError(f'the file "{path}" in container "{container}" of pod "{pod}" contains {found!r}')


@then('the file "{path}" in container "{container}" of pod "{pod}" does not exist{in_ns}', domain=D)
def file_absent(k: Harness, path: str, container: str, pod: str, ns: str | None) -> None:
    """No such file as the container's current instance sees it."""
    found = k.cluster.read_file(pod, container, path, ns or "default")
    if found is not None:
        raise AssertionError(f'the file "{path}" in container "{container}" of pod "{pod}" exists: {found!r}')
