"""``Cluster``: the Python API under the steps.

A cluster is built with its nodes and its component implementations chosen by
name; the components start the first time the cluster is asked to act or to
let time pass, so set-up (nodes, labels, taints, implementation choices) can
come in any order before that.

    from kspec import Cluster
    c = Cluster(nodes=3, seed=1)
    c.apply(open("web.yaml").read())
    c.settle()
    print(c.get("pod", "web")["status"]["phase"])
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kspec import lazystart, plugins, podrefs, templates
from kspec.api.kinds import resource_for
from kspec.api.server import QUIET_RESOURCES, APIServer
from kspec.arguments import (
    EXIT_CODE,
    INT64_MAX,
    MAX_DURATION_MS,
    MAX_ETCD_MEMBERS,
    MAX_NODES,
    MAX_PODS,
    PORT,
    between,
    check_node_count,
    check_quantity,
    check_workload_size,
    checked_methods,
    duration_ms,
    one_of,
    replicas,
    rules,
)
from kspec.auth.can_i import access_review, retrieving_context
from kspec.auth.user import CLUSTER_ADMIN, UserInfo
from kspec.blame import where
from kspec.clock import BULK_APPLY_OBJECTS, Clock, relaxed_collector
from kspec.connection import REACHED, REFUSED, Connection
from kspec.errors import (
    ApiError,
    ApplyError,
    ArgumentError,
    KspecError,
    NoKindMatch,
    NotImplementedYet,
    StepError,
    TimeoutError_,
    empty_name,
    mapping_context,
)
from kspec.events import EventRecord, EventRecorder
from kspec.expect import Expect
from kspec.hookspec import COMPONENTS
from kspec.kubelet.nodeinfo import node_system_info
from kspec.labels import Selector
from kspec.manifests import load, nameless
from kspec.objects import Obj, clone, timestamp
from kspec.progress import waiting
from kspec.store import MemoryStore
from kspec.taints import EFFECTS, parse_taint, parse_taints

#: Implementations used when a scenario does not choose; a missing default means "no such component yet".
DEFAULTS = {"store": "memory", "scheduler": "default-scheduler", "proxy": "iptables", "dns": "coredns",
            "runtime": "kubelet", "loadbalancer": "pool", "network": "calico",
            "ingress": "nginx", "storage": "csi"}
#: What ``settle`` gives up after (STEPS.md: 10 virtual minutes).
SETTLE_LIMIT_MS = 10 * 60 * 1000
POD_CIDR_BASE = "10.244"
KUBELET_VERSION = "v1.35.0"


def _pod_cidr(index: int) -> str:
    """Node ``index``'s /24 of the cluster CIDR (kind's 10.244.0.0/16, carried on past 256 nodes, as a large
    cluster's wider --cluster-cidr would)."""
    first = int(ipaddress.IPv4Address(f"{POD_CIDR_BASE}.0.0")) + index * 256
    return f"{ipaddress.IPv4Address(first)}/24"


@dataclass
class NodeSpec:
    """What ``Given a cluster with nodes:`` can say about a node."""

    name: str
    cpu: str = "4"
    memory: str = "16Gi"
    pods: int = 110
    ephemeral_storage: str = "100Gi"
    labels: dict[str, str] | None = None
    taints: list[dict[str, str]] | None = None
    zone: str = ""
    unschedulable: bool = False
    extended: dict[str, str] | None = None


@dataclass
class ImageSpec:
    """How the simulated container runtime treats an image (STEPS.md image steps)."""

    pull_ms: int = 0
    missing: bool = False
    exit_code: int | None = None
    run_ms: int = 0
    stop_ms: int = 0  # how long its containers take to exit after SIGTERM


def nodes_from_table(table: list[list[str]]) -> list[NodeSpec]:
    """``Given a cluster with nodes:``: a header row, then one row per node; empty cells mean defaults."""
    header, *rows = table
    header = [h.strip().lower() for h in header]
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise StepError(f"the node table has the column {', '.join(twice)} more than once")
    if "name" not in header:
        raise StepError(f"the node table needs a name column (it has {', '.join(header)})")
    allowed = {"name", "cpu", "memory", "pods", "labels", "taints", "zone", "unschedulable", "ephemeral-storage"}
    extra = [h for h in header if h not in allowed]
    if extra:
        raise StepError(f"unknown node table column(s) {', '.join(extra)}; the columns are "
                        f"{', '.join(sorted(allowed))}")
    specs = []
    if len(rows) > MAX_NODES:
        raise StepError(check_node_count(len(rows)))
    for row in rows:
        cell = {h: v.strip() for h, v in zip(header, row, strict=False) if v.strip()}
        if "name" not in cell:
            raise StepError(f"a row of the node table has no name: {' | '.join(row)}")
        for column in ("cpu", "memory", "ephemeral-storage"):
            if column in cell:
                check_quantity(cell[column], f"{column} of node {cell['name']}", error=StepError)
        spec = NodeSpec(cell["name"])
        spec.cpu = cell.get("cpu", spec.cpu)
        spec.memory = cell.get("memory", spec.memory)
        spec.ephemeral_storage = cell.get("ephemeral-storage", spec.ephemeral_storage)
        if "pods" in cell:
            if not cell["pods"].isdigit() or int(cell["pods"]) > MAX_PODS:
                raise StepError(f'pods of node {cell["name"]}: "{cell["pods"]}" is not a pod count from 0 to '
                                f"{MAX_PODS:,} (what kspec simulates)")
            spec.pods = int(cell["pods"])
        if "labels" in cell:
            spec.labels = dict(_pair(p) for p in cell["labels"].split(","))
        if "taints" in cell:
            spec.taints = parse_taints(cell["taints"])
        spec.zone = cell.get("zone", "")
        spec.unschedulable = cell.get("unschedulable", "false").lower() == "true"
        specs.append(spec)
    return specs


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.strip().partition("=")
    if not sep or not key:
        raise StepError(f'invalid label "{text}": expected key=value')
    return key, value


@checked_methods
class Cluster:
    @rules(nodes=lambda n, p: between(0, MAX_NODES, "upstream's scalability envelope")(n, p) if isinstance(n, int)
           else None, etcd_members=between(0, MAX_ETCD_MEMBERS))
    def __init__(self, *, nodes: int | Iterable[NodeSpec | str] = 0, seed: int = 0,
                 plugins_: Iterable[object] = (), etcd_members: int = 0, **choices: str | None) -> None:
        """``nodes``: a count (node-1 ... node-N) or NodeSpecs/names; ``choices``: component=implementation name."""
        unknown = set(choices) - set(COMPONENTS)
        if unknown:
            raise ArgumentError(f"Cluster(): unknown component(s) {', '.join(sorted(unknown))}; the components are "
                                f"{', '.join(COMPONENTS)}")
        self.seed = seed
        self.rng = random.Random(seed)
        self.clock = Clock()
        extra = list(plugins_)
        self.pm = plugins.new_manager(extra) if extra else plugins.default_manager()
        if choices:
            self.choices: dict[str, str] = {c: choices.get(c) or DEFAULTS[c] for c in COMPONENTS}
            self.explicit: set[str] = {c for c in COMPONENTS if choices.get(c)}
        else:  # what the comprehensions make of no choice (DEFAULTS lists the components in their order)
            self.choices, self.explicit = dict(DEFAULTS), set()
        self.images: dict[str, ImageSpec] = {}
        self.etcd_members = etcd_members
        self.components: dict[str, Any] = {}
        self.controllers: list[Any] = []
        #: "scheduler" / "controller manager" run as elected replicas (kspec/leaderelection.py)
        self.replicated: dict[str, Any] = {}
        self.started = False
        #: the warnings the API server returned to the last apply (PodSecurity's warn mode)
        self.warnings: list[str] = []
        #: who the acting calls (apply, delete, scale, ...) are sent as; reads and assertions stay the admin's
        self.user: UserInfo = CLUSTER_ADMIN
        self._node_index = 0
        self.store = self._make_store(self.choices["store"])
        self.api = APIServer(self.store, self.clock, self.rng)
        self.events = EventRecorder(self.api)
        if isinstance(nodes, int):
            nodes = [NodeSpec(f"node-{i}") for i in range(1, nodes + 1)]
        specs = [node if isinstance(node, NodeSpec) else NodeSpec(node) for node in nodes]
        # the same seed and nodes always build the same state: copied after the first time (kspec/templates.py)
        key = templates.key_for(self, specs) if len(specs) <= MAX_NODES else None
        if key is not None and templates.restore(self, key):
            return
        self.api.bootstrap()
        if len(specs) > MAX_NODES:
            raise ArgumentError(f"Cluster(): nodes: {check_node_count(len(specs))}")
        for spec in specs:
            self.add_node(spec)
        if key is not None:
            templates.record(self, key)

    # -- components -----------------------------------------------------------
    def _make_store(self, name: str) -> Any:
        return plugins.make_component(self.pm, "store", name, self)

    def use(self, component: str, name: str) -> None:
        """Choose the implementation ``name`` of ``component`` (store, scheduler, proxy, dns, runtime); before start."""
        if component not in COMPONENTS:
            raise StepError(f'unknown component "{component}": the components are {", ".join(COMPONENTS)}')
        owners = plugins.registered_names(self.pm, component)
        if name not in owners:
            plugins.make_component(self.pm, component, name, self)  # raises with the registered names
        if self.started:
            raise StepError(f"the {component} must be chosen before the cluster starts "
                            "(put this step before any When step)")
        self.choices[component] = name
        self.explicit.add(component)
        if component == "store":
            new = self._make_store(name)
            if isinstance(new, MemoryStore) and isinstance(self.store, MemoryStore):
                new.load(self.store)
            elif hasattr(new, "load"):
                new.load(self.store)
            self.store = new
            self.api.attach_store(new)

    def start(self) -> None:
        """Build and start the chosen components and the controllers (idempotent)."""
        if self.started:
            return
        self.started = True
        for component in COMPONENTS:
            if component == "store" or (component == "scheduler" and "scheduler" in self.replicated):
                continue
            name = self.choices[component]
            owners = plugins.owners_of(self.pm, component)
            if component not in self.explicit and name not in owners:
                continue  # that default component does not exist yet: the cluster runs without it
            comp = plugins.make_component(self.pm, component, name, self, owners)
            self.components[component] = comp
        if "controller manager" not in self.replicated:
            self.controllers = plugins.collect(self.pm, "kspec_controllers", cluster=self)
        for comp in [*self.controllers, *self.components.values()]:
            # a controller whose resources are empty starts with their first (most components name none)
            if not (getattr(comp, "START_ON_FIRST", None) and lazystart.defer(self, comp)):
                self._guard(comp, comp.start)
        plugins.collect(self.pm, "kspec_cluster_started", cluster=self)
        for group in self.replicated.values():
            group.start()  # each replica campaigns; only the leader's process runs
        self.clock.run_now()

    def _guard(self, comp: Any, fn: Callable[[], object]) -> None:
        try:
            fn()
        except KspecError:
            raise
        except Exception as exc:
            raise KspecError("\n".join([f"{type(comp).__name__} failed to start: {type(exc).__name__}: {exc}",
                                         *where(exc)])) from exc

    def has(self, component: str) -> bool:
        """Whether ``component`` (a component kind or a controller's NAME) runs in this cluster."""
        self.start()
        return component in self.components or any(
            getattr(c, "NAME", "") == component for c in self.controllers)

    def require(self, component: str, what: str | None = None) -> Any:
        """The running ``component`` (or controller NAME), or "not implemented yet" naming ``what`` is missing."""
        self.start()
        if component in self.components:
            return self.components[component]
        for ctrl in self.controllers:
            if getattr(ctrl, "NAME", "") == component:
                return ctrl
        raise NotImplementedYet(f"not implemented yet: this step needs the {what or component}, "
                                "which this version of kspec does not simulate yet")

    # -- nodes ----------------------------------------------------------------
    def add_node(self, spec: NodeSpec) -> Obj:
        """Register the node ``spec`` describes, Ready, as a kubelet does when it joins."""
        if self._node_index >= MAX_NODES:
            raise ArgumentError(f"add_node(): {check_node_count(self._node_index + 1)}")
        for field in ("cpu", "memory", "ephemeral_storage"):
            check_quantity(getattr(spec, field), f"add_node(): spec.{field}")
        between(0, MAX_PODS, "what kspec simulates")(spec.pods, "add_node(): spec.pods")
        index = self._node_index
        self._node_index += 1
        labels = {"kubernetes.io/arch": "amd64", "kubernetes.io/hostname": spec.name, "kubernetes.io/os": "linux",
                  "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux"}
        if spec.zone:
            labels["topology.kubernetes.io/zone"] = spec.zone
        labels.update(spec.labels or {})
        capacity = {"cpu": spec.cpu, "memory": spec.memory, "pods": str(spec.pods),
                    "ephemeral-storage": spec.ephemeral_storage, **(spec.extended or {})}
        now = timestamp(self.clock.now)
        conditions = [
            ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ]
        node: Obj = {
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": spec.name, "labels": labels,
                         "annotations": {"node.alpha.kubernetes.io/ttl": "0"}},
            "spec": {"podCIDR": _pod_cidr(index), "podCIDRs": [_pod_cidr(index)]},
            "status": {
                "capacity": capacity, "allocatable": dict(capacity),
                "conditions": [{"type": t, "status": s, "reason": r, "message": m, "lastHeartbeatTime": now,
                                "lastTransitionTime": now} for t, s, r, m in conditions],
                "addresses": [{"type": "InternalIP", "address": f"172.18.{index // 250}.{index % 250 + 2}"},
                              {"type": "Hostname", "address": spec.name}],
                "nodeInfo": node_system_info(spec.name, KUBELET_VERSION),
            },
        }
        if spec.taints:
            node["spec"]["taints"] = [dict(t) for t in spec.taints]
        if spec.unschedulable:
            node["spec"]["unschedulable"] = True
        return self.api.create(node)

    def join_nodes(self, specs: Iterable[NodeSpec]) -> list[Obj]:
        """Nodes joining a running cluster (``When I add node``): each of ``specs`` registers, then the cluster
        reacts."""
        return self._act(lambda: [self.add_node(spec) for spec in specs])

    def patch_node(self, name: str, mutate: Callable[[Obj], object]) -> Obj:
        """Change the Node ``name``: ``mutate`` edits a copy, which is written back."""
        return self.api.patch("nodes", name, "", mutate)

    @rules(quantity=check_quantity)
    def set_node_resource(self, name: str, resource: str, quantity: str) -> Obj:
        """A device plugin reporting ``resource`` on node ``name``: capacity and allocatable become ``quantity``."""
        def report(n: Obj) -> None:
            for field in ("capacity", "allocatable"):
                n.setdefault("status", {}).setdefault(field, {})[resource] = quantity
        return self.api.patch("nodes", name, "", report, status=True)

    def label_node(self, name: str, label: str) -> Obj:
        """``kubectl label node NAME LABEL``: ``label`` is ``key=value``."""
        key, sep, value = label.partition("=")
        if not sep or not key:
            raise StepError(f'invalid label "{label}": expected key=value')
        return self.patch_node(name, lambda n: n["metadata"].setdefault("labels", {}).__setitem__(key, value))

    def taint_node(self, name: str, taint: str | dict[str, str]) -> Obj:
        """``kubectl taint node NAME TAINT`` on node ``name``: a ``taint`` of ``key=value:Effect`` or ``key:Effect``
        adds (or replaces) it; ``key=value:Effect-``, ``key:Effect-`` or ``key-`` removes it. A dict with key, value
        and effect also works."""
        if isinstance(taint, str):
            text = taint.strip()
            if text.endswith("-"):
                key, _, effect = text[:-1].partition(":")
                key = key.partition("=")[0]
                if not key or (effect and effect not in EFFECTS):
                    raise ArgumentError(f'taint_node(): taint: invalid taint spec: {taint}, expected key-, '
                                        "key:Effect- or key=value:Effect-")
                return self.remove_taint(name, key, effect or None)
            try:
                taint = parse_taint(text)
            except StepError as exc:
                raise ArgumentError(f"taint_node(): taint: {exc}") from None
        elif not isinstance(taint.get("key"), str) or not taint["key"] or taint.get("effect") not in EFFECTS:
            raise ArgumentError(f"taint_node(): taint {taint!r} needs a key and an effect "
                                f"({', '.join(EFFECTS)})")
        new = dict(taint)

        def add(node: Obj) -> None:
            taints = [t for t in node["spec"].get("taints") or []
                      if (t["key"], t["effect"]) != (new["key"], new["effect"])]
            node["spec"]["taints"] = [*taints, {**new, "timeAdded": timestamp(self.clock.now)}
                                      if new["effect"] == "NoExecute" else dict(new)]
        return self._act(lambda: self.patch_node(name, add))

    @rules(effect=one_of(*EFFECTS))
    def remove_taint(self, name: str, key: str, effect: str | None = None) -> Obj:
        """``kubectl taint node NAME KEY-``: the taints with ``key`` (only those with ``effect`` if given) go."""
        node = self.api.get("nodes", name, "")
        if not any(t["key"] == key and (effect is None or t["effect"] == effect)
                   for t in node["spec"].get("taints") or []):
            # kubectl taint node NAME key- on a missing taint
            raise ApiError(404, "NotFound", f"taint {key!r} not found")

        def drop(n: Obj) -> None:
            left = [t for t in n["spec"].get("taints") or [] if not (
                t["key"] == key and (effect is None or t["effect"] == effect))]
            if left:
                n["spec"]["taints"] = left
            else:
                n["spec"].pop("taints", None)
        return self._act(lambda: self.patch_node(name, drop))

    def cordon(self, name: str, unschedulable: bool = True) -> Obj:
        """``kubectl cordon`` (``unschedulable=False``: ``kubectl uncordon``)."""
        def mark(n: Obj) -> None:
            if unschedulable:
                n["spec"]["unschedulable"] = True
            else:
                n["spec"].pop("unschedulable", None)
        return self._act(lambda: self.patch_node(name, mark))

    def describe_image(self, image: str, **changes: Any) -> None:
        """How the runtime treats ``image``: ``pull_ms``, ``missing``, ``exit_code``, ``run_ms``, ``stop_ms``."""
        for key, value in changes.items():
            if key == "missing":
                if not isinstance(value, bool):
                    raise ArgumentError(f"describe_image(): missing must be a bool, got {value!r}")
            elif key == "exit_code":
                EXIT_CODE(value, "describe_image(): exit_code")
            elif key in ("pull_ms", "run_ms", "stop_ms"):
                if isinstance(value, str):
                    raise ArgumentError(f"describe_image(): {key} must be milliseconds (int), got {value!r}")
                duration_ms(value, f"describe_image(): {key}")
            else:
                raise ArgumentError(f"describe_image(): unknown setting {key}; the settings are pull_ms, missing, "
                                    "exit_code, run_ms, stop_ms")
        spec = self.images.setdefault(image, ImageSpec())
        for key, value in changes.items():
            setattr(spec, key, value)

    # -- API ----------------------------------------------------------------------
    def _act(self, fn: Callable[[], Any]) -> Any:
        """Run one client request (as ``self.user``), then everything it causes at this instant."""
        if not self.started:  # start's own test, without the argument-checking call of a started cluster
            self.start()
        if self.user is CLUSTER_ADMIN:
            result = fn()
        else:
            self.api.user = self.user
            try:
                result = fn()
            finally:
                self.api.user = None  # what the request causes runs as the control plane
        self.clock.run_now()
        return result

    def act_as(self, user: UserInfo | None) -> None:
        """Send every later acting call as ``user`` (``kspec.auth.user.user(...)``, ``service_account(...)``);
        None: the cluster admin again (kubectl's admin kubeconfig, group system:masters)."""
        if user is not None and not isinstance(user, UserInfo):
            raise ArgumentError(f"act_as(): user must be a kspec.auth.user.UserInfo or None, got {user!r}")
        self.user = user or CLUSTER_ADMIN

    def can_i(self, verb: str, resource: str, *, user: UserInfo, name: str = "",
              namespace: str | None = None) -> bool:
        """``kubectl auth can-i VERB RESOURCE [NAME] --as USER``: a SubjectAccessReview's answer. ``resource``
        as kubectl writes it (``pods``, ``pods/log``, ``deployments.apps``) or a non-resource URL (``/healthz``).
        """
        self.start()
        return bool(self.api.create(access_review(verb, resource, user, name, namespace))["status"]["allowed"])

    @rules(first_line=between(1, None), indent=between(0, None))
    def apply(self, manifest: str | Obj | list[Obj], *, source: str = "<manifest>", first_line: int = 1,
              indent: int = 0, dry_run: bool = False) -> list[Obj]:
        """``kubectl apply -f``: the documents of ``manifest`` (YAML text, an object or a list) are applied one
        by one, in order; ``source``, ``first_line`` and ``indent`` say where YAML text came from, for error
        messages; ``dry_run`` checks without writing.

        An object sees the ones before it (a Namespace, PriorityClass or ConfigMap made earlier in the same
        manifest). A rejected document neither undoes the ones before it nor stops the ones after it; once
        all were sent, the rejections are raised as one ``ApplyError`` (an ApiError) with one kubectl line
        ``Error from server (<Reason>): error when creating "STDIN": <message>`` per rejected document. A
        document without a name is refused without a request, as kubectl apply refuses it (it first GETs the
        live object by name): ``create`` takes a generateName.
        A manifest that cannot be read, or a workload larger than the simulation holds, applies
        nothing. Returns the objects as applied.
        """
        # read only (the API server decodes each into its own copy), as an object or a list passed in is
        objs = (load(manifest, source, first_line, indent, shared=True) if isinstance(manifest, str)
                else [manifest] if isinstance(manifest, dict) else list(manifest))
        if not self.started:  # start's own test, without the argument-checking call of a started cluster
            self.start()
        # kubectl apply --dry-run=server: nothing is written, so a namespace earlier in the manifest is only pending
        pending = [o["metadata"]["name"] for o in objs if o.get("kind") == "Namespace" and o.get("metadata")] \
            if dry_run else []
        # kubectl names the manifest in each error: the file, or STDIN for a doc string (apply -f -)
        origin = source if source.endswith((".yaml", ".yml", ".json")) else "STDIN"
        for obj in objs:
            check_workload_size(obj)
        applied: list[Obj] = []
        errors: list[tuple[str, ApiError]] = []
        self.warnings = []  # what the API server warned about, as kubectl prints after "Warning: "

        def send() -> None:
            # one request per document, in order; what they cause runs once all were sent
            for obj in objs:
                if nameless(obj):
                    errors.append((retrieving_context(obj, origin), empty_name()))
                    continue
                try:
                    applied.append(self.api.apply(obj, dry_run=dry_run, pending_namespaces=pending))
                    self.warnings.extend(self.api.warnings)
                except ApiError as exc:
                    # kubectl's GET before the request, made once refused: a refused request writes nothing
                    errors.append((self._apply_context(obj, origin, exc), exc))

        with relaxed_collector(len(objs) >= BULK_APPLY_OBJECTS):  # thousands of objects: GC passes less often
            self._act(send)
        if errors:
            raise ApplyError(errors)
        return applied

    def _apply_context(self, obj: Obj, origin: str, exc: ApiError) -> str:
        """cmdutil.AddSourceToErr: the verb kubectl was at when the server refused ``obj``, from the GET it made
        first (the live object, or the user may not read it). Asked after the refusal, which leaves the object as
        the GET found it: a refused apply writes nothing. A kind the REST mapper does not know was never sent:
        cli-runtime names the document instead."""
        md = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        if isinstance(exc, NoKindMatch):
            return mapping_context(str(md.get("name") or ""), str(md.get("namespace") or ""), origin)
        existing = None
        # only a well-typed name is looked up: anything else is the decoder's to refuse
        if isinstance(obj.get("kind"), str) and isinstance(md.get("name"), str) and md["name"] \
                and isinstance(md.get("namespace", ""), str):
            try:
                existing = self.api.try_get(obj["kind"], md["name"], md.get("namespace") or "default")
            except ApiError as exc:  # an unknown kind (api.apply reported it), or one the user may not read
                if exc.code == 403:  # kubectl's GET fails
                    return retrieving_context(obj, origin)
        return f'error when creating "{origin}": ' if existing is None else \
            f'error when applying patch to {obj.get("kind")} "{md.get("name")}" for: "{origin}": '

    def create(self, obj: Obj) -> Obj:
        """``kubectl create`` of ``obj``: the object as stored (defaults and generated fields filled in)."""
        check_workload_size(obj)
        return self._act(lambda: self.api.create(obj))

    def update(self, obj: Obj) -> Obj:
        """``kubectl replace``: ``obj`` must carry the current resourceVersion (else a Conflict)."""
        check_workload_size(obj)
        return self._act(lambda: self.api.update(obj))

    def patch(self, kind: str, name: str, mutate: Callable[[Obj], object], namespace: str = "default") -> Obj:
        """Read-modify-write: ``mutate`` edits a copy of the live object, which is then written."""
        return self._act(lambda: self.api.patch(kind, name, namespace, mutate))

    @rules(grace_period_seconds=between(0, MAX_DURATION_MS // 1000, "the kubelet holds it as a Go time.Duration"),
           propagation=one_of("Background", "Foreground", "Orphan"))
    def delete(self, kind: str, name: str, namespace: str = "default", *, grace_period_seconds: int | None = None,
               propagation: str = "Background") -> Obj | None:
        """``kubectl delete KIND NAME``: ``grace_period_seconds`` as --grace-period, ``propagation`` as --cascade
        (Background, Foreground, Orphan)."""
        return self._act(lambda: self.api.delete(kind, name, namespace, grace_period_seconds=grace_period_seconds,
                                                 propagation=propagation))

    def get(self, kind: str, name: str, namespace: str = "default") -> Obj:
        """A copy of the live object ``kind``/``name`` in ``namespace`` (raises NotFound like kubectl get)."""
        self.start()
        return clone(self.api.get(kind, name, namespace))

    def try_get(self, kind: str, name: str, namespace: str = "default") -> Obj | None:
        """Like ``get``, but None when there is no ``kind``/``name`` in ``namespace``."""
        self.start()
        found = self.api.try_get(kind, name, namespace)
        return clone(found) if found is not None else None

    def list(self, kind: str, namespace: str | None = "default", selector: str | None = None) -> list[Obj]:
        """``kubectl get KIND``: ``namespace`` (None: all), ``selector`` a label selector; copies, sorted by key."""
        if selector is not None:
            try:
                Selector.parse(selector)
            except ValueError as exc:
                raise ArgumentError(f"list(): selector {selector!r}: {exc}") from None
        self.start()
        if not resource_for(kind).namespaced:
            namespace = None
        return [clone(o) for o in self.api.list(kind, namespace, selector)]

    @rules(replicas=replicas)
    def scale(self, kind: str, name: str, replicas: int, namespace: str = "default") -> Obj:
        """``kubectl scale KIND/NAME --replicas=N``: ``replicas`` from 0 to 150,000 (what kspec simulates)."""
        return self._act(lambda: self.api.patch(kind, name, namespace,
                                                lambda o: o["spec"].__setitem__("replicas", replicas),
                                                subresource="scale"))

    def set_image(self, kind: str, name: str, image: str, container: str | None = None,
                  namespace: str = "default") -> Obj:
        """``kubectl set image``: ``image`` for every container (or the one named ``container``) of the template."""
        def change(o: Obj) -> None:
            containers = o["spec"]["template"]["spec"]["containers"]
            targets = [c for c in containers if container in (None, c["name"])]
            if not targets:
                raise StepError(f'unable to find container named "{container}"')
            for c in targets:
                c["image"] = image
        return self.patch(kind, name, change, namespace)

    @rules(revision=between(0, INT64_MAX))
    def rollback(self, deployment: str, revision: int = 0, namespace: str = "default") -> Obj:
        """``kubectl rollout undo deployment/NAME [--to-revision=N]``: ``revision`` 0 means the previous one."""
        ctrl = self.require("deployment-controller", "Deployment controller")
        return self._act(lambda: ctrl.rollback(deployment, revision, namespace, self.api))

    # -- the node agent, DNS, proxy and etcd (each needs its component) -------------
    def drain(self, node: str) -> None:
        """``kubectl drain NODE --ignore-daemonsets --delete-emptydir-data --force`` for ``node``."""
        self._act(lambda: self.require("runtime", "kubelet").drain(node))

    def stop_node(self, node: str) -> None:
        """The kubelet of ``node`` stops heartbeating; its pods keep running."""
        self._act(lambda: self.require("runtime", "kubelet").stop_node(node))

    def restore_node(self, node: str) -> None:
        """The kubelet of ``node`` heartbeats again."""
        self._act(lambda: self.require("runtime", "kubelet").restore_node(node))

    @rules(probe=one_of("readiness", "liveness", "startup"))
    def set_probe(self, pod: str, probe: str, passing: bool, namespace: str = "default",
                  status: int | None = None) -> None:
        """Turn a container's simulated health endpoint for ``probe`` failing (answering ``status`` to an
        HTTP probe, 500 unless given) or passing."""
        self._act(lambda: self.require("runtime", "kubelet").set_probe(namespace, pod, probe, passing, status))

    @rules(code=EXIT_CODE)
    def exit_container(self, pod: str, container: str, code: int, namespace: str = "default") -> None:
        """The running container exits now with exit code ``code`` (0-255)."""
        self._act(lambda: self.require("runtime", "kubelet").exit_container(namespace, pod, container, code))

    def pod_environment(self, pod: str, namespace: str = "default") -> dict[str, str]:
        """The environment the first container of ``pod`` was started with."""
        self.start()
        return self.require("runtime", "kubelet").environment(namespace, pod)

    def write_file(self, pod: str, container: str, path: str, text: str, namespace: str = "default") -> None:
        """The running container writes ``text`` to ``path`` (through its volume mounts; StepError if read-only)."""
        self._act(lambda: self.require("runtime", "kubelet").write_file(namespace, pod, container, path, text))

    def read_file(self, pod: str, container: str, path: str, namespace: str = "default") -> str | None:
        """The contents of ``path`` as the container sees it, None when there is no such file."""
        self.start()
        return self.require("runtime", "kubelet").read_file(namespace, pod, container, path)

    def resolve(self, pod: str, name: str, namespace: str = "default") -> list[str]:
        """Addresses ``name`` resolves to from inside the pod (its search list and ndots)."""
        self.start()
        return self.require("dns", "cluster DNS").resolve_from_pod(namespace, pod, name)

    def dns_records(self, rtype: str, name: str) -> list[str]:
        """``dig +short RTYPE NAME``: a direct query of type ``rtype`` (A, AAAA, SRV, PTR, CNAME, TXT) for ``name``."""
        self.start()
        return self.require("dns", "cluster DNS").query(rtype, name)

    @rules(port=PORT)
    def connect(self, pod: str, host: str, port: int, namespace: str = "default") -> str | None:
        """The pod a TCP connection from ``pod`` to ``host``:``port`` reaches through the proxy, or None if not."""
        return self.connection(pod, host, port, namespace).pod

    def connection(self, pod: str, host: str, port: int, namespace: str = "default") -> Connection:
        """How a TCP connection from ``pod`` to ``host``:``port`` ends: reached, refused or timed out.

        A proxy plugin that only answers ``connect`` (the pod reached, or None) is taken to refuse what it
        does not deliver.
        """
        self.start()
        proxy = self.require("proxy", "service proxy (kube-proxy)")
        if hasattr(proxy, "connection"):
            return proxy.connection(namespace, pod, host, port)
        reached = proxy.connect(namespace, pod, host, port)
        return Connection(REACHED, reached) if reached else Connection(REFUSED)

    @rules(members=between(1, MAX_ETCD_MEMBERS))
    def use_etcd(self, members: int) -> None:
        """The store becomes a simulated etcd cluster of ``members`` members (etcd-1 ... etcd-N)."""
        if "etcd" not in plugins.registered_names(self.pm, "store"):
            raise NotImplementedYet("not implemented yet: this step needs the etcd Raft model, which this "
                                    "version of kspec does not simulate yet")
        self.etcd_members = members
        self.use("store", "etcd")

    @rules(action=one_of("stop", "start", "pause", "resume", "partition", "heal"))
    def etcd_action(self, action: str, *members: str) -> None:
        """``action`` stop/start/pause/resume a member, partition two groups (comma-separated names), heal."""
        etcd = self.etcd
        groups = [[m.strip() for m in group.split(",") if m.strip()] for group in members]
        self._act(lambda: getattr(etcd, action)(*groups))

    def etcd_role(self, role: str) -> str:
        """The members in ``role`` at this instant, comma-separated, as ``etcd_action`` takes them: ``leader``,
        ``followers`` (the running members that do not lead), ``first stopped`` (the lowest-numbered
        stopped one) or ``stopped`` (every stopped one). A spec cannot know these names in advance."""
        etcd = self.etcd
        if role in ("leader", "followers"):
            leader = etcd.leader()
            if leader is None:
                raise StepError("no etcd member leads now")
            if role == "leader":
                return str(leader)
            followers = [m for m in etcd.members if m != leader and etcd.network.live(m)]
            if not followers:
                raise StepError(f'etcd member "{leader}" has no running followers')
            return ", ".join(followers)
        stopped = [m for m in etcd.members if not etcd.network.live(m)]
        if not stopped:
            raise StepError("no etcd member is stopped")
        return stopped[0] if role == "first stopped" else ", ".join(stopped)

    def probe_write(self) -> str | None:
        """Make one write as kube-apiserver would; the error kubectl would print, or None."""
        self.start()
        probe = {"apiVersion": "v1", "kind": "ConfigMap",
                 "metadata": {"generateName": "kspec-write-probe-", "namespace": "default"}}
        try:
            created = self.api.create(probe)
        except ApiError as exc:
            return exc.message
        self.api.delete("configmaps", created["metadata"]["name"], "default")
        self.clock.run_now()
        return None

    @rules(resource_version=one_of("", "0"))
    def client_get(self, resource: str, name: str, namespace: str = "default", resource_version: str = "") -> Obj:
        """``kubectl get RESOURCE NAME`` as kube-apiserver serves it: ``resource_version`` "" reads etcd (a quorum
        read), "0" the watch cache (kspec/api/watchcache.py); ApiError as kubectl would print it."""
        self.start()
        return clone(self.api.watch_cache.get(resource, name, namespace, resource_version))

    @rules(resource_version=one_of("", "0"))
    def client_list(self, resource: str, namespace: str | None = "default", resource_version: str = "") -> list[Obj]:
        """``kubectl get RESOURCE`` in ``namespace``: ``resource_version`` "" is a consistent list (etcd's current
        revision, then the watch cache), "0" the watch cache as it is; ApiError as kubectl would print it."""
        self.start()
        kind = resource_for(resource)
        return [clone(o) for o in self.api.watch_cache.list(resource, namespace if kind.namespaced else None,
                                                           resource_version=resource_version)]

    @property
    def etcd(self) -> Any:
        """The etcd Raft model under the API (fails when the store is not etcd)."""
        self.start()
        if not hasattr(self.store, "leader"):
            raise NotImplementedYet("not implemented yet: this step needs the etcd Raft model "
                                    '(the store is "' + self.choices["store"] + '")')
        return self.store

    # -- time ---------------------------------------------------------------------
    def run_for(self, duration: int | str) -> None:
        """Advance virtual time by ``duration`` (a Go duration such as "90s", or milliseconds)."""
        ms = duration_ms(duration, "run_for(): duration")
        self.start()
        with waiting(self.clock, ms):
            self.clock.run_for(ms)

    def settle(self, limit: int | str = SETTLE_LIMIT_MS) -> None:
        """Run until only periodic work is left and a round of it changed nothing; fail after ``limit``."""
        limit_ms = duration_ms(limit, "settle(): limit")
        self.start()
        with waiting(self.clock, limit_ms):
            settled = self.clock.settle(limit_ms)
        if not settled:
            raise TimeoutError_(f"the cluster did not settle within {limit_ms // 1000}s of virtual time "
                                f"(now t={self.clock.now / 1000:g}s): something keeps changing\n"
                                f"{self.clock.churn_report(QUIET_RESOURCES)}")

    def run_until(self, predicate: Callable[[], bool], timeout: int | str) -> bool:
        """Advance until ``predicate()`` holds (True) or ``timeout`` (Go duration or ms) passes (False)."""
        ms = duration_ms(timeout, "run_until(): timeout")
        self.start()
        with waiting(self.clock, ms):
            return self.clock.run_until(predicate, ms)

    @property
    def expect(self) -> Expect:
        """State assertions (AssertionError with what is there) usable from plain tests."""
        return Expect(self)

    @property
    def now_ms(self) -> int:
        """Virtual time since the cluster was made, in milliseconds."""
        return self.clock.now

    # -- reading events -----------------------------------------------------------
    def events_for(self, kind: str, name: str, namespace: str = "default") -> list[Obj]:
        """Copies of the Events about ``kind``/``name`` in ``namespace``, oldest first (as ``kubectl describe``)."""
        self.start()
        return [clone(e) for e in self.events.for_object(kind, name, namespace)]

    @property
    def event_log(self) -> list[EventRecord]:
        """Every event emitted so far, in order, on the virtual timeline."""
        return list(self.events.log)

    # -- naming pods that controllers made (kspec/podrefs.py) -------------------------
    def pod_name(self, ref: str, namespace: str = "default") -> str:
        """The pod a step's ``pod "{pod}"`` stands for: ``ref`` is a name, or ``deployment/web#0`` (the i-th
        current pod), looked up in ``namespace``."""
        self.start()
        return podrefs.resolve_pod(self.api, ref, namespace)

    def pod_list(self, pods: str, namespace: str = "default") -> list[tuple[str, str]]:
        """The (namespace, name) pairs of a ``"{pods}"`` list: ``pods`` holds names, ``{kind}/{name}``,
        ``{ns}/{pod}`` or ``none``; plain names are in ``namespace``."""
        self.start()
        return podrefs.resolve_list(self.api, pods, namespace)
