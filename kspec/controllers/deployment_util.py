"""Deployment arithmetic and bookkeeping (pkg/controller/deployment/util/deployment_util.go).

Pure functions over Deployment and ReplicaSet dicts: the maxSurge /
maxUnavailable fenceposts, ``NewRSNewReplicas``, proportional-scaling
fractions, revision and replica annotations, and the Deployment conditions
with their reasons.
"""

from __future__ import annotations

import math
from typing import Any

from kspec.memos import Bounded, per_scenario
from kspec.objects import Obj, clone, parse_timestamp, timestamp

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
ROLLBACK_TO = "deprecated.deployment.rollback.to"
#: DefaultDeploymentUniqueLabelKey
HASH_LABEL = "pod-template-hash"
#: annotationsToSkip: never copied from a Deployment to its ReplicaSets
SKIP_ANNOTATIONS = frozenset({LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS,
                              ROLLBACK_TO})
#: maxRevHistoryLengthInChars
MAX_REV_HISTORY_CHARS = 2000
MAX_INT32 = 2**31 - 1

# condition reasons (deployment_util.go)
NEW_RS_REASON = "NewReplicaSetCreated"
FOUND_NEW_RS_REASON = "FoundNewReplicaSet"
RS_UPDATED_REASON = "ReplicaSetUpdated"
NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable"
TIMED_OUT_REASON = "ProgressDeadlineExceeded"
PAUSED_REASON = "DeploymentPaused"
RESUMED_REASON = "DeploymentResumed"
MIN_AVAILABLE_REASON = "MinimumReplicasAvailable"
MIN_UNAVAILABLE_REASON = "MinimumReplicasUnavailable"
FAILED_RS_CREATE_REASON = "ReplicaSetCreateError"


# -- fenceposts ---------------------------------------------------------------------
def scaled_value(value: int | str | None, total: int, round_up: bool) -> int:
    """intstrutil.GetScaledValueFromIntOrPercent."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%"):
        return int(text)
    percent = int(text[:-1])
    exact = percent * total / 100
    return math.ceil(exact) if round_up else math.floor(exact)


def is_rolling(d: Obj) -> bool:
    return (d["spec"].get("strategy") or {}).get("type", "RollingUpdate") == "RollingUpdate"


def resolve_fenceposts(surge: int | str | None, unavailable: int | str | None, desired: int) -> tuple[int, int]:
    """ResolveFenceposts: surge rounds up, unavailable rounds down; both zero means unavailable 1."""
    s = scaled_value(surge if surge is not None else 0, desired, True)
    u = scaled_value(unavailable if unavailable is not None else 0, desired, False)
    if s == 0 and u == 0:
        u = 1
    return s, u


def _rolling(d: Obj) -> dict[str, Any]:
    return (d["spec"].get("strategy") or {}).get("rollingUpdate") or {}


def max_surge(d: Obj) -> int:
    """MaxSurge: 0 unless RollingUpdate."""
    if not is_rolling(d):
        return 0
    r = _rolling(d)
    return resolve_fenceposts(r.get("maxSurge"), r.get("maxUnavailable"), replicas(d))[0]


def max_unavailable(d: Obj) -> int:
    """MaxUnavailable: 0 unless RollingUpdate or when replicas is 0; capped at replicas."""
    n = replicas(d)
    if not is_rolling(d) or n == 0:
        return 0
    r = _rolling(d)
    return min(resolve_fenceposts(r.get("maxSurge"), r.get("maxUnavailable"), n)[1], n)


def min_available(d: Obj) -> int:
    """MinAvailable: 0 unless RollingUpdate."""
    return replicas(d) - max_unavailable(d) if is_rolling(d) else 0


def replicas(obj: Obj | None) -> int:
    if obj is None:
        return 0
    value = obj["spec"].get("replicas")
    return 1 if value is None else int(value)


def status_of(rs: Obj | None, field: str) -> int:
    return int((rs or {}).get("status", {}).get(field, 0) or 0)


def spec_total(sets: list[Obj]) -> int:
    """GetReplicaCountForReplicaSets."""
    return sum(replicas(rs) for rs in sets)


def actual_total(sets: list[Obj]) -> int:
    """GetActualReplicaCountForReplicaSets."""
    return sum(status_of(rs, "replicas") for rs in sets)


def terminating_total(sets: list[Obj]) -> int | None:
    """GetTerminatingReplicaCountForReplicaSets: None once a synced set does not report terminatingReplicas.

    A set the ReplicaSet controller has never synced (observedGeneration 0) counts for nothing.
    """
    total = 0
    for rs in sets:
        status = rs.get("status") or {}
        value = status.get("terminatingReplicas")
        if value is None and not status.get("observedGeneration"):
            continue
        if value is None:
            return None
        total += int(value)
    return total


def available_total(sets: list[Obj]) -> int:
    return sum(status_of(rs, "availableReplicas") for rs in sets)


def ready_total(sets: list[Obj]) -> int:
    return sum(status_of(rs, "readyReplicas") for rs in sets)


def new_rs_new_replicas(d: Obj, all_sets: list[Obj], new_rs: Obj) -> int:
    """NewRSNewReplicas: how far the new ReplicaSet may grow now."""
    if not is_rolling(d):
        return replicas(d)
    total_max = replicas(d) + max_surge(d)
    current = spec_total(all_sets)
    if current >= total_max:
        return replicas(new_rs)
    return replicas(new_rs) + min(total_max - current, replicas(d) - replicas(new_rs))


# -- ReplicaSet ordering and selection --------------------------------------------------
def created_ms(obj: Obj) -> int:
    return parse_timestamp(obj["metadata"]["creationTimestamp"])


def by_creation(sets: list[Obj]) -> list[Obj]:
    """ReplicaSetsByCreationTimestamp (name breaks ties)."""
    return sorted(sets, key=lambda rs: (created_ms(rs), rs["metadata"]["name"]))


def by_size_older(sets: list[Obj]) -> list[Obj]:
    """ReplicaSetsBySizeOlder: larger first, older first among equals."""
    return sorted(sets, key=lambda rs: (-replicas(rs), created_ms(rs), rs["metadata"]["name"]))


def by_size_newer(sets: list[Obj]) -> list[Obj]:
    """ReplicaSetsBySizeNewer: larger first; among equals ReplicaSetsByCreationTimestamp reversed (newer first,
    then the name that sorts last first)."""
    by_age = sorted(sets, key=lambda rs: (created_ms(rs), rs["metadata"]["name"]), reverse=True)
    return sorted(by_age, key=lambda rs: -replicas(rs))


def revision(obj: Obj | None) -> int:
    try:
        return int(((obj or {}).get("metadata", {}).get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def by_revision(sets: list[Obj]) -> list[Obj]:
    """ReplicaSetsByRevision: oldest revision first."""
    return sorted(sets, key=lambda rs: (revision(rs), created_ms(rs), rs["metadata"]["name"]))


def active(sets: list[Obj | None]) -> list[Obj]:
    """FilterActiveReplicaSets: sets with spec.replicas > 0."""
    return [rs for rs in sets if rs is not None and replicas(rs) > 0]


def strip_hash(template: Obj) -> Obj:
    labels = dict((template.get("metadata") or {}).get("labels") or {})
    labels.pop(HASH_LABEL, None)
    meta = dict(template.get("metadata") or {})
    if labels:
        meta["labels"] = labels
    else:
        meta.pop("labels", None)
    return {**template, "metadata": meta}


def _pruned(value: Any) -> Any:
    """The value without empty maps and lists: apimachinery's Semantic.DeepEqual holds nil and empty equal, and
    an empty struct (``resources: {}``, which kubectl rollout undo sends back) is the same as none."""
    if isinstance(value, dict):
        return {k: p for k, v in value.items() if (p := _pruned(v)) not in ({}, [])}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def equal_ignore_hash(a: Obj, b: Obj) -> bool:
    """EqualIgnoreHash: templates semantically equal but for the pod-template-hash label."""
    x, y = strip_hash(a), strip_hash(b)
    return x == y or _pruned(x) == _pruned(y)


#: a stored ReplicaSet's template without the hash label, and that pruned, by the set's uid with the template
#: itself (stored versions are read-only and a status write keeps the template object; another object is worked
#: out again): every sync of a Deployment compares its template with each of its sets', twice
_TEMPLATES: Bounded[str, tuple[Obj, Obj, Any]] = per_scenario(Bounded(20_000))


def _set_template(rs: Obj) -> tuple[Obj, Any]:
    """(strip_hash, _pruned of that) for the set's template; None for the pruned form when not remembered."""
    template = rs["spec"]["template"]
    md = rs["metadata"]
    uid = md.get("uid")
    if not md.get("resourceVersion") or not uid:
        return strip_hash(template), None
    known = _TEMPLATES.get(uid)
    if known is None or known[0] is not template:
        stripped = strip_hash(template)
        known = _TEMPLATES.remember(uid, (template, stripped, _pruned(stripped)))
    return known[1], known[2]


def find_new(d: Obj, sets: list[Obj]) -> Obj | None:
    """FindNewReplicaSet: the oldest set whose template matches the Deployment's (equal_ignore_hash, with the
    Deployment's side stripped and pruned once and the sets' remembered)."""
    want = strip_hash(d["spec"]["template"])
    uid = (d.get("metadata") or {}).get("uid") or ""
    known = _WANTED.get(uid) if uid else None
    want_pruned = known[1] if known is not None and known[0] == want else None
    for rs in by_creation(sets):
        have, have_pruned = _set_template(rs)
        if have == want:
            return rs
        if want_pruned is None:
            want_pruned = _pruned(want)
            if uid:
                _WANTED.remember(uid, (clone(want), want_pruned))
        if (_pruned(have) if have_pruned is None else have_pruned) == want_pruned:
            return rs
    return None


#: a Deployment's template (hash label stripped; a copy) and that pruned, by the Deployment's uid: every sync
#: asks up to four times, and the next sync mostly with the same template (an equal template is the test)
_WANTED: Bounded[str, tuple[Obj, Any]] = per_scenario(Bounded(20_000))


def find_old(d: Obj, sets: list[Obj]) -> tuple[list[Obj], list[Obj]]:
    """FindOldReplicaSets: (the old sets with pods wanted, every old set), the new set left out."""
    new = find_new(d, sets)
    old = [rs for rs in sets if new is None or rs is not new]
    return [rs for rs in old if replicas(rs) > 0], old


def find_active_or_latest(new_rs: Obj | None, old_sets: list[Obj]) -> Obj | None:
    """FindActiveOrLatest."""
    if new_rs is None and not old_sets:
        return None
    newest_first = list(reversed(by_creation(old_sets)))
    live = active([*newest_first, new_rs])
    if not live:
        return new_rs if new_rs is not None else newest_first[0]
    return live[0] if len(live) == 1 else None


def non_negative_int32_annotation(obj: Obj, key: str) -> tuple[int, bool, str | None]:
    """getNonNegativeInt32FromAnnotation: (value, valid, error) as strconv.ParseUint(v, 10, 32) reads it."""
    text = (obj["metadata"].get("annotations") or {}).get(key)
    if text is None:
        return 0, False, None
    if not text.isascii() or not text.isdigit():
        return 0, False, f'strconv.ParseUint: parsing "{text}": invalid syntax'
    value = int(text)
    if value > 2**32 - 1:
        return 0, False, f'strconv.ParseUint: parsing "{text}": value out of range'
    if value > 2**31 - 1:
        return 0, False, f"value {text} is out of range (higher than {2**31 - 1})"
    return value, True, None


def desired_annotation(rs: Obj) -> int | None:
    value, valid, _ = non_negative_int32_annotation(rs, DESIRED_REPLICAS)
    return value if valid else None


def is_saturated(d: Obj, rs: Obj | None) -> bool:
    """IsSaturated: the new set has, wants and makes available exactly spec.replicas."""
    if rs is None:
        return False
    want = replicas(d)
    return replicas(rs) == want and desired_annotation(rs) == want and status_of(rs, "availableReplicas") == want


def replica_set_proportion(rs: Obj, d: Obj, to_add: int, added: int) -> int:
    """GetReplicaSetProportion: the set's fraction, capped by what is left to add (or remove)."""
    if replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = replica_set_fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def replica_set_fraction(rs: Obj, d: Obj) -> int:
    """getReplicaSetFraction: the set's share of the new size, scaled by maxReplicas before the change.

    A missing, invalid or zero max-replicas annotation falls back to status.replicas; with that 0 too the
    set does not scale.
    """
    if replicas(d) == 0:
        return -replicas(rs)
    before, valid, _ = non_negative_int32_annotation(rs, MAX_REPLICAS)
    if not valid or before == 0:
        before = status_of(d, "replicas")
        if before == 0:
            return 0
    return _round_half_away(replicas(rs) * (replicas(d) + max_surge(d)) / before) - replicas(rs)


def _round_half_away(x: float) -> int:
    """integer.RoundToInt32 (math.Round)."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


# -- annotations ------------------------------------------------------------------------
def set_replicas_annotations(rs: Obj, desired: int, max_replicas: int) -> bool:
    """SetReplicasAnnotations."""
    ann = rs["metadata"].setdefault("annotations", {})
    changed = False
    for key, value in ((DESIRED_REPLICAS, str(desired)), (MAX_REPLICAS, str(max_replicas))):
        if ann.get(key) != value:
            ann[key] = value
            changed = True
    return changed


def replicas_annotations_need_update(rs: Obj, desired: int, max_replicas: int) -> bool:
    ann = rs["metadata"].get("annotations") or {}
    return ann.get(DESIRED_REPLICAS) != str(desired) or ann.get(MAX_REPLICAS) != str(max_replicas)


def copy_annotations(d: Obj, rs: Obj) -> bool:
    """copyDeploymentAnnotationsToReplicaSet."""
    ann = rs["metadata"].setdefault("annotations", {})
    changed = False
    for key, value in sorted((d["metadata"].get("annotations") or {}).items()):
        if key in SKIP_ANNOTATIONS or ann.get(key) == value:
            continue
        ann[key] = value
        changed = True
    return changed


def set_new_rs_annotations(d: Obj, rs: Obj, new_revision: int, exists: bool,
                           history_limit: int = MAX_REV_HISTORY_CHARS) -> bool:
    """SetNewReplicaSetAnnotations: copy annotations, raise the revision, keep the revision history."""
    changed = copy_annotations(d, rs)
    ann = rs["metadata"].setdefault("annotations", {})
    had = REVISION in ann
    old_text = ann.get(REVISION, "")
    try:
        old = int(old_text) if old_text else 0
    except ValueError:
        return False
    if old < new_revision:
        ann[REVISION] = str(new_revision)
        changed = True
        if had:
            history = ann.get(REVISION_HISTORY, "")
            parts = history.split(",") if history else []
            parts.append(old_text)
            while len(",".join(parts)) > history_limit and len(parts) > 1:
                parts.pop(0)
            ann[REVISION_HISTORY] = ",".join(parts)
    if not exists and set_replicas_annotations(rs, replicas(d), replicas(d) + max_surge(d)):
        changed = True
    return changed


# -- conditions -------------------------------------------------------------------------
def get_condition(status: dict[str, Any], ctype: str) -> dict[str, Any] | None:
    for cond in status.get("conditions") or []:
        if cond.get("type") == ctype:
            return cond
    return None


def new_condition(ctype: str, status: str, reason: str, message: str, now_ms: int) -> dict[str, Any]:
    ts = timestamp(now_ms)
    return {"type": ctype, "status": status, "lastUpdateTime": ts, "lastTransitionTime": ts,
            "reason": reason, "message": message}


def set_condition(status: dict[str, Any], cond: dict[str, Any]) -> None:
    """SetDeploymentCondition: same status and reason is a no-op; the transition time survives a same-status change."""
    current = get_condition(status, cond["type"])
    if current is not None and current["status"] == cond["status"] and current.get("reason") == cond["reason"]:
        return
    if current is not None and current["status"] == cond["status"]:
        cond = {**cond, "lastTransitionTime": current["lastTransitionTime"]}
    status["conditions"] = [*[c for c in status.get("conditions") or [] if c.get("type") != cond["type"]], cond]


def remove_condition(status: dict[str, Any], ctype: str) -> None:
    if "conditions" in status:
        status["conditions"] = [c for c in status["conditions"] if c.get("type") != ctype]


def has_progress_deadline(d: Obj) -> bool:
    """HasProgressDeadline: set and not MaxInt32."""
    value = d["spec"].get("progressDeadlineSeconds")
    return value is not None and value != 2**31 - 1


def deployment_complete(d: Obj, status: dict[str, Any]) -> bool:
    """DeploymentComplete."""
    n = replicas(d)
    return (status.get("updatedReplicas", 0) == n and status.get("replicas", 0) == n
            and status.get("availableReplicas", 0) == n
            and status.get("observedGeneration", 0) >= d["metadata"].get("generation", 0))


def deployment_progressing(d: Obj, new: dict[str, Any]) -> bool:
    """DeploymentProgressing: more updated, fewer old, more ready or more available than last time."""
    old = d.get("status") or {}
    old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
    new_old = new.get("replicas", 0) - new.get("updatedReplicas", 0)
    return (new.get("updatedReplicas", 0) > old.get("updatedReplicas", 0) or new_old < old_old
            or new.get("readyReplicas", 0) > old.get("readyReplicas", 0)
            or new.get("availableReplicas", 0) > old.get("availableReplicas", 0))


def deployment_timed_out(d: Obj, status: dict[str, Any], now_ms: int) -> bool:
    """DeploymentTimedOut: lastUpdateTime of Progressing plus the deadline is before now."""
    if not has_progress_deadline(d):
        return False
    cond = get_condition(status, "Progressing")
    if cond is None or cond.get("reason") == NEW_RS_AVAILABLE_REASON:
        return False
    if cond.get("reason") == TIMED_OUT_REASON:
        return True
    return parse_timestamp(cond["lastUpdateTime"]) + d["spec"]["progressDeadlineSeconds"] * 1000 < now_ms
