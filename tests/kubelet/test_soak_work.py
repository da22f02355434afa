"""How much work the virtual day's periodic paths do: what a long soak repeats thousands of times is done once.

These pin the speed-ups' mechanism (test_soak_digest.py pins that the results stay the same): the node monitor
reads an unchanged node object's conditions, zone and taints once, not on every 5 s pass, and a pod's status
flush builds its container statuses once for the phase and the write together.
"""

from __future__ import annotations

from kspec.cluster import Cluster
from kspec.controllers import nodelifecycle
from kspec.kubelet.pod_worker import PodWorker


def test_the_node_monitor_reads_an_unchanged_node_once(monkeypatch) -> None:
    c = Cluster(nodes=3, seed=1)
    c.start()
    c.run_for(30_000)
    reads: list[str] = []
    real = nodelifecycle.get_condition

    def counting(obj: dict, ctype: str) -> object:
        reads.append(obj["metadata"]["name"])
        return real(obj, ctype)
    monitor = c.require(nodelifecycle.NAME)
    monkeypatch.setattr(nodelifecycle, "get_condition", counting)
    monitor.monitor()  # the kubelets' status ticks wrote no new node objects since the last pass
    assert reads == []
    c.patch_node("node-2", lambda n: n["metadata"].setdefault("labels", {}).update(extra="1"))
    monitor.monitor()
    assert reads == ["node-2"]  # a new object is read again


def _crash_looping_pod() -> Cluster:
    """One node running pod "p", whose container exits every 30 s, 10 s after it was applied."""
    c = Cluster(nodes=1, seed=1)
    c.describe_image("crasher:1", exit_code=1, run_ms=30_000)
    c.apply([{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
              "spec": {"containers": [{"name": "app", "image": "crasher:1"}]}}])
    c.run_for(10_000)
    return c


def test_a_status_flush_builds_the_container_statuses_once(monkeypatch) -> None:
    c = _crash_looping_pod()
    builds: list[int] = []
    real = PodWorker._statuses

    def counting(self: PodWorker) -> object:
        builds.append(c.clock.now)
        return real(self)
    monkeypatch.setattr(PodWorker, "_statuses", counting)
    c.run_for(30_000)  # the container exits and starts again: one status flush, written
    assert len(builds) == 1
    assert c.get("pod", "p")["status"]["containerStatuses"][0]["restartCount"] == 1


def test_a_restart_reuses_the_service_variables_until_the_services_change(monkeypatch) -> None:
    from kspec.kubelet import envvars

    c = _crash_looping_pod()
    builds: list[int] = []
    real = envvars.service_env

    def counting(services: list) -> dict[str, str]:
        builds.append(c.clock.now)
        return real(services)
    monkeypatch.setattr(envvars, "service_env", counting)
    c.run_for(120_000)  # restarts with the same Services: the variables built before are used again
    assert builds == [] and c.get("pod", "p")["status"]["containerStatuses"][0]["restartCount"] >= 2
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
             "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    c.run_for(300_000)  # the next start sees the new Service
    assert len(builds) == 1
    assert c.pod_environment("p")["WEB_SERVICE_PORT"] == "80"


def test_a_quiet_node_status_tick_builds_nothing(monkeypatch) -> None:
    """A kubelet's 10 s status tick that finds the node object, pressure, images and volumes as the last one did
    returns before listing images or reading the node through the API; a status is still posted every 5 min."""
    from kspec.kubelet.kubelet import Kubelet

    c = Cluster(nodes=2, seed=1)
    c.start()
    c.run_for(30_000)
    built: list[str] = []
    real = Kubelet._images

    def counting(self: Kubelet) -> object:
        built.append(self.node_name)
        return real(self)
    monkeypatch.setattr(Kubelet, "_images", counting)
    before = c.get("node", "node-1")["metadata"]["resourceVersion"]
    c.run_for(200_000)  # 20 ticks per kubelet, none due to report
    assert built == []
    assert c.get("node", "node-1")["metadata"]["resourceVersion"] == before
    c.run_for(100_000)  # the report interval passes: posted again, with the images looked at
    assert "node-1" in built
    assert c.get("node", "node-1")["metadata"]["resourceVersion"] != before


def test_an_exited_container_state_is_built_once() -> None:
    """A crash-looping pod posts its last exit in every status write until the next one: the same object."""
    c = _crash_looping_pod()
    c.run_for(55_000)  # the second start exited at 60 s: waiting in a 10 s back-off, the exit in lastState
    waiting = c.api.store.get("pods", "default", "p")["status"]["containerStatuses"][0]  # stored, not a copy
    c.run_for(10_000)  # started again at 70 s: running, the same exit in lastState
    running = c.api.store.get("pods", "default", "p")["status"]["containerStatuses"][0]
    assert "waiting" in waiting["state"] and "running" in running["state"]
    assert running["lastState"]["terminated"] is waiting["lastState"]["terminated"]


def test_the_node_monitor_computes_an_unchanged_zone_state_once(monkeypatch) -> None:
    """ComputeZoneState depends on the zone's Ready conditions alone: a pass finding the same ones reuses it."""
    c = Cluster(nodes=3, seed=1)
    c.start()
    c.run_for(30_000)
    computed: list[int] = []
    real = nodelifecycle.compute_zone_state

    def counting(ready: list, *args: object) -> tuple[int, str]:
        computed.append(len(ready))
        return real(ready, *args)
    monkeypatch.setattr(nodelifecycle, "compute_zone_state", counting)
    monitor = c.require(nodelifecycle.NAME)
    monitor.monitor()
    assert computed == []
    c.stop_node("node-2")
    c.run_for(60_000)  # node-2 goes Unknown: its zone's conditions changed, computed again
    assert computed and c.get("node", "node-2")["status"]["conditions"][-1]["status"] == "Unknown"


def test_a_capped_back_off_formats_its_words_once(monkeypatch) -> None:
    """Every exit at the same back-off delay writes the same CrashLoopBackOff message and BackOff event: formatted
    once per delay, not per exit."""
    from kspec.kubelet import pod_worker

    c = _crash_looping_pod()
    c.run_for(1_800_000)  # the back-off reached its 5 min cap
    formatted: list[int] = []
    real = pod_worker.format_duration

    def counting(ms: int) -> str:
        formatted.append(ms)
        return real(ms)
    monkeypatch.setattr(pod_worker, "format_duration", counting)
    before = c.get("pod", "p")["status"]["containerStatuses"][0]["restartCount"]
    c.run_for(1_200_000)
    status = c.get("pod", "p")["status"]["containerStatuses"][0]
    assert status["restartCount"] >= before + 3 and formatted == []
    assert status["state"]["waiting"]["message"].startswith("back-off 5m0s restarting failed container=app pod=p_")


def test_a_status_only_update_does_not_walk_the_containers() -> None:
    """The kubelet sees each of its own status writes; they share the stored spec, whose containers it checked."""
    c = _crash_looping_pod()
    worker = c.components["runtime"].worker("default", "p")
    looked_up: list[str] = []

    class Counting(dict):
        def get(self, key: str, default: object = None) -> object:
            looked_up.append(key)
            return super().get(key, default)
    worker.records = Counting(worker.records)
    live = c.api.store.get("pods", "default", "p")
    worker.update({**live, "status": {**live["status"], "phase": "Running"}})  # the same spec object
    assert looked_up == []
    worker.update({**live, "spec": {**live["spec"]}})  # an equal spec in another object: looked at once
    worker.update({**live, "spec": worker.pod["spec"]})
    assert looked_up == ["app"]
