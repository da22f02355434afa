"""Acting on objects: apply, try to apply, delete, scale, set image, roll back."""

from __future__ import annotations

from kspec.harness import Harness
from kspec.steps.registry import then, when

D = "objects"


@when("I apply:", domain=D, text=True)
def apply(k: Harness, docstring: str) -> None:
    """Create or update the YAML documents in order, like kubectl apply -f -; any rejection fails the step."""
    k.cluster.apply(docstring, **k.origin())


@when('I apply the file "{path}"', domain=D)
def apply_file(k: Harness, path: str) -> None:
    """Apply a manifest file, its path relative to the feature file."""
    k.apply_file(path)


@when("I try to apply:", domain=D, text=True)
def try_apply(k: Harness, docstring: str) -> None:
    """Like I apply, but the rejections (one per refused document) are kept for the next step."""
    k.attempt(lambda: k.cluster.apply(docstring, **k.origin()))


@when('I try to apply the file "{path}"', domain=D)
def try_apply_file(k: Harness, path: str) -> None:
    """Like I apply the file, but a rejection is kept for the next step."""
    k.attempt(lambda: k.apply_file(path))


@then('the request fails with "{message:.*?}"', domain=D, assertion=False)
def request_fails(k: Harness, message: str) -> None:
    """The last try was rejected, one of its errors containing this text."""
    k.request_failed(message)


@then("the request succeeds", domain=D, assertion=False)
def request_succeeds(k: Harness) -> None:
    """The last try was accepted."""
    k.request_failed(None)


@when('I delete {kind:[a-z.]+} "{name}"{in_ns}', domain=D)
def delete(k: Harness, kind: str, name: str, ns: str | None) -> None:
    """Graceful delete cascading to owned objects, as kubectl delete does."""
    k.cluster.delete(kind, name, ns or "default")


@when('I scale {kind:deployment|statefulset|replicaset} "{name}" to {replicas} replicas{in_ns}', domain="workloads")
def scale(k: Harness, kind: str, name: str, replicas: int, ns: str | None) -> None:
    """kubectl scale --replicas=N."""
    k.cluster.scale(kind, name, replicas, ns or "default")


@when('I set the image of deployment "{name}" to "{image}"{in_ns}', domain="workloads")
def set_image(k: Harness, name: str, image: str, ns: str | None) -> None:
    """kubectl set image for every container of the pod template."""
    k.cluster.set_image("deployment", name, image, namespace=ns or "default")


@when('I roll back deployment "{name}"{in_ns}', domain="workloads")
def rollback(k: Harness, name: str, ns: str | None) -> None:
    """kubectl rollout undo: back to the previous revision."""
    k.cluster.rollback(name, 0, ns or "default")


@when('I roll back deployment "{name}" to revision {revision}{in_ns}', domain="workloads")
def rollback_to(k: Harness, name: str, revision: int, ns: str | None) -> None:
    """kubectl rollout undo --to-revision=N."""
    k.cluster.rollback(name, revision, ns or "default")
