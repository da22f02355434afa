"""One pod's life on its node: the kubelet's pod worker and SyncPod, event-driven.

``sync`` is level-triggered like kuberuntime's computePodActions: it looks at
what runs and what the spec wants, starts what should run (init containers
one at a time, then the regular containers in order, each image pulled
first), applies restart policy with the CrashLoopBackOff schedule, and writes
the pod status (getPhase, conditions, container states) when it changed.
Deletion runs killPod: preStop, SIGTERM, SIGKILL when the grace runs out,
then the final status and the API delete with grace 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kspec.clock import Timer
from kspec.durations import format_duration
from kspec.errors import ApiError
from kspec.kubelet import envvars, status, volumes
from kspec.kubelet.backoff import stable_key
from kspec.kubelet.hooks import hook_ms
from kspec.kubelet.probes import FIELD, SUCCESS, ProbeWorker
from kspec.kubelet.runtime import RuntimeContainer, image_digest, image_size, normalize
from kspec.objects import Obj, timestamp
from kspec.quantity import to_int

#: a pod's init and regular container statuses, as the status manager posts them
Statuses = tuple[list[Obj], list[Obj]]

if TYPE_CHECKING:
    from kspec.kubelet.kubelet import Kubelet

MIN_GRACE_S = 2  # minimumGracePeriodInSeconds
PLEG_RELIST_MS = 1000  # genericPlegRelistPeriod: when a failed pull is next looked at
SYNC_FREQUENCY_MS = 60_000  # KubeletConfiguration syncFrequency: when mounted configMaps and secrets are rewritten
CONFIG_RETRY_MS = 10_000  # kubelet backOffPeriod: a pod whose sync failed is synced again after it


@dataclass
class Record:
    """What the kubelet knows about one container of the pod (all its instances)."""

    spec: Obj
    init: bool
    current: RuntimeContainer | None = None
    previous: RuntimeContainer | None = None
    restart_count: int = 0
    waiting: tuple[str, str] | None = None
    started: bool = False
    pulling: bool = False
    pulled: bool = False
    pull_started: int = 0
    pull_error: str = ""
    hook_until: int = -1
    force_restart: bool = False
    definition_changed: bool = False
    sidecar: bool = False  # an init container with restartPolicy Always
    backoff_noted: str = ""
    backoff_key: tuple[Obj | None, str] = (None, "")  # (the spec it was made from, getStableKey)
    image_id: tuple[str | None, str] = (None, "")  # (the image it was made from, its status imageID)
    #: (back-off delay, the CrashLoopBackOff waiting state, the BackOff event message) last written for it
    backoff_texts: tuple[int, tuple[str, str], str] = (-1, ("", ""), "")
    env: dict[str, str] = field(default_factory=dict)
    probes: dict[str, ProbeWorker] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec["name"]

    @property
    def busy(self) -> bool:
        return self.pulling or self.hook_until >= 0


class PodWorker:
    def __init__(self, kubelet: Kubelet, pod: Obj) -> None:
        self.kubelet = kubelet
        self.clock = kubelet.clock
        self.node: str = kubelet.node_name  # a kubelet serves one node for its whole life
        self.pod = pod
        md = pod["metadata"]
        self.uid: str = md["uid"]
        self.name: str = md["name"]
        self.namespace: str = md.get("namespace", "default")
        self.restart_policy: str = pod["spec"].get("restartPolicy", "Always")
        self.records: dict[str, Record] = {}
        self._checked_spec: Obj | None = pod["spec"]  # the spec whose containers the records hold
        for c in pod["spec"].get("initContainers") or []:
            self.records[c["name"]] = Record(c, True)
        for c in pod["spec"]["containers"]:
            self.records[c["name"]] = Record(c, False)
        self._regular_records = [r for r in self.records.values() if not r.init]
        self._init_records = [r for r in self.records.values() if r.init]
        for r in self._init_records:
            r.sidecar = r.spec.get("restartPolicy") == "Always"
        self.pod_ip = ""
        self.start_ms = self.clock.now
        self.start_time = timestamp(self.start_ms)  # the status's startTime, in every write
        self.terminal = False
        self.deleting = False
        self.removed = False
        self.phase = "Pending"
        self.reason = ""
        self.message = ""
        self.extra_conditions: list[Obj] = []
        self._timer: Timer | None = None
        self._sync_label = f"sync pod {self.name}"
        self.mounted: dict[str, volumes.Mounted] | None = None if pod["spec"].get("volumes") else {}
        self._mount_failures = 0
        self._refresh_timer: Timer | None = None

    # -- helpers -------------------------------------------------------------------------
    def format_pod(self) -> str:
        """format.Pod: ``name_namespace(uid)``."""
        return f"{self.name}_{self.namespace}({self.uid})"

    def event(self, type_: str, reason: str, message: str) -> None:
        self.kubelet.events.event(self.pod, type_, reason, message, component="kubelet", host=self.node)

    def container_event(self, container: str, type_: str, reason: str, message: str) -> None:
        """An event about one container: kubecontainer.GenerateContainerRef's fieldPath names it."""
        rec = self.records.get(container)
        kind = "initContainers" if rec is not None and rec.init else "containers"
        self.kubelet.events.event(self.pod, type_, reason, message, component="kubelet", host=self.node,
                                  field_path=f"spec.{kind}{{{container}}}")

    def _regular(self) -> list[Record]:
        return [r for r in self.records.values() if not r.init]

    def _inits(self) -> list[Record]:
        return [r for r in self.records.values() if r.init]

    def _wake_at(self, when: int) -> None:
        """One pending re-sync (back-off expiry, hook end); the earliest wins."""
        if self._timer is not None and not self._timer.cancelled and self._timer.when <= when:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self.clock.call_at(when, self._timed_sync, label=self._sync_label)

    def _timed_sync(self) -> None:
        self._timer = None
        self.sync()

    # -- start ----------------------------------------------------------------------------
    def admit(self, pod_ip: str) -> None:
        """The sandbox exists: the pod has its IP and its probe workers start."""
        self.pod_ip = pod_ip
        for rec in self.records.values():
            for kind, fld in FIELD.items():
                spec = rec.spec.get(fld)
                if spec and not (rec.init and rec.spec.get("restartPolicy") != "Always"):
                    rec.probes[kind] = ProbeWorker(self, rec.name, kind, spec, self._probe_result)
            rec.started = "startup" not in rec.probes
        self.sync()

    def reject(self, reason: str, message: str) -> None:
        """kubelet rejectPod: Failed with ``Pod was rejected: <message>``."""
        self.event("Warning", reason, message)
        self.terminal = True
        self.phase, self.reason, self.message = "Failed", reason, f"Pod was rejected: {message}"
        self.write_status()

    # -- the sync loop ----------------------------------------------------------------------
    def update(self, pod: Obj) -> None:
        self.pod = pod
        if pod["metadata"].get("deletionTimestamp") and not self.deleting:
            self.terminate()
            return
        if self._containers_changed():
            self.sync()

    def _containers_changed(self) -> bool:
        """computePodActions' containerChanged: a container whose hash (its image, the one field a running
        pod may change) differs is killed and started again whatever the restart policy; one that is not
        running simply starts from the new spec, under its new back-off key."""
        if self.terminal or self.removed:
            return False
        spec = self.pod["spec"]
        if spec is self._checked_spec:
            # the spec the last check went through (or the records were made from): a stored spec is read-only,
            # and every update that writes only the status shares it (the kubelet sees each of its own writes)
            return False
        changed = False
        for c in [*(spec.get("initContainers") or []), *spec["containers"]]:
            rec = self.records.get(c["name"])
            if rec is None or c.get("image") == rec.spec.get("image"):
                continue
            rec.spec = c
            changed = True
            running = rec.current
            restartable = not rec.init or c.get("restartPolicy") == "Always"  # a run-once init container is left
            if restartable and running is not None and not running.exited and not running.stopping:
                self.container_event(rec.name, "Normal", "Killing",
                                     f"Container {rec.name} definition changed, will be restarted")
                rec.definition_changed = True
                self._stop(rec, int(spec.get("terminationGracePeriodSeconds", 30)))
        self._checked_spec = spec
        return changed

    def sync(self) -> None:
        if self.terminal or self.removed:
            return
        if self.deleting:
            self._maybe_finish()
            return
        if self.mounted is None and not self._mount_volumes():
            self.status_later()
            return
        if self._sync_init():
            self._sync_regular()
        self.status_later()

    def _mount_volumes(self) -> bool:
        """WaitForAttachAndMount: containers start only once every volume is set up; a failure is retried
        with the operation executor's back-off and recorded as FailedMount."""
        try:
            self.mounted = self.kubelet.mount_volumes(self)
            if any(m.refresh for m in self.mounted.values()) or any(
                    "persistentVolumeClaim" in v for v in self.pod["spec"].get("volumes") or []):
                self._refresh_timer = self.clock.call_every(SYNC_FREQUENCY_MS, self._refresh_volumes,
                                                            label=f"sync volumes of pod {self.name}")
            return True
        except volumes.NotMountable as e:
            self._mount_failures += 1
            if e.message:
                self.event("Warning", "FailedMount", e.message)
            self._wake_at(self.clock.now + volumes.retry_ms(self._mount_failures))
            return False

    def _refresh_volumes(self) -> None:
        if self.mounted is not None and not (self.removed or self.terminal):
            self.kubelet.refresh_volumes(self, self.mounted)

    def _sync_init(self) -> bool:
        """Init containers one by one; True once every one has completed."""
        for rec in self._init_records:
            c = rec.current
            if c is not None and c.exit_code == 0 and not rec.sidecar:
                continue  # completed: the common case, kept cheap for pods with many init containers
            if rec.sidecar:
                if c is None or (c.exited and not rec.busy):
                    self._start(rec, restart=c is not None)
                if not rec.started or rec.busy:
                    return False
                continue
            if c is not None and c.exited and c.exit_code == 0:
                continue
            if rec.busy or (c is not None and (c.running or c.stopping)):
                return False
            if c is not None and c.exited:
                if self.restart_policy == "Never":
                    return False  # getPhase makes the pod Failed
                self._start(rec, restart=True)
            else:
                self._start(rec, restart=False)
            return False
        return True

    def _sync_regular(self) -> None:
        for rec in self._regular_records:
            c = rec.current
            if c is not None and c.exit_code is None and not rec.pulling and rec.hook_until < 0:
                continue  # started and not busy: nothing to do (kept cheap for pods with many containers)
            if rec.busy:
                return  # SyncPod starts containers one after another
            if c is None:
                self._start(rec, restart=False)
            elif c.exited and self._should_restart(rec):
                self._start(rec, restart=True)
            if rec.busy:
                return

    def _should_restart(self, rec: Record) -> bool:
        c = rec.current
        assert c is not None
        if rec.definition_changed:
            return True  # "Restart regardless of the restart policy because the container spec changed"
        if rec.force_restart:
            return self.restart_policy != "Never"
        if self.restart_policy == "Always":
            return True
        return self.restart_policy == "OnFailure" and c.exit_code != 0

    def _backoff_key(self, rec: Record) -> str:
        # the pod's name, namespace and uid never change; the container's spec changes only with its image
        if rec.backoff_key[0] is not rec.spec:
            rec.backoff_key = (rec.spec, stable_key(self.pod, rec.spec))
        return rec.backoff_key[1]

    def _start(self, rec: Record, *, restart: bool) -> None:
        now = self.clock.now
        backoff = self.kubelet.crash_backoff
        if restart:
            assert rec.current is not None
            key = self._backoff_key(rec)
            finished = rec.current.finished_ms
            # kuberuntime_manager doBackOff
            if backoff.in_backoff_since(key, finished, now):
                delay = backoff.get(key)
                texts = rec.backoff_texts
                if texts[0] != delay:  # the same words for every exit at this delay (at the cap, every exit)
                    pod = self.format_pod()
                    texts = rec.backoff_texts = (delay, ("CrashLoopBackOff", f"back-off {format_duration(delay)} "
                                                         f"restarting failed container={rec.name} pod={pod}"),
                                                 f"Back-off restarting failed container {rec.name} in pod {pod}")
                rec.waiting = texts[1]
                if rec.backoff_noted != rec.current.id:
                    rec.backoff_noted = rec.current.id
                    self.container_event(rec.name, "Warning", "BackOff", texts[2])
                self._wake_at(finished + delay)
                return
        if not self._ensure_image(rec):
            if not rec.pulling:
                rec.definition_changed = False  # the start failed: the restart policy decides again
            return
        if restart:
            backoff.next(self._backoff_key(rec), rec.current.finished_ms if rec.current else now, now)
        self._run(rec)

    # -- images ---------------------------------------------------------------------------
    def _ensure_image(self, rec: Record) -> bool:
        """image_manager EnsureImageExists: pull policy, the node's cache, the pull back-off."""
        if rec.pulled:  # the pull this start waited for finished: the image is there
            rec.pulled = False
            return True
        if rec.pulling:
            return False
        image = rec.spec["image"]
        policy = rec.spec.get("imagePullPolicy", "IfNotPresent")
        rt = self.kubelet.runtime
        present = rt.has_image(self.node, image)
        if policy == "Never" and not present:
            msg = f'Container image "{image}" is not present with pull policy of Never'
            if rec.waiting is None or rec.waiting[0] != "ErrImageNeverPull":
                self.container_event(rec.name, "Warning", "ErrImageNeverPull", msg)
                self.container_event(rec.name, "Warning", "Failed", "Error: ErrImageNeverPull")
            rec.waiting = ("ErrImageNeverPull", msg)
            return False
        if present and policy != "Always":
            self.container_event(rec.name, "Normal", "Pulled", f'Container image "{image}" already present on '
                                 "machine and can be accessed by the pod")
            return True
        key = f"{self.uid}_{image}"
        backoff = self.kubelet.image_backoff
        if backoff.in_backoff_since_update(key, self.clock.now):
            msg = f'Back-off pulling image "{image}"'
            if rec.waiting is None or rec.waiting[0] != "ImagePullBackOff":
                self.container_event(rec.name, "Normal", "BackOff", msg)
                self.container_event(rec.name, "Warning", "Failed", "Error: ImagePullBackOff")
            rec.waiting = ("ImagePullBackOff", f"{msg}: {rec.pull_error}")
            self._wake_at(backoff.last_update(key) + backoff.get(key))
            return False
        self.container_event(rec.name, "Normal", "Pulling", f'Pulling image "{image}"')
        rec.pulling = True
        rec.pull_started = self.clock.now
        # rec.waiting stays: the reasonCache keeps the last failed start's reason (ImagePullBackOff,
        # CrashLoopBackOff) until a start succeeds; a first pull has none and shows the default waiting state
        rt.pull(self.node, image, lambda ok, err, ms: self._pulled(rec, ok, err, ms))
        return False

    def _pulled(self, rec: Record, ok: bool, error: str, pull_ms: int) -> None:
        rec.pulling = False
        if self.terminal or self.removed or self.deleting:
            self.sync()
            return
        image = rec.spec["image"]
        if ok:
            waited = self.clock.now - rec.pull_started
            self.container_event(rec.name, "Normal", "Pulled", f'Successfully pulled image "{image}" in '
                                 f"{format_duration(pull_ms)} ({format_duration(waited)} including waiting). "
                                 f"Image size: {image_size(image)} bytes.")
            rec.pulled = True
            self.kubelet.images_changed()
            self.sync()
            return
        self.container_event(rec.name, "Warning", "Failed", f'Failed to pull image "{image}": {error}')
        self.container_event(rec.name, "Warning", "Failed", "Error: ErrImagePull")
        now = self.clock.now
        self.kubelet.image_backoff.next(f"{self.uid}_{image}", now, now)
        rec.pull_error = error
        rec.waiting = ("ErrImagePull", error)
        self.status_later()
        self._wake_at(now + PLEG_RELIST_MS)

    # -- running containers ----------------------------------------------------------------
    def _run(self, rec: Record) -> None:
        try:
            env = self.kubelet.container_env(self, rec.spec)
        except envvars.ConfigError as e:
            # kuberuntime startContainer: generateContainerConfig failed, ErrCreateContainerConfig
            rec.waiting = ("CreateContainerConfigError", str(e))
            self.container_event(rec.name, "Warning", "Failed", f"Error: {e}")
            self._wake_at(self.clock.now + CONFIG_RETRY_MS)
            return
        rt = self.kubelet.runtime
        limit = (rec.spec.get("resources") or {}).get("limits", {}).get("memory")
        c = rt.create(self.node, self.uid, rec.name, rec.spec["image"], to_int(limit) if limit else 0)
        if rec.current is not None:
            rec.previous = rec.current
            rec.restart_count += 1
        rec.current = c
        if self.mounted:
            self.kubelet.agent.volumes.pin(self.uid, c.id, rec.spec, self.mounted)
        rec.waiting = None
        rec.force_restart = rec.definition_changed = False
        rec.started = "startup" not in rec.probes
        rec.env = env
        self.container_event(rec.name, "Normal", "Created", "Container created")
        rt.start(c, self._exited)
        self.container_event(rec.name, "Normal", "Started", "Container started")
        post = hook_ms((rec.spec.get("lifecycle") or {}).get("postStart"))
        if post:
            rec.hook_until = self.clock.now + post
            self.clock.call_later(post, lambda: self._post_start_done(rec, c), label="postStart")
        self._probes_see_new_container(rec)

    def _post_start_done(self, rec: Record, c: RuntimeContainer) -> None:
        rec.hook_until = -1
        self.sync()

    def _probes_see_new_container(self, rec: Record) -> None:
        for worker in rec.probes.values():
            worker.wake()
        if rec.started and "readiness" in rec.probes:
            rec.probes["readiness"].trigger()

    def _exited(self, c: RuntimeContainer) -> None:
        rec = self.records.get(c.name)
        if rec is None or rec.current is not c or self.removed:
            return
        rec.hook_until = -1
        for worker in rec.probes.values():
            worker.wake()
        self.sync()

    def _probe_result(self, worker: ProbeWorker) -> None:
        rec = self.records[worker.container]
        c = rec.current
        if c is None or c.id != worker.container_id or self.terminal:
            return
        if worker.kind == "startup" and worker.result == SUCCESS:
            rec.started = True
            for w in rec.probes.values():
                w.wake()
            if "readiness" in rec.probes:
                rec.probes["readiness"].trigger()
        elif worker.kind in ("liveness", "startup") and worker.result == "Failure" and c.running \
                and not self.deleting:
            # computePodActions: "Container %s failed %s probe, will be restarted"
            msg = f"Container {rec.name} failed {worker.kind} probe"
            if self.restart_policy != "Never":
                msg += ", will be restarted"
            self.container_event(rec.name, "Normal", "Killing", msg)
            rec.force_restart = True
            probe_grace = rec.spec.get(FIELD[worker.kind], {}).get("terminationGracePeriodSeconds")
            grace = probe_grace if probe_grace is not None else self.pod["spec"].get(
                "terminationGracePeriodSeconds", 30)
            self._stop(rec, int(grace))
        if not self.deleting:
            self.status_later()

    def _stop(self, rec: Record, grace_s: int | None) -> None:
        """killContainer: preStop (within the grace period), then SIGTERM with what is left."""
        c = rec.current
        if c is None or c.exited or c.stopping:
            return
        rt = self.kubelet.runtime
        if grace_s is None:  # a grace-period override of zero: SIGKILL now
            rt.kill(c)
            return
        pre = hook_ms((rec.spec.get("lifecycle") or {}).get("preStop")) if grace_s > 0 else 0
        pre = min(pre, grace_s * 1000)
        remaining = max(grace_s - pre // 1000, MIN_GRACE_S) * 1000
        c.stopping = True
        if pre:
            self.clock.call_later(pre, lambda: self._sigterm(c, remaining), label=f"preStop {rec.name}")
        else:
            self._sigterm(c, remaining)

    def _sigterm(self, c: RuntimeContainer, grace_ms: int) -> None:
        c.stopping = False
        self.kubelet.runtime.stop(c, grace_ms)

    # -- termination ----------------------------------------------------------------------
    def terminate(self) -> None:
        """Graceful deletion seen: stop every container with the pod's deletion grace period."""
        if self.deleting or self.removed:
            return
        self.deleting = True
        if self._timer is not None:
            self._timer.cancel()
        md = self.pod["metadata"]
        grace = md.get("deletionGracePeriodSeconds")
        if grace is None:
            grace = self.pod["spec"].get("terminationGracePeriodSeconds", 30)
        for rec in [*self._regular(), *self._inits()]:
            for kind in ("liveness", "startup"):
                if kind in rec.probes:
                    rec.probes[kind].stop()
            c = rec.current
            if c is not None and not c.exited:
                self.container_event(rec.name, "Normal", "Killing", f"Stopping container {rec.name}")
                self._stop(rec, int(grace))
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        if any(r.current is not None and not r.current.exited for r in self.records.values()):
            return
        if not self.terminal:
            self.terminal = True
            self._update_phase(terminal=True)
            self.write_status()
        self._stop_probes()
        self.kubelet.pod_terminated(self)

    def evict(self, message: str) -> None:
        """The eviction manager's killPod: grace 0, Failed with reason Evicted."""
        self.event("Warning", "Evicted", message)
        self.phase, self.reason, self.message = "Failed", "Evicted", message
        self.extra_conditions = [{"type": "DisruptionTarget", "status": "True", "reason": "TerminationByKubelet",
                                  "message": message}]
        self.terminal = True
        if self._timer is not None:
            self._timer.cancel()
        for rec in self.records.values():
            if rec.current is not None and not rec.current.exited:
                self.kubelet.runtime.kill(rec.current)
            rec.waiting = None
        self._stop_probes()
        self.write_status()
        self.kubelet.release(self)

    def _stop_probes(self) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.cancel()
            self._refresh_timer = None
        for rec in self.records.values():
            for w in rec.probes.values():
                w.stop()

    def remove(self) -> None:
        """The API object is gone: kill what still runs and forget the pod."""
        self.removed = True
        if self._timer is not None:
            self._timer.cancel()
        self._stop_probes()  # and the volume refresh
        for rec in self.records.values():
            if rec.current is not None and not rec.current.exited:
                self.kubelet.runtime.kill(rec.current)

    # -- status -------------------------------------------------------------------------------
    def _update_phase(self, terminal: bool = False) -> Statuses | None:
        """The phase from the container statuses; returns those statuses while they still hold (None once the pod
        just turned terminal, which changes them), so the status write that follows need not build them again."""
        if self.reason in ("Evicted",) or (self.phase == "Failed" and self.reason):
            return None
        statuses = self._statuses()
        phase = status.get_phase(self.pod, *statuses, terminal)
        if self.phase in ("Succeeded", "Failed"):
            return statuses  # a terminal phase never changes back
        if phase in ("Succeeded", "Failed") and not terminal and any(
                r.definition_changed for r in self.records.values()):
            return statuses  # SyncPod kills a changed container and starts it again in one pass: no phase in between
        self.phase = phase
        if phase in ("Succeeded", "Failed") and not self.terminal:
            self.terminal = True
            self._stop_probes()
            self.kubelet.release(self)
            return None
        return statuses

    def _terminated(self, c: RuntimeContainer) -> Obj:
        """The API form of an exited container's state, built once: an exited container never changes, and a
        crash-looping pod posts its last one in every status write until the next exit. Shared by the statuses
        that show it (stored objects are read-only)."""
        out = c.terminated_status
        if out is None or c.exit_code is None:
            out = {"exitCode": c.exit_code, "reason": c.reason} if c.exit_code is not None else {"reason": c.reason}
            if c.started_ms >= 0:
                out["startedAt"] = timestamp(c.started_ms)
            out["finishedAt"] = timestamp(c.finished_ms)
            out["containerID"] = f"containerd://{c.id}"
            if c.message:
                out["message"] = c.message
            if c.exit_code is not None:
                c.terminated_status = out
        return out

    def _container_status(self, rec: Record, default_wait: str) -> Obj:
        c = rec.current
        image = rec.spec["image"]
        st: Obj = {"name": rec.name, "image": image, "imageID": "", "ready": False,
                   "restartCount": rec.restart_count, "started": False, "state": {}, "lastState": {}}
        if c is None:
            reason, msg = rec.waiting or (default_wait, "")
            st["state"] = {"waiting": {"reason": reason, **({"message": msg} if msg else {})}}
            return st
        st["containerID"] = f"containerd://{c.id}"
        if rec.image_id[0] is not image:
            rec.image_id = (image, f"{normalize(image).rsplit(':', 1)[0]}@{image_digest(image)}")
        st["imageID"] = rec.image_id[1]
        if rec.previous is not None and rec.previous.exited:
            st["lastState"] = {"terminated": self._terminated(rec.previous)}
        if c.running and rec.hook_until >= 0:  # startContainer has not returned: the status made before it
            st["state"] = {"waiting": {"reason": default_wait}}
        elif c.running:
            st["state"] = {"running": {"startedAt": timestamp(c.started_ms)}}
            st["started"] = rec.started
            ready_worker = rec.probes.get("readiness")
            st["ready"] = rec.started and (ready_worker is None or (
                ready_worker.container_id == c.id and ready_worker.result == SUCCESS))
        elif rec.waiting is not None and not self.terminal:
            reason, msg = rec.waiting
            st["state"] = {"waiting": {"reason": reason, **({"message": msg} if msg else {})}}
            st["lastState"] = {"terminated": self._terminated(c)}
        else:
            st["state"] = {"terminated": self._terminated(c)}
        return st

    def _statuses(self) -> Statuses:
        # the records lists kept since __init__ (the records never change), not built again per flush
        inits, regular = self._init_records, self._regular_records
        # convertToAPIContainerStatuses' default waiting state: PodInitializing for every container, init or
        # regular, of a pod with init containers (hasInitContainers), however far the init containers got
        default_wait = "PodInitializing" if inits else "ContainerCreating"
        status = self._container_status
        return [status(r, default_wait) for r in inits], [status(r, default_wait) for r in regular]

    def build_status(self, live: Obj, statuses: Statuses | None = None) -> Obj:
        """generateAPIPodStatus merged over the live status (conditions the kubelet does not own stay);
        ``statuses``: the container statuses, when the caller has just built them."""
        old = live.get("status", {})
        stamp = timestamp(self.clock.now)  # every condition that transitions now
        inits, regular = statuses if statuses is not None else self._statuses()
        new: Obj = {"phase": self.phase}
        old_conds = {c.get("type"): c for c in old.get("conditions") or []}
        conds: list[Obj] = []
        extra_types = {x["type"] for x in self.extra_conditions}
        kept = [c for c in old.get("conditions") or [] if c.get("type") not in status.KUBELET_CONDITIONS
                and c.get("type") not in extra_types]

        def cond(ctype: str, value: tuple[str, str, str]) -> Obj:
            st, reason, message = value
            prior = old_conds.get(ctype)
            out: Obj = {"type": ctype, "status": st}
            out["lastTransitionTime"] = prior["lastTransitionTime"] if prior and prior.get("status") == st \
                and prior.get("lastTransitionTime") else stamp
            if reason:
                out["reason"] = reason
            if message:
                out["message"] = message
            return out

        sandbox = bool(self.pod_ip) and not (self.terminal and self.phase in ("Succeeded", "Failed")
                                             and not any(r.current and r.current.running
                                                         for r in self.records.values()))
        if self.pod_ip:
            conds.append(cond("PodReadyToStartContainers", ("True" if sandbox else "False", "", "")))
        conds.append(cond("Initialized", status.initialized_condition(self.pod, inits, regular, self.phase)))
        containers_ready = status.containers_ready_condition(self.pod, inits, regular, self.phase)
        conds.append(cond("Ready", status.ready_condition(self.pod, containers_ready, kept)))
        conds.append(cond("ContainersReady", containers_ready))
        conds.append(cond("PodScheduled", ("True", "", "")))
        for extra in self.extra_conditions:
            conds.append(cond(extra["type"], (extra["status"], extra.get("reason", ""), extra.get("message", ""))))
        new["conditions"] = kept + conds
        if self.reason:
            new["reason"] = self.reason
        if self.message:
            new["message"] = self.message
        host_ip = self.kubelet.host_ip
        new["hostIP"] = host_ip
        new["hostIPs"] = [{"ip": host_ip}]
        if self.pod_ip:
            new["podIP"] = self.pod_ip
            new["podIPs"] = [{"ip": self.pod_ip}]
        new["startTime"] = self.start_time
        if inits:
            new["initContainerStatuses"] = inits
        new["containerStatuses"] = regular
        if "qosClass" in old:
            new["qosClass"] = old["qosClass"]
        if old.get("nominatedNodeName"):
            new["nominatedNodeName"] = old["nominatedNodeName"]
        return new

    def status_later(self) -> None:
        """Phase and status once this instant's syncs are done: a pod starting n containers writes O(1) times."""
        self.kubelet.agent.status_later(self)

    def flush_status(self) -> None:
        """The deferred half of a sync (status manager syncBatch): recompute the phase, write what changed."""
        if self.removed or self.deleting:
            return
        statuses = self._update_phase() if not self.terminal else None
        self.write_status(statuses)

    def write_status(self, statuses: Statuses | None = None) -> None:
        """Status manager: write only when it changed (and only while the node can reach the API); ``statuses``
        as for ``build_status``."""
        if self.removed:
            return
        if not self.kubelet.online:
            self.kubelet.dirty.add(self.uid)
            return
        api = self.kubelet.api
        # try_get's read, from the store when no user acts (components read unauthorized)
        live = api.store.get("pods", self.namespace, self.name) if api.user is None else \
            api.try_get("pods", self.name, self.namespace)
        if live is None or live["metadata"].get("uid") != self.uid:
            return
        new = self.build_status(live, statuses)
        if new == live.get("status"):
            return
        try:
            api.write_status("pods", self.name, self.namespace, new, typed=True)
        except ApiError:
            self.kubelet.dirty.add(self.uid)  # the store is unavailable: try again on the next heartbeat
            return
        if self.terminal and self.deleting:
            self._delete_from_api()

    def _delete_from_api(self) -> None:
        """Status manager canBeDeleted: every container stopped, so the object can go (grace 0)."""
        try:
            self.kubelet.api.delete("pods", self.name, self.namespace, grace_period_seconds=0)
        except ApiError as exc:
            if exc.code != 404:  # gone already: nothing to send again
                self.kubelet.dirty.add(self.uid)

    # -- reads for steps -------------------------------------------------------------------------
    def running(self, container: str) -> RuntimeContainer | None:
        rec = self.records.get(container)
        if rec is None or rec.current is None or not rec.current.running:
            return None
        return rec.current

    def memory_usage(self) -> int:
        return sum(r.current.memory_bytes for r in self.records.values()
                   if r.current is not None and r.current.running)

    def memory_request(self) -> int:
        total = 0
        for rec in self._regular():
            req = (rec.spec.get("resources") or {}).get("requests", {}).get("memory")
            total += to_int(req) if req else 0
        return total


def first_env(worker: PodWorker) -> dict[str, str]:
    regular = worker._regular()
    return dict(regular[0].env) if regular else {}


#: the last Service variables built per (namespace, enableServiceLinks) in this process, with the Services they
#: were built from: a new cluster's Services are its template's objects (kspec/templates.py), the same ones
#: scenario after scenario, so its first container start finds its variables here (one entry per key: what it
#: keeps is a namespace's few Services)
_LAST_ENV: dict[tuple[str, bool], tuple[list[Obj], dict[str, str]]] = {}


def _same_objects(a: list[Obj], b: list[Obj]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def services_env(kubelet: Kubelet, pod: Obj) -> dict[str, str]:
    """The Service variables the pod's containers start with (read-only: container_env copies them).

    Kept per (namespace, enableServiceLinks) with the stored Services they were built from: a crash-looping
    container starts again every few minutes, and while the Services are the same objects (stored objects are
    read-only) so are their variables."""
    ns, links = pod["metadata"].get("namespace", "default"), pod["spec"].get("enableServiceLinks", True) is not False
    api = kubelet.api
    # api.list's read, from the store when no user acts (components read unauthorized)
    everything = api.store.list("services") if api.user is None else api.list("services")
    found = kubelet.service_env.get((ns, links))
    if found is not None and _same_objects(found[0], everything):
        return found[1]
    found = _LAST_ENV.get((ns, links))
    if found is not None and _same_objects(found[0], everything):
        env = found[1]
    else:
        env = envvars.service_env(envvars.visible_services(everything, ns, links))
        if len(_LAST_ENV) >= 64:
            _LAST_ENV.clear()
        _LAST_ENV[(ns, links)] = (everything, env)
    kubelet.service_env[(ns, links)] = (everything, env)
    return env
