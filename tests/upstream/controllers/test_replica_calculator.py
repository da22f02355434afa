"""kubernetes pkg/controller/podautoscaler/replica_calculator_test.go against kspec's HPA replica calculation.

The fixture (prepareTestClientSet) is rebuilt as pods ``test-pod-<i>`` with two containers, each requesting
the case's request, and a usage sample of the level per container. Upstream's test runs with a 2 minute CPU
initialization period and a 10s initial readiness delay; kspec runs the controller-manager defaults (5 minutes,
30s), so the adapter states each pod's timing by its meaning: a "cool" pod started before the period, a
"hot" one within it and with a sample that does not yet cover a window since its readiness changed (upstream's
samples carry a zero timestamp), a default pod started long ago.
"""

from __future__ import annotations

import pytest

from kspec import Cluster
from kspec.controllers import replica_calculator as rcalc
from kspec.controllers.hpa import CPU_INITIALIZATION_MS, HPAController, MetricError
from kspec.objects import timestamp
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/podautoscaler/replica_calculator_test.go"

NOW = 24 * 3600 * 1000
CONTAINERS = 2  # numContainersPerPod


def _pods(data: dict) -> list[dict]:
    count = max(data["current"], len(data.get("phase") or []))
    pods = []
    for i in range(count):
        ready = (data.get("ready") or [])[i] if i < len(data.get("ready") or []) else "True"
        start = (data.get("start") or ["old"] * count)[i]
        started = {"old": 0, "cool": NOW - CPU_INITIALIZATION_MS - 60_000, "hot": NOW}[start]
        changed = NOW if start == "hot" else 0
        requests = data["requests"]
        resources = {"requests": {"cpu": requests[i]}} if i < len(requests) else {}
        pod = {"metadata": {"name": f"test-pod-{i}", "namespace": "test-namespace", "labels": {"name": "test-pod"}},
               "spec": {"containers": [{"name": f"c{n}", "resources": resources} for n in range(CONTAINERS)]},
               "status": {"phase": (data.get("phase") or ["Running"] * count)[i], "startTime": timestamp(started),
                          "conditions": [{"type": "Ready", "status": ready, "lastTransitionTime": timestamp(changed)}]}}
        if (data.get("deleting") or [False] * count)[i]:
            pod["metadata"]["deletionTimestamp"] = timestamp(NOW)
        pods.append(pod)
    return pods


def _usage(data: dict) -> dict[str, int]:
    names = data.get("pod_names") or []
    return {(names[i] if i < len(names) else f"test-pod-{i}"): level * CONTAINERS
            for i, level in enumerate(data["levels"])}


def rc(func: str, current: int, requests: list[str], levels: list[int], target: int, expected: int | None = None,
       utilization: int | None = None, value: int | None = None, error: str | None = None, **kw: object) -> object:
    return case(func, "resource cpu", current=current, requests=requests, levels=levels, target=target,
                expected=expected, utilization=utilization, value=value, error=error, **kw)


ONE = "1.0"
CASES = [
    rc("TestReplicaCalcDisjointResourcesMetrics", 1, [ONE], [100], 100, pod_names=["an-older-pod-name"],
       error="no metrics returned matched known pods"),
    rc("TestReplicaCalcScaleUp", 3, [ONE] * 3, [300, 500, 700], 30, 5, 50, CONTAINERS * 500),
    rc("TestReplicaCalcScaleUpUnreadyLessScale", 3, [ONE] * 3, [300, 500, 700], 30, 4, 60, CONTAINERS * 600,
       ready=["False", "True", "True"]),
    rc("TestReplicaCalcScaleUpHotCpuLessScale", 3, [ONE] * 3, [300, 500, 700], 30, 4, 60, CONTAINERS * 600,
       start=["hot", "cool", "cool"]),
    rc("TestReplicaCalcScaleUpUnreadyNoScale", 3, [ONE] * 3, [400, 500, 700], 30, 3, 40, CONTAINERS * 400,
       ready=["True", "False", "False"]),
    rc("TestReplicaCalcScaleHotCpuNoScale", 3, [ONE] * 3, [400, 500, 700], 30, 3, 40, CONTAINERS * 400,
       ready=["True", "False", "False"], start=["cool", "hot", "hot"]),
    rc("TestReplicaCalcScaleUpIgnoresFailedPods", 2, [ONE] * 4, [500, 700], 30, 4, 60, CONTAINERS * 600,
       ready=["True", "True", "False", "False"], phase=["Running", "Running", "Failed", "Failed"]),
    rc("TestReplicaCalcScaleUpIgnoresDeletionPods", 2, [ONE] * 4, [500, 700], 30, 4, 60, CONTAINERS * 600,
       ready=["True", "True", "False", "False"], phase=["Running"] * 4, deleting=[False, False, True, True]),
    rc("TestReplicaCalcScaleDown", 5, [ONE] * 5, [100, 300, 500, 250, 250], 50, 3, 28, CONTAINERS * 280),
    rc("TestReplicaCalcScaleDownIncludeUnreadyPods", 5, [ONE] * 5, [100, 300, 500, 250, 250], 50, 2, 30,
       CONTAINERS * 300, ready=["True", "True", "True", "False", "False"]),
    rc("TestReplicaCalcScaleDownExcludeUnscheduledPods", 5, [ONE] * 5, [100], 50, 1, 10, CONTAINERS * 100,
       ready=["True", "False", "False", "False", "False"], phase=["Running"] + ["Pending"] * 4),
    rc("TestReplicaCalcScaleDownIgnoreHotCpuPods", 5, [ONE] * 5, [100, 300, 500, 250, 250], 50, 2, 30,
       CONTAINERS * 300, start=["cool", "cool", "cool", "hot", "hot"]),
    rc("TestReplicaCalcScaleDownIgnoresFailedPods", 5, [ONE] * 7, [100, 300, 500, 250, 250], 50, 3, 28,
       CONTAINERS * 280, ready=["True"] * 5 + ["False"] * 2, phase=["Running"] * 5 + ["Failed"] * 2),
    rc("TestReplicaCalcScaleDownIgnoresDeletionPods", 5, [ONE] * 7, [100, 300, 500, 250, 250], 50, 3, 28,
       CONTAINERS * 280, ready=["True"] * 5 + ["False"] * 2, phase=["Running"] * 7,
       deleting=[False] * 5 + [True] * 2),
    rc("TestReplicaCalcTolerance", 3, ["0.9", "1.0", "1.1"], [1010, 1030, 1020], 100, 3, 102, CONTAINERS * 1020),
    rc("TestReplicaCalcSuperfluousMetrics", 4, [ONE] * 4, [4000, 9500, 3000, 7000, 3200, 2000], 100, 24, 587,
       CONTAINERS * 5875),
    rc("TestReplicaCalcMissingMetrics", 4, [ONE] * 4, [400, 95], 100, 3, 24, 495),
    rc("TestReplicaCalcEmptyMetrics", 4, [ONE] * 3, [], 100,
       error="unable to get metrics for resource cpu: no metrics returned from resource metrics API"),
    rc("TestReplicaCalcEmptyCPURequest", 1, [], [200], 100, error="missing request for"),
    rc("TestReplicaCalcMissingMetricsNoChangeEq", 2, [ONE] * 2, [1000], 100, 2, 100, CONTAINERS * 1000),
    rc("TestReplicaCalcMissingMetricsNoChangeGt", 2, [ONE] * 2, [1900], 100, 2, 190, CONTAINERS * 1900),
    rc("TestReplicaCalcMissingMetricsNoChangeLt", 2, [ONE] * 2, [600], 100, 2, 60, CONTAINERS * 600),
    rc("TestReplicaCalcMissingMetricsUnreadyChange", 3, [ONE] * 3, [100, 450], 50, 3, 45, CONTAINERS * 450,
       ready=["False", "True", "True"]),
    rc("TestReplicaCalcMissingMetricsHotCpuNoChange", 3, [ONE] * 3, [100, 450], 50, 3, 45, CONTAINERS * 450,
       start=["hot", "cool", "cool"]),
    rc("TestReplicaCalcMissingMetricsUnreadyScaleUp", 3, [ONE] * 3, [100, 2000], 50, 4, 200, CONTAINERS * 2000,
       ready=["False", "True", "True"]),
    rc("TestReplicaCalcMissingMetricsHotCpuScaleUp", 3, [ONE] * 3, [100, 2000], 50, 4, 200, CONTAINERS * 2000,
       ready=["False", "True", "True"], start=["hot", "cool", "cool"]),
    rc("TestReplicaCalcMissingMetricsUnreadyScaleDown", 4, [ONE] * 4, [100, 100, 100], 50, 3, 10, CONTAINERS * 100,
       ready=["False", "True", "True", "True"]),
    rc("TestReplicaCalcDuringRollingUpdateWithMaxSurge", 2, [ONE] * 3, [100, 100], 50, 2, 10, CONTAINERS * 100,
       phase=["Running"] * 3),
]

# TestReplicaCalcComputedToleranceAlgImplementation: 10 pods using 150m each against ~300m requests, with a
# target just past the tolerance (56%: scale to 9) and then just inside it (55%: stay at 10)
TOLERANCE_REQUESTS = [f"{300 + d}m" for d in (100, -100, 10, -10, 2, -2, 1, -1, 0, 0)]
CASES += [
    case("TestReplicaCalcComputedToleranceAlgImplementation", "minimal scale down", current=10,
         requests=TOLERANCE_REQUESTS, levels=[150] * 10, target=56, expected=9, utilization=50,
         value=CONTAINERS * 150, error=None),
    case("TestReplicaCalcComputedToleranceAlgImplementation", "no scale within tolerance", current=10,
         requests=TOLERANCE_REQUESTS, levels=[150] * 10, target=55, expected=10, utilization=50,
         value=CONTAINERS * 150, error=None),
]


@pytest.mark.parametrize("data", CASES)
def test_get_resource_replicas(data: dict) -> None:
    cluster = Cluster(nodes=0)
    cluster.clock.now = NOW
    hpa = HPAController(cluster)
    if data["error"]:
        with pytest.raises(MetricError) as err:
            hpa._resource_replicas(_pods(data), _usage(data), data["target"], data["current"])
        assert data["error"] in str(err.value)
        return
    replicas, utilization, raw = hpa._resource_replicas(_pods(data), _usage(data), data["target"], data["current"])
    assert (replicas, utilization, raw) == (data["expected"], data["utilization"], data["value"])


def cm(func: str, kind: str, current: int, levels: list[int], target: int, expected: int, usage: int,
       **kw: object) -> object:
    return case(func, kind, kind=kind, current=current, levels=levels, target=target, expected=expected,
                usage=usage, requests=[ONE] * current, **kw)


CUSTOM_CASES = [
    cm("TestReplicaCalcScaleUpCM", "podMetric", 3, [20000, 10000, 30000], 15000, 4, 20000),
    cm("TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale", "podMetric", 3, [50000, 10000, 30000], 15000, 6, 30000,
       ready=["True", "True", "False"], start=["cool", "cool", "hot"]),
    cm("TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown", "podMetric", 3, [50000, 15000, 30000], 15000, 7,
       31666, ready=["False", "True", "False"], start=["hot", "cool", "hot"]),
    cm("TestReplicaCalcScaleUpCMObject", "objectMetric", 3, [20000], 15000, 4, 20000),
    cm("TestReplicaCalcScaleUpCMPerPodObject", "objectPerPodMetric", 3, [20000], 5000, 4, 6667),
    cm("TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods", "objectMetric", 3, [50000], 10000, 5, 50000,
       ready=["False", "True", "False"]),
    cm("TestReplicaCalcScaleUpCMExternal", "podMetric", 1, [8600], 4400, 2, 8600),
    cm("TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods", "externalMetric", 3, [8600], 4400, 2, 8600,
       ready=["False", "True", "False"]),
    cm("TestReplicaCalcScaleUpCMExternalNoLabels", "podMetric", 1, [8600], 4400, 2, 8600),
    cm("TestReplicaCalcScaleUpPerPodCMExternal", "externalPerPodMetric", 3, [8600], 2150, 4, 2867),
    cm("TestReplicaCalcScaleDownCM", "podMetric", 5, [12000] * 5, 20000, 3, 12000),
    cm("TestReplicaCalcScaleDownPerPodCMObject", "objectPerPodMetric", 5, [6000], 2000, 3, 1200),
    cm("TestReplicaCalcScaleDownCMObject", "objectMetric", 5, [12000], 20000, 3, 12000),
    cm("TestReplicaCalcScaleDownCMExternal", "externalMetric", 5, [8600], 14334, 3, 8600),
    cm("TestReplicaCalcScaleDownPerPodCMExternal", "externalPerPodMetric", 5, [8600], 2867, 3, 1720),
    cm("TestReplicaCalcToleranceCM", "podMetric", 3, [20000, 21000, 21000], 20000, 3, 20666),
    cm("TestReplicaCalcToleranceCMObject", "objectMetric", 3, [20666], 20000, 3, 20666),
    cm("TestReplicaCalcTolerancePerPodCMObject", "objectPerPodMetric", 4, [20166], 5000, 4, 5042),
    cm("TestReplicaCalcToleranceCMExternal", "externalMetric", 3, [8600], 8888, 3, 8600),
    cm("TestReplicaCalcTolerancePerPodCMExternal", "externalPerPodMetric", 3, [8600], 2900, 3, 2867),
]


@pytest.mark.parametrize("data", CUSTOM_CASES)
def test_get_metric_replicas(data: dict) -> None:
    """GetMetricReplicas / GetObject(PerPod)MetricReplicas / GetExternal(PerPod)MetricReplicas: a podMetric's
    levels are per-pod samples, an object metric's single level is the object's value, an external metric's
    levels are the matching series (summed); the per-pod variants divide by the HPA's status replicas."""
    pods, levels, kind = _pods(data), data["levels"], data["kind"]
    current, target = data["current"], data["target"]
    if kind == "podMetric":
        got = rcalc.plain_metric_replicas(pods, {f"test-pod-{i}": v for i, v in enumerate(levels)}, target, current)
    elif kind == "objectMetric":
        got = rcalc.object_replicas(current, levels[0], target, pods)
    elif kind == "objectPerPodMetric":
        got = rcalc.object_per_pod_replicas(current, levels[0], target)
    elif kind == "externalMetric":
        got = rcalc.external_replicas(current, levels, target, pods)
    else:
        got = rcalc.external_per_pod_replicas(current, levels, target)
    assert got == (data["expected"], data["usage"])


# TestGroupPods: groupPods with the test's 2 minute CPU initialization period and 10s initial readiness delay.
# This version of the test returns (ready count, ignored, missing), "ignored" being every pod excluded for
# readiness (pending or unready); kspec's groupPods splits that into unready and ignored (deleted or failed), so
# their union is compared. A sample is (timestamp, window) relative to now in seconds; None is Go's zero time.
TEST_CPU_INIT_MS, TEST_READINESS_DELAY_MS = 2 * 60_000, 10_000
ZERO_TIME = None


def gp(name: str, pods: list[tuple], metrics: dict, resource: str, ready: int, ignored: set, missing: set) -> object:
    return case("TestGroupPods", name, pods=pods, metrics=metrics, resource=resource, ready=ready, ignored=ignored,
                missing=missing)


GROUP_PODS = [
    gp("void", [], {}, "cpu", 0, set(), set()),
    gp("count in a ready pod - memory", [("bentham", "Succeeded", None, None)], {"bentham": (0, 60)}, "memory", 1,
       set(), set()),
    gp("ignore a pod without ready condition - CPU", [("lucretius", "Succeeded", 0, None)],
       {"lucretius": ZERO_TIME}, "cpu", 0, {"lucretius"}, set()),
    gp("count in a ready pod with fresh metrics during initialization period - CPU",
       [("bentham", "Succeeded", -60, ("True", -30))], {"bentham": (0, 30)}, "cpu", 1, set(), set()),
    gp("ignore a ready pod without fresh metrics during initialization period - CPU",
       [("bentham", "Succeeded", -60, ("True", -30))], {"bentham": (0, 60)}, "cpu", 0, {"bentham"}, set()),
    gp("ignore an unready pod during initialization period - CPU",
       [("lucretius", "Succeeded", -600, ("False", -594))], {"lucretius": ZERO_TIME}, "cpu", 0, {"lucretius"}, set()),
    gp("count in a ready pod without fresh metrics after initialization period - CPU",
       [("bentham", "Succeeded", -180, ("True", -180))], {"bentham": (-120, 60)}, "cpu", 1, set(), set()),
    gp("count in an unready pod that was ready after initialization period - CPU",
       [("lucretius", "Succeeded", -600, ("False", -540))], {"lucretius": ZERO_TIME}, "cpu", 1, set(), set()),
    gp("ignore pod that has never been ready after initialization period - CPU",
       [("lucretius", "Succeeded", -600, ("False", -590))], {"lucretius": ZERO_TIME}, "cpu", 1, set(), set()),
    gp("a missing pod", [("epicurus", "Succeeded", -180, None)], {}, "cpu", 0, set(), {"epicurus"}),
    gp("several pods", [("lucretius", "Succeeded", 0, None), ("niccolo", "Succeeded", -180, ("True", -180)),
                        ("epicurus", "Succeeded", -180, None)],
       {"lucretius": ZERO_TIME, "niccolo": ZERO_TIME}, "cpu", 1, {"lucretius"}, {"epicurus"}),
    gp("pending pods are ignored", [("unscheduled", "Pending", None, None)], {}, "cpu", 0, {"unscheduled"}, set()),
]


@pytest.mark.parametrize("data", GROUP_PODS)
def test_group_pods(data: dict) -> None:
    cluster = Cluster(nodes=0)
    cluster.clock.now = NOW
    at = lambda s: NOW + s * 1000  # noqa: E731 - seconds from now
    pods = []
    for name, phase, start, ready in data["pods"]:
        status: dict = {"phase": phase}
        if start is not None:
            status["startTime"] = timestamp(at(start))
        if ready is not None:
            status["conditions"] = [{"type": "Ready", "status": ready[0],
                                     "lastTransitionTime": timestamp(at(ready[1]))}]
        pods.append({"metadata": {"name": name}, "spec": {"containers": []}, "status": status})
    usage = {name: 1 for name in data["metrics"]}
    if data["resource"] == "cpu":
        samples = {name: (-(10 ** 15), 0) if s is None else (at(s[0]), s[1] * 1000)
                   for name, s in data["metrics"].items()}
        ready, unready, missing, ignored = HPAController(cluster)._group(pods, usage, samples, TEST_CPU_INIT_MS,
                                                                        TEST_READINESS_DELAY_MS)
    else:
        ready, unready, missing, ignored = rcalc.group_plain(pods, usage)
    assert (ready, unready | ignored, missing) == (data["ready"], data["ignored"], data["missing"])
