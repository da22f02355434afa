"""File contents through a pod's volumes: what survives a restart, a rescheduling or a deletion."""

from __future__ import annotations

from kspec.harness import Harness
from kspec.steps.registry import then, when

D = "pods"


@when('container "{container}" of pod "{pod}" writes "{content}" to "{file}"{in_ns}', domain=D)
def write_file(k: Harness, container: str, pod: str, content: str, file: str, ns: str | None) -> None:
    """The running container writes the text to the file (its mounts decide where it lands)."""
    k.cluster.write_file(pod, container, file, content, ns or "default")


@then('the file "{file}" in container "{container}" of pod "{pod}" contains "{content}"{in_ns}', domain=D)
def file_contains(k: Harness, file: str, container: str, pod: str, content: str, ns: str | None) -> None:
    """The file exists in the container's current instance and its contents include the text."""
    found = k.cluster.read_file(pod, container, file, ns or "default")
    if found is None:
        raise AssertionError(f'the file "{file}" does not exist in container "{container}" of pod "{pod}"')
    if content not in found:
        raise AssertionError(f'the file "{file}" in container "{container}" of pod "{pod}" contains {found!r}')


@then('the file "{file}" in container "{container}" of pod "{pod}" does not exist{in_ns}', domain=D)
def file_absent(k: Harness, file: str, container: str, pod: str, ns: str | None) -> None:
    """No such file as the container's current instance sees it."""
    found = k.cluster.read_file(pod, container, file, ns or "default")
    if found is not None:
        raise AssertionError(f'the file "{file}" in container "{container}" of pod "{pod}" exists: {found!r}')
