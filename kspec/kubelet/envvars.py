"""The environment a container starts with (kubelet makeEnvironmentVariables).

Service variables come first (pkg/kubelet/envvars FromServices), then the
container's ``envFrom`` and ``env``, each ``$(VAR)`` expanded against what is
already defined (third_party/forked/golang/expansion).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

from kspec.objects import Obj
from kspec.quantity import cpu_millis, parse_quantity

MASTER_SERVICE = ("default", "kubernetes")
_REF = re.compile(r"\$\$|\$\(([^)]*)\)")


def _var_name(service: str) -> str:
    # makeEnvVariableName: upper case, dashes to underscores
    return service.upper().replace("-", "_")


def service_env(services: list[Obj]) -> dict[str, str]:
    """FromServices: docker-link style variables for each Service with a cluster IP."""
    env: dict[str, str] = {}
    for svc in sorted(services, key=lambda s: s["metadata"]["name"]):
        spec = svc.get("spec", {})
        ip = spec.get("clusterIP", "")
        if not ip or ip == "None" or not spec.get("ports"):
            continue  # IsServiceIPSet: headless and ExternalName services get nothing
        prefix = _var_name(svc["metadata"]["name"])
        ports = spec["ports"]
        env[f"{prefix}_SERVICE_HOST"] = ip
        env[f"{prefix}_SERVICE_PORT"] = str(ports[0]["port"])
        for port in ports:
            if port.get("name"):
                env[f"{prefix}_SERVICE_PORT_{_var_name(port['name'])}"] = str(port["port"])
        host = f"[{ip}]" if ":" in ip else ip
        first = ports[0]
        env[f"{prefix}_PORT"] = f"{first.get('protocol', 'TCP').lower()}://{host}:{first['port']}"
        for port in ports:  # makeLinkVariables
            proto = port.get("protocol", "TCP")
            base = f"{prefix}_PORT_{port['port']}_{proto.upper()}"
            env[base] = f"{proto.lower()}://{host}:{port['port']}"
            env[f"{base}_PROTO"] = proto.lower()
            env[f"{base}_PORT"] = str(port["port"])
            env[f"{base}_ADDR"] = ip
    return env


def visible_services(all_services: list[Obj], namespace: str, enable_links: bool) -> list[Obj]:
    """getServiceEnvVarMap: the pod's namespace (if enableServiceLinks) plus the master service, always."""
    picked: dict[str, Obj] = {}
    for svc in all_services:
        md = svc["metadata"]
        if (md.get("namespace"), md["name"]) == MASTER_SERVICE:
            picked.setdefault(md["name"], svc)
    if enable_links:
        for svc in all_services:
            if svc["metadata"].get("namespace") == namespace:
                picked[svc["metadata"]["name"]] = svc
    return list(picked.values())


def expand(text: str, lookup: Callable[[str], str | None]) -> str:
    """expansion.Expand: ``$(VAR)`` replaced when defined, ``$$`` escapes, unknown refs stay."""
    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        value = lookup(m.group(1))
        return value if value is not None else m.group(0)
    return _REF.sub(sub, text)


def _field_ref(pod: Obj, path: str, host_ip: str, pod_ip: str) -> str:
    md, spec = pod["metadata"], pod["spec"]
    simple = {"metadata.name": md.get("name", ""), "metadata.namespace": md.get("namespace", ""),
              "metadata.uid": md.get("uid", ""), "spec.nodeName": spec.get("nodeName", ""),
              "spec.serviceAccountName": spec.get("serviceAccountName", ""),
              "status.hostIP": host_ip, "status.podIP": pod_ip, "status.hostIPs": host_ip,
              "status.podIPs": pod_ip}
    if path in simple:
        return simple[path]
    m = re.fullmatch(r"metadata\.(labels|annotations)\['([^']*)'\]", path)
    if m:
        return (md.get(m.group(1)) or {}).get(m.group(2), "")
    return ""


def _resource_ref(container: Obj, ref: dict[str, Any], node_alloc: dict[str, str]) -> str:
    resource = ref.get("resource", "")
    kind, _, name = resource.partition(".")
    value = (container.get("resources") or {}).get(kind, {}).get(name)
    if value is None:
        value = node_alloc.get(name, "0")  # limits default to node allocatable
    divisor = parse_quantity(ref.get("divisor") or "1")
    if name == "cpu":
        return str(max(1, -(-cpu_millis(value) // int(divisor * 1000)))) if divisor else "0"
    return str(-(-parse_quantity(value) // divisor))


class ConfigError(Exception):
    """makeEnvironmentVariables failed: the container cannot be created (CreateContainerConfigError)."""


def _source(get: Callable[[str, str], Obj | None], resource: str, name: str, optional: bool) -> Obj | None:
    """The configmap or secret, None when it is optional and missing; the watch-based manager's NotFound
    (``configmap "x" not found``) otherwise."""
    obj = get(resource, name)
    if obj is None and not optional:
        raise ConfigError(f'{resource[:-1]} "{name}" not found')
    return obj


def _secret_data(secret: Obj) -> dict[str, str]:
    data = {k: base64.b64decode(v).decode("utf-8", "replace") for k, v in (secret.get("data") or {}).items()}
    data.update(secret.get("stringData") or {})
    return data


def container_env(pod: Obj, container: Obj, services: dict[str, str], get: Callable[[str, str], Obj | None],
                  host_ip: str, pod_ip: str, node_alloc: dict[str, str]) -> dict[str, str]:
    """The container's final environment; ``get(resource, name)`` reads configmaps and secrets.

    A missing source or key that is not ``optional`` raises ConfigError with kubelet_pods.go
    makeEnvironmentVariables' message.
    """
    ns = pod.get("metadata", {}).get("namespace", "default")
    env = dict(services)
    for source in container.get("envFrom") or []:
        prefix = source.get("prefix", "")
        if "configMapRef" in source:
            ref = source["configMapRef"]
            cm = _source(get, "configmaps", ref.get("name", ""), bool(ref.get("optional"))) or {}
            for k, v in sorted((cm.get("data") or {}).items()):
                env[prefix + k] = v
        elif "secretRef" in source:
            ref = source["secretRef"]
            secret = _source(get, "secrets", ref.get("name", ""), bool(ref.get("optional"))) or {}
            for k, v in sorted(_secret_data(secret).items()):
                env[prefix + k] = v
    for var in container.get("env") or []:
        name = var.get("name", "")
        if "value" in var or "valueFrom" not in var:
            env[name] = expand(str(var.get("value", "")), env.get)
            continue
        src = var["valueFrom"]
        if "fieldRef" in src:
            env[name] = _field_ref(pod, src["fieldRef"].get("fieldPath", ""), host_ip, pod_ip)
        elif "resourceFieldRef" in src:
            env[name] = _resource_ref(container, src["resourceFieldRef"], node_alloc)
        elif "configMapKeyRef" in src or "secretKeyRef" in src:
            cm = "configMapKeyRef" in src
            ref = src["configMapKeyRef" if cm else "secretKeyRef"]
            optional = bool(ref.get("optional"))
            obj = _source(get, "configmaps" if cm else "secrets", ref.get("name", ""), optional)
            if obj is None:
                continue
            data = (obj.get("data") or {}) if cm else _secret_data(obj)
            key = ref.get("key", "")
            if key not in data:
                if optional:
                    continue
                raise ConfigError(f"couldn't find key {key} in {'ConfigMap' if cm else 'Secret'} "
                                  f"{ns}/{ref.get('name', '')}")
            env[name] = data[key]
    return env
