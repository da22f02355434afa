"""The scheduling framework's vocabulary: status codes, ``Status``, ``CycleState`` and plugin results.

Mirrors kube-scheduler's ``framework/interface.go``. A plugin returns None
for success on the hot paths (Filter, per node) so that the common case
allocates nothing; every other outcome is a ``Status``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

#: framework.MaxNodeScore / MinNodeScore
MAX_NODE_SCORE = 100
MIN_NODE_SCORE = 0


class Code(IntEnum):
    """framework.Code, in upstream's order."""

    SUCCESS = 0
    ERROR = 1
    UNSCHEDULABLE = 2
    UNSCHEDULABLE_AND_UNRESOLVABLE = 3
    WAIT = 4
    SKIP = 5
    PENDING = 6

    @property
    def title(self) -> str:
        return _CODE_NAMES[self]


_CODE_NAMES = {Code.SUCCESS: "Success", Code.ERROR: "Error", Code.UNSCHEDULABLE: "Unschedulable",
               Code.UNSCHEDULABLE_AND_UNRESOLVABLE: "UnschedulableAndUnresolvable", Code.WAIT: "Wait",
               Code.SKIP: "Skip", Code.PENDING: "Pending"}


class Status:
    """framework.Status: a code, human-readable reasons and the plugin that produced it."""

    __slots__ = ("code", "reasons", "plugin")

    def __init__(self, code: Code, *reasons: str, plugin: str = "") -> None:
        self.code = code
        self.reasons = list(reasons)
        self.plugin = plugin

    @property
    def success(self) -> bool:
        return self.code == Code.SUCCESS

    @property
    def rejected(self) -> bool:
        """IsRejected: Unschedulable, UnschedulableAndUnresolvable or Pending."""
        return self.code in (Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE, Code.PENDING)

    @property
    def message(self) -> str:
        """Status.Message joins the reasons with ', '."""
        return ", ".join(self.reasons)

    def with_plugin(self, plugin: str) -> Status:
        if not self.plugin:
            self.plugin = plugin
        return self

    def __repr__(self) -> str:
        return f"Status({self.code.title}, {self.reasons!r}, plugin={self.plugin!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Status) and (self.code, self.reasons) == (other.code, other.reasons)

    __hash__ = None  # type: ignore[assignment]


SUCCESS = Status(Code.SUCCESS)
SKIP = Status(Code.SKIP)


def unschedulable(*reasons: str) -> Status:
    return Status(Code.UNSCHEDULABLE, *reasons)


def unresolvable(*reasons: str) -> Status:
    return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, *reasons)


def error(message: str) -> Status:
    return Status(Code.ERROR, message)


class CycleState:
    """framework.CycleState: per-attempt data plugins share between extension points."""

    __slots__ = ("_data", "skip_filter", "skip_score", "skip_pre_bind", "skip_all_post_filter", "record",
                 "batch_from_cache", "window", "from_cache", "node_positions")

    def __init__(self) -> None:
        self._data: dict[str, Any] = {}
        self.skip_filter: set[str] = set()
        self.skip_score: set[str] = set()
        # the PreBind plugins whose PreBindPreFlight said Skip
        self.skip_pre_bind: set[str] = set()
        # SetSkipAllPostFilterPlugins: this attempt runs no PostFilter (no preemption)
        self.skip_all_post_filter = False
        self.record = True
        # set while the scheduler filters batches of its cache's own nodes (no nominated pods added): a
        # ``filter_nodes`` may then answer None for "every node passes" and rely on cache-wide aggregates
        self.batch_from_cache = False
        # (start, count) when the feasible nodes are exactly ``count`` consecutive nodes of the cache's
        # node_list() from ``start`` (wrapping round): scorers may then use Cache.window_results
        self.window: tuple[int, int] | None = None
        # True when the feasible nodes are the cache's own (current node_list(), nothing nominated added):
        # scorers may then use Cache.results
        self.from_cache = False
        # the places in the cache's node_list() of the nodes a batch call is given (when the scheduler
        # knows them: Filter chunks and the feasible nodes), sparing a look at each node for its ``pos``
        self.node_positions: Sequence[int] | None = None

    def read(self, key: str) -> Any:
        return self._data.get(key)

    def write(self, key: str, value: Any) -> None:
        self._data[key] = value

    def clone(self) -> CycleState:
        """Clone copies values that know how to clone themselves (StateData.Clone)."""
        new = CycleState()
        new._data = {k: (v.clone() if hasattr(v, "clone") else v) for k, v in self._data.items()}
        new.skip_filter = set(self.skip_filter)
        new.skip_score = set(self.skip_score)
        new.skip_pre_bind = set(self.skip_pre_bind)
        new.skip_all_post_filter = self.skip_all_post_filter
        new.record = self.record
        return new


@dataclass
class PreFilterResult:
    """framework.PreFilterResult: None node names means every node; a set restricts the search."""

    node_names: set[str] | None = None
    #: set by the runtime: the plugins whose results narrowed the nodes, in the order they ran
    plugins: list[str] = field(default_factory=list)

    def merge(self, other: PreFilterResult | None) -> PreFilterResult:
        if other is None or other.node_names is None:
            return self
        if self.node_names is None:
            return PreFilterResult(set(other.node_names), list(self.plugins))
        return PreFilterResult(self.node_names & other.node_names, list(self.plugins))


@dataclass
class PostFilterResult:
    """framework.PostFilterResult: the node the pod is nominated to ("" clears a nomination)."""

    nominated_node: str | None = None


@dataclass
class Diagnosis:
    """framework.Diagnosis: why the pod fit nowhere."""

    node_statuses: dict[str, Status] = field(default_factory=dict)
    unschedulable_plugins: set[str] = field(default_factory=set)
    pre_filter_msg: str = ""
    post_filter_msg: str = ""
    absent_status: Status | None = None


#: NoNodeAvailableMsg
NO_NODE_AVAILABLE = "0/{} nodes are available"
#: ErrNoNodesAvailable
NO_NODES_AVAILABLE = "no nodes available to schedule pods"


def fit_error_message(num_all_nodes: int, diagnosis: Diagnosis) -> str:
    """FitError.Error: the histogram of reasons, sorted as strings, then the PostFilter message."""
    text = NO_NODE_AVAILABLE.format(num_all_nodes) + ":"
    if diagnosis.pre_filter_msg:
        text += f" {diagnosis.pre_filter_msg}."
    else:
        histogram = reasons_histogram(num_all_nodes, diagnosis.node_statuses, diagnosis.absent_status)
        if histogram:
            text += f" {histogram}."
    if diagnosis.post_filter_msg:
        text += " " + diagnosis.post_filter_msg
    return text


def reasons_histogram(num_all_nodes: int, statuses: dict[str, Status], absent: Status | None) -> str:
    """sortReasonsHistogram: "<count> <reason>" entries, string-sorted (so "10 x" sorts before "2 y")."""
    counts: dict[str, int] = {}
    for status in statuses.values():
        for reason in status.reasons:
            counts[reason] = counts.get(reason, 0) + 1
    missing = num_all_nodes - len(statuses)
    if absent is not None and missing > 0:
        for reason in absent.reasons:
            counts[reason] = counts.get(reason, 0) + missing
    return ", ".join(sorted(f"{n} {reason}" for reason, n in counts.items()))


# -- cluster events (framework.ClusterEvent) that can make an unschedulable pod schedulable --------------
NODE_ADD = "Node/Add"
NODE_ALLOCATABLE = "Node/UpdateNodeAllocatable"
NODE_LABEL = "Node/UpdateNodeLabel"
NODE_TAINT = "Node/UpdateNodeTaint"  # spec.unschedulable changes count as taint changes upstream
NODE_CONDITION = "Node/UpdateNodeCondition"
NODE_ANNOTATION = "Node/UpdateNodeAnnotation"
POD_ADD = "AssignedPod/Add"
POD_DELETE = "AssignedPod/Delete"
POD_LABEL = "AssignedPod/UpdatePodLabel"
POD_SCALE_DOWN = "AssignedPod/UpdatePodScaleDown"
UNSCHEDULED_POD_UPDATE = "UnscheduledPod/Update"
#: moves every unschedulable pod (a flush, or an event no plugin can judge)
WILDCARD = "*"
# storage events (the scheduler watches these kinds only when a plugin registers one of their events)
PVC_ADD = "PersistentVolumeClaim/Add"
PVC_UPDATE = "PersistentVolumeClaim/Update"
PV_ADD = "PersistentVolume/Add"
PV_UPDATE = "PersistentVolume/Update"
STORAGE_CLASS_ADD = "StorageClass/Add"
STORAGE_CLASS_UPDATE = "StorageClass/Update"
CSI_NODE_ADD = "CSINode/Add"
CSI_NODE_UPDATE = "CSINode/Update"
CSI_DRIVER_UPDATE = "CSIDriver/Update"
CSI_STORAGE_CAPACITY_ADD = "CSIStorageCapacity/Add"
CSI_STORAGE_CAPACITY_UPDATE = "CSIStorageCapacity/Update"
VOLUME_ATTACHMENT_DELETE = "VolumeAttachment/Delete"
#: the resource each storage event's kind is served as (for the scheduler's informers)
STORAGE_EVENT_RESOURCES = {"PersistentVolumeClaim": "persistentvolumeclaims", "PersistentVolume": "persistentvolumes",
                           "StorageClass": "storageclasses", "CSINode": "csinodes", "CSIDriver": "csidrivers",
                           "CSIStorageCapacity": "csistoragecapacities", "VolumeAttachment": "volumeattachments"}


class Plugin:
    """Base of scheduling-framework plugins.

    A plugin takes part in each extension point it has a method for (named
    after the point: ``pre_filter``, ``filter``, ``post_filter``,
    ``pre_score``, ``score``, ``normalize_score``, ``reserve``,
    ``unreserve``, ``permit``, ``pre_bind``, ``bind``, ``post_bind``,
    ``sort_key`` for QueueSort, ``pre_enqueue``; ``pre_bind_pre_flight``
    answers whether the plugin's PreBind has work to do, Skip if not). A ``score`` that fails
    returns an Error ``Status`` instead of a number, a ``normalize_score``
    that fails returns one (else None). ``EVENTS`` lists the
    cluster events after which a pod this plugin rejected is worth retrying;
    ``queueing_hint(event, pod, old, new)`` may narrow that down.
    Subclasses must keep ``filter`` and ``score`` cheap: they run per node.
    """

    NAME = ""
    EVENTS: tuple[str, ...] = ()

    def __init__(self, args: dict[str, Any] | None, handle: Any) -> None:
        self.args = dict(args or {})
        self.handle = handle


def go_round(x: float) -> int:
    """math.Round: halves away from zero (Python's round() rounds halves to even)."""
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)
