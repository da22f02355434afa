"""Validation results and their exact upstream rendering."""

import copy

from hypothesis import given
from hypothesis import strategies as st

from kspec.api.defaults import apply_defaults
from kspec.api.validation import FieldError, invalid_message, render_value, validate

SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)


def _pod(name: str = "web", **spec: object) -> dict:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec},
    }
    apply_defaults(pod)
    return pod


def _deployment(**spec: object) -> dict:
    body = {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "x"}},
        "template": {
            "metadata": {"labels": {"app": "x"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        },
    }
    body.update(spec)
    obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d", "namespace": "default"},
        "spec": body,
    }
    apply_defaults(obj)
    return obj


def _messages(obj: dict, old: dict | None = None) -> list[str]:
    return [str(e) for e in validate(obj, old)]


def test_error_rendering() -> None:
    assert str(FieldError("FieldValueRequired", "spec.containers")) == "spec.containers: Required value"
    assert str(FieldError("FieldValueInvalid", "x", 0, "bad")) == "x: Invalid value: 0: bad"
    assert str(FieldError("FieldValueForbidden", "spec", "", "no")) == "spec: Forbidden: no"
    assert render_value({"b": "1", "a": "<"}) == '{"a":"\\u003c","b":"1"}'
    assert render_value(True) == "true"
    assert render_value(None) == "null"


def test_valid_pod_has_no_errors() -> None:
    assert validate(_pod()) == []


def test_bad_pod_name_message() -> None:
    pod = _pod("Bad_Name")
    assert invalid_message(pod, validate(pod)) == (
        f'Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": {SUBDOMAIN_MSG}'
    )


def test_several_errors_are_bracketed() -> None:
    pod = _pod("Bad_Name")
    pod["spec"]["containers"] = []
    assert invalid_message(pod, validate(pod)).endswith(", spec.containers: Required value]")
    assert invalid_message(pod, validate(pod)).startswith('Pod "Bad_Name" is invalid: [metadata.name:')


def test_container_checks() -> None:
    pod = _pod(
        containers=[
            {"name": "c", "image": ""},
            {"name": "c", "image": "x", "ports": [{"containerPort": 70000}]},
        ]
    )
    apply_defaults(pod)
    msgs = _messages(pod)
    assert "spec.containers[0].image: Required value" in msgs
    assert 'spec.containers[1].name: Duplicate value: "c"' in msgs
    assert (
        "spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, "
        "inclusive"
    ) in msgs


def test_requests_above_limits() -> None:
    pod = _pod(
        containers=[
            {"name": "c", "image": "x", "resources": {"limits": {"cpu": "500m"}, "requests": {"cpu": "1"}}}
        ]
    )
    apply_defaults(pod)
    assert _messages(pod) == [
        'spec.containers[0].resources.requests: Invalid value: "1": '
        "must be less than or equal to cpu limit of 500m"
    ]


def test_unsupported_values() -> None:
    pod = _pod(restartPolicy="Sometimes")
    assert _messages(pod) == [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'
    ]


def test_toleration_rules() -> None:
    pod = _pod(
        tolerations=[{"operator": "Equal", "value": "x"}, {"key": "k", "operator": "Exists", "value": "v"}]
    )
    msgs = _messages(pod)
    assert any(
        m.startswith('spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists')
        for m in msgs
    )
    assert (
        "spec.tolerations[1].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"
    ) in msgs


def test_deployment_selector_and_strategy() -> None:
    obj = _deployment(
        selector={"matchLabels": {"app": "y"}},
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}},
    )
    assert invalid_message(obj, validate(obj)) == (
        'Deployment.apps "d" is invalid: [spec.template.metadata.labels: Invalid value: {"app":"x"}: '
        "`selector` does not match template `labels`, "
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0]"
    )


def test_deployment_percent_over_100_and_missing_selector() -> None:
    obj = _deployment(
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "150%"}}
    )
    assert _messages(obj) == [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'
    ]
    obj = _deployment()
    del obj["spec"]["selector"]
    assert "spec.selector: Required value" in _messages(obj)


def test_workload_template_restart_policy() -> None:
    obj = _deployment()
    obj["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert _messages(obj) == [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'
    ]
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"a": "b"}}, "manualSelector": True,
                 "template": {"metadata": {"labels": {"a": "b"}},
                              "spec": {"containers": [{"name": "c", "image": "x"}]}}},
    }
    apply_defaults(job)
    assert invalid_message(job, validate(job)) == (
        'Job.batch "j" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": '
        'supported values: "OnFailure", "Never"'
    )


def test_deployment_selector_is_immutable() -> None:
    old = _deployment()
    new = _deployment(selector={"matchLabels": {"app": "z"}})
    new["spec"]["template"]["metadata"]["labels"] = {"app": "z"}
    assert _messages(new, old) == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"z"}}: field is immutable'
    ]


def test_pod_update_rules() -> None:
    old = _pod()
    image_only = copy.deepcopy(old)
    image_only["spec"]["containers"][0]["image"] = "nginx:1.28"
    assert validate(image_only, old) == []
    port_change = copy.deepcopy(old)
    port_change["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "protocol": "TCP"}]
    (err,) = validate(port_change, old)
    assert str(err).startswith(
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
        "existing tolerations),`spec.terminationGracePeriodSeconds` "
        "(allow it to be set to 1 if it was previously negative)\n"
    )


def test_service_rules() -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"app": "x"}},
    }
    apply_defaults(svc)
    assert _messages(svc) == ["spec.ports: Required value"]
    svc["spec"]["ports"] = [{"name": "a", "port": 80}, {"name": "a", "port": 81}]
    apply_defaults(svc)
    assert _messages(svc) == ['spec.ports[1].name: Duplicate value: "a"']
    bad_type = copy.deepcopy(svc)
    bad_type["spec"]["type"] = "Magic"
    assert any(
        m.startswith('spec.type: Unsupported value: "Magic": supported values: "ClusterIP"')
        for m in _messages(bad_type)
    )
    svc["metadata"]["name"] = "1web"
    assert _messages(svc)[0].startswith('metadata.name: Invalid value: "1web": a DNS-1035 label must consist')


def test_namespace_is_a_dns_label_and_configmap_keys() -> None:
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a.b"}}
    assert _messages(ns) == ['metadata.name: Invalid value: "a.b": must not contain dots']
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "d"},
        "data": {"bad key": "v"},
    }
    assert _messages(cm)[0].startswith(
        'data[bad key]: Invalid value: "bad key": a valid config key must consist'
    )


def test_cronjob_hpa_pdb() -> None:
    cron = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "c", "namespace": "d"},
        "spec": {
            "schedule": "",
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {"restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "x"}]}
                    }
                }
            },
        },
    }
    apply_defaults(cron)
    assert _messages(cron) == ["spec.schedule: Required value"]
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "h", "namespace": "d"},
        "spec": {"minReplicas": 5, "maxReplicas": 2, "scaleTargetRef": {"kind": "Deployment", "name": "x"}},
    }
    assert _messages(hpa) == [
        "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"
    ]
    pdb = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "p", "namespace": "d"},
        "spec": {"minAvailable": 1, "maxUnavailable": 1},
    }
    assert _messages(pdb)[0].endswith(": minAvailable and maxUnavailable cannot be both set")


_label_text = st.text(alphabet="abcXYZ019-_./ ", max_size=12)


@given(st.dictionaries(_label_text, _label_text, max_size=4))
def test_label_errors_are_deterministic_and_point_at_labels(labels: dict[str, str]) -> None:
    pod = _pod()
    pod["metadata"]["labels"] = labels
    first, again = _messages(pod), _messages(copy.deepcopy(pod))
    assert first == again
    assert all(m.startswith("metadata.labels: Invalid value: ") for m in first)
