"""Who acted under which Lease: a write recorder on the replicated control plane, and the invariant "one
scheduler (or controller manager) acting per lease" that reads it.

The recorder only observes (``ReplicatedComponent.recorder``): for every write a replica's process makes it
notes whether that replica was running and leading, and what the Lease held in the store said at that
virtual instant (holder and expiry, read from the applied state, which no request changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kspec.explore.steps import Step
from kspec.leaderelection import LEASE_NAMESPACE
from kspec.objects import parse_timestamp

if TYPE_CHECKING:
    from kspec.explore.invariants import Tracker, Violation
    from kspec.leaderelection import Replica, ReplicatedComponent


@dataclass(frozen=True)
class Write:
    """One write of a replica's process, and the Lease as the store held it then."""

    at: int
    component: str
    replica: str
    identity: str
    verb: str
    what: str
    #: the replica ran and its elector believed it led (only such a replica's process may act)
    acting: bool
    holder: str
    valid_until: int
    #: the pod a binding placed (namespace, name), for the assertion a written feature ends with
    pod: tuple[str, str] | None = None
    #: the replicas of the component that believed they led, each with a lease it believed valid, at that instant
    leaders: tuple[str, ...] = ()


def _describe(verb: str, args: tuple[Any, ...], result: Any) -> tuple[str, tuple[str, str] | None]:
    if verb == "bind":
        return f"bound pod {args[0]}/{args[1]} to {args[2]}", (str(args[0]), str(args[1]))
    if isinstance(result, dict) and "metadata" in result:
        md = result["metadata"]
        where = f"{md['namespace']}/{md.get('name', '')}" if md.get("namespace") else md.get("name", "")
        return f"{verb} {result.get('kind', '')} {where}", None
    return f"{verb} {' '.join(str(a) for a in args[:3] if isinstance(a, str))}", None


def _lease(cluster: Any, group: ReplicatedComponent) -> tuple[str, int]:
    """The Lease's holder and the instant its record expires, from the store's applied state."""
    lease = cluster.store.get("leases", LEASE_NAMESPACE, group.lease)
    spec = (lease or {}).get("spec") or {}
    renew = spec.get("renewTime")
    until = parse_timestamp(renew) + int(spec.get("leaseDurationSeconds") or 0) * 1000 if renew else 0
    return str(spec.get("holderIdentity") or ""), until


def install(cluster: Any, tracker: Tracker) -> None:
    """Record every write of the replicated components' processes into ``tracker.writes``."""
    for group in getattr(cluster, "replicated", {}).values():
        def record(replica: Replica, verb: str, args: tuple[Any, ...], result: Any,
                   group: ReplicatedComponent = group) -> None:
            holder, until = _lease(cluster, group)
            what, pod = _describe(verb, args, result)
            identity = replica.elector.identity if replica.elector is not None else ""
            now = cluster.clock.now
            tracker.writes.append(Write(now, group.word, replica.name, identity, verb, what, replica.leading, holder,
                                        until, pod, _leaders(group, now)))
        group.recorder = record


def _leaders(group: ReplicatedComponent, now: int) -> tuple[str, ...]:
    return tuple(r.name for r in group.replicas if r.leading and r.elector is not None and r.elector._lease_valid(now))


def _then(cluster: Any, group: ReplicatedComponent, w: Write) -> Step | None:
    """A contract assertion a correct cluster passes and this one fails: a pod bound while no scheduler led
    (and none leads now) is not scheduled yet."""
    if w.pod is None or group.leader() is not None or w.pod[0] != "default":
        return None
    return Step("then", f'pod "{w.pod[1]}" is not scheduled')


def one_actor_per_lease(c: Any, t: Tracker) -> Violation | None:
    """Every write of a replicated scheduler or controller manager since the last check came from the replica
    that led and held the component's Lease at that instant (client-go leaderelection's guarantee), and no two
    replicas believe they lead with valid leases at once."""
    from kspec.explore.invariants import Violation

    groups = getattr(c, "replicated", None) or {}
    writes, t.writes[:] = list(t.writes), []
    for w in writes:
        group = groups[w.component]
        when = f"at t={w.at / 1000:g}s"
        if not w.acting:
            return Violation("one-actor-per-lease", f'{w.component} "{w.replica}" {w.what} {when} but it did not '
                             "lead (stopped or lost its Lease)", _then(c, group, w))
        if w.holder != w.identity or w.at >= w.valid_until:
            held = (f"{w.holder}, valid until t={w.valid_until / 1000:g}s" if w.holder else "nobody")
            return Violation("one-actor-per-lease", f'{w.component} "{w.replica}" {w.what} {when} while the Lease '
                             f"{LEASE_NAMESPACE}/{group.lease} was held by {held}", _then(c, group, w))
        if len(w.leaders) > 1:
            return _two_lead(w.component, w.leaders, w.at)
    now = c.clock.now if groups else 0
    for word, group in sorted(groups.items()):
        leading = _leaders(group, now)
        if len(leading) > 1:
            return _two_lead(word, leading, now)
    return None


def _two_lead(word: str, leading: tuple[str, ...], at: int) -> Violation:
    from kspec.explore.invariants import Violation

    return Violation("one-actor-per-lease", f"{word}s {', '.join(leading)} all lead at t={at / 1000:g}s, each with "
                     "a lease it believes valid")
