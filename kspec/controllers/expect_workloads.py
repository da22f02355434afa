"""Workload assertions and actions beyond kspec/expect.py: Jobs, CronJobs, StatefulSets, DaemonSets, HPAs.

Each assertion raises AssertionError saying what is there, so ``within`` can
retry it; each action is one client request, as kubectl would make it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.api.kinds import resource_for
from kspec.arguments import check_quantity
from kspec.controllers.daemonset import target_node
from kspec.controllers.job import finished_condition
from kspec.errors import StepError
from kspec.expect import _fmt, _names
from kspec.metrics import metrics_for
from kspec.objects import Obj, controller_of, get_condition

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: which controller runs each kind (so a missing one says "not implemented yet")
_CONTROLLERS = {"deployments": "deployment-controller", "replicasets": "replicaset-controller",
                "replicationcontrollers": "replicationcontroller-controller",
                "statefulsets": "statefulset-controller", "daemonsets": "daemonset-controller",
                "jobs": "job-controller", "cronjobs": "cronjob-controller",
                "horizontalpodautoscalers": "horizontal-pod-autoscaler", "nodes": "node-lifecycle-controller"}


class WorkloadExpect:
    def __init__(self, cluster: Cluster) -> None:
        self.c = cluster

    def _obj(self, kind: str, name: str, ns: str | None) -> Obj:
        resource = resource_for(kind).resource
        self.c.require(_CONTROLLERS.get(resource, "garbage-collector-controller"), f"{resource_for(kind).kind} "
                       "controller")
        return self.c.expect._obj(resource, name, ns)

    # -- Jobs ---------------------------------------------------------------------------
    def job_complete(self, name: str, ns: str | None = None) -> None:
        job = self._obj("jobs", name, ns)
        cond = finished_condition(job)
        if cond is None or cond["type"] != "Complete":
            raise AssertionError(f'job "{name}" is {_job_state(job)}, expected it complete')

    def job_failed(self, name: str, reason: str | None, ns: str | None = None) -> None:
        job = self._obj("jobs", name, ns)
        cond = finished_condition(job)
        if cond is None or cond["type"] != "Failed" or (reason is not None and cond.get("reason") != reason):
            want = "failed" + (f' with reason "{reason}"' if reason else "")
            raise AssertionError(f'job "{name}" is {_job_state(job)}, expected it {want}')

    def job_pods(self, name: str, field: str, n: int, ns: str | None = None) -> None:
        actual = self._obj("jobs", name, ns).get("status", {}).get(field, 0)
        if actual != n:
            raise AssertionError(f'job "{name}" has {actual} {field} pods, expected {n}')

    # -- CronJobs -----------------------------------------------------------------------
    def cronjob_jobs(self, name: str, n: int, *, active: bool, ns: str | None = None) -> None:
        cj = self._obj("cronjobs", name, ns)
        if active:
            names = sorted(r["name"] for r in cj.get("status", {}).get("active") or [])
        else:
            names = sorted(j["metadata"]["name"] for j in self.c.api.list("jobs", ns or "default")
                           if (controller_of(j) or {}).get("uid") == cj["metadata"]["uid"])
        if len(names) != n:
            what = "active jobs" if active else "jobs"
            raise AssertionError(f'cronjob "{name}" has {len(names)} {what} ({_fmt(names)}), expected {n}')

    # -- replica counts -------------------------------------------------------------------
    def ready_replicas(self, kind: str, name: str, n: int, ns: str | None = None) -> None:
        obj = self._obj(kind, name, ns)
        field = "numberReady" if obj["kind"] == "DaemonSet" else "readyReplicas"
        actual = obj.get("status", {}).get(field, 0)
        if actual != n:
            raise AssertionError(f'{obj["kind"].lower()} "{name}" has {actual} ready replicas, expected {n}')

    def updated_replicas(self, kind: str, name: str, n: int, ns: str | None = None) -> None:
        obj = self._obj(kind, name, ns)
        field = "updatedNumberScheduled" if obj["kind"] == "DaemonSet" else "updatedReplicas"
        actual = obj.get("status", {}).get(field, 0)
        if actual != n:
            raise AssertionError(f'{obj["kind"].lower()} "{name}" has {actual} updated replicas, expected {n}')

    def scaled_to(self, kind: str, name: str, n: int, ns: str | None = None) -> None:
        obj = self._obj(kind, name, ns)
        actual = obj["spec"].get("replicas", 1)
        if actual != n:
            raise AssertionError(f'{obj["kind"].lower()} "{name}" is scaled to {actual} replicas, expected {n}')

    def condition(self, kind: str, name: str, ctype: str, reason: str, ns: str | None = None) -> None:
        obj = self._obj(kind, name, ns)
        cond = get_condition(obj, ctype)
        if cond is None or cond.get("reason") != reason:
            got = "no such condition" if cond is None else f'{cond.get("status")} with reason "{cond.get("reason")}"'
            raise AssertionError(f'{obj["kind"].lower()} "{name}" condition {ctype} is {got}, expected reason '
                                 f'"{reason}"')

    def replicaset_count(self, name: str, n: int, ns: str | None = None) -> None:
        d = self._obj("deployments", name, ns)
        names = sorted(rs["metadata"]["name"] for rs in self.c.api.list("replicasets", ns or "default")
                       if (controller_of(rs) or {}).get("uid") == d["metadata"]["uid"])
        if len(names) != n:
            raise AssertionError(f'deployment "{name}" has {len(names)} replica sets ({_fmt(names)}), expected {n}')

    # -- DaemonSets -----------------------------------------------------------------------
    def daemonset_nodes(self, name: str, nodes: str, ns: str | None = None) -> None:
        ds = self._obj("daemonsets", name, ns)
        pods = [p for p in self.c.api.list("pods", ns or "default")
                if (controller_of(p) or {}).get("uid") == ds["metadata"]["uid"]
                and not p["metadata"].get("deletionTimestamp")]
        got = sorted({target_node(p) for p in pods})
        if got != _names(nodes):
            raise AssertionError(f'daemonset "{name}" has pods for nodes {_fmt(got)}, expected {_fmt(_names(nodes))}')

    # -- events -----------------------------------------------------------------------------
    def has_event(self, kind: str, name: str, reason: str, *, message: str | None = None,
                  containing: str | None = None, ns: str | None = None) -> None:
        # the controller must run, but the object may be gone: its events outlive it (kube-apiserver --event-ttl)
        resource = resource_for(kind).resource
        self.c.require(_CONTROLLERS.get(resource, "garbage-collector-controller"), f"{resource_for(kind).kind} "
                       "controller")
        self.c.expect.has_event(kind, name, reason, message=message, containing=containing, ns=ns)

    # -- HPA ----------------------------------------------------------------------------------
    def hpa_desired(self, name: str, n: int, ns: str | None = None) -> None:
        hpa = self._obj("horizontalpodautoscalers", name, ns)
        actual = hpa.get("status", {}).get("desiredReplicas")
        if actual != n:
            raise AssertionError(f'horizontalpodautoscaler "{name}" wants {actual} replicas, expected {n}')


def _job_state(job: Obj) -> str:
    cond = finished_condition(job)
    if cond is not None:
        return f'{cond["type"].lower()} ({cond.get("reason", "")}: {cond.get("message", "")})'
    st = job.get("status", {})
    return (f'running ({st.get("active", 0)} active, {st.get("succeeded", 0)} succeeded, '
            f'{st.get("failed", 0)} failed)')


def expect_workloads(cluster: Cluster) -> WorkloadExpect:
    cluster.start()
    return WorkloadExpect(cluster)


# -- actions ------------------------------------------------------------------------------------
def set_paused(cluster: Cluster, name: str, paused: bool, namespace: str = "default") -> Any:
    """kubectl rollout pause / resume."""
    def change(d: Obj) -> None:
        if paused:
            d["spec"]["paused"] = True
        else:
            d["spec"].pop("paused", None)
    return cluster.patch("deployment", name, change, namespace)


def set_suspended(cluster: Cluster, name: str, suspended: bool, namespace: str = "default") -> Any:
    """kubectl patch job <name> -p '{"spec":{"suspend":true|false}}'."""
    return cluster.patch("job", name, lambda j: j["spec"].__setitem__("suspend", suspended), namespace)


def use_cpu(cluster: Cluster, quantity: str, *, selector: str | None = None, pod: str | None = None,
            deployment: str | None = None, namespace: str = "default") -> None:
    """Set what the simulated metrics-server reports for pods (cpu per pod)."""
    check_quantity(quantity, "cpu usage", error=StepError)
    cluster.start()
    source = metrics_for(cluster)
    if pod is not None:
        source.set_pod_cpu(namespace, pod, quantity)
    elif deployment is not None:
        d = cluster.api.get("deployments", deployment, namespace)
        labels = (d["spec"].get("selector") or {}).get("matchLabels") or {}
        source.set_selector_cpu(namespace, ",".join(f"{k}={v}" for k, v in sorted(labels.items())), quantity)
    else:
        source.set_selector_cpu(namespace, selector or "", quantity)
    cluster.clock.run_now()
