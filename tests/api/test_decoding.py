"""Typed decoding (kspec/api/decoding.py) and kubectl's YAML reading (kspec/manifests.py)."""

from __future__ import annotations

import pytest

from kspec.api.decoding import base64_error, decode, schema
from kspec.errors import ApiError, ManifestError
from kspec.manifests import load


def _pod(**spec: object) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "a", "image": "i"}], **spec}}


def _error(obj: dict) -> str:
    with pytest.raises(ApiError) as exc:
        decode(obj)
    assert exc.value.code == 400 and exc.value.reason == "BadRequest"
    return exc.value.message


def test_the_schema_records_its_upstream_version_and_source() -> None:
    data = schema()
    assert data["kubernetesVersion"] == "v1.35.0"
    assert "kubernetes-validate==1.37.0" in data["source"]
    assert data["kinds"]["apps/v1/Deployment"] == "io.k8s.api.apps.v1.Deployment"


@pytest.mark.parametrize(("value", "text"), [
    ("30", "cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64"),
    (True, "cannot unmarshal bool into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64"),
    (1.5, "cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds"),
    (2**63, "cannot unmarshal number 9223372036854775808 into Go struct field"),
    ([], "cannot unmarshal array into Go struct field PodSpec.spec.terminationGracePeriodSeconds"),
])
def test_wrong_types_are_refused_in_the_go_decoders_words(value: object, text: str) -> None:
    message = _error(_pod(terminationGracePeriodSeconds=value))
    assert message.startswith('Pod in version "v1" cannot be handled as a Pod: json: ')
    assert text in message


def test_list_items_are_named_by_their_field_path_without_indices() -> None:
    obj = _pod()
    obj["spec"]["containers"][0]["args"] = [1]
    assert "Go struct field Container.spec.containers.args of type string" in _error(obj)


def test_a_struct_given_a_scalar_names_the_go_type() -> None:
    obj = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": "x"}
    assert "cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec" in _error(obj)


def test_every_unknown_field_is_listed_in_document_order() -> None:
    obj = _pod(hostname="h", nodeNme="n")
    obj["metadata"]["nmae"] = "x"
    obj["spec"]["containers"][0]["imagee"] = "y"
    assert _error(obj).endswith('strict decoding error: unknown field "metadata.nmae", '
                                'unknown field "spec.containers[0].imagee", unknown field "spec.nodeNme"')


def test_a_type_error_wins_over_unknown_fields() -> None:
    obj = _pod(nodeNme="n", priority="high")
    assert "cannot unmarshal string" in _error(obj) and "unknown field" not in _error(obj)


def test_whole_floats_are_integers_and_nulls_are_zero_values() -> None:
    obj = _pod(terminationGracePeriodSeconds=30.0, nodeName=None)
    obj["metadata"]["labels"] = {"a": None}
    obj["spec"]["containers"].append(None)
    out = decode(obj)
    assert out["spec"]["terminationGracePeriodSeconds"] == 30
    assert isinstance(out["spec"]["terminationGracePeriodSeconds"], int)
    assert "nodeName" not in out["spec"]
    assert out["metadata"]["labels"] == {"a": ""}
    assert out["spec"]["containers"][1] == {}


def test_int_or_string_and_quantities() -> None:
    obj = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "b"},
           "spec": {"minAvailable": True}}
    assert "cannot unmarshal bool into Go struct field PodDisruptionBudgetSpec.spec.minAvailable of type int32" \
        in _error(obj)
    obj["spec"]["minAvailable"] = "50%"
    assert decode(obj)["spec"]["minAvailable"] == "50%"
    pod = _pod()
    pod["spec"]["containers"][0]["resources"] = {"requests": {"cpu": 0.5, "memory": "1Gi"}}
    assert decode(pod)["spec"]["containers"][0]["resources"]["requests"] == {"cpu": 0.5, "memory": "1Gi"}
    pod["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1.2.3"}}
    assert "(at spec.containers[0].resources.limits[cpu])" in _error(pod)
    pod["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "1e99999"}}
    assert "unable to parse quantity's suffix" in _error(pod)


@pytest.mark.parametrize(("text", "where"), [
    ("aGVsbG8=", None), ("aGVs", None), ("", None), ("aGVs\nbG8=", None),
    ("aGVsbG8", 4), ("a", 0), ("ab=", 3), ("abc=x", 4), ("a!bc", 1), ("====", 0),
])
def test_base64_errors_point_where_go_stops(text: str, where: int | None) -> None:
    assert base64_error(text) == where


def test_an_autoscaling_v1_hpa_becomes_the_v2_shape() -> None:
    out = decode({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
                  "spec": {"maxReplicas": 3, "targetCPUUtilizationPercentage": 50,
                           "scaleTargetRef": {"kind": "Deployment", "name": "web"}}})
    assert out["apiVersion"] == "autoscaling/v2"
    assert out["spec"]["metrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]


def test_non_json_values_from_python_are_refused() -> None:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "managedFields": [
        {"fieldsV1": {"f": {1, 2}}}]}}
    assert "unsupported value" in _error(obj)


# -- YAML as kubectl reads it ---------------------------------------------------------


def test_yaml_timestamps_stay_strings_and_keys_become_json_keys() -> None:
    (obj,) = load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 2024-01-01}\n"
                  "data: {1: a, true: b, when: 2024-01-01T10:00:00Z}\n")
    assert obj["metadata"]["name"] == "2024-01-01"
    assert obj["data"] == {"1": "a", "true": "b", "when": "2024-01-01T10:00:00Z"}


def test_duplicate_keys_reach_the_decoder_as_duplicate_fields() -> None:
    (obj,) = load("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n")
    assert obj["metadata"]["name"] == "b"
    assert _error(obj).endswith('strict decoding error: duplicate field "metadata.name"')


def test_merge_keys_are_not_duplicates() -> None:
    (obj,) = load("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
                  "base: &b {x: '1'}\ndata: {<<: *b, x: '2'}\n")
    assert obj["data"] == {"x": "2"} and obj["data"].duplicates == ()


@pytest.mark.parametrize(("text", "message"), [
    ("a: &a [*a]\n", "an alias refers to a node that contains it"),
    ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: !!set {x: null}}\n",
     "error parsing YAML at <manifest>:4:11: the tag 'tag:yaml.org,2002:set' is not allowed"),
    ("x: !custom 1\n", "could not determine a constructor for the tag '!custom'"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {priority: .inf}\n",
     "json: unsupported value: +Inf (at spec.priority)"),
    ("a: " + "[" * 300 + "]" * 300 + "\n", "nesting exceeds the maximum depth of 200"),
    ("apiVersion: [v1]\nkind: Pod\n", "couldn't get version/kind; json parse error: json: cannot unmarshal array "
                                      "into Go struct field .apiVersion of type string"),
])
def test_yaml_that_has_no_json_form_is_refused_with_where(text: str, message: str) -> None:
    with pytest.raises(ManifestError) as exc:
        load(text)
    assert message in str(exc.value)


def test_a_billion_laughs_is_refused_before_expansion() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(ManifestError, match="excessive aliasing"):
        load("\n".join(lines) + "\n")
