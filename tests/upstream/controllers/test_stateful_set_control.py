"""kubernetes pkg/controller/statefulset/stateful_set_control_test.go through kspec's StatefulSet controller.

Upstream drives ``UpdateStatefulSet`` by hand against a fake pod control: after each sync it moves one random
pod a step forward (Pending, Running, Running and Ready) and checks invariants (ordered readiness, identity,
storage, revisions), until the set is scaled or updated. Here the set, its pods and claims live in a cluster
without kubelets or scheduler; a sync is the controller's ``reconcile``, the pod steps are status writes,
and the fake's injected errors are API errors raised at the API server (the N+1th pod create, pod delete or
set status update fails once). The random pod choice uses a seeded generator, so a run is repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from kspec import Cluster
from kspec.controllers import history
from kspec.controllers import statefulset_utils as su
from kspec.controllers.controller_utils import is_running_and_ready
from kspec.controllers.statefulset import StatefulSetController, ordinal_of
from kspec.errors import ApiError
from kspec.objects import clone, timestamp
from tests.upstream.cases import case
from tests.upstream.controllers.test_stateful_set_utils import new_pod, new_stateful_set

SOURCE = "kubernetes/kubernetes pkg/controller/statefulset/stateful_set_control_test.go"
KEY = "default/foo"
ORIGINAL = "nginx"  # newStatefulSet's image
#: a loop that has not converged after this many syncs never will
MAX_SYNCS = 500


def internal_error() -> ApiError:
    return ApiError(500, "InternalError", "Internal error occurred: API server failed")


class Tracker:
    """requestTracker: once armed, the request numbered ``after`` (from 0) fails, then it disarms."""

    def __init__(self) -> None:
        self.requests, self.after, self.armed = 0, 0, False

    def arm(self, after: int) -> None:
        self.after, self.armed = after, True

    def check(self) -> None:
        ready = self.armed and self.requests >= self.after
        self.requests += 1
        if ready:
            self.armed = False
            raise internal_error()


class SetEnv:
    """The fake pod control, status updater and listers of setupController, over a cluster."""

    def __init__(self, sts: dict[str, Any]) -> None:
        self.c = Cluster(nodes=0)
        self.c.start()
        self.ctrl = next(x for x in self.c.controllers if isinstance(x, StatefulSetController))
        self.rng = random.Random(7)
        self.create, self.delete, self.status = Tracker(), Tracker(), Tracker()
        api = self.c.api
        real_create, real_delete, real_status = api.create, api.delete, api.update_status

        def create(obj: dict, *args: Any, **kw: Any) -> dict:
            if obj.get("kind") == "Pod":
                self.create.check()
            return real_create(obj, *args, **kw)

        def delete(resource: str, *args: Any, **kw: Any) -> Any:
            if resource == "pods":
                self.delete.check()
            return real_delete(resource, *args, **kw)

        def update_status(obj: dict, *args: Any, **kw: Any) -> dict:
            if obj.get("kind") == "StatefulSet":
                self.status.check()
            return real_status(obj, *args, **kw)
        api.create, api.delete, api.update_status = create, delete, update_status  # type: ignore[method-assign]
        sts = clone(sts)
        for field in ("uid", "creationTimestamp"):
            sts["metadata"].pop(field, None)
        real_create(sts)

    # -- listers ------------------------------------------------------------------------------------
    def set(self) -> dict[str, Any]:
        return self.c.api.store.get("statefulsets", "default", "foo")

    def pods(self) -> list[dict[str, Any]]:
        """podsLister with the set's selector, in ascending ordinal order."""
        pods = [p for p in self.c.api.store.list("pods", "default")
                if (p["metadata"].get("labels") or {}).get("foo") == "bar"]
        return sorted(pods, key=su.ordinal_key)

    def sync(self) -> ApiError | None:
        """UpdateStatefulSet: the error it returns, if any."""
        try:
            self.ctrl.reconcile(KEY)
        except ApiError as exc:
            return exc
        return None

    def edit(self, fn: Callable[[dict[str, Any]], None]) -> None:
        """The test's own change of the set's spec."""
        sts = clone(self.set())
        fn(sts)
        self.c.api.update(sts)

    # -- the fake pod control's helpers ------------------------------------------------------------------
    def _put(self, pod: dict[str, Any]) -> None:
        store = self.c.api.store
        if store.get("pods", "default", pod["metadata"]["name"]) is None:
            store.create("pods", pod)
        else:
            store.update("pods", pod)

    def set_phase(self, index: int, phase: str) -> None:
        pod = clone(self.pods()[index])
        pod.setdefault("status", {})["phase"] = phase
        self._put(pod)

    def set_ready(self, index: int) -> None:
        pod = clone(self.pods()[index])
        conditions = pod.setdefault("status", {}).setdefault("conditions", [])
        if not any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions):
            conditions[:] = [c for c in conditions if c.get("type") != "Ready"]
            conditions.append({"type": "Ready", "status": "True",
                               "lastTransitionTime": timestamp(self.c.clock.now)})
        self._put(pod)

    def add_terminating_pod(self, ordinal: int) -> None:
        """addTerminatingPod: the set's pod for ``ordinal``, Running and Ready, with a deletion timestamp."""
        sts = self.set()
        pod = new_pod(sts, ordinal)
        pod["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "foo",
                                               "uid": sts["metadata"]["uid"], "controller": True,
                                               "blockOwnerDeletion": True}]
        pod["metadata"]["deletionTimestamp"] = timestamp(self.c.clock.now)
        pod["status"] = {"phase": "Running", "conditions": [
            {"type": "Ready", "status": "True", "lastTransitionTime": timestamp(self.c.clock.now)}]}
        self._put(pod)

    def remove(self, pod: dict[str, Any]) -> None:
        """podsIndexer.Delete."""
        self.c.api.store.delete("pods", "default", pod["metadata"]["name"])

    # -- invariants ----------------------------------------------------------------------------------------
    def _claims_and_identity(self, sts: dict[str, Any], pod: dict[str, Any]) -> None:
        assert su.storage_matches(sts, pod), f"pod {pod['metadata']['name']} does not match the storage spec"
        ordinal = ordinal_of("foo", pod)
        for template in sts["spec"].get("volumeClaimTemplates") or []:
            name = f"{template['metadata']['name']}-foo-{ordinal}"
            assert self.c.api.store.get("persistentvolumeclaims", "default", name) is not None, \
                f"claim {name} for Pod {pod['metadata']['name']} was not created"
        assert su.identity_matches(sts, pod), f"pod {pod['metadata']['name']} does not match the identity spec"

    def monotonic(self) -> None:
        """assertMonotonicInvariants."""
        sts, pods = self.set(), self.pods()
        for ordinal, pod in enumerate(pods):
            if ordinal > 0:
                assert not (is_running_and_ready(pod) and not is_running_and_ready(pods[ordinal - 1])), \
                    f"successor {pod['metadata']['name']} is Running and Ready while its predecessor is not"
            assert ordinal_of("foo", pod) == ordinal, f"pods {pod['metadata']['name']} deployed in the wrong order"
            self._claims_and_identity(sts, pod)

    def burst(self) -> None:
        """assertBurstInvariants."""
        sts = self.set()
        for pod in self.pods():
            self._claims_and_identity(sts, pod)

    def updating(self) -> None:
        """assertUpdateInvariants."""
        sts, pods = self.set(), self.pods()
        for pod in pods:
            self._claims_and_identity(sts, pod)
        strategy = sts["spec"].get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") != "RollingUpdate":
            return
        status = sts.get("status") or {}
        for pod in pods[:status.get("currentReplicas", 0)]:
            assert _revision(pod) == status.get("currentRevision"), f"pod {pod['metadata']['name']} not current"
        for pod in list(reversed(pods))[:status.get("updatedReplicas", 0)]:
            assert _revision(pod) == status.get("updateRevision"), f"pod {pod['metadata']['name']} not updated"

    # -- the drivers ----------------------------------------------------------------------------------------
    def _advance_one(self) -> bool:
        """Move one random pod forward; False when it is in no phase to move from (the loop's continue)."""
        pods = self.pods()
        if not pods:
            return True
        index = self.rng.randrange(len(pods))
        phase = (pods[index].get("status") or {}).get("phase", "")
        if phase == "Pending":
            self.set_phase(index, "Running")
        elif phase == "Running":
            self.set_ready(index)
        else:
            return False
        return True

    def scale_up(self, invariants: Callable[[], None]) -> ApiError | None:
        """scaleUpStatefulSetControl."""
        for _ in range(MAX_SYNCS):
            sts = self.set()
            if (sts.get("status") or {}).get("readyReplicas", 0) >= sts["spec"]["replicas"]:
                invariants()
                return None
            if not self._advance_one():
                continue
            err = self.sync()
            if err is not None:
                return err
            invariants()
        raise AssertionError("the set never became ready")

    def scale_down(self, invariants: Callable[[], None]) -> ApiError | None:
        """scaleDownStatefulSetControl."""
        for _ in range(MAX_SYNCS):
            sts = self.set()
            if (sts.get("status") or {}).get("replicas", 0) <= sts["spec"]["replicas"]:
                invariants()
                return None
            pods = self.pods()
            if pods:
                ordinal = len(pods) - 1
                for step in (self.sync, lambda o=ordinal: self.add_terminating_pod(o), self.sync):
                    err = step()
                    if err is not None:
                        return err
                pods = self.pods()
                if pods:
                    self.remove(pods[-1])
            err = self.sync()
            if err is not None:
                return err
            invariants()
        raise AssertionError("the set never scaled down")

    def update_complete(self) -> bool:
        """updateComplete."""
        sts, pods = self.set(), self.pods()
        status = sts.get("status") or {}
        replicas = sts["spec"]["replicas"]
        if len(pods) != replicas or status.get("readyReplicas", 0) != replicas:
            return False
        strategy = sts["spec"].get("updateStrategy") or {}
        if strategy.get("type") == "OnDelete":
            return True
        partition = (strategy.get("rollingUpdate") or {}).get("partition") or 0
        if partition <= 0:
            return status.get("currentReplicas", 0) >= replicas and all(
                _revision(p) == status.get("currentRevision") for p in pods)
        return len(pods) >= partition and all(_revision(p) == status.get("updateRevision")
                                              for p in pods[partition:])

    def update(self, invariants: Callable[[], None]) -> ApiError | None:
        """updateStatefulSetControl."""
        err = self.sync()
        if err is not None:
            return err
        for _ in range(MAX_SYNCS):
            if self.update_complete():
                invariants()
                return None
            if not self._advance_one():
                continue
            err = self.sync()
            if err is not None:
                return err
            invariants()
        raise AssertionError("the update never completed")


def _revision(pod: dict[str, Any]) -> str:
    return (pod["metadata"].get("labels") or {}).get(history.REVISION_LABEL, "")


def _status(env: SetEnv) -> tuple[int, int, int]:
    status = env.set().get("status") or {}
    return status.get("replicas", 0), status.get("readyReplicas", 0), status.get("updatedReplicas", 0)


def _invariants(env: SetEnv, burst: bool) -> Callable[[], None]:
    return env.burst if burst else env.monotonic


def _set(replicas: int, burst: bool) -> dict[str, Any]:
    sts = new_stateful_set(replicas)
    if burst:
        sts["spec"]["podManagementPolicy"] = "Parallel"
    return sts


def _replicas(n: int) -> Callable[[dict[str, Any]], None]:
    def fn(sts: dict[str, Any]) -> None:
        sts["spec"]["replicas"] = n
    return fn


def _image(image: str) -> Callable[[dict[str, Any]], None]:
    def fn(sts: dict[str, Any]) -> None:
        sts["spec"]["template"]["spec"]["containers"][0]["image"] = image
    return fn


def _images(env: SetEnv) -> list[str]:
    return [p["spec"]["containers"][0]["image"] for p in env.pods()]


# -- TestStatefulSetControl ----------------------------------------------------------------------------------
def creates_pods(env: SetEnv, inv: Callable[[], None]) -> None:
    assert env.scale_up(inv) is None
    assert _status(env) == (3, 3, 3)


def scales_up(env: SetEnv, inv: Callable[[], None]) -> None:
    assert env.scale_up(inv) is None
    env.edit(_replicas(4))
    assert env.scale_up(inv) is None
    assert _status(env) == (4, 4, 4)


def scales_down(env: SetEnv, inv: Callable[[], None]) -> None:
    assert env.scale_up(inv) is None
    env.edit(_replicas(0))
    assert env.scale_down(inv) is None
    assert _status(env) == (0, 0, 0)


def replaces_pods(env: SetEnv, inv: Callable[[], None]) -> None:
    assert env.scale_up(inv) is None
    assert _status(env)[0] == 5
    pods = env.pods()
    for i in (0, 2, 4):
        env.remove(pods[i])
    for i in (0, 2, 4):
        assert env.sync() is None
        env.set_phase(i, "Running")
        assert env.sync() is None
        env.set_ready(i)
    assert env.sync() is None
    assert _status(env)[0] == 5


def _recreates_failed(env: SetEnv, inv: Callable[[], None], delete_fails: bool) -> None:
    assert env.sync() is None
    inv()
    failed = env.pods()[0]
    env.set_phase(0, "Failed")
    if delete_fails:
        env.delete.arm(0)
        env.sync()  # the delete fails: an InternalError, or nothing
        inv()
    assert env.sync() is None
    inv()
    pod = env.pods()[0]
    # isCreated(pods[0]) is false: a new pod stands at ordinal 0, not yet started
    assert pod["metadata"]["uid"] != failed["metadata"]["uid"]
    assert pod["status"].get("phase") == "Pending"


def recreates_failed_pod(env: SetEnv, inv: Callable[[], None]) -> None:
    _recreates_failed(env, inv, delete_fails=False)


def pod_recreate_delete_failure(env: SetEnv, inv: Callable[[], None]) -> None:
    _recreates_failed(env, inv, delete_fails=True)


def create_pod_failure(env: SetEnv, inv: Callable[[], None]) -> None:
    env.create.arm(2)
    env.scale_up(inv)  # an InternalError, or nothing
    assert env.scale_up(inv) is None
    assert _status(env) == (3, 3, 3)


def update_pod_failure(env: SetEnv, inv: Callable[[], None]) -> None:
    assert env.scale_up(inv) is None
    assert _status(env) == (3, 3, 3)
    pods = env.pods()
    assert len(pods) == 3
    renamed = clone(pods[0])  # the indexer now also holds the pod under another name
    renamed["metadata"]["name"] = "goo-0"
    renamed["metadata"].pop("uid", None)
    env._put(renamed)
    err = env.sync()
    assert err is None or err.code == 500


def update_set_status_failure(env: SetEnv, inv: Callable[[], None]) -> None:
    env.status.arm(2)
    env.scale_up(inv)  # an InternalError, or nothing
    assert env.scale_up(inv) is None
    assert _status(env) == (3, 3, 3)


CONTROL = [("CreatesPods", creates_pods, 3), ("ScalesUp", scales_up, 3), ("ScalesDown", scales_down, 3),
           ("ReplacesPods", replaces_pods, 5), ("RecreatesFailedPod", recreates_failed_pod, 3),
           ("CreatePodFailure", create_pod_failure, 3), ("UpdatePodFailure", update_pod_failure, 3),
           ("UpdateSetStatusFailure", update_set_status_failure, 3),
           ("PodRecreateDeleteFailure", pod_recreate_delete_failure, 3)]
CONTROL_CASES = [case("TestStatefulSetControl", f"{name}/{mode}", fn=fn, replicas=n, burst=mode == "Burst")
                 for name, fn, n in CONTROL for mode in ("Monotonic", "Burst")]


@pytest.mark.parametrize("tc", CONTROL_CASES)
def test_stateful_set_control(tc: dict[str, Any]) -> None:
    env = SetEnv(_set(tc["replicas"], tc["burst"]))
    tc["fn"](env, _invariants(env, tc["burst"]))


@pytest.mark.parametrize("tc", [case("TestStatefulSetControlScaleDownDeleteError", "")])
def test_scale_down_delete_error(tc: dict[str, Any]) -> None:
    env = SetEnv(_set(3, False))
    assert env.scale_up(env.monotonic) is None
    env.edit(_replicas(0))
    env.delete.arm(2)
    env.scale_down(env.monotonic)  # an InternalError, or nothing
    assert env.scale_down(env.monotonic) is None
    assert _status(env) == (0, 0, 0)


# -- updates ------------------------------------------------------------------------------------------------------
#: (name, initial replicas, burst, new replicas)
UPDATES = [("monotonic image update", 3, False, 3), ("monotonic image update and scale up", 3, False, 5),
           ("monotonic image update and scale down", 5, False, 3), ("burst image update", 3, True, 3),
           ("burst image update and scale up", 3, True, 5), ("burst image update and scale down", 5, True, 3)]


def _start_and_update(tc: dict[str, Any], strategy: dict[str, Any] | None = None) -> SetEnv:
    sts = _set(tc["initial"], tc["burst"])
    if strategy is not None:
        sts["spec"]["updateStrategy"] = strategy
    env = SetEnv(sts)
    assert env.scale_up(_invariants(env, tc["burst"])) is None

    def change(s: dict[str, Any]) -> None:
        _replicas(tc["replicas"])(s)
        _image("foo")(s)
    env.edit(change)
    assert env.update(env.updating) is None
    return env


@pytest.mark.parametrize("tc", [case("TestStatefulSetControlRollingUpdate", name, initial=i, burst=b, replicas=r)
                                for name, i, b, r in UPDATES])
def test_rolling_update(tc: dict[str, Any]) -> None:
    env = _start_and_update(tc)
    assert _images(env) == ["foo"] * tc["replicas"]


@pytest.mark.parametrize("tc", [case("TestStatefulSetControlOnDeleteUpdate", name, initial=i, burst=b, replicas=r)
                                for name, i, b, r in UPDATES])
def test_on_delete_update(tc: dict[str, Any]) -> None:
    env = _start_and_update(tc, {"type": "OnDelete"})
    # the pods there before keep the old template; new ordinals get the new one
    assert _images(env) == [ORIGINAL if i < tc["initial"] else "foo" for i in range(tc["replicas"])]
    inv = _invariants(env, tc["burst"])
    env.edit(_replicas(0))
    assert env.scale_down(inv) is None
    env.edit(_replicas(tc["replicas"]))
    assert env.scale_up(inv) is None
    assert _images(env) == ["foo"] * tc["replicas"]


PARTITIONED = [("monotonic image update", 3, False, 3), ("monotonic image update and scale up", 3, False, 5),
               ("burst image update", 3, True, 3), ("burst image update and scale up", 3, True, 5)]


@pytest.mark.parametrize("tc", [case("TestStatefulSetControlRollingUpdateWithPartition", name, initial=i, burst=b,
                                     replicas=r) for name, i, b, r in PARTITIONED])
def test_rolling_update_with_partition(tc: dict[str, Any]) -> None:
    env = _start_and_update(tc, {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}})
    assert _images(env) == [ORIGINAL if i < 2 else "foo" for i in range(tc["replicas"])]


@pytest.mark.parametrize("tc", [case("TestStatefulSetControlRollback", name, initial=i, burst=b, replicas=r)
                                for name, i, b, r in UPDATES])
def test_rollback(tc: dict[str, Any]) -> None:
    env = _start_and_update(tc)
    assert _images(env) == ["foo"] * tc["replicas"]
    oldest = history.sort_revisions(history.revisions_of(env.c.api, env.set()))[0]

    def apply_revision(s: dict[str, Any]) -> None:  # ApplyRevision
        s["spec"]["template"] = clone(history.template_of(oldest))
    env.edit(apply_revision)
    assert env.update(env.updating) is None
    assert _images(env) == [ORIGINAL] * tc["replicas"]


# -- history --------------------------------------------------------------------------------------------------------
def _revision_count(env: SetEnv) -> int:
    return len(history.revisions_of(env.c.api, env.set()))


@pytest.mark.parametrize("tc", [case("TestStatefulSetHonorRevisionHistoryLimit", "")])
def test_honor_revision_history_limit(tc: dict[str, Any]) -> None:
    env = SetEnv(_set(3, False))
    assert env.scale_up(env.monotonic) is None
    limit = env.set()["spec"]["revisionHistoryLimit"]
    for i in range(limit + 5):
        env.edit(_image(f"foo-{i}"))
        env.status.arm(2)
        env.update(env.updating)  # errors are ignored
        # the 2 extra are the current and the update revision: live, never truncated
        assert _revision_count(env) <= limit + 2


@pytest.mark.parametrize("tc", [case("TestStatefulSetControlLimitsHistory", name, burst=b)
                                for name, b in (("monotonic update", False), ("burst update", True))])
def test_limits_history(tc: dict[str, Any]) -> None:
    env = SetEnv(_set(3, tc["burst"]))
    assert env.scale_up(_invariants(env, tc["burst"])) is None
    limit = env.set()["spec"]["revisionHistoryLimit"]
    for i in range(10):
        env.edit(_image(f"foo-{i}"))
        assert env.update(env.updating) is None
        assert env.sync() is None
        assert _revision_count(env) <= limit + 2


# -- TestStatefulSetControl_getSetRevisions ------------------------------------------------------------------
def _variant(step: int) -> dict[str, Any]:
    """set, set1 (image foo) and set2 (set1 with the template label new=label)."""
    sts = new_stateful_set(3)
    if step >= 1:
        _image("foo")(sts)
    if step >= 2:
        sts["spec"]["template"]["metadata"]["labels"]["new"] = "label"
    return sts


REVISIONS = [
    case("TestStatefulSetControl_getSetRevisions", "creates initial revision", existing=[], set=0, count=1,
         current=(0, 1), update=(0, 1)),
    case("TestStatefulSetControl_getSetRevisions", "creates revision on update", existing=[0], set=1, count=2,
         current=(0, 1), update=(1, 2)),
    case("TestStatefulSetControl_getSetRevisions", "must not recreate a new revision of same set", existing=[0, 1],
         set=1, count=2, current=(0, 1), update=(1, 2)),
    case("TestStatefulSetControl_getSetRevisions", "must rollback to a previous revision", existing=[0, 1, 2],
         set=1, count=3, current=(0, 1), update=(1, 4)),
]


@pytest.mark.parametrize("tc", REVISIONS)
def test_get_set_revisions(tc: dict[str, Any]) -> None:
    """getStatefulSetRevisions: (variant, revision number) of the current and the update revision."""
    env = SetEnv(_variant(tc["set"]))
    sts = env.set()
    labels = dict(sts["spec"]["selector"]["matchLabels"])
    names = {}

    def template(step: int) -> dict[str, Any]:
        """The variant's template as the API server stored it (defaulted, as the set's own is)."""
        t = clone(sts["spec"]["template"])
        t["spec"]["containers"][0]["image"] = "foo" if step >= 1 else ORIGINAL
        t["metadata"]["labels"].pop("new", None)
        if step >= 2:
            t["metadata"]["labels"]["new"] = "label"
        return t
    for n, step in enumerate(tc["existing"], start=1):  # newRevisionOrDie(set_step, n), created in order
        rev = history.new_revision(sts, template(step), labels, n)
        names[step] = rev["metadata"]["name"]
        env.c.api.create(rev)
    if tc["set"] >= 1:  # set1 and set2 carry rev0 as their current revision
        rev0 = history.new_revision(sts, template(0), labels, 1)
        names[0] = rev0["metadata"]["name"]
        env.c.api.update_status({**sts, "status": {"currentRevision": names[0], "collisionCount": 0}})
        sts = env.set()
    update, revisions = history.sync_revision(env.c.api, sts, sts["spec"]["template"], labels)
    current_name = (sts.get("status") or {}).get("currentRevision") or update["metadata"]["name"]
    current = next(r for r in revisions if r["metadata"]["name"] == current_name)
    names.setdefault(tc["set"], update["metadata"]["name"])
    assert len(revisions) == tc["count"]
    assert (current["metadata"]["name"], current["revision"]) == (names[tc["current"][0]], tc["current"][1])
    assert (update["metadata"]["name"], update["revision"]) == (names[tc["update"][0]], tc["update"][1])
