"""Container validation: upstream's TestValidateContainers and TestValidateInitContainers error tables, plus
TestValidateRestartPolicy and TestValidateDNSPolicy (pkg/apis/core/validation/validation_test.go).

The adapter puts the containers into a Pod (restartPolicy Always for containers, Never for init containers
next to one regular container "app"), validates it, keeps the errors under ``spec.containers`` /
``spec.initContainers`` and drops the ``spec.`` prefix; upstream compares type and field, in order.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import validate
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

REQ, INV, NS, DUP, FORB, NF = ("FieldValueRequired", "FieldValueInvalid", "FieldValueNotSupported",
                               "FieldValueDuplicate", "FieldValueForbidden", "FieldValueNotFound")


def c(name: str = "abc", **extra: Any) -> dict[str, Any]:
    """A container with image, IfNotPresent and File; extra overrides (None drops a key)."""
    out = {"name": name, "image": "image", "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File"}
    out.update(extra)
    return {k: v for k, v in out.items() if v is not None}


def res(cpu: str = "", memory: str = "") -> dict[str, str]:
    """getResources(cpu, memory, ...)."""
    return {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}


TCP80 = {"tcpSocket": {"port": 80}}


def pre_stop(handler: dict[str, Any]) -> dict[str, Any]:
    return {"preStop": handler}


def negatives(handler: dict[str, Any] = TCP80) -> dict[str, Any]:
    return {**handler, "initialDelaySeconds": -1, "timeoutSeconds": -1, "periodSeconds": -1,
            "successThreshold": -1, "failureThreshold": -1, "terminationGracePeriodSeconds": -1}


def _probe_errs(prefix: str, kind: str) -> list[tuple[str, str]]:
    base = [(INV, f"{prefix}.{kind}.{k}") for k in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                                                    "successThreshold", "failureThreshold",
                                                    "terminationGracePeriodSeconds")]
    last = "terminationGracePeriodSeconds" if kind == "readinessProbe" else "successThreshold"
    return [*base, (INV, f"{prefix}.{kind}.{last}")]


_PRIVILEGED = "the case runs with capabilities AllowPrivileged=false; kspec models a cluster that allows privileged"
_RESIZE = "kspec does not validate resizePolicy (in-place pod resize)"
_RELAXED_ENV = ("the case runs with RelaxedEnvironmentVariableValidation off; kspec applies the GA relaxed rule, "
                "under which \"ev!1\" is a valid name")
C0 = "containers[0]"
F = "TestValidateContainers"
CONTAINERS = [
    case(F, "zero-length name", cs=[c("")], errs=[(REQ, f"{C0}.name")]),
    case(F, "zero-length-image", cs=[c(image="")], errs=[(REQ, f"{C0}.image")]),
    case(F, "name > 63 characters", cs=[c("a" * 64)], errs=[(INV, f"{C0}.name")]),
    case(F, "name not a DNS label", cs=[c("a.b.c")], errs=[(INV, f"{C0}.name")]),
    case(F, "name not unique", cs=[c(), c()], errs=[(DUP, "containers[1].name")]),
    case(F, "zero-length image", cs=[c(image="")], errs=[(REQ, f"{C0}.image")]),
    case(F, "host port not unique",
         cs=[c(ports=[{"containerPort": 80, "hostPort": 80, "protocol": "TCP"}]),
             c("def", ports=[{"containerPort": 81, "hostPort": 80, "protocol": "TCP"}])],
         errs=[(DUP, "containers[1].ports[0].hostPort")]),
    case(F, "invalid env var name", unmodelled=_RELAXED_ENV, cs=[c(env=[{"name": "ev!1"}])],
         errs=[(INV, f"{C0}.env[0].name")]),
    case(F, "unknown volume name", cs=[c(volumeMounts=[{"name": "anything", "mountPath": "/foo"}])],
         errs=[(NF, f"{C0}.volumeMounts[0].name")]),
    case(F, "invalid lifecycle, no exec command.", cs=[c("life-123", lifecycle=pre_stop({"exec": {}}))],
         errs=[(REQ, f"{C0}.lifecycle.preStop.exec.command")]),
    case(F, "invalid lifecycle, no http path.",
         cs=[c("life-123", lifecycle=pre_stop({"httpGet": {"port": 80, "scheme": "HTTP"}}))],
         errs=[(REQ, f"{C0}.lifecycle.preStop.httpGet.path")]),
    case(F, "invalid lifecycle, no http port.",
         cs=[c("life-123", lifecycle=pre_stop({"httpGet": {"path": "/", "scheme": "HTTP"}}))],
         errs=[(INV, f"{C0}.lifecycle.preStop.httpGet.port")]),
    case(F, "invalid lifecycle, no http scheme.",
         cs=[c("life-123", lifecycle=pre_stop({"httpGet": {"path": "/", "port": 80}}))],
         errs=[(NS, f"{C0}.lifecycle.preStop.httpGet.scheme")]),
    case(F, "invalid lifecycle, no tcp socket port.", cs=[c("life-123", lifecycle=pre_stop({"tcpSocket": {}}))],
         errs=[(INV, f"{C0}.lifecycle.preStop.tcpSocket.port")]),
    case(F, "invalid lifecycle, zero tcp socket port.",
         cs=[c("life-123", lifecycle=pre_stop({"tcpSocket": {"port": 0}}))],
         errs=[(INV, f"{C0}.lifecycle.preStop.tcpSocket.port")]),
    case(F, "invalid lifecycle, no action.", cs=[c("life-123", lifecycle=pre_stop({}))],
         errs=[(REQ, f"{C0}.lifecycle.preStop")]),
    case(F, "invalid readiness probe, terminationGracePeriodSeconds set.",
         cs=[c("life-123", readinessProbe={**TCP80, "terminationGracePeriodSeconds": 10})],
         errs=[(INV, f"{C0}.readinessProbe.terminationGracePeriodSeconds")]),
    case(F, "invalid liveness probe, no tcp socket port.",
         cs=[c("live-123", livenessProbe={"tcpSocket": {}, "successThreshold": 1})],
         errs=[(INV, f"{C0}.livenessProbe.tcpSocket.port")]),
    case(F, "invalid liveness probe, no action.", cs=[c("live-123", livenessProbe={"successThreshold": 1})],
         errs=[(REQ, f"{C0}.livenessProbe")]),
    case(F, "invalid liveness probe, successThreshold != 1",
         cs=[c("live-123", livenessProbe={**TCP80, "successThreshold": 2})],
         errs=[(INV, f"{C0}.livenessProbe.successThreshold")]),
    case(F, "invalid startup probe, successThreshold != 1",
         cs=[c("startup-123", startupProbe={**TCP80, "successThreshold": 2})],
         errs=[(INV, f"{C0}.startupProbe.successThreshold")]),
    case(F, "invalid liveness probe, negative numbers", cs=[c("live-123", livenessProbe=negatives())],
         errs=_probe_errs(C0, "livenessProbe")),
    case(F, "invalid readiness probe, negative numbers", cs=[c("ready-123", readinessProbe=negatives())],
         errs=_probe_errs(C0, "readinessProbe")),
    case(F, "invalid startup probe, negative numbers", cs=[c("startup-123", startupProbe=negatives())],
         errs=_probe_errs(C0, "startupProbe")),
    case(F, "invalid message termination policy", cs=[c("life-123", terminationMessagePolicy="Unknown")],
         errs=[(NS, f"{C0}.terminationMessagePolicy")]),
    case(F, "empty message termination policy", cs=[c("life-123", terminationMessagePolicy="")],
         errs=[(REQ, f"{C0}.terminationMessagePolicy")]),
    case(F, "privilege disabled", unmodelled=_PRIVILEGED, cs=[c(securityContext={"privileged": True})],
         errs=[(FORB, f"{C0}.securityContext.privileged")]),
    case(F, "invalid compute resource", cs=[c("abc-123", resources={"limits": {"disk": "10G"}})],
         errs=[(INV, f"{C0}.resources.limits[disk]"), (INV, f"{C0}.resources.limits[disk]")]),
    case(F, "Resource CPU invalid", cs=[c("abc-123", resources={"limits": res("-10", "0")})],
         errs=[(INV, f"{C0}.resources.limits[cpu]")]),
    case(F, "Resource Requests CPU invalid", cs=[c("abc-123", resources={"requests": res("-10", "0")})],
         errs=[(INV, f"{C0}.resources.requests[cpu]")]),
    case(F, "Resource Memory invalid", cs=[c("abc-123", resources={"limits": res("0", "-10")})],
         errs=[(INV, f"{C0}.resources.limits[memory]")]),
    case(F, "Request limit simple invalid",
         cs=[c("abc-123", resources={"limits": res("5", "3"), "requests": res("6", "3")})],
         errs=[(INV, f"{C0}.resources.requests")]),
    case(F, "Invalid storage limit request",
         cs=[c("abc-123", resources={"limits": {"attachable-volumes-aws-ebs": "10"}})],
         errs=[(INV, f"{C0}.resources.limits[attachable-volumes-aws-ebs]")] * 2),
    case(F, "CPU request limit multiple invalid",
         cs=[c("abc-123", resources={"limits": res("5", "3"), "requests": res("6", "3")})],
         errs=[(INV, f"{C0}.resources.requests")]),
    case(F, "Memory request limit multiple invalid",
         cs=[c("abc-123", resources={"limits": res("5", "3"), "requests": res("5", "4")})],
         errs=[(INV, f"{C0}.resources.requests")]),
    case(F, "Invalid env from", cs=[c("env-from-source", envFrom=[{"configMapRef": {"name": "$%^&*#"}}])],
         errs=[(INV, f"{C0}.envFrom[0].configMapRef.name")]),
    case(F, "Unsupported resize policy for memory", unmodelled=_RESIZE,
         cs=[c("resize-policy-mem-invalid", resizePolicy=[{"resourceName": "memory",
                                                           "restartPolicy": "RestartContainerrrr"}])],
         errs=[(NS, f"{C0}.resizePolicy")]),
    case(F, "Unsupported resize policy for CPU", unmodelled=_RESIZE,
         cs=[c("resize-policy-cpu-invalid", resizePolicy=[{"resourceName": "cpu",
                                                           "restartPolicy": "RestartNotRequired"}])],
         errs=[(NS, f"{C0}.resizePolicy")]),
] + [case(F, f"Forbidden RestartPolicy: {label}", cs=[c("foo", restartPolicy=value)],
          errs=[(FORB, f"{C0}.restartPolicy")])
     for label, value in (("Always", "Always"), ("OnFailure", "OnFailure"), ("Never", "Never"),
                          ("invalid", "invalid"), ("empty", ""))]


def _errors(containers: list[dict[str, Any]], init: list[dict[str, Any]] | None, restart: str,
            key: str) -> list[tuple[str, str]]:
    spec: dict[str, Any] = {"containers": containers, "restartPolicy": restart, "dnsPolicy": "ClusterFirst",
                            "terminationGracePeriodSeconds": 30}
    if init is not None:
        spec["initContainers"] = init
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec}
    return [(e.type, e.field[len("spec."):]) for e in validate(pod) if e.field.startswith(f"spec.{key}")]


@pytest.mark.parametrize("c", CONTAINERS)
def test_validate_containers(c: dict[str, Any]) -> None:
    assert _errors(c["cs"], None, "Always", "containers") == c["errs"]


I0 = "initContainers[0]"
ALWAYS = {"restartPolicy": "Always"}
G = "TestValidateInitContainers"
INIT = [
    case(G, "empty name", cs=[c("")], errs=[(REQ, f"{I0}.name")]),
    case(G, "name collision with regular container", cs=[c("app")], errs=[(DUP, f"{I0}.name")]),
    case(G, "invalid termination message policy", cs=[c("init", terminationMessagePolicy="Unknown")],
         errs=[(NS, f"{I0}.terminationMessagePolicy")]),
    case(G, "duplicate names", cs=[c("init"), c("init")], errs=[(DUP, "initContainers[1].name")]),
    case(G, "duplicate ports", cs=[c(ports=[{"containerPort": 8080, "hostPort": 8080, "protocol": "TCP"}] * 2)],
         errs=[(DUP, f"{I0}.ports[1].hostPort")]),
    case(G, "uses disallowed field: Lifecycle", cs=[c("debug", lifecycle=pre_stop({"exec": {"command": ["ls"]}}))],
         errs=[(FORB, f"{I0}.lifecycle")]),
    case(G, "uses disallowed field: LivenessProbe", cs=[c("debug", livenessProbe={**TCP80, "successThreshold": 1})],
         errs=[(FORB, f"{I0}.livenessProbe")]),
    case(G, "uses disallowed field: ReadinessProbe", cs=[c("debug", readinessProbe=TCP80)],
         errs=[(FORB, f"{I0}.readinessProbe")]),
    case(G, "Container uses disallowed field: StartupProbe",
         cs=[c("debug", startupProbe={**TCP80, "successThreshold": 1})], errs=[(FORB, f"{I0}.startupProbe")]),
    case(G, "Disallowed field with other errors should only return a single Forbidden",
         cs=[c("debug", startupProbe=negatives())], errs=[(FORB, f"{I0}.startupProbe")]),
] + [case(G, f"Not supported RestartPolicy: {label}", cs=[c("init", restartPolicy=value)],
          errs=[(NS, f"{I0}.restartPolicy")])
     for label, value in (("OnFailure", "OnFailure"), ("Never", "Never"), ("invalid", "invalid"), ("empty", ""))] + [
    case(G, "invalid startup probe in restartable container, successThreshold != 1",
         cs=[c("restartable-init", startupProbe={**TCP80, "successThreshold": 2}, **ALWAYS)],
         errs=[(INV, f"{I0}.startupProbe.successThreshold")]),
    case(G, "invalid readiness probe, terminationGracePeriodSeconds set.",
         cs=[c("life-123", readinessProbe={**TCP80, "terminationGracePeriodSeconds": 10}, **ALWAYS)],
         errs=[(INV, f"{I0}.readinessProbe.terminationGracePeriodSeconds")]),
    case(G, "invalid liveness probe, successThreshold != 1",
         cs=[c("live-123", livenessProbe={**TCP80, "successThreshold": 2}, **ALWAYS)],
         errs=[(INV, f"{I0}.livenessProbe.successThreshold")]),
    case(G, "invalid lifecycle, no exec command.", cs=[c("life-123", lifecycle=pre_stop({"exec": {}}), **ALWAYS)],
         errs=[(REQ, f"{I0}.lifecycle.preStop.exec.command")]),
    case(G, "invalid lifecycle, no http path.",
         cs=[c("life-123", lifecycle=pre_stop({"httpGet": {"port": 80, "scheme": "HTTP"}}), **ALWAYS)],
         errs=[(REQ, f"{I0}.lifecycle.preStop.httpGet.path")]),
    case(G, "invalid lifecycle, no http port.",
         cs=[c("life-123", lifecycle=pre_stop({"httpGet": {"path": "/", "scheme": "HTTP"}}), **ALWAYS)],
         errs=[(INV, f"{I0}.lifecycle.preStop.httpGet.port")]),
    case(G, "invalid lifecycle, no http scheme.",
         cs=[c("life-123", lifecycle=pre_stop({"httpGet": {"path": "/", "port": 80}}), **ALWAYS)],
         errs=[(NS, f"{I0}.lifecycle.preStop.httpGet.scheme")]),
    case(G, "invalid lifecycle, no tcp socket port.",
         cs=[c("life-123", lifecycle=pre_stop({"tcpSocket": {}}), **ALWAYS)],
         errs=[(INV, f"{I0}.lifecycle.preStop.tcpSocket.port")]),
    case(G, "invalid lifecycle, zero tcp socket port.",
         cs=[c("life-123", lifecycle=pre_stop({"tcpSocket": {"port": 0}}), **ALWAYS)],
         errs=[(INV, f"{I0}.lifecycle.preStop.tcpSocket.port")]),
    case(G, "invalid lifecycle, no action.", cs=[c("life-123", lifecycle=pre_stop({}), **ALWAYS)],
         errs=[(REQ, f"{I0}.lifecycle.preStop")]),
    case(G, "Not supported ResizePolicy: invalid", unmodelled=_RESIZE,
         cs=[c("init", resizePolicy=[{"resourceName": "cpu", "restartPolicy": "NotRequired"}])],
         errs=[(INV, f"{I0}.resizePolicy")]),
]


@pytest.mark.parametrize("c", INIT)
def test_validate_init_containers(c: dict[str, Any]) -> None:
    app = {"name": "app", "image": "nginx", "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File"}
    assert _errors([app], c["cs"], "Never", "initContainers") == c["errs"]


def _pod_errors(field: str, value: str) -> list[str]:
    spec = {"containers": [c()], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
            "terminationGracePeriodSeconds": 30, field: value}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec}
    if value == "None":
        spec["dnsConfig"] = {"nameservers": ["1.2.3.4"]}
    return [str(e) for e in validate(pod) if e.field == f"spec.{field}"]


POLICIES = [case("TestValidateRestartPolicy", f"successCases[{i}]", field="restartPolicy", value=v, ok=True)
            for i, v in enumerate(("Always", "OnFailure", "Never"))] + \
    [case("TestValidateRestartPolicy", f"errorCases[{i}]", field="restartPolicy", value=v, ok=False)
     for i, v in enumerate(("", "newpolicy"))] + \
    [case("TestValidateDNSPolicy", f"successCases[{i}]", field="dnsPolicy", value=v, ok=True)
     for i, v in enumerate(("ClusterFirst", "Default", "ClusterFirstWithHostNet", "None"))] + \
    [case("TestValidateDNSPolicy", f"errorCases[{i}]", field="dnsPolicy", value=v, ok=False)
     for i, v in enumerate(("invalid", ""))]


@pytest.mark.parametrize("c", POLICIES)
def test_validate_policies(c: dict[str, Any]) -> None:
    assert (_pod_errors(c["field"], c["value"]) == []) == c["ok"]


def _a(n: int) -> str:
    return "a" * n  # generateTestSearchPathFunc


SIX = ["custom", "mydomain.com", "local", "cluster.local", "svc.cluster.local", "default.svc.cluster.local."]
THIRTY_TWO = SIX + [str(i) for i in range(7, 33)]
D = "TestValidatePodDNSConfig"
DNS_CONFIG = [
    case(D, "valid: empty DNSConfig", cfg={}, policy=None, err=False),
    case(D, "valid: 1 option", cfg={"options": [{"name": "ndots", "value": "2"}]}, policy=None, err=False),
    case(D, "valid: 1 nameserver", cfg={"nameservers": ["127.0.0.1"]}, policy=None, err=False),
    case(D, "valid: DNSNone with 1 nameserver", cfg={"nameservers": ["127.0.0.1"]}, policy="None", err=False),
    case(D, "valid: 1 search path", cfg={"searches": ["custom"]}, policy=None, err=False),
    case(D, "valid: 1 search path with trailing period", cfg={"searches": ["custom."]}, policy=None, err=False),
    case(D, "valid: 3 nameservers and 6 search paths(legacy)",
         cfg={"nameservers": ["127.0.0.1", "10.0.0.10", "8.8.8.8"], "searches": SIX}, policy=None, err=False),
    case(D, "valid: 3 nameservers and 32 search paths",
         cfg={"nameservers": ["127.0.0.1", "10.0.0.10", "8.8.8.8"], "searches": THIRTY_TWO}, policy=None, err=False),
    case(D, "valid: 256 characters in search path list(legacy)", cfg={"searches": [_a(1)] + [_a(50)] * 5},
         policy=None, err=False),
    case(D, "valid: 2048 characters in search path list", cfg={"searches": [_a(64)] + [_a(63)] * 31},
         policy=None, err=False),
    case(D, "valid: ipv6 nameserver", cfg={"nameservers": ["FE80::0202:B3FF:FE1E:8329"]}, policy=None, err=False),
    case(D, "invalid: 4 nameservers", cfg={"nameservers": ["127.0.0.1", "10.0.0.10", "8.8.8.8", "1.2.3.4"]},
         policy=None, err=True),
    case(D, "valid: 7 search paths", cfg={"searches": [*SIX[:5], "default.svc.cluster.local", "exceeded"]},
         policy=None, err=False),
    case(D, "invalid: 33 search paths", cfg={"searches": [*THIRTY_TWO, "33"]}, policy=None, err=True),
    case(D, "valid: 257 characters in search path list", cfg={"searches": [_a(2)] + [_a(50)] * 5},
         policy=None, err=False),
    case(D, "invalid: 2049 characters in search path list", cfg={"searches": [_a(65)] + [_a(63)] * 31},
         policy=None, err=True),
    case(D, "invalid search path", cfg={"searches": ["custom?"]}, policy=None, err=True),
    case(D, "invalid nameserver", cfg={"nameservers": ["invalid"]}, policy=None, err=True),
    case(D, "invalid empty option name", cfg={"options": [{"value": "2"}]}, policy=None, err=True),
    case(D, "invalid: DNSNone with 0 nameserver", cfg={"searches": ["custom"]}, policy="None", err=True),
]


@pytest.mark.parametrize("tc", DNS_CONFIG)
def test_validate_pod_dns_config(tc: dict[str, Any]) -> None:
    spec = {"containers": [c()], "restartPolicy": "Always", "dnsPolicy": tc["policy"] or "ClusterFirst",
            "terminationGracePeriodSeconds": 30, "dnsConfig": tc["cfg"]}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec}
    errs = [str(e) for e in validate(pod)]
    assert bool(errs) == tc["err"], errs


P = "TestValidatePorts"
PORTS = [
    case(P, "successCase", ports=[{"name": "abc", "containerPort": 80, "hostPort": 80, "protocol": "TCP"},
                                  {"name": "easy", "containerPort": 82, "protocol": "TCP"},
                                  {"name": "as", "containerPort": 83, "protocol": "UDP"},
                                  {"name": "do-re-me", "containerPort": 84, "protocol": "SCTP"},
                                  {"containerPort": 85, "protocol": "TCP"}], want=None),
    case(P, "nonCanonicalCase", ports=[{"containerPort": 80, "protocol": "TCP"}], want=None),
    case(P, "name > 15 characters", ports=[{"name": "a" * 16, "containerPort": 80, "protocol": "TCP"}],
         want=(INV, "name", "15")),
    case(P, "name contains invalid characters", ports=[{"name": "a.b.c", "containerPort": 80, "protocol": "TCP"}],
         want=(INV, "name", "alpha-numeric")),
    case(P, "name is a number", ports=[{"name": "80", "containerPort": 80, "protocol": "TCP"}],
         want=(INV, "name", "at least one letter")),
    case(P, "name not unique", ports=[{"name": "abc", "containerPort": 80, "protocol": "TCP"},
                                      {"name": "abc", "containerPort": 81, "protocol": "TCP"}],
         want=(DUP, "[1].name", "")),
    case(P, "zero container port", ports=[{"containerPort": 0, "protocol": "TCP"}], want=(REQ, "containerPort", "")),
    case(P, "invalid container port", ports=[{"containerPort": 65536, "protocol": "TCP"}],
         want=(INV, "containerPort", "between")),
    case(P, "invalid host port", ports=[{"containerPort": 80, "hostPort": 65536, "protocol": "TCP"}],
         want=(INV, "hostPort", "between")),
    case(P, "invalid protocol case", ports=[{"containerPort": 80, "protocol": "tcp"}],
         want=(NS, "protocol", 'supported values: "SCTP", "TCP", "UDP"')),
    case(P, "invalid protocol", ports=[{"containerPort": 80, "protocol": "ICMP"}],
         want=(NS, "protocol", 'supported values: "SCTP", "TCP", "UDP"')),
    case(P, "protocol required", ports=[{"name": "abc", "containerPort": 80}], want=(REQ, "protocol", "")),
]


@pytest.mark.parametrize("tc", PORTS)
def test_validate_ports(tc: dict[str, Any]) -> None:
    spec = {"containers": [c(ports=tc["ports"])], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
            "terminationGracePeriodSeconds": 30}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec}
    errs = [e for e in validate(pod) if e.field.startswith("spec.containers[0].ports")]
    if tc["want"] is None:
        assert errs == []
        return
    kind, fld, detail = tc["want"]
    assert errs
    for e in errs:
        assert e.type == kind and fld in e.field and detail in e.detail, str(e)


M = "TestValidateMountPropagation"
_NO_CONTAINER = "ValidateVolumeMounts without a container: every mount the API server sees belongs to one"
PROPAGATION = [
    case(M, f"tests[{i}]", mode=mode, privileged=priv, err=err, **({"unreachable": _NO_CONTAINER} if priv == "nil"
                                                                    else {}))
    for i, (mode, priv, err) in enumerate([
        (None, None, False), ("HostToContainer", None, False), ("None", None, False), ("Bidirectional", None, True),
        (None, False, False), ("HostToContainer", False, False), ("Bidirectional", False, True),
        (None, True, False), ("HostToContainer", True, False), ("Bidirectional", True, False),
        ("invalid", True, True), ("Bidirectional", "nil", False)])
]


@pytest.mark.parametrize("tc", PROPAGATION)
def test_validate_mount_propagation(tc: dict[str, Any]) -> None:
    mount = {"name": "foo", "mountPath": "/foo"}
    if tc["mode"] is not None:
        mount["mountPropagation"] = tc["mode"]
    extra: dict[str, Any] = {"volumeMounts": [mount]}
    if tc["privileged"] is not None:
        extra["securityContext"] = {"privileged": tc["privileged"] is True}
    spec = {"containers": [c(**extra)], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
            "terminationGracePeriodSeconds": 30,
            "volumes": [{"name": "foo", "hostPath": {"path": "/foo/baz", "type": ""}}]}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec}
    errs = [str(e) for e in validate(pod) if "volumeMounts" in e.field]
    assert bool(errs) == tc["err"], errs


VOLUMES = [{"name": "abc", "persistentVolumeClaim": {"claimName": "testclaim1"}},
           {"name": "abc-123", "persistentVolumeClaim": {"claimName": "testclaim2"}},
           {"name": "123", "hostPath": {"path": "/foo/baz", "type": ""}},
           {"name": "ephemeral", "ephemeral": {"volumeClaimTemplate": {"spec": {
               "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10G"}}}}}},
           {"name": "image-volume", "image": {"reference": "quay.io/my/artifact:v1", "pullPolicy": "IfNotPresent"}}]


def mount_errors(mounts: list[dict[str, Any]], devices: list[dict[str, str]] | None = None) -> list[str]:
    extra: dict[str, Any] = {"volumeMounts": mounts}
    if devices:
        extra["volumeDevices"] = devices
    spec = {"containers": [c(**extra)], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
            "terminationGracePeriodSeconds": 30, "volumes": VOLUMES}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec}
    return [str(e) for e in validate(pod) if ".volume" in e.field]


def vm(name: str, path: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "mountPath": path, **extra}


V = "TestValidateVolumeMounts"
MOUNT_SUCCESS = [vm("abc", "/foo"), vm("123", "/bar"), vm("abc-123", "/baz"), vm("abc-123", "/baa", subPath=""),
                 vm("abc-123", "/bab", subPath="baz"), vm("abc-123", "d:", subPath=""),
                 vm("abc-123", "F:", subPath=""), vm("abc-123", "G:\\mount", subPath=""),
                 vm("abc-123", "/bac", subPath=".baz"), vm("abc-123", "/bad", subPath="..baz"),
                 vm("ephemeral", "/foobar"), vm("123", "/rro-nil", readOnly=True),
                 vm("123", "/rro-disabled", readOnly=True, recursiveReadOnly="Disabled"),
                 vm("123", "/rro-disabled-2", readOnly=False, recursiveReadOnly="Disabled"),
                 vm("123", "/rro-ifpossible", readOnly=True, recursiveReadOnly="IfPossible"),
                 vm("123", "/rro-enabled", readOnly=True, recursiveReadOnly="Enabled"),
                 vm("123", "/rro-enabled-2", readOnly=True, recursiveReadOnly="Enabled", mountPropagation="None"),
                 vm("image-volume", "/image-volume")]
BAD_DEVICE = [{"name": "xyz", "devicePath": "/mnt/exists"}]
MOUNTS = [case(V, "successCase", mounts=MOUNT_SUCCESS, devices=[{"name": "xyz", "devicePath": "/foofoo"},
                                                                 {"name": "uvw", "devicePath": "/foofoo/share/test"}],
               err=False)] + [
    case(V, name, mounts=mounts, devices=BAD_DEVICE, err=True) for name, mounts in (
        ("empty name", [vm("", "/foo")]),
        ("name not found", [vm("", "/foo")]),
        ("empty mountpath", [vm("abc", "")]),
        ("mountpath collision", [vm("foo", "/path/a"), vm("bar", "/path/a")]),
        ("absolute subpath", [vm("abc", "/bar", subPath="/baz")]),
        ("subpath in ..", [vm("abc", "/bar", subPath="../baz")]),
        ("subpath contains ..", [vm("abc", "/bar", subPath="baz/../bat")]),
        ("subpath ends in ..", [vm("abc", "/bar", subPath="./..")]),
        ("disabled MountPropagation feature gate", [vm("abc", "/bar", mountPropagation="Bidirectional")]),
        ("name exists in volumeDevice", [vm("xyz", "/bar")]),
        ("mountpath exists in volumeDevice", [vm("uvw", "/mnt/exists")]),
        ("both exist in volumeDevice", [vm("xyz", "/mnt/exists")]),
        ("rro but not ro", [vm("123", "/rro-bad1", readOnly=False, recursiveReadOnly="Enabled")]),
        ("rro with incompatible propagation", [vm("123", "/rro-bad2", readOnly=True, recursiveReadOnly="Enabled",
                                                  mountPropagation="HostToContainer")]),
        ("rro-if-possible but not ro", [vm("123", "/rro-bad1", readOnly=False, recursiveReadOnly="IfPossible")]),
        ("subPath not allowed for image volume sources", [vm("image-volume", "/image-volume-err-1", subPath="/foo")]),
        ("subPathExpr not allowed for image volume sources",
         [vm("image-volume", "/image-volume-err-2", subPathExpr="$(POD_NAME)")]),
    )] + [
    case("TestValidateSubpathMutuallyExclusive", name, mounts=mounts, devices=None, err=err) for name, mounts, err in (
        ("subpath and subpathexpr not specified", [vm("abc-123", "/bab")], False),
        ("subpath expr specified", [vm("abc-123", "/bab", subPathExpr="$(POD_NAME)")], False),
        ("subpath specified", [vm("abc-123", "/bab", subPath="baz")], False),
        ("subpath and subpathexpr specified", [vm("abc-123", "/bab", subPath="baz", subPathExpr="$(POD_NAME)")],
         True),
    )]


@pytest.mark.parametrize("tc", MOUNTS)
def test_validate_volume_mounts(tc: dict[str, Any]) -> None:
    errs = mount_errors(tc["mounts"], tc["devices"])
    assert bool(errs) == tc["err"], errs
