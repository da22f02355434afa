"""The protobuf request-body decoder: hand-built wire bytes, decoded to the JSON a JSON client would send."""

from __future__ import annotations

import json

import pytest

from kspec.cluster import Cluster
from kspec.serve import protobuf
from kspec.serve.protobuf import MAGIC, ProtobufError, decode, decode_message, go_duration
from kspec.serve.rest import Rest

CORE = "k8s.io.api.core.v1."
META = "k8s.io.apimachinery.pkg.apis.meta.v1."
PB = "application/vnd.kubernetes.protobuf"


# -- a minimal encoder for the tests (kspec itself only decodes) -----------------------------------------
def varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative ints: two's complement in ten bytes, as Go writes int32/int64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def vf(num: int, n: int) -> bytes:
    """A varint field."""
    return varint(num << 3) + varint(n)


def ld(num: int, data: bytes | str) -> bytes:
    """A length-delimited field."""
    raw = data.encode() if isinstance(data, str) else data
    return varint(num << 3 | 2) + varint(len(raw)) + raw


def entry(key: str, value: bytes | str) -> bytes:
    return ld(1, key) + ld(2, value)


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    return MAGIC + ld(1, ld(1, api_version) + ld(2, kind)) + ld(2, raw)


# -- the wire --------------------------------------------------------------------------------------------
def test_varints_multi_byte_and_negative() -> None:
    assert varint(300) == b"\xac\x02"
    assert protobuf.fields(vf(3, 300)) == [(3, 0, 300)]
    assert len(varint(-1)) == 10
    probe = vf(2, 2**31 - 1) + vf(4, -5 & ((1 << 64) - 1))  # initialDelaySeconds, periodSeconds (int32)
    assert decode_message(CORE + "Probe", probe) == {"initialDelaySeconds": 2147483647, "periodSeconds": -5}


def test_truncated_and_malformed_bodies_are_protobuf_errors() -> None:
    with pytest.raises(ProtobufError, match="truncated"):
        protobuf.fields(b"\x0a\x05ab")
    with pytest.raises(ProtobufError, match="truncated varint"):
        protobuf.fields(b"\x08\x80")
    with pytest.raises(ProtobufError, match=r"not appear to be a protobuf message, expected prefix \[107 56 115 0\]"):
        decode(b'{"kind":"Pod"}')
    with pytest.raises(ProtobufError, match='no kind "Widget" is registered for version "v1"'):
        decode(envelope("v1", "Widget", b""))


def test_a_body_kubectl_create_namespace_sent() -> None:
    # captured from kubectl 1.37: `kubectl create namespace team-a`
    body = (b'k8s\x00\n\x0f\n\x02v1\x12\tNamespace\x12\x1e\n\x16\n\x06team-a\x12\x00\x1a\x00"\x00*\x002\x008\x00B'
            b'\x00\x12\x00\x1a\x02\n\x00\x1a\x00"\x00')
    # every non-pointer zero Go wrote (generateName "", generation 0, an empty creationTimestamp) is dropped
    assert decode(body) == {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}


def test_nested_messages_maps_and_pointer_zeros() -> None:
    labels = ld(11, entry("app", "web"))
    spec = vf(1, 0) + ld(2, ld(1, entry("app", "web"))) + vf(5, 0)  # replicas 0 (pointer), minReadySeconds 0
    raw = ld(1, ld(1, "web") + ld(3, "") + labels) + ld(2, spec)
    assert decode(envelope("apps/v1", "Deployment", raw)) == {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web"}}}}


def test_a_zero_without_omitempty_is_kept_as_go_writes_it() -> None:
    # PodDisruptionBudgetStatus: `json:"disruptionsAllowed"` (no omitempty), observedGeneration omitempty
    status = vf(1, 0) + vf(3, 0) + vf(4, 0) + vf(5, 0) + vf(6, 0)
    assert decode_message("k8s.io.api.policy.v1.PodDisruptionBudgetStatus", status) == {
        "disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}


def test_bytes_are_base64_and_string_maps_stay_text() -> None:
    raw = ld(1, ld(1, "s")) + ld(2, entry("p", b"q\x00\xff")) + ld(3, "Opaque") + ld(4, entry("k", "v"))
    assert decode(envelope("v1", "Secret", raw)) == {
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"p": "cQD/"},
        "type": "Opaque", "stringData": {"k": "v"}}


def test_time_microtime_and_the_zero_time() -> None:
    stamp = ld(9, vf(1, 1735689600) + vf(2, 0))  # deletionTimestamp (a *Time): 2025-01-01T00:00:00Z
    assert decode_message(META + "ObjectMeta", ld(8, b"") + stamp) == {"deletionTimestamp": "2025-01-01T00:00:00Z"}
    micro = vf(1, 1735689600) + vf(2, 123456789)
    assert decode_message(META + "MicroTime", micro) == "2025-01-01T00:00:00.123456Z"
    assert decode_message(META + "Time", micro) == "2025-01-01T00:00:00Z"  # RFC3339 at second precision
    assert decode_message(META + "Time", b"") is None


def test_int_or_string_and_quantity() -> None:
    surge = vf(1, 1) + ld(3, "25%")  # type String
    unavailable = vf(1, 0) + vf(2, 1)  # type Int
    rolling = ld(1, unavailable) + ld(2, surge)
    assert decode_message("k8s.io.api.apps.v1.RollingUpdateDeployment", rolling) == {
        "maxUnavailable": 1, "maxSurge": "25%"}
    limits = ld(1, entry("cpu", ld(1, "500m")) + b"") + ld(1, entry("memory", ld(1, "1Gi")))
    assert decode_message(CORE + "ResourceRequirements", limits) == {"limits": {"cpu": "500m", "memory": "1Gi"}}
    port = ld(1, "http") + vf(3, 80) + ld(4, vf(1, 0) + vf(2, 8080))
    assert decode_message(CORE + "ServicePort", port) == {"name": "http", "port": 80, "targetPort": 8080}


def test_inline_structs_and_present_empty_pointers() -> None:
    # Volume embeds VolumeSource (inline in JSON); emptyDir is a pointer: present and empty is {}
    volume = ld(1, "scratch") + ld(2, ld(2, b""))
    assert decode_message(CORE + "Volume", volume) == {"name": "scratch", "emptyDir": {}}
    # Probe embeds ProbeHandler: httpGet sits at the Probe's level
    probe = ld(1, ld(2, ld(1, "/healthz") + ld(2, vf(1, 0) + vf(2, 8080)))) + vf(4, 5)
    assert decode_message(CORE + "Probe", probe) == {"httpGet": {"path": "/healthz", "port": 8080},
                                                     "periodSeconds": 5}


def test_repeated_fields_list_wrappers_and_unknown_fields() -> None:
    # SubjectAccessReviewSpec: groups (repeated string), extra (map of ExtraValue, a []string in JSON)
    spec = ld(1, ld(2, "get") + ld(5, "pods")) + ld(3, "jane") + ld(4, "dev") + ld(4, "ops") + \
        ld(5, entry("scopes", ld(1, "a") + ld(1, "b"))) + vf(99, 7)
    assert decode_message("k8s.io.api.authorization.v1.SubjectAccessReviewSpec", spec) == {
        "resourceAttributes": {"verb": "get", "resource": "pods"}, "user": "jane", "groups": ["dev", "ops"],
        "extra": {"scopes": ["a", "b"]}}


def test_packed_repeated_scalars_are_read_too() -> None:
    # gogo writes proto2 repeated scalars unpacked; a packed list (one length-delimited run) decodes the same
    assert protobuf._packed("int32", varint(1) + varint(300) + varint(-2)) == [1, 300, -2]


def test_raw_extensions_hold_json() -> None:
    revision = ld(1, ld(1, "web-1")) + ld(2, ld(1, b'{"spec":{"replicas":2}}')) + vf(3, 1)
    assert decode(envelope("apps/v1", "ControllerRevision", revision)) == {
        "apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "web-1"},
        "data": {"spec": {"replicas": 2}}, "revision": 1}
    with pytest.raises(ProtobufError, match="RawExtension does not hold JSON"):
        decode(envelope("apps/v1", "ControllerRevision", ld(2, ld(1, b"\x0a\x01x"))))


def test_delete_options_as_drain_sends_them() -> None:
    body = envelope("v1", "DeleteOptions", vf(1, 0) + ld(4, "Foreground"))
    assert decode(body) == {"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0,
                            "propagationPolicy": "Foreground"}


@pytest.mark.parametrize(("ns", "text"), [(0, "0s"), (1, "1ns"), (1500, "1.5µs"), (300_000_000, "300ms"),
                                          (1_500_000_000, "1.5s"), (90 * 10**9, "1m30s"), (3600 * 10**9, "1h0m0s"),
                                          (-2 * 10**9, "-2s")])
def test_durations_print_as_go_does(ns: int, text: str) -> None:
    assert go_duration(ns) == text
    assert decode_message(META + "Duration", vf(1, ns)) == text


def test_rest_creates_from_a_protobuf_body_and_answers_json() -> None:
    rest = Rest(Cluster(nodes=1))
    raw = ld(1, ld(1, "x")) + ld(2, entry("a", "b"))
    out = rest.handle("POST", "/api/v1/namespaces/default/configmaps", "", f"{PB},application/json", PB,
                      envelope("v1", "ConfigMap", raw))
    assert out.code == 201 and out.content_type == "application/json"  # type: ignore[union-attr]
    assert rest.api.get("configmaps", "x", "default")["data"] == {"a": "b"}
    bad = rest.handle("POST", "/api/v1/namespaces/default/configmaps", "", "application/json", PB, b"k8s\x00\x0a")
    assert bad.code == 400  # type: ignore[union-attr]
    assert json.loads(bad.body)["message"] == "truncated varint"  # type: ignore[union-attr]
    # a path kspec does not serve is a 404 before the body is read (kubectl auth whoami tries v1, then v1beta1)
    review = envelope("authentication.k8s.io/v1beta1", "SelfSubjectReview", b"")
    missing = rest.handle("POST", "/apis/authentication.k8s.io/v1beta1/selfsubjectreviews", "", "application/json",
                          PB, review)
    assert missing.code == 404  # type: ignore[union-attr]


def test_rest_updates_from_a_protobuf_body() -> None:
    rest = Rest(Cluster(nodes=1))
    rest.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "default"},
                     "data": {"a": "b"}})
    rv = rest.api.get("configmaps", "x", "default")["metadata"]["resourceVersion"]
    raw = ld(1, ld(1, "x") + ld(3, "default") + ld(6, rv)) + ld(2, entry("a", "c"))
    out = rest.handle("PUT", "/api/v1/namespaces/default/configmaps/x", "", "application/json", PB,
                      envelope("v1", "ConfigMap", raw))
    assert out.code == 200  # type: ignore[union-attr]
    assert rest.api.get("configmaps", "x", "default")["data"] == {"a": "c"}


def test_rest_honours_protobuf_delete_options() -> None:
    cluster = Cluster(nodes=1)
    cluster.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                   "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    cluster.run_for("10s")
    out = Rest(cluster).handle("DELETE", "/api/v1/namespaces/default/pods/p", "", "application/json", PB,
                               envelope("v1", "DeleteOptions", vf(1, 7)))
    assert out.code == 200  # type: ignore[union-attr]
    assert cluster.api.get("pods", "p", "default")["metadata"]["deletionGracePeriodSeconds"] == 7


def test_rest_eviction_honours_its_delete_options() -> None:
    cluster = Cluster(nodes=1)
    cluster.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                   "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    cluster.run_for("10s")
    rest = Rest(cluster)
    path = "/api/v1/namespaces/default/pods/p/eviction"
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "p", "namespace": "default"},
                "deleteOptions": {"gracePeriodSeconds": 3}}
    wrong = rest.handle("POST", path, "", "application/json", "application/json",
                        json.dumps({**eviction, "metadata": {"name": "q"}}).encode())
    assert wrong.code == 400  # type: ignore[union-attr]
    assert json.loads(wrong.body)["message"] == "name in URL does not match name in Eviction object"  # type: ignore
    out = rest.handle("POST", path, "", "application/json", "application/json", json.dumps(eviction).encode())
    assert out.code == 201  # type: ignore[union-attr]
    assert cluster.api.get("pods", "p", "default")["metadata"]["deletionGracePeriodSeconds"] == 3


def test_every_kind_kspec_serves_has_a_protobuf_message() -> None:
    from kspec.api.kinds import KINDS
    missing = [f"{k.group}/{v}/{k.kind}" for k in KINDS for v in (k.version, *k.extra_versions)
               if f"{k.group + '/' if k.group else ''}{v}/{k.kind}" not in protobuf.schema()["kinds"]]
    assert missing == []


def test_the_generator_reads_go_tags_and_proto_fields() -> None:
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "scripts" / "gen_proto_schema.py"
    spec = importlib.util.spec_from_file_location("gen_proto_schema", path)
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    go = gen.go_fields('type Probe struct {\n'
                       '\tProbeHandler `json:",inline" protobuf:"bytes,1,opt,name=handler"`\n'
                       '\tPeriod *int32 `json:"periodSeconds,omitempty" protobuf:"varint,4,opt,name=periodSeconds"`\n'
                       '\tName string `json:"name" protobuf:"bytes,5,opt,name=name"`\n'
                       '}\n')
    assert go["Probe"]["handler"] == {"json": "", "pointer": False, "inline": True, "omitempty": False}
    assert go["Probe"]["periodSeconds"] == {"json": "periodSeconds", "pointer": True, "inline": False,
                                            "omitempty": True}
    package, messages = gen.parse_proto('package k8s.io.api.core.v1;\n\n'
                                        '// +protobuf.nullable=true\nmessage Probe {\n'
                                        '  optional ProbeHandler handler = 1;\n'
                                        '  optional int32 periodSeconds = 4;\n'
                                        '  repeated string name = 5;\n'
                                        '  map<string, .k8s.io.apimachinery.pkg.api.resource.Quantity> limits = 6;\n'
                                        '}\n', go)
    assert package == "k8s.io.api.core.v1"
    assert messages["k8s.io.api.core.v1.Probe"] == {"list": True, "fields": {
        "1": ["", "k8s.io.api.core.v1.ProbeHandler", "i"], "4": ["periodSeconds", "int32", "po"],
        "5": ["name", "string", "r"],
        "6": ["limits", "map", "string", "k8s.io.apimachinery.pkg.api.resource.Quantity", ""]}}
