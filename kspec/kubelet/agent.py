"""The ``runtime`` component: a kubelet per Node over one simulated container runtime.

It watches Nodes (a kubelet starts for each, including nodes added later)
and Pods (each change goes to the kubelet of the pod's node), and carries
out the node-side steps: drain, a node that stops responding or comes back,
probe endpoints, container exits, memory usage; and answers what a pod's
container saw (its environment, its resolv.conf).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kspec.api import eviction
from kspec.arguments import check_quantity
from kspec.errors import ApiError, StepError
from kspec.kubelet import dns_config, volumes
from kspec.kubelet.kubelet import Kubelet
from kspec.kubelet.pod_worker import PodWorker, first_env
from kspec.kubelet.runtime import FAILING_HTTP_STATUS, PROBES, ContainerRuntime
from kspec.objects import Obj, controller_of, micro_timestamp
from kspec.quantity import to_int

if TYPE_CHECKING:
    from kspec.cluster import Cluster

NAME = "kubelet"


class NodeAgent:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.clock = cluster.clock
        self.api = cluster.api
        self.events = cluster.events
        self.runtime = ContainerRuntime(cluster.clock, cluster.images)
        self.kubelets: dict[str, Kubelet] = {}
        self.volumes = volumes.VolumeStore()
        self.volumes.binds_claims = lambda: any(cluster.has(n) for n in volumes.CLAIM_BINDERS)
        self._status_due: dict[int, PodWorker | Kubelet] = {}  # insertion order: deterministic
        self._status_queued = False  # a flush is on the clock (Clock.soon: nothing cancels it)
        self._micro: tuple[int, str] = (-1, "")

    def micro_now(self) -> str:
        """The current instant as a MicroTime, formatted once per instant for every kubelet's Lease."""
        if self._micro[0] != self.clock.now:
            self._micro = (self.clock.now, micro_timestamp(self.clock.now))
        return self._micro[1]

    def start(self) -> None:
        nodes = self.api.informers.on("nodes", self._node_added, None, self._node_deleted)
        pods = self.api.informers.on("pods", self._pod_added, self._pod_updated, self._pod_deleted)
        self.api.informers.replay(nodes, sorted(self.api.list("nodes"), key=lambda n: n["metadata"]["name"]))
        self.api.informers.replay(pods, list(self.api.list("pods")))

    # -- the status manager ----------------------------------------------------------------------
    def status_later(self, worker: PodWorker | Kubelet) -> None:
        """Coalesce a pod's status writes to one per instant (status_manager's podStatusesChannel of one).

        A pod with n containers is synced once per container start, pull or probe result; writing its
        O(n) status each time made starting it O(n^2). The write waits until nothing else is due now.
        """
        self._status_due.setdefault(id(worker), worker)
        if not self._status_queued:
            self._status_queued = True
            self.clock.soon(self._flush_status, "kubelet status manager")

    def _flush_status(self) -> None:
        if self.clock.next_time() == self.clock.now:  # more of this instant is queued: write after it
            self.clock.soon(self._flush_status, "kubelet status manager")
            return
        self._status_queued = False
        due, self._status_due = self._status_due, {}
        for worker in due.values():
            worker.flush_status()

    # -- informer handlers ---------------------------------------------------------------------
    def _node_added(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        if name not in self.kubelets:
            kubelet = Kubelet(self, name)
            self.kubelets[name] = kubelet
            kubelet.start()

    def _node_deleted(self, node: Obj) -> None:
        kubelet = self.kubelets.pop(node["metadata"]["name"], None)
        if kubelet is not None:
            kubelet.shutdown()

    def _kubelet_of(self, pod: Obj) -> Kubelet | None:
        return self.kubelets.get(pod["spec"].get("nodeName") or "")

    def _pod_added(self, pod: Obj) -> None:
        kubelet = self._kubelet_of(pod)
        if kubelet is not None:
            kubelet.pod_added(pod)

    def _pod_updated(self, _old: Obj, pod: Obj) -> None:
        kubelet = self._kubelet_of(pod)
        if kubelet is not None:
            kubelet.pod_updated(pod)

    def _pod_deleted(self, pod: Obj) -> None:
        kubelet = self._kubelet_of(pod)
        if kubelet is not None:
            kubelet.pod_deleted(pod)

    # -- lookups ----------------------------------------------------------------------------------
    def kubelet(self, node: str) -> Kubelet:
        if node not in self.kubelets:
            known = ", ".join(sorted(self.kubelets)) or "none"
            raise StepError(f'there is no node "{node}" (the nodes are {known})')
        return self.kubelets[node]

    def worker(self, namespace: str, pod: str) -> PodWorker:
        live = self.api.try_get("pods", pod, namespace)
        if live is None:
            raise StepError(f'pod "{pod}" does not exist in namespace "{namespace}"')
        node = live["spec"].get("nodeName")
        if not node:
            raise StepError(f'pod "{pod}" is not scheduled to a node yet, so it has no containers')
        worker = self.kubelet(node).workers.get(live["metadata"]["uid"])
        if worker is None:
            raise StepError(f'the kubelet of node "{node}" has not started pod "{pod}"')
        return worker

    def _container(self, worker: PodWorker, container: str) -> None:
        if container not in worker.records:
            raise StepError(f'pod "{worker.name}" has no container "{container}" '
                            f"(it has {', '.join(worker.records)})")

    # -- what the core calls ------------------------------------------------------------------------
    def drain(self, node: str) -> None:
        """kubectl drain --ignore-daemonsets --delete-emptydir-data --force.

        Cordons the node, then evicts every pod on it that no DaemonSet owns
        (mirror pods are skipped), in name order, at the current instant. As
        kubectl retries a refused eviction every 5s in the background while
        the others proceed, every pod is tried; if a PodDisruptionBudget
        refused one, the step fails with the API's 429 message. Time only
        moves in wait/settle/within steps, so evicted pods terminate over
        their grace period as time passes afterwards.
        """
        self.kubelet(node)
        self.api.patch("nodes", node, "", lambda n: n["spec"].__setitem__("unschedulable", True))
        refused: ApiError | None = None
        pods = sorted((p for p in self.api.list("pods") if p["spec"].get("nodeName") == node),
                      key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"]))
        for pod in pods:
            md = pod["metadata"]
            owner = controller_of(pod)
            if owner is not None and owner.get("kind") == "DaemonSet":
                continue  # --ignore-daemonsets
            if "kubernetes.io/config.mirror" in (md.get("annotations") or {}):
                continue
            try:
                eviction.evict(self.api, md["namespace"], md["name"])
            except ApiError as exc:
                if exc.code == 404:
                    continue
                if exc.code != 429:
                    raise
                refused = refused or exc
        if refused is not None:
            self.clock.run_now()  # what the evictions that went through set off happens before the step fails
            raise refused

    def stop_node(self, node: str) -> None:
        self.kubelet(node).stop()

    def restore_node(self, node: str) -> None:
        self.kubelet(node).restore()

    def set_probe(self, namespace: str, pod: str, probe: str, passing: bool, status: int | None = None) -> None:
        """Turn the health endpoint behind a probe passing or failing; ``status`` is what a failing HTTP
        endpoint answers (any code outside 200-399, as probe/http counts success)."""
        if probe not in PROBES:
            raise StepError(f'unknown probe "{probe}": the probes are {", ".join(PROBES)}')
        worker = self.worker(namespace, pod)
        containers = [r for r in worker.records.values() if probe in r.probes]
        if not containers:
            raise StepError(f'pod "{pod}" has no {probe} probe')
        if status is not None:
            if 200 <= status < 400:
                raise StepError(f"status {status} is a success for an HTTP probe (200-399 pass); a failing "
                                "endpoint answers another code, such as 500 or 503")
            if not all("httpGet" in r.probes[probe].spec for r in containers):
                raise StepError(f'the {probe} probe of pod "{pod}" is not an httpGet probe: only an HTTP '
                                "endpoint answers with a status code")
        for rec in containers:
            self.runtime.set_health(worker.uid, rec.name, probe, passing,
                                    FAILING_HTTP_STATUS if status is None else status)
            rec.probes[probe].wake()

    def _running(self, namespace: str, pod: str, container: str) -> Any:
        """The running container a step acts on, or a StepError saying why there is none."""
        worker = self.worker(namespace, pod)
        self._container(worker, container)
        running = worker.running(container)
        if running is None:
            raise StepError(f'container "{container}" of pod "{pod}" is not running')
        return running

    def exit_container(self, namespace: str, pod: str, container: str, code: int) -> None:
        self.runtime.exit(self._running(namespace, pod, container), code)

    def set_memory(self, namespace: str, pod: str, container: str, quantity: str) -> None:
        """The container's working set becomes ``quantity`` (an OOM kill if above its limit)."""
        check_quantity(quantity, "memory usage", error=StepError)
        running = self._running(namespace, pod, container)
        try:
            usage = to_int(quantity)
        except ValueError as exc:
            raise StepError(f'invalid quantity "{quantity}": {exc}') from None
        self.runtime.set_memory(running, usage)

    def environment(self, namespace: str, pod: str) -> dict[str, str]:
        worker = self.worker(namespace, pod)
        regular = [r for r in worker.records.values() if not r.init]
        if not regular or regular[0].current is None:
            raise StepError(f'the first container of pod "{pod}" has not started yet')
        return first_env(worker)

    def _file_target(self, namespace: str, pod: str, container: str) -> tuple[PodWorker, Obj, volumes.Tree]:
        worker = self.worker(namespace, pod)
        rec = worker.records.get(container)
        if rec is None:
            raise StepError(f'pod "{pod}" has no container "{container}"')
        if rec.current is None or worker.mounted is None:
            raise StepError(f'container "{container}" of pod "{pod}" has not started yet')
        return worker, rec.spec, self.volumes.layer(worker.uid, rec.current.id)

    def write_file(self, namespace: str, pod: str, container: str, path: str, text: str) -> None:
        """What ``echo -n TEXT > PATH`` in the running container leaves behind."""
        worker, spec, layer = self._file_target(namespace, pod, container)
        rec = worker.records[container]
        if rec.current is None or not rec.current.running:
            raise StepError(f'container "{container}" of pod "{pod}" is not running')
        before = volumes.memory_backed_usage(worker.mounted or {})
        try:
            volumes.write(spec, worker.mounted or {}, layer, path, text, self._pinned(worker, container))
        except OSError as e:
            raise StepError(f"sh: {e}") from None
        grown = volumes.memory_backed_usage(worker.mounted or {}) - before
        if grown and rec.current is not None:
            # tmpfs pages are charged to the writer's memory cgroup: they count against its limit
            self.runtime.set_memory(rec.current, max(0, rec.current.memory_bytes + grown))

    def read_file(self, namespace: str, pod: str, container: str, path: str) -> str | None:
        """The file's contents as the container's current instance sees them; None when it does not exist."""
        worker, spec, layer = self._file_target(namespace, pod, container)
        return volumes.read(spec, worker.mounted or {}, layer, path, self._pinned(worker, container))

    def _pinned(self, worker: PodWorker, container: str) -> dict[str, volumes.Tree] | None:
        current = worker.records[container].current
        return self.volumes.pinned.get((worker.uid, current.id)) if current is not None else None

    def resolv_conf(self, namespace: str, pod: str) -> str:
        live = self.api.try_get("pods", pod, namespace)
        if live is None:
            raise StepError(f'pod "{pod}" does not exist in namespace "{namespace}"')
        return dns_config.resolv_conf(live)
