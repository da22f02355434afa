"""Kubernetes REST over the simulated API server: discovery, CRUD, patch, Table, watch registration.

Everything here runs on the simulation thread (kspec/serve/http.py hands each request over), so it may
call the APIServer and read the store freely. Responses are JSON bytes; errors are metav1.Status with the
messages the steps see.
"""

from __future__ import annotations

import json
import queue
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from kspec import printers
from kspec.api.kinds import KINDS, Kind
from kspec.api.server import LAST_APPLIED
from kspec.errors import ApiError, KspecError
from kspec.labels import Selector
from kspec.objects import EPOCH, Obj
from kspec.serve.patches import json_patch, merge_patch, strategic_merge_patch

if TYPE_CHECKING:
    from kspec.cluster import Cluster

#: the version /version reports: the Kubernetes release whose behaviour kspec follows
SERVER_VERSION = {"major": "1", "minor": "35", "gitVersion": "v1.35.0-kspec", "gitCommit": "kspec",
                  "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.24",
                  "compiler": "gc", "platform": "linux/amd64"}
_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
_SCALABLE = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"})
# the "all" category (kubectl get all): what upstream's REST storages list in Categories()
# (ReplicationControllers left out: kspec stores none, and listing them fails)
_ALL = frozenset({"Pod", "Service", "DaemonSet", "Deployment", "ReplicaSet",
                  "StatefulSet", "HorizontalPodAutoscaler", "Job", "CronJob"})
_REVIEWS = frozenset({"SubjectAccessReview", "SelfSubjectAccessReview", "LocalSubjectAccessReview"})
#: pod subresources that stream a container's process, which a simulated container does not have
_STREAMS = frozenset({"exec", "attach", "portforward"})


@dataclass
class Response:
    code: int
    body: bytes
    content_type: str = "application/json"


@dataclass
class Watch:
    """A registered watch: events arrive as JSON lines on ``events``; ``None`` ends it."""

    events: queue.Queue[bytes | None] = field(default_factory=queue.Queue)
    timeout_s: float = 300.0
    handler: Any = None


def _json(code: int, doc: Any) -> Response:
    return Response(code, json.dumps(doc, separators=(",", ":")).encode())


def status(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> Response:
    """metav1.Status as the apiserver writes it for an error."""
    doc: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                           "message": message, "reason": reason, "code": code}
    if details:
        doc["details"] = details
    return _json(code, doc)


def _group_versions() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k in KINDS:
        for v in (k.version, *k.extra_versions):
            versions = out.setdefault(k.group, [])
            if v not in versions:
                versions.append(v)
    return out


def _kinds_in(group: str, version: str) -> list[Kind]:
    return [k for k in KINDS if k.group == group and version in (k.version, *k.extra_versions)]


def _resource_list(group: str, version: str) -> dict[str, Any]:
    resources = []
    for k in _kinds_in(group, version):
        resources.append({"name": k.resource, "singularName": k.singular, "namespaced": k.namespaced,
                          "kind": k.kind, "verbs": ["create"] if k.kind in _REVIEWS else _VERBS,
                          "shortNames": list(k.short_names), **({"categories": ["all"]} if k.kind in _ALL else {})})
        if k.kind in _SCALABLE:
            resources.append({"name": f"{k.resource}/scale", "singularName": "", "namespaced": True, "kind": "Scale",
                              "group": "autoscaling", "version": "v1", "verbs": ["get", "patch", "update"]})
        if k.kind == "Pod":
            resources += [{"name": "pods/eviction", "singularName": "", "namespaced": True, "kind": "Eviction",
                           "group": "policy", "version": "v1", "verbs": ["create"]},
                          {"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]}]
        if k.kind not in _REVIEWS:
            resources.append({"name": f"{k.resource}/status", "singularName": "", "namespaced": k.namespaced,
                              "kind": k.kind, "verbs": ["get", "patch", "update"]})
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": f"{group}/{version}" if group else version, "resources": resources}


def _group(name: str, versions: list[str]) -> dict[str, Any]:
    gvs = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": gvs, "preferredVersion": gvs[0]}


def _field_value(obj: Obj, path: str) -> str:
    cur: Any = obj
    for part in path.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    return "" if cur is None else str(cur)


def field_matches(obj: Obj, selector: str) -> bool:
    """fieldSelector: comma-separated ``path=value``, ``path==value``, ``path!=value`` on the object."""
    for term in filter(None, selector.split(",")):
        if "!=" in term:
            path, value = term.split("!=", 1)
            if _field_value(obj, path) == value:
                return False
        else:
            path, value = term.replace("==", "=").split("=", 1)
            if _field_value(obj, path) != value:
                return False
    return True


class Rest:
    """One cluster's REST surface; ``handle`` answers a request or opens a watch."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.api = cluster.api
        self.watches: list[Watch] = []

    # -- entry ----------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: str, accept: str, content_type: str,
               body: bytes) -> Response | Watch:
        try:
            return self._route(method, path.rstrip("/") or "/", parse_qs(query), accept, content_type, body)
        except ApiError as exc:
            details = {"causes": exc.causes} if exc.causes else None
            return status(exc.code, exc.reason, exc.message, details)
        except KspecError as exc:
            return status(500, "InternalError", str(exc))
        except (ValueError, KeyError, TypeError) as exc:
            return status(400, "BadRequest", f"{type(exc).__name__}: {exc}")

    def _route(self, method: str, path: str, q: dict[str, list[str]], accept: str, ctype: str,
               body: bytes) -> Response | Watch:
        if body and "protobuf" in ctype and method != "DELETE":
            # kspec speaks JSON only: kubectl's typed generators (`kubectl create namespace X`) send protobuf
            # and fail; `kubectl create -f` and `apply` send JSON
            return status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                                                       "accepted media types include: application/json")
        parts = path.strip("/").split("/")
        if path == "/version":
            return _json(200, SERVER_VERSION)
        if path in ("/healthz", "/readyz", "/livez"):
            return Response(200, b"ok", "text/plain")
        if path == "/openapi/v2":
            # an empty OpenAPI v2 document (protobuf with no fields): kubectl 1.37 accepts it and validates
            # nothing on the client; a 404 makes `kubectl apply` fail unless --validate=false
            return Response(200, b"", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
        if path.startswith("/openapi"):
            # no v3: kubectl falls back to v2
            return status(404, "NotFound", "the server could not find the requested resource")
        if path == "/api":
            return _json(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})
        if path == "/apis":
            groups = [_group(g, vs) for g, vs in _group_versions().items() if g] + self._metrics_groups()
            return _json(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        if parts[0] == "apis" and len(parts) >= 2 and parts[1] == "metrics.k8s.io" and self._metrics_groups():
            return self._metrics(method, parts[2:], q)
        if parts[0] == "kspec" and len(parts) == 2 and parts[1] == "advance" and method == "POST":
            return self._advance(q)
        if parts[0] == "api" and len(parts) >= 2:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[0] == "apis" and len(parts) >= 2:
            if len(parts) == 2:
                versions = _group_versions().get(parts[1])
                if not versions:
                    return status(404, "NotFound", "the server could not find the requested resource")
                return _json(200, {"kind": "APIGroup", "apiVersion": "v1", **_group(parts[1], versions)})
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return status(404, "NotFound", "the server could not find the requested resource")
        kinds = {k.resource: k for k in _kinds_in(group, version)}
        if not kinds:
            return status(404, "NotFound", "the server could not find the requested resource")
        if not rest:
            return _json(200, _resource_list(group, version))
        namespace: str | None = None
        if rest[0] == "namespaces" and len(rest) >= 3 and rest[2] in kinds:
            namespace, rest = rest[1], rest[2:]
        kind = kinds.get(rest[0])
        if kind is None or len(rest) > 3:
            return status(404, "NotFound", "the server could not find the requested resource")
        name = rest[1] if len(rest) >= 2 else ""
        sub = rest[2] if len(rest) == 3 else ""
        if kind.namespaced and name and namespace is None:
            return status(404, "NotFound", "the server could not find the requested resource")
        return self._resource(method, kind, namespace, name, sub, q, accept, ctype, body)

    # -- resources ------------------------------------------------------------------------------------
    def _resource(self, method: str, kind: Kind, namespace: str | None, name: str, sub: str,
                  q: dict[str, list[str]], accept: str, ctype: str, body: bytes) -> Response | Watch:
        ns = namespace or ""
        one = q.get
        dry_run = "All" in one("dryRun", [])
        if sub == "log" and method == "GET" and kind.kind == "Pod":
            return self._pod_log(ns, name, q)
        if sub in _STREAMS and kind.kind == "Pod":
            return self._no_stream(ns, name, sub)
        if sub == "eviction" and method == "POST" and kind.kind == "Pod":
            from kspec.api.eviction import evict
            self.api.get(kind.resource, name, ns)
            if not dry_run:
                evict(self.api, ns, name)
            return _json(201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                               "code": 201})
        if sub == "scale" and kind.kind in _SCALABLE:
            return self._scale(method, kind, ns, name, ctype, body)
        if method == "GET" and not name:
            if one("watch", ["0"])[0] in ("1", "true"):
                return self._watch(kind, namespace, q, accept)
            return self._list(kind, namespace, q, accept)
        if method == "GET":
            obj = self.api.get(kind.resource, name, ns)
            return self._object(200, obj, kind, accept, q)
        if method == "POST" and not name:
            obj = self._body(body, kind)
            md = obj.setdefault("metadata", {})
            if kind.namespaced:
                if md.get("namespace") and md["namespace"] != ns:
                    return status(400, "BadRequest", "the namespace of the provided object does not match "
                                                     "the namespace sent on the request")
                md["namespace"] = ns
            created = self.api.create(obj, dry_run=dry_run)
            return self._object(201, created, kind, accept, q)
        if method == "PUT" and name:
            obj = self._body(body, kind)
            if kind.namespaced:
                obj.setdefault("metadata", {}).setdefault("namespace", ns)
            updated = self.api.update(obj, status=sub == "status")
            return self._object(200, updated, kind, accept, q)
        if method == "PATCH" and name:
            return self._patch(kind, ns, name, sub, ctype, body, accept, q, dry_run)
        if method == "DELETE" and name:
            # DeleteOptions: JSON is read; a protobuf body (client-go's typed clients, kubectl drain) is not
            # decoded, and the defaults apply
            opts = json.loads(body) if body.strip() and "json" in ctype else {}
            grace = opts.get("gracePeriodSeconds")
            if "gracePeriodSeconds" in q:
                grace = int(one("gracePeriodSeconds")[0])
            propagation = opts.get("propagationPolicy") or one("propagationPolicy", ["Background"])[0]
            live = self.api.get(kind.resource, name, ns)
            left = self.api.delete(kind.resource, name, ns, grace_period_seconds=grace, propagation=propagation)
            return self._object(200, left if left is not None else live, kind, accept, q)
        return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")

    def _metrics_groups(self) -> list[dict[str, Any]]:
        """metrics.k8s.io in /apis once the cluster has simulated metrics (kspec/serve/metrics_api.py)."""
        from kspec.serve import metrics_api
        return [metrics_api.group()] if metrics_api.available(self.cluster) else []

    def _metrics(self, method: str, rest: list[str], q: dict[str, list[str]]) -> Response:
        """metrics.k8s.io/v1beta1, what kubectl top reads."""
        from kspec.serve import metrics_api
        if method != "GET":
            return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        if not rest:
            return _json(200, {"kind": "APIGroup", "apiVersion": "v1", **metrics_api.group()})
        if rest[0] != metrics_api.VERSION:
            return status(404, "NotFound", "the server could not find the requested resource")
        return _json(200, metrics_api.get(self.cluster, rest[1:], q))

    def _no_stream(self, ns: str, name: str, sub: str) -> Response:
        """exec, attach, port-forward: the simulated containers run no processes to reach; said plainly."""
        self.api.get("pods", name, ns)
        return status(400, "BadRequest", f"pods/{sub} is not supported by kspec serve: the simulated containers run "
                                         f"no processes (kubectl logs shows what they print)")

    def _pod_log(self, ns: str, name: str, q: dict[str, list[str]]) -> Response | Watch:
        """pods/log: what the simulated containers printed (kspec/serve/logs.py); ``follow`` streams the lines
        of a running container as the virtual clock reaches them, until that run ends or the pod goes."""
        from kspec.serve.logs import pod_log
        pod = self.api.get("pods", name, ns)
        log = pod_log(self.cluster, pod, q)
        if q.get("follow", ["false"])[0] not in ("true", "1") or not log.container_id:
            return Response(200, log.body, "text/plain")
        stream = Watch(timeout_s=1800.0)
        if log.body:
            stream.events.put(log.body)
        clock = self.cluster.clock
        for at, line in log.later:
            clock.call_at(at, lambda line=line: stream.events.put(line), label=f"pod {name} prints")
        uid = pod["metadata"].get("uid")

        def still_running(new: Obj) -> bool:
            st = new.get("status") or {}
            statuses = [*(st.get("containerStatuses") or []), *(st.get("initContainerStatuses") or [])]
            mine = next((s for s in statuses if s.get("name") == log.container), {})
            return mine.get("containerID") == log.container_id and "running" in (mine.get("state") or {})

        def on_update(old: Obj, new: Obj) -> None:
            if new["metadata"].get("uid") == uid and not still_running(new):
                stream.events.put(None)  # the run ended: the kubelet's follow ends with it

        def on_delete(obj: Obj) -> None:
            if obj["metadata"].get("uid") == uid:
                stream.events.put(None)
        stream.handler = self.api.informers.on("pods", None, on_update, on_delete)
        self.watches.append(stream)
        return stream

    def _body(self, body: bytes, kind: Kind) -> Obj:
        """The request's object; apiVersion and kind default to the endpoint's, as the apiserver's decoder does."""
        try:
            doc = json.loads(body or b"{}")
        except json.JSONDecodeError as exc:
            raise ApiError(400, "BadRequest", f"the body of the request was in an unknown format: {exc}") from None
        if not isinstance(doc, dict):
            raise ApiError(400, "BadRequest", "the body of the request must be an object")
        if not doc.get("apiVersion") and not doc.get("kind"):
            doc = {"apiVersion": kind.api_version, "kind": kind.kind, **doc}
        return doc

    def _patch(self, kind: Kind, ns: str, name: str, sub: str, ctype: str, body: bytes, accept: str,
               q: dict[str, list[str]], dry_run: bool) -> Response:
        patch = json.loads(body or b"null")
        ctype = ctype.split(";")[0].strip()
        if ctype == "application/strategic-merge-patch+json" and not sub and isinstance(patch, dict):
            applied = (patch.get("metadata") or {}).get("annotations", {}).get(LAST_APPLIED)
            if applied:
                # kubectl apply: the patch carries the new manifest; kspec's apply does kubectl's three-way merge
                manifest = json.loads(applied)
                if kind.namespaced:
                    manifest.setdefault("metadata", {}).setdefault("namespace", ns)
                return self._object(200, self.api.apply(manifest, dry_run=dry_run), kind, accept, q)
        if ctype == "application/json-patch+json":
            def fn(doc: Any) -> Any:
                return json_patch(doc, patch)
        elif ctype == "application/merge-patch+json":
            def fn(doc: Any) -> Any:
                return merge_patch(doc, patch)
        elif ctype == "application/strategic-merge-patch+json":
            def fn(doc: Any) -> Any:
                return strategic_merge_patch(doc, patch)
        else:
            return status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                                                        "accepted media types include: application/json-patch+json, "
                                                        "application/merge-patch+json, "
                                                        "application/strategic-merge-patch+json")

        def mutate(obj: Obj) -> None:
            new = fn(obj)
            if not isinstance(new, dict):
                raise ApiError(422, "Invalid", "the patch does not leave an object")
            obj.clear()
            obj.update(new)
        out = self.api.patch(kind.resource, name, ns, mutate, status=sub == "status")
        return self._object(200, out, kind, accept, q)

    def _scale(self, method: str, kind: Kind, ns: str, name: str, ctype: str, body: bytes) -> Response:
        """The scale subresource (autoscaling/v1 Scale): what kubectl scale reads and patches."""
        def scale_of(obj: Obj) -> dict[str, Any]:
            md = obj["metadata"]
            labels = ((obj.get("spec") or {}).get("selector") or {})
            labels = labels.get("matchLabels", labels) if isinstance(labels, dict) else {}
            return {"kind": "Scale", "apiVersion": "autoscaling/v1",
                    "metadata": {k: md[k] for k in ("name", "namespace", "uid", "resourceVersion",
                                                    "creationTimestamp") if k in md},
                    "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 1)},
                    "status": {"replicas": (obj.get("status") or {}).get("replicas", 0),
                               "selector": ",".join(f"{k}={v}" for k, v in sorted(labels.items()))}}
        live = self.api.get(kind.resource, name, ns)
        if method == "GET":
            return _json(200, scale_of(live))
        if method not in ("PUT", "PATCH"):
            return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        current = scale_of(live)
        patch = json.loads(body or b"null")
        kind_of = ctype.split(";")[0].strip()
        wanted = patch if method == "PUT" else json_patch(current, patch) \
            if kind_of == "application/json-patch+json" else merge_patch(current, patch)
        replicas = int((wanted.get("spec") or {}).get("replicas", 0))

        def set_replicas(obj: Obj) -> None:
            obj.setdefault("spec", {})["replicas"] = replicas
        out = self.api.patch(kind.resource, name, ns, set_replicas, subresource="scale")
        return _json(200, scale_of(out))

    def _advance(self, q: dict[str, list[str]]) -> Response:
        ms = int(q.get("ms", ["1000"])[0])
        self.cluster.clock.run_for(ms)
        return _json(200, {"now": self.cluster.clock.now})

    # -- reads ----------------------------------------------------------------------------------------
    def _select(self, kind: Kind, namespace: str | None, q: dict[str, list[str]]) -> list[Obj]:
        label = q.get("labelSelector", [""])[0]
        items = self.api.list(kind.resource, namespace if kind.namespaced else None, label or None)
        fields = q.get("fieldSelector", [""])[0]
        return [o for o in items if field_matches(o, fields)] if fields else items

    def _rv(self) -> str:
        return str(getattr(self.cluster.store, "revision", 0))

    def _list(self, kind: Kind, namespace: str | None, q: dict[str, list[str]], accept: str) -> Response:
        items = self._select(kind, namespace, q)
        if _wants_table(accept):
            return _json(200, self._table(kind, items, q, all_namespaces=namespace is None))
        return _json(200, {"kind": f"{kind.kind}List", "apiVersion": kind.api_version,
                           "metadata": {"resourceVersion": self._rv()}, "items": [_typed(o, kind) for o in items]})

    def _object(self, code: int, obj: Obj, kind: Kind, accept: str, q: dict[str, list[str]]) -> Response:
        if _wants_table(accept):
            return _json(code, self._table(kind, [obj], q))
        return _json(code, _typed(obj, kind))

    def _table(self, kind: Kind, items: list[Obj], q: dict[str, list[str]], *,
               all_namespaces: bool = False) -> dict[str, Any]:
        """The server-side Table (meta.k8s.io/v1) kubectl prints, from kspec/printers.py."""
        now = EPOCH + timedelta(milliseconds=self.cluster.clock.now)
        try:
            narrow, _ = printers.table(kind.resource, items, now)
            headers, rows = printers.table(kind.resource, items, now, wide=True)
        except (KeyError, ValueError):
            # a kind kspec/printers.py does not print: DefaultTableConvertor's Name and Created At
            narrow = headers = ["NAME", "CREATED AT"]
            rows = [[o["metadata"].get("name", ""), o["metadata"].get("creationTimestamp", "")] for o in items]
        columns = [{"name": h, "type": "string", "format": "name" if h == "NAME" else "", "description": "",
                    "priority": 0 if h in narrow else 1} for h in headers]
        include = q.get("includeObject", ["Metadata"])[0]
        out_rows = []
        for obj, cells in zip(items, rows, strict=True):
            row: dict[str, Any] = {"cells": cells}
            if include == "Object":
                row["object"] = _typed(obj, kind)
            elif include != "None":
                row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                 "metadata": obj.get("metadata", {})}
            out_rows.append(row)
        return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": self._rv()},
                "columnDefinitions": columns, "rows": out_rows}

    # -- watch ----------------------------------------------------------------------------------------
    def _watch(self, kind: Kind, namespace: str | None, q: dict[str, list[str]], accept: str) -> Watch:
        """Register a watch; events are encoded here, on the simulation thread, and sent by the HTTP thread."""
        label = q.get("labelSelector", [""])[0]
        sel = Selector.parse(label) if label else None
        fields = q.get("fieldSelector", [""])[0]
        table = _wants_table(accept)
        watch = Watch(timeout_s=min(float(q.get("timeoutSeconds", ["300"])[0]), 1800.0))

        def wanted(obj: Obj) -> bool:
            md = obj.get("metadata", {})
            if kind.namespaced and namespace is not None and md.get("namespace") != namespace:
                return False
            if sel is not None and not sel.matches(md.get("labels")):
                return False
            return not fields or field_matches(obj, fields)

        def send(etype: str, obj: Obj) -> None:
            doc = self._table(kind, [obj], q) if table else _typed(obj, kind)
            watch.events.put(json.dumps({"type": etype, "object": doc}, separators=(",", ":")).encode() + b"\n")

        def on_update(old: Obj, new: Obj) -> None:
            if wanted(new):
                send("MODIFIED", new)
            elif wanted(old):
                send("DELETED", new)  # it left the selection (watch filtering in the cacher)

        watch.handler = self.api.informers.on(kind.resource, lambda o: wanted(o) and send("ADDED", o), on_update,
                                              lambda o: wanted(o) and send("DELETED", o))
        rv = q.get("resourceVersion", [""])[0]
        initial = q.get("sendInitialEvents", ["false"])[0] == "true"
        if initial or rv in ("", "0"):
            for obj in self._select(kind, namespace, q):
                send("ADDED", obj)
        if initial or q.get("allowWatchBookmarks", ["false"])[0] == "true":
            mark: dict[str, Any] = {"kind": kind.kind, "apiVersion": kind.api_version,
                                    "metadata": {"resourceVersion": self._rv()}}
            if initial:
                mark["metadata"]["annotations"] = {"k8s.io/initial-events-end": "true"}
            watch.events.put(json.dumps({"type": "BOOKMARK", "object": mark}).encode() + b"\n")
        self.watches.append(watch)
        return watch

    def stop_watch(self, watch: Watch) -> None:
        if watch in self.watches:
            self.watches.remove(watch)
            self.api.informers.remove(watch.handler)


def _wants_table(accept: str) -> bool:
    return "as=Table" in accept


def _typed(obj: Obj, kind: Kind) -> Obj:
    """The object with its apiVersion and kind set, as the apiserver encodes it."""
    if obj.get("kind") == kind.kind and obj.get("apiVersion"):
        return obj
    return {"apiVersion": kind.api_version, "kind": kind.kind, **obj}
