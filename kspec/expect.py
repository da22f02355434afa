"""State assertions over a cluster, each failing with what was expected and what is there.

``cluster.expect`` gives these to plain Python tests as well as to the steps.
Every method raises AssertionError (never returns False), so ``within`` can
retry any of them as time passes.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from typing import TYPE_CHECKING, Any

from kspec import printers
from kspec.api.kinds import resource_for
from kspec.arguments import COUNT, MAX_CONNECTIONS, between, checked_methods, rules
from kspec.connection import REACHED, REFUSED, TIMEOUT, Connection
from kspec.errors import StepError
from kspec.objects import Obj, get_condition
from kspec.podrefs import missing as _missing
from kspec.podrefs import show as _show_pods

if TYPE_CHECKING:
    from kspec.cluster import Cluster


def _names(text: str) -> list[str]:
    """``"a, b"`` -> ["a", "b"]; ``"none"`` -> []."""
    text = text.strip()
    return [] if text in ("", "none") else sorted(p.strip() for p in text.split(",") if p.strip())


def _fmt(names: list[str]) -> str:
    return ", ".join(names) if names else "none"


def outcomes(results: list[Connection]) -> str:
    """``12 reached pod web-1, 8 timed out``: what a set of connections did, in words."""
    counts = Counter(r.describe() for r in results)
    return ", ".join(f"{n} {'were ' + text[4:] if n > 1 and text.startswith('was ') else text}"
                     for text, n in sorted(counts.items()))


def parse_target(target: str) -> tuple[str, int]:
    """``host:port`` of a connection step (``[addr]:port`` for IPv6); a StepError, which ``within`` does not
    retry, for anything else: the step is miswritten, the cluster cannot make it hold."""
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise StepError(f'"{target}" is not host:port (a port from 1 to 65535)')
    return host.strip("[]"), int(port)


def _why(cond: Obj) -> str:
    """`` (reason: message)`` of a condition, without the parts it lacks: the node lifecycle controller's
    MarkPodsNotReady sets Ready to False and leaves both empty."""
    parts = [str(cond[k]) for k in ("reason", "message") if cond.get(k)]
    return f" ({': '.join(parts)})" if parts else ""


@checked_methods
class Expect:
    def __init__(self, cluster: Cluster) -> None:
        self.c = cluster

    # -- lookups --------------------------------------------------------------
    def _obj(self, kind: str, name: str, ns: str | None) -> Obj:
        self.c.start()
        found = self.c.api.try_get(kind, name, ns or "default")
        if found is None:
            where = f' in namespace "{ns or "default"}"' if resource_for(kind).namespaced else ""
            raise AssertionError(f'{resource_for(kind).singular} "{name}" does not exist{where}')
        return found

    def pod(self, name: str, ns: str | None = None) -> Obj:
        return self._obj("pods", name, ns)

    def _container_status(self, pod: Obj, container: str) -> dict[str, Any]:
        statuses = [*(pod.get("status", {}).get("initContainerStatuses") or []),
                    *(pod.get("status", {}).get("containerStatuses") or [])]
        for st in statuses:
            if st.get("name") == container:
                return st
        names = [c["name"] for c in [*(pod["spec"].get("initContainers") or []), *pod["spec"]["containers"]]]
        if container not in names:
            raise AssertionError(f'pod "{pod["metadata"]["name"]}" has no container "{container}" '
                                 f"(it has {', '.join(names)})")
        raise AssertionError(f'container "{container}" of pod "{pod["metadata"]["name"]}" has no status yet '
                             "(no kubelet has reported on it)")

    # -- pods ---------------------------------------------------------------------
    def pod_phase(self, name: str, phase: str, ns: str | None = None) -> None:
        actual = self.pod(name, ns).get("status", {}).get("phase", "")
        if actual != phase:
            raise AssertionError(f'pod "{name}" is {actual or "without a phase"}, expected {phase}')

    def pod_ready(self, name: str, ready: bool = True, ns: str | None = None) -> None:
        cond = get_condition(self.pod(name, ns), "Ready")
        is_ready = cond is not None and cond.get("status") == "True"
        if is_ready != ready:
            detail = _why(cond) if cond and not is_ready else ""
            raise AssertionError(f'pod "{name}" is {"ready" if is_ready else "not ready"}{detail}, '
                                 f'expected {"ready" if ready else "not ready"}')

    def pod_scheduled_to(self, name: str, node: str | None, ns: str | None = None) -> None:
        pod = self.pod(name, ns)
        actual = pod["spec"].get("nodeName")
        if node is None and actual:
            raise AssertionError(f'pod "{name}" is scheduled to node "{actual}", expected it not scheduled')
        if node is not None and actual != node:
            why = ""
            cond = get_condition(pod, "PodScheduled")
            if cond and cond.get("status") == "False":
                why = _why(cond)
            where = f'node "{actual}"' if actual else "no node"
            raise AssertionError(f'pod "{name}" is scheduled to {where}{why}, expected node "{node}"')

    def has_event(self, kind: str, name: str, reason: str, *, message: str | None = None,
                  containing: str | None = None, ns: str | None = None) -> None:
        events = self._events(kind, name, ns)
        same = [e for e in events if e.get("reason") == reason]
        if message is not None:
            hit = [e for e in same if e.get("message") == message]
        elif containing is not None:
            hit = [e for e in same if containing in e.get("message", "")]
        else:
            hit = same
        if not hit:
            seen = "\n".join(f"  {e.get('type')} {e.get('reason')}: {e.get('message')}" for e in events) or \
                "  (no events)"
            wanted = f'"{reason}"' + (f' with message "{message}"' if message is not None else "") + (
                f' with message containing "{containing}"' if containing is not None else "")
            raise AssertionError(f'{resource_for(kind).singular} "{name}" has no event {wanted}; its events:\n'
                                 f"{seen}{self._gone(kind, name, ns)}")

    def _events(self, kind: str, name: str, ns: str | None) -> list[Obj]:
        """Events about any object of that kind and name, deleted ones included (events outlive objects)."""
        self.c.start()
        kind_ = resource_for(kind)
        return self.c.events.for_object(kind_.kind, name, (ns or "default") if kind_.namespaced else "default")

    def _gone(self, kind: str, name: str, ns: str | None) -> str:
        kind_ = resource_for(kind)
        if self.c.api.try_get(kind_.resource, name, ns or "default") is not None:
            return ""
        where = f' in namespace "{ns or "default"}"' if kind_.namespaced else ""
        return f'\n  ({kind_.singular} "{name}" does not exist{where} now)'

    def has_no_event(self, kind: str, name: str, reason: str, ns: str | None = None) -> None:
        """No event with that reason was recorded about the object (nor about a deleted one of that name)."""
        hits = [e for e in self._events(kind, name, ns) if e.get("reason") == reason]
        if hits:
            seen = "\n".join(f"  {e.get('type')} {e.get('reason')}: {e.get('message')}"
                             + (f" (x{e['count']})" if e.get("count", 1) > 1 else "") for e in hits)
            raise AssertionError(f'{resource_for(kind).singular} "{name}" has event "{reason}", expected none:\n'
                                 f"{seen}")

    def qos_class(self, name: str, qos: str, ns: str | None = None) -> None:
        if qos not in ("Guaranteed", "Burstable", "BestEffort"):  # core/v1 PodQOSClass: no waiting makes another
            raise StepError(f'a QoS class is "Guaranteed", "Burstable" or "BestEffort", not "{qos}"')
        actual = self.pod(name, ns).get("status", {}).get("qosClass", "")
        if actual != qos:
            raise AssertionError(f'pod "{name}" has QoS class {actual or "(none)"}, expected {qos}')

    def container_state(self, pod: str, container: str, state: str, reason: str | None = None,
                        ns: str | None = None) -> None:
        st = self._container_status(self.pod(pod, ns), container)
        states = st.get("state", {})
        actual = next(iter(states), "unknown")
        actual_reason = (states.get(actual) or {}).get("reason", "")
        if actual != state or (reason is not None and actual_reason != reason):
            want = state + (f" with reason {reason}" if reason else "")
            got = actual + (f" with reason {actual_reason}" if actual_reason else "")
            raise AssertionError(f'container "{container}" of pod "{pod}" is {got}, expected {want}')

    @rules(n=COUNT)
    def restarts(self, pod: str, container: str, n: int, ns: str | None = None) -> None:
        actual = self._container_status(self.pod(pod, ns), container).get("restartCount", 0)
        if actual != n:
            raise AssertionError(f'container "{container}" of pod "{pod}" has restarted {actual} times, '
                                 f"expected {n}")

    def exists(self, kind: str, name: str, ns: str | None = None, present: bool = True) -> None:
        self.c.start()
        found = self.c.api.try_get(kind, name, ns or "default")
        if present and found is None:
            self._obj(kind, name, ns)
        if not present and found is not None:
            md = found["metadata"]
            extra = " (terminating)" if md.get("deletionTimestamp") else ""
            raise AssertionError(f'{resource_for(kind).singular} "{name}" exists{extra}, expected it gone')

    @rules(n=COUNT)
    def pod_count(self, selector: str, n: int, *, running: bool = False, ns: str | None = None) -> None:
        pods = self.c.api.list("pods", ns or "default", selector)
        if running:
            pods = [p for p in pods if p.get("status", {}).get("phase") == "Running"]
        if len(pods) != n:
            names = [p["metadata"]["name"] for p in pods]
            raise AssertionError(f'there are {len(pods)} {"running " if running else ""}pods labeled "{selector}" '
                                 f"({_fmt(names)}), expected {n}")

    def environment(self, pod: str, name: str, value: str, ns: str | None = None) -> None:
        env = self.c.pod_environment(pod, ns or "default")
        if name not in env:
            similar = sorted(k for k in env if k.split("_")[0] == name.split("_")[0])
            raise AssertionError(f'pod "{pod}" has no environment variable {name}'
                                 + (f" (it has {', '.join(similar)})" if similar else ""))
        if env[name] != value:
            raise AssertionError(f'pod "{pod}" has {name}={env[name]!r}, expected {value!r}')

    def no_environment(self, pod: str, name: str, ns: str | None = None) -> None:
        env = self.c.pod_environment(pod, ns or "default")
        if name in env:
            raise AssertionError(f'pod "{pod}" has environment variable {name}={env[name]!r}, expected none')

    # -- any object: conditions and fields -----------------------------------------------
    def condition_status(self, kind: str, name: str, ctype: str, status: str | None, ns: str | None = None) -> None:
        """``status.conditions`` has ``ctype`` with that status (True, False, Unknown); None: no such condition."""
        if status is not None and status not in ("True", "False", "Unknown"):
            raise StepError(f'a condition status is "True", "False" or "Unknown", not "{status}"')
        obj = self._obj(kind, name, ns)
        singular = resource_for(kind).singular
        cond = get_condition(obj, ctype)
        if status is None:
            if cond is not None:
                why = f" ({cond.get('reason', '')}: {cond.get('message', '')})" if cond.get("reason") else ""
                raise AssertionError(f'{singular} "{name}" has condition "{ctype}" with status '
                                     f'"{cond.get("status")}"{why}, expected no such condition')
            return
        if cond is None:
            have = ", ".join(f'{c.get("type")}={c.get("status")}'
                             for c in obj.get("status", {}).get("conditions") or []) or "none"
            raise AssertionError(f'{singular} "{name}" has no condition "{ctype}" (its conditions: {have}), '
                                 f'expected one with status "{status}"')
        if cond.get("status") != status:
            why = f" ({cond.get('reason', '')}: {cond.get('message', '')})" if cond.get("reason") else ""
            raise AssertionError(f'{singular} "{name}" has condition "{ctype}" with status "{cond.get("status")}"'
                                 f'{why}, expected "{status}"')

    def field(self, path: str, kind: str, name: str, value: str, ns: str | None = None) -> None:
        """``kubectl get KIND NAME -o jsonpath=PATH`` prints exactly ``value`` ("" for an empty result)."""
        from kspec import jsonpath  # only for this step: its eleven node classes cost every run 3 ms to import

        template = jsonpath.relaxed(path)
        try:
            nodes = jsonpath.parse(template)
        except jsonpath.JSONPathSyntaxError as exc:
            raise StepError(f"error parsing jsonpath {template}, {exc}") from None
        obj = self._obj(kind, name, ns)
        try:
            got = jsonpath.execute(nodes, obj)
        except jsonpath.JSONPathEvalError as exc:
            raise AssertionError(f'error executing jsonpath "{template}" on {resource_for(kind).singular} '
                                 f'"{name}": {exc}') from None
        if got != value:
            shown = f'"{got}"' if got else "empty"
            want = f'"{value}"' if value else "empty"
            raise AssertionError(f'the field "{path}" of {resource_for(kind).singular} "{name}" is {shown}, '
                                 f"expected {want}")

    # -- workloads ----------------------------------------------------------------
    def _deployment(self, name: str, ns: str | None) -> Obj:
        self.c.require("deployment-controller", "Deployment controller")
        return self._obj("deployments", name, ns)

    @rules(n=COUNT)
    def deployment_ready_replicas(self, name: str, n: int, ns: str | None = None) -> None:
        actual = self._deployment(name, ns).get("status", {}).get("readyReplicas", 0)
        if actual != n:
            raise AssertionError(f'deployment "{name}" has {actual} ready replicas, expected {n}')

    def rolled_out(self, name: str, ns: str | None = None) -> None:
        """kubectl's DeploymentStatusViewer.Status, success only."""
        d = self._deployment(name, ns)
        st, spec = d.get("status", {}), d["spec"]
        replicas = spec.get("replicas", 1)
        if d["metadata"].get("generation", 0) > st.get("observedGeneration", 0):
            raise AssertionError("Waiting for deployment spec update to be observed...")
        cond = get_condition(d, "Progressing")
        if cond is not None and cond.get("reason") == "ProgressDeadlineExceeded":
            raise AssertionError(f'deployment "{name}" exceeded its progress deadline')
        updated, total, available = (st.get("updatedReplicas", 0), st.get("replicas", 0),
                                     st.get("availableReplicas", 0))
        waiting = f'Waiting for deployment "{name}" rollout to finish: '
        if updated < replicas:
            raise AssertionError(f"{waiting}{updated} out of {replicas} new replicas have been updated...")
        if total > updated:
            raise AssertionError(f"{waiting}{total - updated} old replicas are pending termination...")
        if available < updated:
            raise AssertionError(f"{waiting}{available} of {updated} updated replicas are available...")

    @rules(revision=COUNT)
    def revision(self, name: str, revision: int, ns: str | None = None) -> None:
        actual = self._deployment(name, ns)["metadata"].get("annotations", {}).get(
            "deployment.kubernetes.io/revision", "")
        if actual != str(revision):
            raise AssertionError(f'deployment "{name}" is at revision {actual or "(none)"}, expected {revision}')

    @rules(n=COUNT)
    def rollout_max_pods(self, name: str, n: int, ns: str | None = None) -> None:
        most, _least = self.c.require("deployment-controller").rollout_bounds(ns or "default", name)
        if most > n:
            raise AssertionError(f'during the rollout of deployment "{name}" there were {most} pods, '
                                 f"expected never more than {n}")

    @rules(n=COUNT)
    def rollout_min_available(self, name: str, n: int, ns: str | None = None) -> None:
        _most, least = self.c.require("deployment-controller").rollout_bounds(ns or "default", name)
        if least < n:
            raise AssertionError(f'during the rollout of deployment "{name}" only {least} pods were available, '
                                 f"expected never fewer than {n}")

    # -- services -------------------------------------------------------------------
    def cluster_ip_in(self, svc: str, cidr: str, ns: str | None = None) -> None:
        ip = self._obj("services", svc, ns)["spec"].get("clusterIP", "")
        if ip in ("", "None") or ipaddress.ip_address(ip) not in ipaddress.ip_network(cidr):
            raise AssertionError(f'service "{svc}" has cluster IP {ip or "(none)"}, expected one in {cidr}')

    def no_cluster_ip(self, svc: str, ns: str | None = None) -> None:
        ip = self._obj("services", svc, ns)["spec"].get("clusterIP", "")
        if ip not in ("", "None"):
            raise AssertionError(f'service "{svc}" has cluster IP {ip}, expected none (headless)')

    @rules(low=between(0, 65535), high=between(0, 65535))
    def node_port_in(self, svc: str, low: int, high: int, ns: str | None = None) -> None:
        ports = [p.get("nodePort") for p in self._obj("services", svc, ns)["spec"].get("ports") or []]
        if not ports or not all(p is not None and low <= p <= high for p in ports):
            raise AssertionError(f'service "{svc}" has node ports {ports}, expected each in {low}-{high}')

    def endpoints(self, svc: str, pods: str, *, ready: bool, ns: str | None = None) -> None:
        self.c.require("endpoints-controller", "Endpoints controller")
        self._obj("services", svc, ns)
        ep = self.c.api.try_get("endpoints", svc, ns or "default") or {}
        field = "addresses" if ready else "notReadyAddresses"
        here = ns or "default"
        actual = sorted({(a.get("targetRef", {}).get("namespace") or here,
                          a.get("targetRef", {}).get("name", a.get("ip", "")))
                         for subset in ep.get("subsets") or [] for a in subset.get(field) or []})
        want = self.c.pod_list(pods, here)
        if actual != want:
            kind = "endpoints" if ready else "not-ready endpoints"
            raise AssertionError(f'the {kind} of service "{svc}" are pods {_show_pods(actual, here)}, '
                                 f"expected {self._wanted(pods, want, here)}{_missing(self.c.api, want)}")

    @staticmethod
    def _wanted(text: str, pods: list[tuple[str, str]], ns: str) -> str:
        """A pod list as written, with what it stands for when it names workloads or namespaces."""
        shown = _show_pods(pods, ns)
        return shown if text.strip() == shown or ", ".join(_names(text)) == shown else f"{text.strip()} ({shown})"

    def _pod_ips(self, pods: str, ns: str | None) -> dict[tuple[str, str], str]:
        return {(p_ns, p): self.pod(p, p_ns).get("status", {}).get("podIP", "")
                for p_ns, p in self.c.pod_list(pods, ns or "default")}

    def _service_namespace(self, name: str, pod_ns: str | None) -> str | None:
        """The namespace a looked-up name points into: ``svc.ns[...]`` names one, a bare name the pod's own."""
        labels = name.split(".")
        if len(labels) >= 2 and self.c.api.try_get("namespaces", labels[1], "") is not None:
            return labels[1]
        return pod_ns

    def resolves_to_service(self, pod: str, name: str, svc: str, ns: str | None = None) -> None:
        ip = self._obj("services", svc, self._service_namespace(name, ns))["spec"].get("clusterIP")
        got = self.c.resolve(pod, name, ns or "default")
        if got != [ip]:
            raise AssertionError(f'from pod "{pod}", "{name}" resolves to {_fmt(got)}, expected the cluster IP '
                                 f'of service "{svc}" ({ip})')

    def resolves_to_pods(self, pod: str, name: str, pods: str, ns: str | None = None) -> None:
        want = sorted(self._pod_ips(pods, ns).values())
        got = sorted(self.c.resolve(pod, name, ns or "default"))
        if got != want:
            raise AssertionError(f'from pod "{pod}", "{name}" resolves to {_fmt(got)}, expected the IPs of '
                                 f"pods {pods} ({_fmt(want)})")

    def does_not_resolve(self, pod: str, name: str, ns: str | None = None) -> None:
        got = self.c.resolve(pod, name, ns or "default")
        if got:
            raise AssertionError(f'from pod "{pod}", "{name}" resolves to {_fmt(got)}, expected NXDOMAIN')

    def dns_records(self, rtype: str, name: str, values: str) -> None:
        want = sorted(v.strip() for v in values.split(",") if v.strip()) if values.strip() != "none" else []
        got = sorted(self.c.dns_records(rtype, name))
        if got != want:
            raise AssertionError(f'the DNS {rtype} records of "{name}" are {_fmt(got)}, expected {_fmt(want)}')

    def connection_reaches(self, pod: str, target: str, pods: str, ns: str | None = None) -> None:
        conn = self.c.connection(pod, *parse_target(target), ns or "default")
        want = self.c.pod_list(pods, ns or "default")
        if conn.outcome != REACHED or conn.pod not in {name for _, name in want}:
            raise AssertionError(f'a connection from pod "{pod}" to "{target}" {conn.describe()}, '
                                 f"expected one of pods {pods}{_missing(self.c.api, want)}")

    def connection_refused(self, pod: str, target: str, ns: str | None = None) -> None:
        conn = self.c.connection(pod, *parse_target(target), ns or "default")
        if conn.outcome != REFUSED:
            raise AssertionError(f'a connection from pod "{pod}" to "{target}" {conn.describe()}, expected it refused')

    def connection_times_out(self, pod: str, target: str, ns: str | None = None) -> None:
        conn = self.c.connection(pod, *parse_target(target), ns or "default")
        if conn.outcome != TIMEOUT:
            raise AssertionError(f'a connection from pod "{pod}" to "{target}" {conn.describe()}, expected it to '
                                 "time out")

    @rules(count=between(1, MAX_CONNECTIONS, "connections per step"))
    def connections_spread(self, count: int, pod: str, target: str, pods: str, ns: str | None = None) -> None:
        host, port = parse_target(target)
        results = [self.c.connection(pod, host, port, ns or "default") for _ in range(count)]
        got = sorted({r.pod for r in results if r.outcome == REACHED and r.pod})
        listed = self.c.pod_list(pods, ns or "default")
        want = sorted({name for _, name in listed})
        if got != want or any(r.outcome != REACHED for r in results):
            raise AssertionError(f'of {count} connections from pod "{pod}" to "{target}", {outcomes(results)}; '
                                 f"expected them to reach every one of pods {_fmt(want)}{_missing(self.c.api, listed)}")

    # -- etcd -----------------------------------------------------------------------
    def etcd_leader(self, present: bool, member: str | None = None) -> None:
        """From each answering member's own view (``EtcdStore.leader_views``), as ``endpoint status`` shows."""
        views = self.c.etcd.leader_views()
        named = sorted({lead for lead in views.values() if lead is not None})
        shown = ", ".join(f"{m}: {lead or 'no leader'}" for m, lead in views.items()) or "no member answers"
        if present and not named:
            raise AssertionError(f"etcd has no leader, expected one ({shown})")
        if not present and named:
            raise AssertionError(f"etcd member {named[0]} is the leader, expected no leader ({shown})")
        if member is not None and named != [member]:
            raise AssertionError(f"etcd member {member} is not the leader, expected it to be ({shown})")

    def api_writes(self, message: str | None) -> None:
        error = self.c.probe_write()
        if message is None and error is not None:
            raise AssertionError(f"a write to the API failed with {error!r}, expected it to succeed")
        if message is not None and (error is None or message not in error):
            got = "succeeded" if error is None else f"failed with {error!r}"
            raise AssertionError(f'a write to the API {got}, expected it to fail with "{message}"')

    # -- tables ---------------------------------------------------------------------
    def kubectl_table(self, resource: str, table: list[list[str]], ns: str | None = None) -> None:
        """Rows of ``kubectl get`` compared by NAME in the columns the table names."""
        self.c.start()
        header, *rows = table
        canonical = printers.canonical_resource(resource.split()[0])
        wide = "-o wide" in resource or "-owide" in resource
        kind = resource_for(canonical)
        objs = self.c.api.list(canonical, (ns or "default") if kind.namespaced else None)
        now = printers_now(self.c)
        head, cells = printers.table(canonical, objs, now, wide=True)
        shown = {row[0]: dict(zip(head, row, strict=False)) for row in cells}
        problems = []
        for row in rows:
            want = dict(zip(header, row, strict=False))
            name = want.get("NAME", row[0])
            got = shown.get(name)
            if got is None:
                problems.append(f'no row named "{name}"')
                continue
            for col, value in want.items():
                if col == "AGE":
                    continue
                if col not in got:
                    problems.append(f'kubectl get {canonical}{" -o wide" if wide else ""} has no column {col}')
                    continue
                actual = got[col].split(" (")[0] if col == "RESTARTS" else got[col]
                if actual != value:
                    problems.append(f"{name}: {col} is {got[col]!r}, expected {value!r}")
        if problems:
            rendered = printers.render(head, cells)
            raise AssertionError("kubectl get " + resource + " differs:\n  " + "\n  ".join(problems) +
                                 "\n\n" + rendered)


def printers_now(cluster: Cluster) -> Any:
    from datetime import timedelta

    from kspec.objects import EPOCH

    return EPOCH + timedelta(milliseconds=cluster.clock.now)


