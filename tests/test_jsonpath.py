"""kubectl's JSONPath: what ``kubectl get -o jsonpath`` prints, and the errors it reports."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kspec.jsonpath import JSONPathEvalError, JSONPathSyntaxError, evaluate, go_json, relaxed

POD = {
    "kind": "Pod",
    "metadata": {"name": "web", "labels": {"tier": "front", "app": "web"},
                 "annotations": {"kubernetes.io/change-cause": "a<b&c"}},
    "spec": {"nodeName": "node-1", "hostNetwork": False,
             "containers": [{"name": "app", "image": "nginx", "ports": [{"containerPort": 80}]},
                            {"name": "side", "image": "busybox"}]},
    "status": {"conditions": [{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
               "containerStatuses": [{"name": "app", "restartCount": 3, "ready": True},
                                     {"name": "side", "restartCount": 0, "ready": False}],
               "ratio": 0.5, "whole": 2.0},
}


@pytest.mark.parametrize(("template", "printed"), [
    ("{.spec.nodeName}", "node-1"),
    ("{.kind}", "Pod"),
    ("{$.kind}", "Pod"),
    ("{@.metadata.name}", "web"),
    ('{.status.conditions[?(@.type=="Ready")].status}', "True"),
    ("{.status.conditions[?(@.type=='PodScheduled')].type}", "PodScheduled"),
    ('{.status.conditions[?(@.type!="Ready")].type}', "PodScheduled"),
    ("{.status.containerStatuses[?(@.restartCount>1)].name}", "app"),
    ("{.status.containerStatuses[?(@.restartCount<=0)].name}", "side"),
    ("{.status.containerStatuses[?(@.ready==true)].name}", "app"),
    ("{.spec.containers[?(@.ports)].name}", "app"),
    ("{.spec.containers[*].name}", "app side"),
    ("{.spec.containers[0].name}", "app"),
    ("{.spec.containers[-1].name}", "side"),
    ("{.spec.containers[0:1].name}", "app"),
    ("{.spec.containers[0:2:2].name}", "app"),
    ("{.spec.containers[1:].name}", "side"),
    ("{.spec.containers[0,1].image}", "nginx busybox"),
    ("{.metadata['name']}", "web"),
    ("{.metadata.labels['app','tier']}", "web front"),
    ("{.metadata.labels}", '{"app":"web","tier":"front"}'),
    ("{.metadata.labels.*}", "web front"),
    ("{.spec.containers[0]}", '{"image":"nginx","name":"app","ports":[{"containerPort":80}]}'),
    ("{.spec.containers[0].ports}", '[{"containerPort":80}]'),
    ("{.metadata.annotations.kubernetes\\.io/change-cause}", "a<b&c"),
    ("{.metadata.annotations}", '{"kubernetes.io/change-cause":"a\\u003cb\\u0026c"}'),
    ("{..image}", "nginx busybox"),
    ("{..restartCount}", "3 0"),
    ("{.spec.hostNetwork}", "false"),
    ("{.status.containerStatuses[0].ready}", "true"),
    ("{.status.containerStatuses[0].restartCount}", "3"),
    ("{.status.ratio}", "0.5"),
    ("{.status.whole}", "2"),
    ("{range .spec.containers[*]}{.name}={.image};{end}", "app=nginx;side=busybox;"),
    ('{range .spec.containers[*]}{.name}{"\\n"}{end}', "app\nside\n"),
    ("name: {.metadata.name} node: {.spec.nodeName}", "name: web node: node-1"),
    ('{"quoted"}', "quoted"),
    ("{.metadata.missing}", ""),
    ("{.metadata.missing.deeper}", ""),
    ("{.status.missing[0]}", ""),
    ('{.spec.containers[?(@.name=="none")].image}', ""),
    ("{.spec.containers[?(@.missing=='x')].name}", ""),
    ("plain text", "plain text"),
])
def test_prints_as_kubectl_does(template: str, printed: str) -> None:
    assert evaluate(template, POD) == printed


@pytest.mark.parametrize(("path", "template"), [
    ("{.spec.nodeName}", "{.spec.nodeName}"),
    (".spec.nodeName", "{.spec.nodeName}"),
    ("spec.nodeName", "{.spec.nodeName}"),
    ("[0]", "{[0]}"),
])
def test_braces_may_be_left_out(path: str, template: str) -> None:
    assert relaxed(path) == template


@pytest.mark.parametrize(("template", "message"), [
    ("{.spec", "unclosed action"),
    ("{.spec.containers[0}", "unterminated array"),
    ('{.status.conditions[?(@.type=="Ready"}', "unterminated filter"),
    ('{.status.conditions[?(@.type=="Ready")}', "unclosed array expect ]"),
    ("{.spec.containers[x]}", "invalid array index x"),
    ("{.spec ~}", "unrecognized character in action: U+007E '~'"),
    ('{"open}', "unterminated quoted string"),
    ("{....a}", "invalid multiple recursive descent"),
    ("{1.2.3}", "cannot parse number 1.2.3"),
])
def test_syntax_errors_say_what_kubectl_says(template: str, message: str) -> None:
    with pytest.raises(JSONPathSyntaxError, match=re.escape(message)):
        evaluate(template, POD)


@pytest.mark.parametrize(("template", "message"), [
    ("{.spec.containers[5]}", "array index out of bounds: index 5, length 2"),
    ("{.spec.containers[0:5]}", "array index out of bounds: index 4, length 2"),
    ("{.spec.containers[1:0]}", "starting index 1 is greater than ending index 0"),
    ("{.spec.containers[0:2:0]}", "step must be > 0"),
    ("{.metadata[0]}", "map[string]interface {} is not array or slice"),
    ("{.status.containerStatuses[?(@.restartCount=='3')].name}", "incompatible types for comparison"),
    ("{.status.containerStatuses[?(@.ready<true)].name}", "invalid type for comparison"),
    ("{.spec.containers[?(@.name='app')].name}", "unrecognized filter operator ="),
    ("{end}", "not in range, nothing to end"),
    ("{nonsense}", "unrecognized identifier nonsense"),
])
def test_evaluation_errors(template: str, message: str) -> None:
    with pytest.raises(JSONPathEvalError) as exc:
        evaluate(template, POD)
    assert str(exc.value) == message


def test_a_dict_key_in_brackets_is_read_as_a_dotted_path_as_client_go_does() -> None:
    obj = {"metadata": {"labels": {"app.kubernetes.io/name": "web", "app": {"kubernetes": {"io/name": "nested"}}}}}
    assert evaluate("{.metadata.labels['app.kubernetes.io/name']}", obj) == "nested"
    assert evaluate("{.metadata.labels.app\\.kubernetes\\.io/name}", obj) == "web"


@pytest.mark.parametrize(("value", "printed"), [
    (1e20, "100000000000000000000"), (1e21, "1e+21"), (0.0001, "0.0001"), (0.00001, "1e-05"), (-2.5, "-2.5"),
])
def test_floats_print_as_go_fmt_v(value: float, printed: str) -> None:
    assert evaluate("{.v}", {"v": value}) == printed


@pytest.mark.parametrize(("value", "printed"), [
    ({"b": 1, "a": [True, None, 1.0, 1e-7, 1e-6]}, '{"a":[true,null,1,1e-7,0.000001],"b":1}'),
    ({"s": 'q"\\\n\t\u2028é'}, '{"s":"q\\"\\\\\\n\\t\\u2028é"}'),
])
def test_go_json_marshal(value: object, printed: str) -> None:
    assert go_json(value) == printed


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                    max_leaves=10))
def test_go_json_is_valid_json_of_the_same_value(value: object) -> None:
    import json
    assert json.loads(go_json(value)) == value
