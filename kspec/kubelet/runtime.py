"""The simulated container runtime (a CRI implementation on the virtual clock).

It knows images (pull durations, missing images, per-node caches with serial
pulls), containers (created, running, exited with a code after a duration,
stopping on SIGTERM or SIGKILL), the health endpoints that probes read, and
memory usage. The kubelet drives it; it reports container exits back through
the callback given at start, like PLEG would.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from kspec.clock import Clock, Timer

if TYPE_CHECKING:
    from kspec.cluster import ImageSpec

SIGKILL_EXIT = 137  # 128 + SIGKILL
PROBES = ("readiness", "liveness", "startup")
#: what a failing simulated health endpoint answers an HTTP probe with, unless a step says otherwise
FAILING_HTTP_STATUS = 500


@lru_cache(maxsize=4096)  # pure, and asked for every image on every node status
def normalize(image: str) -> str:
    """docker's ParseNormalizedNamed + default tag: ``nginx`` -> ``docker.io/library/nginx:latest``."""
    name, _, digest = image.partition("@")
    first, slash, _rest = name.partition("/")
    if not slash:
        name = f"docker.io/library/{name}"
    elif "." not in first and ":" not in first and first != "localhost":
        name = f"docker.io/{name}"
    last = name.rsplit("/", 1)[1]
    if ":" not in last and not digest:
        name += ":latest"
    return name + (f"@{digest}" if digest else "")


@lru_cache(maxsize=4096)  # pure, and asked for every image on every node status
def image_digest(image: str) -> str:
    return "sha256:" + hashlib.sha256(normalize(image).encode()).hexdigest()


@lru_cache(maxsize=4096)  # pure, and asked for every image on every node status
def image_size(image: str) -> int:
    """A stable, plausible compressed size for an image (tens of MB)."""
    return 10_000_000 + int(hashlib.sha256(image.encode()).hexdigest()[:8], 16) % 90_000_000


@dataclass
class RuntimeContainer:
    """One container instance (a restart makes a new one)."""

    id: str
    pod_uid: str
    name: str
    image: str
    node: str
    created_ms: int
    started_ms: int = -1
    finished_ms: int = -1
    exit_code: int | None = None
    reason: str = ""
    message: str = ""
    memory_bytes: int = 0
    memory_limit: int = 0
    stopping: bool = False
    on_exit: Callable[[RuntimeContainer], None] | None = None
    #: the kubelet's API form of its terminated state, once exited (pod_worker._terminated)
    terminated_status: dict | None = None
    _timers: list[Timer] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.started_ms >= 0 and self.exit_code is None

    @property
    def exited(self) -> bool:
        return self.exit_code is not None


@dataclass
class _Pull:
    done_ms: int
    ok: bool
    callbacks: list[Callable[[bool, str, int], None]]


class ContainerRuntime:
    """What every node's containerd would do, for all nodes at once (state is kept per node)."""

    def __init__(self, clock: Clock, images: dict[str, ImageSpec]) -> None:
        self.clock = clock
        self.images = images
        self.cached: dict[str, set[str]] = {}  # node -> normalized images present
        self._pull_free_at: dict[str, int] = {}  # node -> when its serial puller is free
        self._pulls: dict[tuple[str, str], _Pull] = {}
        self.stop_ms: dict[str, int] = {}  # image -> how long its containers take to exit on SIGTERM
        self.health: dict[tuple[str, str, str], bool] = {}  # (pod uid, container, probe) -> passing
        # (pod uid, container, probe) -> the HTTP status a failing health endpoint answers with
        self.http_status: dict[tuple[str, str, str], int] = {}
        self.containers: dict[str, RuntimeContainer] = {}
        self._serial = 0
        self.using_memory: dict[str, set[str]] = {}  # node -> containers with a memory usage set

    # -- images -------------------------------------------------------------------------
    def has_image(self, node: str, image: str) -> bool:
        return normalize(image) in self.cached.get(node, ())

    def node_images(self, node: str) -> list[str]:
        return sorted(self.cached.get(node, set()))

    def pull(self, node: str, image: str, done: Callable[[bool, str, int], None]) -> None:
        """Pull on the node's serial puller; ``done(ok, error, pull_ms)`` runs when it finishes."""
        key = (node, normalize(image))
        ongoing = self._pulls.get(key)
        if ongoing is not None:
            ongoing.callbacks.append(done)
            return
        spec = self.images.get(image)
        pull_ms = spec.pull_ms if spec is not None else 0
        ok = not (spec is not None and spec.missing)
        start = max(self.clock.now, self._pull_free_at.get(node, 0))  # serializeImagePulls: true
        finish = start + (pull_ms if ok else 0)
        self._pull_free_at[node] = finish
        pull = _Pull(finish, ok, [done])
        self._pulls[key] = pull
        self.clock.call_at(finish, lambda: self._pulled(node, image, key, pull_ms), label=f"pull {image}")

    def _pulled(self, node: str, image: str, key: tuple[str, str], pull_ms: int) -> None:
        pull = self._pulls.pop(key)
        ref = normalize(image)
        error = ""
        if pull.ok:
            self.cached.setdefault(node, set()).add(ref)
        else:
            error = (f'rpc error: code = NotFound desc = failed to pull and unpack image "{ref}": '
                     f'failed to resolve reference "{ref}": {ref}: not found')
        for cb in pull.callbacks:
            cb(pull.ok, error, pull_ms)

    # -- containers ---------------------------------------------------------------------
    def create(self, node: str, pod_uid: str, name: str, image: str, memory_limit: int) -> RuntimeContainer:
        self._serial += 1
        cid = hashlib.sha256(f"{pod_uid}/{name}/{self._serial}".encode()).hexdigest()
        c = RuntimeContainer(cid, pod_uid, name, image, node, self.clock.now, memory_limit=memory_limit)
        self.containers[cid] = c
        return c

    def start(self, c: RuntimeContainer, on_exit: Callable[[RuntimeContainer], None]) -> None:
        """Run it; an image described with ``exits with code`` ends on its own after its run time."""
        c.started_ms = self.clock.now
        c.on_exit = on_exit
        spec = self.images.get(c.image)
        if spec is not None and spec.exit_code is not None:
            code = spec.exit_code
            c._timers.append(self.clock.call_later(spec.run_ms, lambda: self._exit(c, code),
                                                   label=f"container {c.name} exits"))

    def _exit(self, c: RuntimeContainer, code: int, reason: str = "", message: str = "") -> None:
        if c.exited:
            return
        for t in c._timers:
            t.cancel()
        c._timers.clear()
        c.exit_code = code
        c.finished_ms = self.clock.now
        c.reason = reason or ("Completed" if code == 0 else "Error")
        c.message = message
        c.memory_bytes = 0
        self.using_memory.get(c.node, set()).discard(c.id)
        if c.on_exit is not None:
            c.on_exit(c)

    def exit(self, c: RuntimeContainer, code: int) -> None:
        """The process ends by itself with ``code``."""
        self._exit(c, code)

    def stop(self, c: RuntimeContainer, grace_ms: int) -> None:
        """StopContainer: SIGTERM, then SIGKILL once ``grace_ms`` runs out."""
        if c.exited or c.stopping:
            return
        c.stopping = True
        if not c.running:
            self._exit(c, 0)
            return
        spec = self.images.get(c.image)
        took = self.stop_ms.get(c.image, spec.stop_ms if spec is not None else 0)
        if took < grace_ms:
            c._timers.append(self.clock.call_later(took, lambda: self._exit(c, 0), label=f"{c.name} SIGTERM"))
        else:
            c._timers.append(self.clock.call_later(grace_ms, lambda: self._exit(c, SIGKILL_EXIT),
                                                   label=f"{c.name} SIGKILL"))

    def kill(self, c: RuntimeContainer) -> None:
        """SIGKILL now."""
        self._exit(c, SIGKILL_EXIT)

    def remove(self, c: RuntimeContainer) -> None:
        self.containers.pop(c.id, None)

    # -- health and resources -----------------------------------------------------------
    def passing(self, pod_uid: str, container: str, probe: str) -> bool:
        return self.health.get((pod_uid, container, probe), True)

    def set_health(self, pod_uid: str, container: str, probe: str, passing: bool,
                   status: int = FAILING_HTTP_STATUS) -> None:
        """The endpoint passes, or fails answering ``status`` to an HTTP probe."""
        self.health[(pod_uid, container, probe)] = passing
        self.http_status[(pod_uid, container, probe)] = status

    def failing_status(self, pod_uid: str, container: str, probe: str) -> int:
        return self.http_status.get((pod_uid, container, probe), FAILING_HTTP_STATUS)

    def set_memory(self, c: RuntimeContainer, usage: int) -> None:
        """Working set of a running container; above its limit the kernel OOM-kills it."""
        if not c.running:
            return
        c.memory_bytes = usage
        self.using_memory.setdefault(c.node, set()).add(c.id)
        if c.memory_limit and usage > c.memory_limit:
            self._exit(c, SIGKILL_EXIT, "OOMKilled")

    def forget_pod(self, pod_uid: str) -> None:
        for key in [k for k in self.health if k[0] == pod_uid]:
            del self.health[key]
            self.http_status.pop(key, None)
