"""kubernetes pkg/controller/statefulset/stateful_pod_control_test.go: creating, updating and deleting one pod.

Upstream calls StatefulPodControl's CreateStatefulPod, UpdateStatefulPod and DeleteStatefulPod on a fake client
whose reactors answer or fail each request, and counts the events (Normal or Warning) recorded on the set.
kspec's controller has the same three operations (``create_stateful_pod``, ``update_stateful_pod``,
``_delete``); here they run against a cluster's API server with the reactors' failures injected there, and
the set's events are read back from the cluster.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec import Cluster
from kspec.controllers import statefulset_utils as su
from kspec.controllers.statefulset import StatefulSetController
from kspec.errors import ApiError
from kspec.objects import clone, timestamp
from tests.upstream.cases import case
from tests.upstream.controllers.test_stateful_set_utils import new_pod, new_stateful_set

SOURCE = "kubernetes/kubernetes pkg/controller/statefulset/stateful_pod_control_test.go"


def internal(message: str = "API server down") -> ApiError:
    return ApiError(500, "InternalError", f"Internal error occurred: {message}")


class PodEnv:
    """The fake client: ``fail[(verb, kind)]`` lists the errors its next requests get (None lets one through)."""

    def __init__(self) -> None:
        self.c = Cluster(nodes=0)
        self.c.start()
        self.ctrl = next(x for x in self.c.controllers if isinstance(x, StatefulSetController))
        sts = new_stateful_set(3)
        for field in ("uid", "creationTimestamp"):
            sts["metadata"].pop(field)
        self.sts = self.c.api.create(sts)
        self.fail: dict[tuple[str, str], list[ApiError | None]] = {}
        self.calls: list[tuple[str, str]] = []
        api = self.c.api
        originals = {"create": api.create, "update": api.update, "try_get": api.try_get, "delete": api.delete}

        def guard(verb: str, kind: str) -> None:
            self.calls.append((verb, kind))
            queue = self.fail.get((verb, kind))
            if queue:
                error = queue.pop(0)
                if error is not None:
                    raise error

        def create(obj: dict, *a: Any, **kw: Any) -> dict:
            guard("create", obj["kind"])
            return originals["create"](obj, *a, **kw)

        def update(obj: dict, *a: Any, **kw: Any) -> dict:
            guard("update", obj["kind"])
            return originals["update"](obj, *a, **kw)

        def try_get(resource: str, *a: Any, **kw: Any) -> Any:
            guard("get", resource)
            return originals["try_get"](resource, *a, **kw)

        def delete(resource: str, *a: Any, **kw: Any) -> Any:
            guard("delete", resource)
            return originals["delete"](resource, *a, **kw)
        api.create, api.update, api.try_get, api.delete = create, update, try_get, delete  # type: ignore[method-assign]
        self.events_before = len(self.c.event_log)

    def pod(self, ordinal: int = 0) -> dict[str, Any]:
        """newStatefulSetPod, owned by the set."""
        pod = new_pod(self.sts, ordinal)
        pod["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "foo",
                                               "uid": self.sts["metadata"]["uid"], "controller": True}]
        return pod

    def stored(self, pod: dict[str, Any]) -> dict[str, Any]:
        """The pod as the API server holds it (the fake client's seeded object)."""
        return self.c.api.create(clone(pod))

    def claims(self, pod: dict[str, Any], deleting: bool = False) -> None:
        """The pod's claims, already in the lister."""
        _, ordinal = su.parent_name_and_ordinal(pod)
        for template in self.sts["spec"]["volumeClaimTemplates"]:
            md: dict[str, Any] = {"name": f"{template['metadata']['name']}-foo-{ordinal}", "namespace": "default"}
            if deleting:
                md["deletionTimestamp"] = timestamp(0)
                md["finalizers"] = ["kubernetes.io/pvc-protection"]
            self.c.api.store.create("persistentvolumeclaims", {
                "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": md,
                "spec": clone(template["spec"])})

    def events(self) -> list[str]:
        """collectEvents: each event's type, with its reason and message."""
        return [f"{e.type} {e.reason} {e.message}" for e in self.c.event_log[self.events_before:]
                if e.kind == "StatefulSet"]


def _types(events: list[str]) -> list[str]:
    return [e.split(" ", 1)[0] for e in events]


# -- creating --------------------------------------------------------------------------------------------------
def creates_pods(env: PodEnv) -> None:
    assert env.ctrl.create_stateful_pod(env.sts, env.pod()) is None
    assert _types(env.events()) == ["Normal", "Normal"]


def create_pod_exists(env: PodEnv) -> None:
    pod = env.pod()
    env.claims(pod)
    env.stored(pod)
    error = env.ctrl.create_stateful_pod(env.sts, pod)
    assert isinstance(error, ApiError) and error.reason == "AlreadyExists"
    assert env.events() == []  # the pod and its claims exist: no event


def create_pod_pvc_create_failure(env: PodEnv) -> None:
    env.fail[("create", "PersistentVolumeClaim")] = [internal()]
    assert env.ctrl.create_stateful_pod(env.sts, env.pod()) is not None
    assert _types(env.events()) == ["Warning", "Warning"]


def create_pod_pvc_deleting(env: PodEnv) -> None:
    pod = env.pod()
    env.claims(pod, deleting=True)
    assert env.ctrl.create_stateful_pod(env.sts, pod) is not None
    assert _types(env.events()) == ["Warning"]


def create_pod_pvc_get_failure(env: PodEnv) -> None:
    env.fail[("get", "persistentvolumeclaims")] = [internal()]
    env.fail[("create", "PersistentVolumeClaim")] = [internal()]
    assert env.ctrl.create_stateful_pod(env.sts, env.pod()) is not None
    assert _types(env.events()) == ["Warning", "Warning"]


def create_pod_failed(env: PodEnv) -> None:
    env.fail[("create", "Pod")] = [internal()]
    assert env.ctrl.create_stateful_pod(env.sts, env.pod()) is not None
    assert _types(env.events()) == ["Normal", "Warning"]


# -- updating ----------------------------------------------------------------------------------------------------
def no_op_update(env: PodEnv) -> None:
    pod = env.pod()
    env.claims(pod)
    env.calls.clear()
    assert env.ctrl.update_stateful_pod(env.sts, pod) is None
    assert env.calls == []  # a no-op update makes no client call
    assert env.events() == []


def updates_identity(env: PodEnv) -> None:
    pod = env.stored(env.pod())
    broken = clone(pod)
    broken["metadata"]["name"] = "goo-0"
    seen: list[dict] = []
    real = env.c.api.update

    def update(obj: dict, *a: Any, **kw: Any) -> dict:
        seen.append(clone(obj))
        return real(obj, *a, **kw)
    env.c.api.update = update  # type: ignore[method-assign]
    assert env.ctrl.update_stateful_pod(env.sts, broken) is None
    assert _types(env.events()) == ["Normal"]
    assert su.identity_matches(env.sts, seen[-1])


def update_identity_failure(env: PodEnv) -> None:
    pod = env.stored(env.pod())
    broken = clone(pod)
    broken["metadata"]["name"] = "goo-0"
    env.fail[("update", "Pod")] = [internal()]
    assert env.ctrl.update_stateful_pod(env.sts, broken) is not None
    assert _types(env.events()) == ["Warning"]
    assert not su.identity_matches(env.sts, broken)  # the failed update left the pod as it was


def _without_claim_volumes(env: PodEnv, pod: dict[str, Any]) -> dict[str, Any]:
    names = {t["metadata"]["name"] for t in env.sts["spec"]["volumeClaimTemplates"]}
    broken = clone(pod)
    broken["spec"]["volumes"] = [v for v in broken["spec"].get("volumes") or [] if v["name"] not in names]
    return broken


def updates_pod_storage(env: PodEnv) -> None:
    pod = env.stored(env.pod())
    seen: list[dict] = []
    real = env.c.api.update

    def update(obj: dict, *a: Any, **kw: Any) -> dict:
        seen.append(clone(obj))
        return real(obj, *a, **kw)
    env.c.api.update = update  # type: ignore[method-assign]
    assert env.ctrl.update_stateful_pod(env.sts, _without_claim_volumes(env, pod)) is None
    assert _types(env.events()) == ["Normal", "Normal"]  # the claim created, the pod updated
    assert su.storage_matches(env.sts, seen[-1])


def update_pod_storage_failure(env: PodEnv) -> None:
    pod = env.stored(env.pod())
    env.fail[("create", "PersistentVolumeClaim")] = [internal()]
    assert env.ctrl.update_stateful_pod(env.sts, _without_claim_volumes(env, pod)) is not None
    assert _types(env.events()) == ["Warning", "Warning"]


def update_pod_conflict_success(env: PodEnv) -> None:
    goo = env.pod()
    goo["metadata"]["labels"][su.POD_NAME_LABEL] = "goo-starts"  # what the lister holds
    stored = env.stored(goo)
    env.claims(goo)
    pod = clone(stored)
    pod["metadata"]["labels"][su.POD_NAME_LABEL] = "goo-0"
    env.fail[("update", "Pod")] = [ApiError(409, "Conflict", 'Operation cannot be fulfilled on pods "foo-0": '
                                            "conflict")]
    assert env.ctrl.update_stateful_pod(env.sts, pod) is None
    assert _types(env.events()) == ["Normal"]
    assert su.identity_matches(env.sts, env.c.api.store.get("pods", "default", "foo-0"))


# -- deleting --------------------------------------------------------------------------------------------------------
def deletes_stateful_pod(env: PodEnv) -> None:
    pod = env.stored(env.pod())
    env.ctrl._delete(env.sts, pod)
    assert _types(env.events()) == ["Normal"]


def delete_failure(env: PodEnv) -> None:
    pod = env.stored(env.pod())
    env.fail[("delete", "pods")] = [internal()]
    with pytest.raises(ApiError):
        env.ctrl._delete(env.sts, pod)
    assert _types(env.events()) == ["Warning"]


CASES = [
    case("TestStatefulPodControlCreatesPods", "", fn=creates_pods),
    case("TestStatefulPodControlCreatePodExists", "", fn=create_pod_exists),
    case("TestStatefulPodControlCreatePodPvcCreateFailure", "", fn=create_pod_pvc_create_failure),
    case("TestStatefulPodControlCreatePodPVCDeleting", "", fn=create_pod_pvc_deleting),
    case("TestStatefulPodControlCreatePodPvcGetFailure", "", fn=create_pod_pvc_get_failure),
    case("TestStatefulPodControlCreatePodFailed", "", fn=create_pod_failed),
    case("TestStatefulPodControlNoOpUpdate", "", fn=no_op_update),
    case("TestStatefulPodControlUpdatesIdentity", "", fn=updates_identity),
    case("TestStatefulPodControlUpdateIdentityFailure", "", fn=update_identity_failure),
    case("TestStatefulPodControlUpdatesPodStorage", "", fn=updates_pod_storage),
    case("TestStatefulPodControlUpdatePodStorageFailure", "", fn=update_pod_storage_failure),
    case("TestStatefulPodControlUpdatePodConflictSuccess", "", fn=update_pod_conflict_success),
    case("TestStatefulPodControlDeletesStatefulPod", "", fn=deletes_stateful_pod),
    case("TestStatefulPodControlDeleteFailure", "", fn=delete_failure),
]


@pytest.mark.parametrize("tc", CASES)
def test_stateful_pod_control(tc: dict[str, Any]) -> None:
    tc["fn"](PodEnv())
