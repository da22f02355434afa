"""kubernetes pkg/controller/nodelifecycle/node_lifecycle_controller_test.go through kspec's controller.

Upstream runs ``monitorNodeHealth`` and the tainting passes by hand on a fake node handler, with ``now``
stubbed; here a cluster without kubelets holds the nodes, pods and leases, its clock stands at upstream's
instants (real dates: kspec's timestamps are RFC 3339), and the test calls the controller's ``monitor``
(monitorNodeHealth), ``try_update_health``, ``no_schedule_tainting_pass``, ``no_execute_tainting_pass`` and
``reconcile_node_labels`` the same way. Writes are counted at the API server: a node status update, a pod
status update (upstream counts the fake client's update actions).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from kspec import Cluster
from kspec.controllers.nodelifecycle import (
    NodeLifecycleController,
    _Health,
    excluded_from_disruption_checks,
)
from kspec.errors import ApiError
from kspec.objects import get_condition, micro_timestamp, parse_timestamp
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/nodelifecycle/node_lifecycle_controller_test.go"

OLD = "2012-01-01T00:00:00Z"  # the creation time of a node "created long time ago"
NOW = "2015-01-01T12:00:00Z"  # fakeNow
HOUR = "2015-01-01T13:00:00Z"  # fakeNow + timeToPass (1h)
MINUTE = "2015-01-01T12:01:00Z"  # fakeNow + 1m
NEVER = "Kubelet never posted node status."
STOPPED = "Kubelet stopped posting node status."
CAPACITY = {"cpu": "10", "memory": "10G"}
TEST_RATE_LIMITER_QPS = 100_000  # testRateLimiterQPS: upstream's tests build the controller with it


def zone(region: str, name: str) -> dict[str, str]:
    """The four region/zone labels upstream's nodes carry."""
    return {"topology.kubernetes.io/region": region, "topology.kubernetes.io/zone": name,
            "failure-domain.beta.kubernetes.io/region": region, "failure-domain.beta.kubernetes.io/zone": name}


def zid(region: str, name: str) -> str:
    """testutil.CreateZoneID."""
    return f"{region}:\x00:{name}"


def cond(ctype: str, status: str, hb: str, lt: str, reason: str = "", message: str = "") -> dict[str, str]:
    c = {"type": ctype, "status": status, "lastHeartbeatTime": hb, "lastTransitionTime": lt}
    if reason:
        c.update(reason=reason, message=message)
    return c


def never(hb: str, lt: str) -> list[dict[str, str]]:
    """The four conditions a node that never posted status gets (NodeStatusNeverUpdated)."""
    return [cond(t, "Unknown", hb, lt, "NodeStatusNeverUpdated", NEVER)
            for t in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")]


def node(name: str, created: str = OLD, conditions: list | None = None, labels: dict | None = None,
         capacity: bool = False, uid: str = "") -> dict[str, Any]:
    status: dict[str, Any] = {}
    if conditions is not None:
        status["conditions"] = copy.deepcopy(conditions)
    if capacity:
        status["capacity"] = dict(CAPACITY)
    md: dict[str, Any] = {"name": name, "creationTimestamp": created}
    if labels:
        md["labels"] = dict(labels)
    if uid:
        md["uid"] = uid
    return {"apiVersion": "v1", "kind": "Node", "metadata": md, "spec": {}, "status": status}


class Env:
    """One upstream test's world: the fake node handler's nodes, the pods, the leases and the stubbed clock."""

    def __init__(self, now: str) -> None:
        self.c = Cluster(nodes=0)
        self.c.start()
        self.ctrl = next(x for x in self.c.controllers if isinstance(x, NodeLifecycleController))
        self.ctrl.eviction_qps = self.ctrl.secondary_eviction_qps = TEST_RATE_LIMITER_QPS
        self.at(now)
        self.node_updates: list[dict] = []
        self.pod_updates = 0
        self.fail_pod_updates: list[bool] = []  # popped per pod status update: True fails it
        api = self.c.api
        real_update = api.update

        def update(obj: dict, *, status: bool = False) -> dict:
            kind = obj.get("kind")
            if kind == "Pod" and status:
                self.pod_updates += 1
                if self.fail_pod_updates and self.fail_pod_updates.pop(0):
                    raise ApiError(500, "InternalError", "fake error")
            out = real_update(obj, status=status)
            if kind == "Node" and status:
                self.node_updates.append(copy.deepcopy(out))
            return out
        api.update = update  # type: ignore[method-assign]

    def at(self, when: str) -> None:
        self.c.clock.now = parse_timestamp(when)

    def put(self, obj: dict) -> None:
        """The fake handler's Create or Update: the object as given, over whatever was there."""
        store = self.c.api.store
        live = store.get("nodes", "", obj["metadata"]["name"])
        if live is None:
            store.create("nodes", copy.deepcopy(obj))
        else:
            new = copy.deepcopy(obj)
            new["metadata"] = {**live["metadata"], **new["metadata"]}
            new["metadata"].setdefault("labels", {})
            if "labels" not in obj["metadata"]:
                new["metadata"].pop("labels")
            store.update("nodes", new)

    def set_status(self, name: str, status: dict) -> None:
        live = self.c.api.store.get("nodes", "", name)
        self.c.api.store.update("nodes", {**live, "status": copy.deepcopy(status)})

    def pod(self, name: str, host: str) -> None:
        """testutil.NewPod: Ready, on ``host``."""
        self.c.api.store.create("pods", {"apiVersion": "v1", "kind": "Pod",
                                         "metadata": {"name": name, "namespace": "default"},
                                         "spec": {"nodeName": host, "containers": [{"name": "c", "image": "i"}]},
                                         "status": {"conditions": [{"type": "Ready", "status": "True"}]}})

    def lease(self, name: str, renew: str) -> None:
        """createNodeLease, replacing the lease store's content (syncLeaseStore)."""
        store = self.c.api.store
        obj = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
               "metadata": {"name": name, "namespace": "kube-node-lease"},
               "spec": {"holderIdentity": name, "renewTime": micro_timestamp(parse_timestamp(renew))}}
        live = store.get("leases", "kube-node-lease", name)
        if live is None:
            store.create("leases", obj)
        else:
            store.update("leases", {**live, "spec": obj["spec"]})

    def get(self, name: str) -> dict:
        return self.c.api.store.get("nodes", "", name)

    def taints(self, name: str) -> set[tuple[str, str]]:
        return {(t["key"], t["effect"]) for t in self.get(name)["spec"].get("taints") or []}

    @contextmanager
    def failing_pod_lists(self, first: int) -> Iterator[None]:
        """getPodsAssignedToNode fails for its first ``first`` calls."""
        real = self.ctrl.pods_on
        calls = [0]

        def pods_on(node_name: str) -> list[dict]:
            calls[0] += 1
            if calls[0] <= first:
                raise ApiError(500, "InternalError", "fake error")
            return real(node_name)
        self.ctrl.pods_on = pods_on  # type: ignore[method-assign]
        yield


# -- TestMonitorNodeHealth: zone states ------------------------------------------------------------------
F = "TestMonitorNodeHealth"
HEALTHY = {"conditions": [cond("Ready", "True", HOUR, NOW)]}
UNHEALTHY = {"conditions": [cond("Ready", "Unknown", NOW, NOW)]}
N, FULL, PARTIAL = "Normal", "FullDisruption", "PartialDisruption"
Z1, Z2 = zone("region1", "zone1"), zone("region1", "zone2")


def _ready(status: str) -> list[dict]:
    return [cond("Ready", status, NOW, NOW)]


ZONE_CASES = [
    case(F, "No Disruption: Node created recently without failure domain labels (happens only at cluster startup)",
         nodes=[node("node0", NOW, _ready("True"))], updated=[HEALTHY], initial={"": N}, following={"": N}),
    case(F, "No Disruption: Initially both zones down, one comes back",
         nodes=[node("node0", NOW, _ready("Unknown"), Z1), node("node1", NOW, _ready("Unknown"), Z2)],
         updated=[UNHEALTHY, HEALTHY], initial={zid("region1", "zone1"): FULL, zid("region1", "zone2"): FULL},
         following={zid("region1", "zone1"): FULL, zid("region1", "zone2"): N}),
    case(F, "Partial Disruption: Nodes created recently without status conditions (happens only at cluster startup)",
         nodes=[node(f"node{i}", NOW, None, Z1) for i in range(4)], updated=[UNHEALTHY] * 3 + [HEALTHY],
         initial={zid("region1", "zone1"): FULL}, following={zid("region1", "zone1"): PARTIAL}),
    case(F, "Partial Disruption: one Node failed leading to the number of healthy Nodes to exceed the configured "
            "threshold",
         nodes=[node(f"node{i}", NOW, _ready(s), Z1) for i, s in enumerate(["Unknown"] * 2 + ["True"] * 3)],
         updated=[UNHEALTHY] * 3 + [HEALTHY] * 2,
         initial={zid("region1", "zone1"): N}, following={zid("region1", "zone1"): PARTIAL}),
    case(F, "Full Disruption: the zone has less than 2 Nodes down, the last healthy Node has failed",
         nodes=[node(f"node{i}", NOW, _ready(s), Z1) for i, s in enumerate(["Unknown", "Unknown", "True"])],
         updated=[UNHEALTHY] * 3, initial={zid("region1", "zone1"): N}, following={zid("region1", "zone1"): FULL}),
    case(F, "Full Disruption: all the Nodes in one zone are down",
         nodes=[node("node0", NOW, _ready("Unknown"), Z1), node("node1", NOW, _ready("True"), Z2)],
         updated=[UNHEALTHY, HEALTHY], initial={zid("region1", "zone1"): FULL, zid("region1", "zone2"): N},
         following={zid("region1", "zone1"): FULL, zid("region1", "zone2"): N}),
    case(F, "Full Disruption: all the Nodes in both the zones are down",
         nodes=[node("node0", NOW, _ready("Unknown"), Z1),
                node("node1", NOW, _ready("Unknown"), zone("region2", "zone2"))],
         updated=[UNHEALTHY, UNHEALTHY], initial={zid("region1", "zone1"): FULL, zid("region2", "zone2"): FULL},
         following={zid("region1", "zone1"): FULL, zid("region2", "zone2"): FULL}),
    case(F, "Full Disruption: Ready condition removed from the Node",
         nodes=[node("node0", NOW, _ready("True"), Z1)], updated=[{"conditions": []}],
         initial={zid("region1", "zone1"): N}, following={zid("region1", "zone1"): FULL}),
    case(F, "Full Disruption: the only available Node has the node.kubernetes.io/exclude-disruption label",
         nodes=[node("node0", NOW, _ready("Unknown"), Z1),
                node("node-master", NOW, _ready("True"), {**Z1, "node.kubernetes.io/exclude-disruption": ""})],
         updated=[UNHEALTHY, HEALTHY], initial={zid("region1", "zone1"): FULL},
         following={zid("region1", "zone1"): FULL}),
]


@pytest.mark.parametrize("tc", ZONE_CASES)
def test_monitor_node_health(tc: dict[str, Any]) -> None:
    env = Env(NOW)
    for n in tc["nodes"]:
        env.put(n)
    env.ctrl.monitor()
    assert env.ctrl.zone_states == tc["initial"]
    env.at(HOUR)
    for n, status in zip(tc["nodes"], tc["updated"], strict=False):
        env.set_status(n["metadata"]["name"], status)
    env.ctrl.monitor()
    assert env.ctrl.zone_states == tc["following"]


# -- TestPodStatusChange ----------------------------------------------------------------------------------
@pytest.mark.parametrize("tc", [case("TestPodStatusChange", "", unmodelled=(
    "the zone's rate-limited eviction queue run with DeletePods (a pod status update with reason NodeLost) is the "
    "pre-taint eviction path; kspec evicts through NoExecute taints and the taint eviction controller"))])
def test_pod_status_change(tc: dict[str, Any]) -> None:
    env = Env(NOW)
    env.put(node("node0", OLD, _ready("Unknown"), Z1))
    env.put(node("node1", OLD, [cond("Ready", "True", NOW, NOW)],
                 {"failure-domain.beta.kubernetes.io/region": "region1",
                  "failure-domain.beta.kubernetes.io/zone": "zone1"}))
    env.pod("pod0", "node0")
    env.ctrl.monitor()
    env.at(HOUR)
    env.set_status("node1", {"conditions": [cond("Ready", "True", "2015-01-01T12:09:00Z", NOW)]})
    env.ctrl.monitor()
    pod = env.c.api.store.get("pods", "default", "pod0")
    assert pod["status"].get("reason") == "NodeLost"


# -- TestMonitorNodeHealthUpdateStatus and ...WithLease ----------------------------------------------------
def _run_two_passes(tc: dict[str, Any]) -> Env:
    env = Env(NOW)
    env.put(tc["node"])
    env.pod("pod0", "node0")
    if tc.get("lease"):
        env.lease("node0", tc["lease"])
    env.ctrl.monitor()
    if tc.get("later"):
        env.at(tc["later"])
        env.set_status("node0", tc["new_status"])
        if tc.get("new_lease"):
            env.lease("node0", tc["new_lease"])
        env.ctrl.monitor()
    return env


def _check_writes(env: Env, tc: dict[str, Any]) -> None:
    want = tc["expected_status"]
    if want is None:
        assert env.node_updates == []
    else:
        assert len(env.node_updates) == 1
        assert env.node_updates[0]["status"] == want
    assert (env.pod_updates > 0) is tc["pod_update"]


U = "TestMonitorNodeHealthUpdateStatus"
READY_AT_NOW = [cond("Ready", "True", NOW, NOW)]
UPDATE_STATUS = [
    # Node created long time ago, without status: Unknown status posted from node controller.
    case(U, "#0", node=node("node0", OLD), expected_status={"conditions": never(OLD, NOW)}, pod_update=False),
    # Node created recently, without status: no action (within startup grace period).
    case(U, "#1", node=node("node0", NOW), expected_status=None, pod_update=False),
    # Node created long time ago, with status updated by kubelet exceeds grace period: Unknown posted.
    case(U, "#2", node=node("node0", OLD, READY_AT_NOW, capacity=True), later=HOUR,
         new_status={"conditions": READY_AT_NOW, "capacity": CAPACITY},
         expected_status={"conditions": [cond("Ready", "Unknown", NOW, HOUR, "NodeStatusUnknown", STOPPED),
                                         *never(OLD, HOUR)[1:]], "capacity": CAPACITY}, pod_update=True),
    # Node created long time ago, with status updated recently: no action (within monitor grace period).
    case(U, "#3", node=node("node0", OLD, READY_AT_NOW, capacity=True), expected_status=None, pod_update=False),
]


@pytest.mark.parametrize("tc", UPDATE_STATUS)
def test_monitor_node_health_update_status(tc: dict[str, Any]) -> None:
    _check_writes(_run_two_passes(tc), tc)


L = "TestMonitorNodeHealthUpdateNodeAndPodStatusWithLease"
READY_DISK = [cond("Ready", "True", NOW, NOW), cond("DiskPressure", "False", NOW, NOW)]
READY_DISK_LATER = [cond("Ready", "True", HOUR, NOW), cond("DiskPressure", "False", HOUR, NOW)]
WITH_LEASE = [
    case(L, "Node created recently, without status. Node lease is missing.",
         node=node("node0", NOW), expected_status=None, pod_update=False),
    case(L, "Node created recently, without status. Node lease is renewed recently.",
         node=node("node0", NOW), lease=NOW, expected_status=None, pod_update=False),
    case(L, "Node created long time ago, without status. Node lease is missing.",
         node=node("node0", OLD), expected_status={"conditions": never(OLD, NOW)}, pod_update=False),
    case(L, "Node created long time ago, without status. Node lease is renewed recently.",
         node=node("node0", OLD), lease=NOW, later=HOUR, new_status={}, new_lease=HOUR, expected_status=None,
         pod_update=False),
    case(L, "Node created long time ago, without status. Node lease is expired.",
         node=node("node0", OLD), lease=NOW, later=HOUR, new_status={}, new_lease=NOW,
         expected_status={"conditions": never(OLD, HOUR)}, pod_update=False),
    case(L, "Node created long time ago, with status updated by kubelet exceeds grace period. Node lease is renewed.",
         node=node("node0", OLD, READY_DISK, capacity=True), lease=NOW, later=HOUR,
         new_status={"conditions": READY_DISK, "capacity": CAPACITY}, new_lease=HOUR, expected_status=None,
         pod_update=False),
    case(L, "Node created long time ago, with status updated by kubelet recently. Node lease is expired.",
         node=node("node0", OLD, READY_DISK, capacity=True), lease=NOW, later=HOUR,
         new_status={"conditions": READY_DISK_LATER, "capacity": CAPACITY}, new_lease=NOW, expected_status=None,
         pod_update=False),
    case(L, "Node created long time ago, with status updated by kubelet exceeds grace period. Node lease is also "
            "expired.",
         node=node("node0", OLD, READY_AT_NOW, capacity=True), lease=NOW, later=HOUR,
         new_status={"conditions": READY_AT_NOW, "capacity": CAPACITY}, new_lease=NOW,
         expected_status={"conditions": [cond("Ready", "Unknown", NOW, HOUR, "NodeStatusUnknown", STOPPED),
                                         *never(OLD, HOUR)[1:]], "capacity": CAPACITY}, pod_update=True),
]


@pytest.mark.parametrize("tc", WITH_LEASE)
def test_monitor_node_health_with_lease(tc: dict[str, Any]) -> None:
    _check_writes(_run_two_passes(tc), tc)


# -- marking pods not ready ------------------------------------------------------------------------------------
M = "TestMonitorNodeHealthMarkPodsNotReady"
MARK = [
    case(M, "#0", node=node("node0", NOW), pod_update=False),
    case(M, "#1", node=node("node0", OLD, READY_AT_NOW, capacity=True), pod_update=False),
    case(M, "#2", node=node("node0", OLD, READY_AT_NOW, capacity=True), later=MINUTE,
         new_status={"conditions": READY_AT_NOW, "capacity": CAPACITY}, pod_update=True),
]


@pytest.mark.parametrize("tc", MARK)
def test_monitor_node_health_mark_pods_not_ready(tc: dict[str, Any]) -> None:
    env = _run_two_passes(tc)
    assert (env.pod_updates > 0) is tc["pod_update"]


@pytest.mark.parametrize("tc", [case("TestMonitorNodeHealthMarkPodsNotReadyWithWorkerSize", f"#{i}", workers=w)
                                for i, w in enumerate((0, 1))])
def test_mark_pods_not_ready_with_worker_size(tc: dict[str, Any]) -> None:
    """50 nodes with 100 pods each; kspec has no update workers to size, so both cases run the same."""
    env = Env(NOW)
    nodes, per_node = 50, 100
    for i in range(nodes):
        env.put(node(f"node{i}", OLD, READY_AT_NOW, capacity=True))
    for i in range(nodes * per_node):
        env.pod(f"pod{i}", f"node{i % nodes}")
    env.ctrl.monitor()
    env.at(MINUTE)
    for i in range(nodes):
        env.set_status(f"node{i}", {"conditions": READY_AT_NOW, "capacity": CAPACITY})
    env.ctrl.monitor()
    assert env.pod_updates == nodes * per_node


R = "TestMonitorNodeHealthMarkPodsNotReadyRetry"
TWO = "2015-01-01T12:00:02Z"
RETRY = [
    case(R, "successful pod status update, no retry required", fail_updates=[], fail_lists=0, expected=1),
    case(R, "unsuccessful pod status update, retry required", fail_updates=[True], fail_lists=0, expected=2),
    case(R, "unsuccessful pod list, retry required", fail_updates=[], fail_lists=1, expected=1),
]


@pytest.mark.parametrize("tc", RETRY)
def test_mark_pods_not_ready_retry(tc: dict[str, Any]) -> None:
    env = Env(NOW)
    env.pod("pod0", "node0")
    env.fail_pod_updates = list(tc["fail_updates"])
    iterations = [(NOW, "True", NOW), (MINUTE, "True", NOW), (MINUTE, "False", TWO)]
    with env.failing_pod_lists(tc["fail_lists"]):
        for when, status, hb in iterations:
            env.at(when)
            env.put(node("node0", NOW, [cond("Ready", status, hb, hb)]))
            env.ctrl.monitor()
    assert env.pod_updates == tc["expected"]


# -- NoExecute tainting --------------------------------------------------------------------------------------------
UNREACHABLE = ("node.kubernetes.io/unreachable", "NoExecute")
NOT_READY = ("node.kubernetes.io/not-ready", "NoExecute")
Y2017 = "2017-01-01T12:00:00Z"


def _no_execute_pass(env: Env) -> None:
    """doNoExecuteTaintingPass over every node (a ready one is untainted, as processTaintBaseEviction does)."""
    for n in env.c.api.store.list("nodes"):
        env.ctrl.no_execute_tainting_pass(n["metadata"]["name"])


@pytest.mark.parametrize("tc", [case("TestApplyNoExecuteTaints", "")])
def test_apply_no_execute_taints(tc: dict[str, Any]) -> None:
    env = Env(Y2017)
    env.put(node("node0", OLD, [cond("Ready", "Unknown", NOW, NOW)], Z1))
    env.put(node("node1", OLD, [cond("Ready", "True", Y2017, Y2017)], Z1))
    env.put(node("node2", OLD, [cond("Ready", "False", NOW, NOW)], Z1))
    env.put(node("node3", OLD, [cond("Ready", "True", "2016-01-01T12:00:00Z", "2016-01-01T12:00:00Z")], Z1))
    env.pod("pod0", "node0")
    env.ctrl.monitor()
    _no_execute_pass(env)
    assert UNREACHABLE in env.taints("node0")
    assert NOT_READY in env.taints("node2")
    env.set_status("node2", {"conditions": [cond("Ready", "True", "2017-01-01T12:10:00Z", Y2017)]})
    env.ctrl.monitor()
    _no_execute_pass(env)
    assert env.taints("node2") == set()
    env.set_status("node3", {"conditions": [cond("Ready", "False", "2017-01-01T12:10:00Z", Y2017)]})
    env.ctrl.monitor()
    # before the tainting pass, the status is replaced (maybe a merge-patch replace)
    env.set_status("node3", {"conditions": [cond("MemoryPressure", "Unknown", "2017-01-01T12:10:00Z", Y2017)]})
    _no_execute_pass(env)
    assert env.taints("node3") == set()


@pytest.mark.parametrize("tc", [case("TestApplyNoExecuteTaintsToNodesEnqueueTwice", "")])
def test_apply_no_execute_taints_enqueue_twice(tc: dict[str, Any]) -> None:
    env = Env(Y2017)
    unknown, ready, false = (cond("Ready", "Unknown", NOW, NOW), cond("Ready", "True", Y2017, Y2017),
                             cond("Ready", "False", NOW, NOW))
    for name, c in (("node0", unknown), ("node1", ready), ("node2", false)):
        env.put(node(name, OLD, [c], Z1))
    env.pod("pod0", "node0")
    env.ctrl.monitor()
    env.ctrl.monitor()
    env.set_status("node0", {"conditions": [cond("Ready", "True", "2017-01-01T12:10:00Z", Y2017)]})
    for name, c in (("node3", unknown), ("node4", ready), ("node5", false)):
        env.put(node(name, OLD, [c], Z1))
    env.ctrl.monitor()
    _no_execute_pass(env)
    assert UNREACHABLE in env.taints("node3")
    assert NOT_READY in env.taints("node5")


@pytest.mark.parametrize("tc", [case("TestSwapUnreachableNotReadyTaints", "")])
def test_swap_unreachable_not_ready_taints(tc: dict[str, Any]) -> None:
    env = Env(Y2017)
    env.put(node("node0", OLD, [cond("Ready", "Unknown", NOW, NOW)], Z1))
    env.put(node("node1", OLD, [cond("Ready", "True", Y2017, Y2017)], Z1))
    env.pod("pod0", "node0")
    env.ctrl.monitor()
    _no_execute_pass(env)
    assert UNREACHABLE in env.taints("node0")
    env.set_status("node0", {"conditions": [cond("Ready", "False", "2017-01-01T12:09:00Z", Y2017)]})
    env.set_status("node1", {"conditions": [cond("Ready", "True", "2017-01-01T12:10:00Z", Y2017)]})
    env.ctrl.monitor()
    _no_execute_pass(env)
    assert NOT_READY in env.taints("node0")
    assert UNREACHABLE not in env.taints("node0")


# -- NoSchedule tainting and labels ------------------------------------------------------------------------------
T = "TestTaintsNodeByCondition"
NET = ("node.kubernetes.io/network-unavailable", "NoSchedule")
NET_COND = [cond("Ready", "True", NOW, NOW), cond("NetworkUnavailable", "True", NOW, NOW)]
BY_CONDITION = [
    case(T, "NetworkUnavailable is true", conditions=NET_COND, taints={NET}),
    case(T, "NetworkUnavailable is true#01", conditions=NET_COND, taints={NET}),
    case(T, "Ready is false", conditions=_ready("False"), taints={("node.kubernetes.io/not-ready", "NoSchedule")}),
    case(T, "Ready is unknown", conditions=_ready("Unknown"),
         taints={("node.kubernetes.io/unreachable", "NoSchedule")}),
]


@pytest.mark.parametrize("tc", BY_CONDITION)
def test_taints_node_by_condition(tc: dict[str, Any]) -> None:
    env = Env(Y2017)
    env.put(node("node0", OLD, _ready("True"), Z1))
    env.put(node("node0", OLD, tc["conditions"], Z1))  # fakeNodeHandler.Update with the case's node
    env.ctrl.no_schedule_tainting_pass("node0")
    assert env.taints("node0") == tc["taints"]
    assert len(env.get("node0")["spec"]["taints"]) == len(tc["taints"])


@pytest.mark.parametrize("tc", [case("TestNodeEventGeneration", "")])
def test_node_event_generation(tc: dict[str, Any]) -> None:
    env = Env("2016-09-10T12:00:00Z")
    env.put(node("node0", "2015-08-10T00:00:00Z",
                 [cond("Ready", "Unknown", "2015-08-10T00:00:00Z", "2015-08-10T00:00:00Z")], uid="1234567890"))
    env.pod("pod0", "node0")
    env.ctrl.monitor()
    events = [e for e in env.c.event_log if e.reason in ("RegisteredNode", "NodeNotReady", "NodeReady")]
    assert [e.reason for e in events] == ["RegisteredNode"]


LB = "TestReconcileNodeLabels"
OS, ARCH, BOS, BARCH = "kubernetes.io/os", "kubernetes.io/arch", "beta.kubernetes.io/os", "beta.kubernetes.io/arch"
LABELS = [
    case(LB, "No-op if node has no labels", labels=None, expected={}),
    case(LB, "No-op if no target labels present", labels={"topology.kubernetes.io/region": "region1"},
         expected={"topology.kubernetes.io/region": "region1"}),
    case(LB, "Create OS/arch beta labels when they don't exist", labels={OS: "linux", ARCH: "amd64"},
         expected={BOS: "linux", BARCH: "amd64", OS: "linux", ARCH: "amd64"}),
    case(LB, "Reconcile OS/arch beta labels to match stable labels",
         labels={BOS: "windows", BARCH: "arm", OS: "linux", ARCH: "amd64"},
         expected={BOS: "linux", BARCH: "amd64", OS: "linux", ARCH: "amd64"}),
]


@pytest.mark.parametrize("tc", LABELS)
def test_reconcile_node_labels(tc: dict[str, Any]) -> None:
    env = Env(Y2017)
    env.put(node("node0", OLD, _ready("True"), Z1))
    env.put(node("node0", OLD, None, tc["labels"]))  # fakeNodeHandler.Update with the case's node
    env.ctrl.reconcile_node_labels("node0")
    assert (env.get("node0")["metadata"].get("labels") or {}) == tc["expected"]


# -- TestTryUpdateNodeHealth ---------------------------------------------------------------------------------------
H = "TestTryUpdateNodeHealth"
OLD16 = "2016-01-01T12:00:00Z"
TRY = [case(H, name, created=created, status=status)
       for name, created, status in [
           ("Status true", Y2017, "True"), ("Status false", Y2017, "False"), ("Status unknown", Y2017, "Unknown"),
           ("Status nil", Y2017, None), ("Status true - after grace period", OLD16, "True"),
           ("Status false - after grace period", OLD16, "False"),
           ("Status unknown - after grace period", OLD16, "Unknown"), ("Status nil - after grace period", OLD16, None)]]


@pytest.mark.parametrize("tc", TRY)
def test_try_update_node_health(tc: dict[str, Any]) -> None:
    env = Env(Y2017)
    created = tc["created"]
    conditions = [] if tc["status"] is None else [cond("Ready", tc["status"], created, created)]
    env.put(node("node0", created, conditions))
    n = env.get("node0")
    ready = get_condition(n, "Ready")
    # the health map holds the node's status, probed at its creation
    env.ctrl.health["node0"] = _Health(parse_timestamp(created), dict(ready) if ready else None)
    _, after = env.ctrl.try_update_health(n)
    saved = env.ctrl.health["node0"].ready
    current = get_condition(after, "Ready")
    assert (saved or {}).get("status") == (current or {}).get("status")


X = "Test_isNodeExcludedFromDisruptionChecks"
EXCLUDED = [
    case(X, "#00", node={"metadata": {"labels": {}}, "status": {"conditions": [{"type": "Test"}]}}, want=False),
    case(X, "#01", node={"metadata": {"name": "master-abc"}, "status": {"conditions": [{"type": "Test"}]}},
         want=False),
    case(X, "#02", node={"metadata": {"labels": {"node.kubernetes.io/exclude-disruption": ""}},
                         "status": {"conditions": [{"type": "Test"}]}}, want=True),
]


@pytest.mark.parametrize("tc", EXCLUDED)
def test_is_node_excluded_from_disruption_checks(tc: dict[str, Any]) -> None:
    assert excluded_from_disruption_checks(tc["node"]) is tc["want"]
