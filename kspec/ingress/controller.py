"""The built-in ``ingress`` implementation "nginx", modelled on ingress-nginx's documented behaviour.

What it serves: the IngressClasses whose ``spec.controller`` is ``k8s.io/ingress-nginx``, and the Ingresses of
those classes (``spec.ingressClassName``, or the legacy ``kubernetes.io/ingress.class`` annotation). An Ingress
without a class is served when one of its classes is marked default (annotation
``ingressclass.kubernetes.io/is-default-class: "true"``); the API's DefaultIngressClass admission already
gives new Ingresses that class. Ingresses of any other class are left alone: they get no address.

Like a kind cluster, nothing is installed until a spec applies a served IngressClass; then the controller's
own Service ``ingress-nginx/ingress-nginx-controller`` (type LoadBalancer, ports http 80 and https 443)
appears, the ``loadbalancer`` implementation gives it an address, and ingress-nginx's status sync
(``--publish-service``) copies that address to ``status.loadBalancer.ingress`` of every served Ingress.

The data path (``request``): a request reaching that address picks a server by host (nginx server_name
order: exact, wildcard, then the catch-all server of rules without a host), a location by path (see
kspec/ingress/paths.py), and sends the request to one ready endpoint of the backend Service, read from its
EndpointSlices as ingress-nginx does (it bypasses the cluster IP and kube-proxy). No match: the server's
default backend (the Ingress's ``spec.defaultBackend``, else the controller's, which answers 404). A backend
Service that is missing or has no ready endpoint: 503. TLS: ``http`` to a host named in a ``tls`` entry is
answered with a 308 redirect to https (ssl-redirect, on by default); ``https`` to a host no TLS entry names is
still routed, with ingress-nginx's "Kubernetes Ingress Controller Fake Certificate" (as ``curl -k`` sees it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kspec.controllers.base import Controller
from kspec.errors import ApiError
from kspec.ingress.paths import best_host, best_path, host_matches
from kspec.objects import Obj

if TYPE_CHECKING:
    from kspec.cluster import Cluster

NAME = "nginx"
CONTROLLER = "k8s.io/ingress-nginx"
NAMESPACE = "ingress-nginx"
SERVICE = "ingress-nginx-controller"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
LABELS = {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": "ingress-nginx",
          "app.kubernetes.io/component": "controller"}


@dataclass
class Response:
    """What an HTTP request from outside got: a status code, and the pod that answered (for a backend)."""

    status: int
    pod: str | None = None
    namespace: str = ""
    why: str = ""

    def describe(self) -> str:
        if self.pod:
            return f"reached pod {self.pod} (status {self.status})"
        return f"got status {self.status}" + (f" ({self.why})" if self.why else "")


def ingress_ips(obj: Obj) -> list[str]:
    return [i["ip"] for i in ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            if i.get("ip")]


class NginxIngress(Controller):
    """The ``ingress`` component "nginx"."""

    NAME = "ingress-nginx"

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)

    def start(self) -> None:
        for resource in ("ingressclasses", "ingresses", "services"):
            self.watch(resource, lambda _o: "sync")

    # -- which Ingresses are ours --------------------------------------------------------------
    def classes(self) -> list[Obj]:
        return sorted((c for c in self.api.store.list("ingressclasses")
                       if (c.get("spec") or {}).get("controller") == CONTROLLER),
                      key=lambda c: c["metadata"]["name"])

    def serves(self, ing: Obj) -> bool:
        classes = self.classes()
        names = {c["metadata"]["name"] for c in classes}
        cls = (ing.get("spec") or {}).get("ingressClassName")
        if cls:
            return cls in names
        legacy = (ing["metadata"].get("annotations") or {}).get(LEGACY_CLASS_ANNOTATION)
        if legacy is not None:
            return legacy in names
        return any((c["metadata"].get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION) == "true"
                   for c in classes)

    def served(self) -> list[Obj]:
        """Served Ingresses, oldest first (ingress-nginx's order when two claim the same host and path)."""
        return sorted((i for i in self.api.store.list("ingresses") if self.serves(i)),
                      key=lambda i: (i["metadata"].get("creationTimestamp") or "", i["metadata"]["namespace"],
                                     i["metadata"]["name"]))

    def address(self) -> str | None:
        svc = self.api.try_get("services", SERVICE, NAMESPACE)
        ips = ingress_ips(svc) if svc else []
        return ips[0] if ips else None

    # -- reconcile: the controller's Service and the Ingresses' status -----------------------------
    def reconcile(self, key: str) -> bool | None:
        if self.classes():
            self._install()
        ip = self.address()
        for ing in self.api.store.list("ingresses"):
            want = [{"ip": ip}] if ip and self.serves(ing) else []
            have = ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            if have != want:
                def write(o: Obj, want: list[Any] = want) -> None:
                    o.setdefault("status", {})["loadBalancer"] = {"ingress": want} if want else {}
                try:
                    self.api.patch("ingresses", ing["metadata"]["name"], ing["metadata"]["namespace"], write,
                                   status=True)
                except ApiError as exc:
                    if exc.code != 404:
                        raise
        return None

    def _install(self) -> None:
        """What applying ingress-nginx's manifest brings that matters here: its namespace and Service."""
        if self.api.try_get("namespaces", NAMESPACE, "") is None:
            self.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
        if self.api.try_get("services", SERVICE, NAMESPACE) is None:
            self.api.create({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"name": SERVICE, "namespace": NAMESPACE, "labels": dict(LABELS)},
                "spec": {"type": "LoadBalancer", "selector": dict(LABELS),
                         "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"},
                                   {"name": "https", "port": 443, "protocol": "TCP", "targetPort": "https"}]}})

    # -- the data path ----------------------------------------------------------------------------
    def request(self, url: str) -> Response:
        """An HTTP request from outside the cluster to ``url`` (its host the Host header; a name resolves to
        the controller's address, as a DNS record or /etc/hosts entry for it would)."""
        parts = urlsplit(url)
        scheme, host, path = parts.scheme, (parts.hostname or ""), parts.path or "/"
        if not self.classes():
            return Response(0, why=f"no ingress controller is installed: no IngressClass has controller "
                                   f"{CONTROLLER}, so the connection is refused")
        ip = self.address()
        if ip is None:
            return Response(0, why=f"the controller's Service {NAMESPACE}/{SERVICE} has no load balancer IP "
                                   "(pending), so the connection times out")
        if host.replace(".", "").isdigit() and host != ip:
            return Response(0, why=f"{host} is not the ingress controller's address {ip}: the connection "
                                   "times out")
        served = self.served()
        if scheme == "http" and any(host_matches(h, host) for i in served
                                    for t in (i.get("spec") or {}).get("tls") or [] for h in t.get("hosts") or []):
            return Response(308, why=f"ssl-redirect: {host} has TLS, so http is redirected to https")
        rule_hosts = {(r.get("host") or "").lower() for i in served for r in (i.get("spec") or {}).get("rules") or []}
        server = best_host((h for h in rule_hosts if h), host)
        candidates: list[tuple[str, str, tuple[Obj, Obj]]] = []
        default: tuple[Obj, Obj] | None = None
        for ing in served:
            spec = ing.get("spec") or {}
            here = False
            for rule in spec.get("rules") or []:
                if ((rule.get("host") or "").lower() or None) != server:
                    continue
                here = True
                for p in (rule.get("http") or {}).get("paths") or []:
                    candidates.append((p.get("pathType") or "ImplementationSpecific", p.get("path") or "/",
                                       (ing, p.get("backend") or {})))
            if spec.get("defaultBackend") and default is None and (here or server is None):
                default = (ing, spec["defaultBackend"])
        chosen = best_path(candidates, path) or default
        if chosen is None:
            return Response(404, why="no rule matches: the default backend answers 404")
        return self._backend(*chosen)

    def _backend(self, ing: Obj, backend: Obj) -> Response:
        """One ready endpoint of the backend Service, as ingress-nginx's balancer picks from the slices."""
        ns = ing["metadata"]["namespace"]
        service = backend.get("service")
        if not service:
            return Response(503, why="a resource backend: nothing serves it")
        name = service.get("name") or ""
        svc = self.api.try_get("services", name, ns)
        if svc is None:
            return Response(503, why=f"service {ns}/{name} does not exist")
        port = service.get("port") or {}
        svc_port = next((sp for sp in (svc.get("spec") or {}).get("ports") or []
                         if (port.get("name") and sp.get("name") == port["name"])
                         or (port.get("number") and sp.get("port") == port["number"])), None)
        if svc_port is None:
            return Response(503, why=f"service {ns}/{name} has no port {port.get('name') or port.get('number')}")
        pods: list[str] = []
        for sl in self.api.store.list("endpointslices", ns):
            if (sl["metadata"].get("labels") or {}).get("kubernetes.io/service-name") != name:
                continue
            if not any((sp.get("name") or "") == (svc_port.get("name") or "") for sp in sl.get("ports") or []):
                continue
            for ep in sl.get("endpoints") or []:
                if (ep.get("conditions") or {}).get("ready") is False:
                    continue
                ref = ep.get("targetRef") or {}
                if ref.get("kind") == "Pod" and ref.get("name"):
                    pods.append(ref["name"])
        if not pods:
            return Response(503, why=f"service {ns}/{name} has no ready endpoints")
        return Response(200, pod=self.cluster.rng.choice(sorted(set(pods))), namespace=ns)
