"""Kubernetes REST over the simulated API server: discovery, CRUD, patch, Table, watch registration.

Everything here runs on the simulation thread (kspec/serve/http.py hands each request over), so it may
call the APIServer and read the store freely. Responses are JSON bytes; errors are metav1.Status with the
messages the steps see.
"""

from __future__ import annotations

import json
import queue
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from kspec import printers
from kspec.api.eviction import evict
from kspec.api.kinds import KINDS, Kind
from kspec.api.server import LAST_APPLIED
from kspec.api.watchhistory import HistoryEvent, history_of
from kspec.auth.tokens import request_token
from kspec.errors import ApiError, KspecError
from kspec.labels import Selector
from kspec.objects import EPOCH, Obj, timestamp
from kspec.serve import apply as ssa
from kspec.serve import discovery, fieldvalidation, metrics_api, openapi, protobuf
from kspec.serve.impersonation import impersonated
from kspec.serve.logs import pod_log
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
#: the cacher's bookmarkFrequency: a watch that allows bookmarks gets one a minute
BOOKMARK_FREQUENCY_MS = 60_000
_REVIEWS = frozenset({"SubjectAccessReview", "SelfSubjectAccessReview", "LocalSubjectAccessReview",
                      "SelfSubjectRulesReview", "SelfSubjectReview"})

# the TokenRequest subresource discovery lists under serviceaccounts
_TOKEN_RESOURCE = {"name": "serviceaccounts/token", "singularName": "", "namespaced": True,
                   "group": "authentication.k8s.io", "version": "v1", "kind": "TokenRequest", "verbs": ["create"]}
#: pod subresources that stream a container's process, which a simulated container does not have
_STREAMS = frozenset({"exec", "attach", "portforward"})


@dataclass
class Response:
    code: int
    body: bytes
    content_type: str = "application/json"
    warnings: tuple[str, ...] = ()  # sent as ``Warning: 299 - "..."`` headers; kubectl prints them


@dataclass
class Watch:
    """A registered watch: events arrive as JSON lines on ``events``; ``None`` ends it."""

    events: queue.Queue[bytes | None] = field(default_factory=queue.Queue)
    timeout_s: float = 300.0
    handler: Any = None
    bookmarks: Any = None  # the periodic bookmark timer of a watch that allows them


def _json(code: int, doc: Any) -> Response:
    return Response(code, json.dumps(doc, separators=(",", ":")).encode())


def status(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> Response:
    """metav1.Status as the apiserver writes it for an error."""
    doc: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                           "message": message, "reason": reason, "code": code}
    if details:
        doc["details"] = details
    return _json(code, doc)


def status_details(exc: ApiError) -> dict[str, Any]:
    """metav1.StatusDetails of an error: its name, group and kind (omitted when empty) and causes."""
    details: dict[str, Any] = {k: v for k, v in (exc.details or {}).items() if v}
    if exc.causes:
        details["causes"] = exc.causes
    return details


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
    if group == metrics_api.GROUP:
        return metrics_api.resource_list()
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
        if k.kind == "ServiceAccount":
            resources.append(_TOKEN_RESOURCE)
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
        self._warnings: list[str] = []  # the request's warnings (fieldValidation=Warn's unknown fields)

    # -- entry ----------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: str, accept: str, content_type: str,
               body: bytes, headers: Iterable[tuple[str, str]] = ()) -> Response | Watch:
        history_of(self.api)  # the watch cache's history runs from the first request: watches resume from it
        self._warnings = []
        self.api.warnings = []
        previous = self.api.user
        try:
            self.api.user = impersonated(headers) or previous  # kubectl --as: Impersonate-User/-Group headers
            out = self._route(method, path.rstrip("/") or "/", parse_qs(query), accept, content_type, body)
            if method in ("POST", "PUT", "PATCH"):
                self._warnings += self.api.warnings  # admission's warnings (PodSecurity's warn mode)
            if isinstance(out, Response) and self._warnings:
                out.warnings = tuple(self._warnings)
            return out
        except protobuf.ProtobufError as exc:
            return status(400, "BadRequest", str(exc))  # the apiserver's decode error: NewBadRequest(err.Error())
        except ApiError as exc:
            return status(exc.code, exc.reason, exc.message, status_details(exc) or None)
        except KspecError as exc:
            return status(500, "InternalError", str(exc))
        except (ValueError, KeyError, TypeError) as exc:
            return status(400, "BadRequest", f"{type(exc).__name__}: {exc}")
        finally:
            self.api.user = previous

    def _route(self, method: str, path: str, q: dict[str, list[str]], accept: str, ctype: str,
               body: bytes) -> Response | Watch:
        parts = path.strip("/").split("/")
        if path == "/version":
            return _json(200, SERVER_VERSION)
        if path in ("/healthz", "/readyz", "/livez"):
            return Response(200, b"ok", "text/plain")
        if path == "/openapi/v2" and "protobuf" in accept:
            # an empty OpenAPI v2 document (protobuf with no fields): kubectl 1.37 accepts it and validates
            # nothing on the client; a 404 makes `kubectl apply` fail unless --validate=false
            return Response(200, b"", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")
        if path == "/openapi/v2":
            return Response(200, openapi.v2_document(), "application/json")
        if path == "/openapi/v3" or path.startswith("/openapi/v3/"):
            return self._openapi_v3(path)
        if path.startswith("/openapi"):
            return status(404, "NotFound", "the server could not find the requested resource")
        if path in ("/api", "/apis") and method == "GET" and discovery.wanted_version(accept):
            return self._aggregated_discovery(path, accept)
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
        ctype, body = protobuf.to_json(ctype, body)  # kubectl's typed clients send protobuf (a served path: 404 first)
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
            self.api.get(kind.resource, name, ns)
            eviction = json.loads(body) if body.strip() else {}
            if (eviction.get("metadata") or {}).get("name", name) != name:
                # pkg/registry/core/pod/storage/eviction.go: EvictionREST.Create
                return status(400, "BadRequest", "name in URL does not match name in Eviction object")
            options = eviction.get("deleteOptions") or {}
            if not dry_run and "All" not in (options.get("dryRun") or []):
                evict(self.api, ns, name, options.get("gracePeriodSeconds"))
            return _json(201, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                               "code": 201})
        if sub == "token" and kind.kind == "ServiceAccount":
            return self._token(method, ns, name, body)
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
            obj = self._validate_fields(obj, q)
            self._record_manager(None, obj, kind, q)
            created = self.api.create(obj, dry_run=dry_run)
            return self._object(201, created, kind, accept, q)
        if method == "PUT" and name:
            obj = self._body(body, kind)
            if kind.namespaced:
                obj.setdefault("metadata", {}).setdefault("namespace", ns)
            obj = self._validate_fields(obj, q)
            if sub != "status":
                self._record_manager(self.api.try_get(kind.resource, name, ns), obj, kind, q)
            updated = self.api.update(obj, status=sub == "status")
            return self._object(200, updated, kind, accept, q)
        if method == "PATCH" and name:
            return self._patch(kind, ns, name, sub, ctype, body, accept, q, dry_run)
        if method == "DELETE" and name:
            # DeleteOptions (a protobuf body arrives here decoded to JSON)
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
        return [metrics_api.group()] if metrics_api.available(self.cluster) else []

    def _metrics(self, method: str, rest: list[str], q: dict[str, list[str]]) -> Response:
        """metrics.k8s.io/v1beta1, what kubectl top reads."""
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
        ctype = ctype.split(";")[0].strip()
        ssa.check_patch_options(ctype == "application/apply-patch+yaml", q.get("fieldManager", [""])[0],
                                q.get("force", [""])[0])
        if ctype == "application/apply-patch+yaml" and not sub:
            return self._server_side_apply(kind, ns, name, body, accept, q, dry_run)
        patch = json.loads(body or b"null")
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
                                                        "application/strategic-merge-patch+json, "
                                                        "application/apply-patch+yaml")

        def mutate(obj: Obj) -> None:
            new = fn(obj)
            if not isinstance(new, dict):
                raise ApiError(422, "Invalid", "the patch does not leave an object")
            new = self._validate_fields(new, q)
            self._record_manager(obj, new, kind, q)
            obj.clear()
            obj.update(new)
        out = self.api.patch(kind.resource, name, ns, mutate, status=sub == "status")
        return self._object(200, out, kind, accept, q)

    def _validate_fields(self, obj: Obj, q: dict[str, list[str]]) -> Obj:
        """fieldValidation (kspec/serve/fieldvalidation.py): unknown fields dropped unless Strict."""
        out, warnings = fieldvalidation.drop_unknown(obj, q)
        self._warnings += warnings
        return out

    def _record_manager(self, old: Obj | None, new: Obj, kind: Kind, q: dict[str, list[str]]) -> None:
        """A non-apply write naming a ``fieldManager``: its Update entry in managedFields (kspec/serve/apply.py)."""
        manager = q.get("fieldManager", [""])[0]
        if manager:
            ssa.record_update(old, new, manager, api_version=new.get("apiVersion") or kind.api_version,
                              now=timestamp(self.cluster.clock.now))

    def _server_side_apply(self, kind: Kind, ns: str, name: str, body: bytes, accept: str,
                           q: dict[str, list[str]], dry_run: bool) -> Response:
        """PATCH with ``application/apply-patch+yaml``: create or merge with field ownership (apply.py)."""
        applied = ssa.parse_applied(body)
        applied.setdefault("apiVersion", kind.api_version)
        applied.setdefault("kind", kind.kind)
        applied = self._validate_fields(applied, q)
        md = applied.setdefault("metadata", {})
        if md.get("name") not in (None, name):
            raise ApiError(400, "BadRequest", f"the name of the object ({md['name']}) does not match the name on "
                                              f"the URL ({name})")
        md["name"] = name
        if kind.namespaced:
            md["namespace"] = ns
        manager, force = q["fieldManager"][0], _flag(q.get("force", ["false"])[0])
        now = timestamp(self.cluster.clock.now)
        live = self.api.try_get(kind.resource, name, ns)
        if live is None:
            new = ssa.apply(None, applied, manager, force=force, api_version=applied["apiVersion"], now=now)
            return self._object(201, self.api.create(new, dry_run=dry_run), kind, accept, q)
        if dry_run:
            new = ssa.apply(live, applied, manager, force=force, api_version=applied["apiVersion"], now=now)
            return self._object(200, new, kind, accept, q)

        def mutate(obj: Obj) -> None:
            new = ssa.apply(obj, applied, manager, force=force, api_version=applied["apiVersion"], now=now)
            obj.clear()
            obj.update(new)
        return self._object(200, self.api.patch(kind.resource, name, ns, mutate), kind, accept, q)

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

    def _openapi_v3(self, path: str) -> Response:
        """``/openapi/v3`` and its group-version documents (kspec/serve/openapi.py)."""
        body = openapi.document(path.removeprefix("/openapi/v3").strip("/"))
        if body is None:
            return status(404, "NotFound", "the server could not find the requested resource")
        return Response(200, body, "application/json")

    def _aggregated_discovery(self, path: str, accept: str) -> Response:
        """``/api`` or ``/apis`` as an APIGroupDiscoveryList (kspec/serve/discovery.py)."""
        version = discovery.wanted_version(accept) or "v2"
        groups = _group_versions()
        if self._metrics_groups():  # an aggregated API (metrics-server's) is listed beside the built-in groups
            groups[metrics_api.GROUP] = [metrics_api.VERSION]
        doc = discovery.group_discovery_list(version, groups, path == "/api", _resource_list)
        return Response(200, json.dumps(doc, separators=(",", ":")).encode(), discovery.content_type(version))

    def _token(self, method: str, ns: str, name: str, body: bytes) -> Response:
        """serviceaccounts/token (kubectl create token): a TokenRequest answered by kspec/auth/tokens.py."""
        if method != "POST":
            return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        request = self._body(body, Kind("authentication.k8s.io", "v1", "TokenRequest", "tokenrequests", True))
        return _json(201, request_token(self.api, ns, name, request))

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
        """Register a watch; events are encoded here, on the simulation thread, and sent by the HTTP thread.

        As the cacher does (``Cacher.Watch``): ``resourceVersion`` ``""``/``"0"`` starts with the current state
        as ADDED events; ``N`` replays the history's events after N; ``sendInitialEvents=true`` (WatchList)
        sends the state, then a BOOKMARK annotated ``k8s.io/initial-events-end``. An expired N is a watch whose
        only event is an ERROR with the 410 Status, as upstream's errWatcher sends it.
        """
        _check_watch_options(q)
        history = history_of(self.api)
        label = q.get("labelSelector", [""])[0]
        sel = Selector.parse(label) if label else None
        fields = q.get("fieldSelector", [""])[0]
        table = _wants_table(accept)
        watch = Watch(timeout_s=min(float(q.get("timeoutSeconds", ["300"])[0]), 1800.0))

        def wanted(obj: Obj | None) -> bool:
            if obj is None:
                return False
            md = obj.get("metadata", {})
            if kind.namespaced and namespace is not None and md.get("namespace") != namespace:
                return False
            if sel is not None and not sel.matches(md.get("labels")):
                return False
            return not fields or field_matches(obj, fields)

        def send(etype: str, obj: Obj) -> None:
            doc = self._table(kind, [obj], q) if table else _typed(obj, kind)
            watch.events.put(json.dumps({"type": etype, "object": doc}, separators=(",", ":")).encode() + b"\n")

        def on_event(event: HistoryEvent) -> None:
            try:
                deliver(event)
            except Exception as exc:  # noqa: BLE001 - runs inside a commit: end this watch, never the write
                doc = json.loads(status(500, "InternalError", f"{type(exc).__name__}: {exc}").body)
                watch.events.put(json.dumps({"type": "ERROR", "object": doc}).encode() + b"\n")
                watch.events.put(None)
                history.forget(kind.resource, on_event)

        def deliver(event: HistoryEvent) -> None:
            if event.type != "MODIFIED":
                if wanted(event.obj):
                    send(event.type, event.obj)
            elif wanted(event.obj):
                send("ADDED" if not wanted(event.old) else "MODIFIED", event.obj)
            elif wanted(event.old):
                send("DELETED", event.obj)  # it left the selection (watch filtering in the cacher)

        rv = q.get("resourceVersion", [""])[0]
        initial_flag = q.get("sendInitialEvents", [""])[0]
        bookmarks = _flag(q.get("allowWatchBookmarks", ["false"])[0])
        current = int(self._rv())
        if initial_flag == "" and rv in ("", "0") or _flag(initial_flag):
            for obj in self._select(kind, namespace, q):
                send("ADDED", obj)
            if _flag(initial_flag) and bookmarks:
                mark: dict[str, Any] = {"kind": kind.kind, "apiVersion": kind.api_version,
                                        "metadata": {"resourceVersion": str(current),
                                                     "annotations": {"k8s.io/initial-events-end": "true"}}}
                watch.events.put(json.dumps({"type": "BOOKMARK", "object": mark}).encode() + b"\n")
        elif rv not in ("", "0"):
            try:
                since = _parse_rv(rv)
                if since > current:
                    # waitUntilFreshAndBlock: kspec commits synchronously, so a future revision never comes
                    raise ApiError(504, "Timeout", f"Too large resource version: {since}, current: {current}",
                                   causes=[{"reason": "ResourceVersionTooLarge",
                                            "message": "Too large resource version"}])
                backlog = history.since(kind.resource, since)
            except ApiError as exc:
                details = status_details(exc)
                if exc.code == 504:
                    details["retryAfterSeconds"] = 1
                doc = json.loads(status(exc.code, exc.reason, exc.message, details or None).body)
                watch.events.put(json.dumps({"type": "ERROR", "object": doc}).encode() + b"\n")
                watch.events.put(None)
                return watch
            for event in backlog:
                on_event(event)
        history.listen(kind.resource, on_event)
        watch.handler = (kind.resource, on_event)
        if bookmarks:
            watch.bookmarks = self.cluster.clock.call_every(
                BOOKMARK_FREQUENCY_MS, lambda: self._bookmark(watch, kind), label="kube-apiserver watch bookmark")
        self.watches.append(watch)
        return watch

    def _bookmark(self, watch: Watch, kind: Kind) -> None:
        """The cacher's periodic BOOKMARK: the revision the watch has seen up to, so it resumes from there."""
        mark = {"kind": kind.kind, "apiVersion": kind.api_version, "metadata": {"resourceVersion": self._rv()}}
        watch.events.put(json.dumps({"type": "BOOKMARK", "object": mark}, separators=(",", ":")).encode() + b"\n")

    def stop_watch(self, watch: Watch) -> None:
        if watch in self.watches:
            self.watches.remove(watch)
            history_of(self.api).forget(*watch.handler)
            if watch.bookmarks is not None:
                watch.bookmarks.cancel()


def warning_header(text: str) -> str:
    """A Warning header's value as kube-apiserver writes it (``299 - "text"``, quotes escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'299 - "{escaped}"'


def _flag(value: str) -> bool:
    """A boolean query parameter as strconv.ParseBool reads it."""
    return value in ("1", "t", "T", "true", "TRUE", "True")


def _parse_rv(rv: str) -> int:
    # APIObjectVersioner.ParseResourceVersion
    if not rv.isdigit():
        raise ApiError(400, "BadRequest", f'invalid resource version "{rv}"')
    return int(rv)


def _check_watch_options(q: dict[str, list[str]]) -> None:
    """validateWatchOptions (apimachinery internalversion/validation): 422 on a ListOptions the watch refuses."""
    initial = q.get("sendInitialEvents", [""])[0]
    match = q.get("resourceVersionMatch", [""])[0]
    errors: list[tuple[str, str, str]] = []  # (field, reason, message)
    if initial and match != "NotOlderThan":
        errors.append(("resourceVersionMatch", "FieldValueForbidden",
                       "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
    if match:
        if not initial:
            errors.append(("resourceVersionMatch", "FieldValueForbidden",
                           "Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is "
                           "provided"))
        if match != "NotOlderThan":
            errors.append(("resourceVersionMatch", "FieldValueNotSupported",
                           f'Unsupported value: "{match}": supported values: "NotOlderThan"'))
        if q.get("continue", [""])[0]:
            errors.append(("resourceVersionMatch", "FieldValueForbidden",
                           "Forbidden: resourceVersionMatch is forbidden when continue is provided"))
    if errors:
        texts = [f"{f}: {m}" for f, _, m in errors]
        listed = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
        raise ApiError(422, "Invalid", f'ListOptions.meta.k8s.io "" is invalid: {listed}',
                       causes=[{"reason": r, "message": m, "field": f} for f, r, m in errors])


def _wants_table(accept: str) -> bool:
    return "as=Table" in accept


def _typed(obj: Obj, kind: Kind) -> Obj:
    """The object with its apiVersion and kind set, as the apiserver encodes it."""
    if obj.get("kind") == kind.kind and obj.get("apiVersion"):
        return obj
    return {"apiVersion": kind.api_version, "kind": kind.kind, **obj}
