"""Rules added to validation: robfig/cron parse errors, time zones, PriorityClass, HPA, data sizes."""

from __future__ import annotations

import pytest

from kspec.api.validation import validate
from kspec.api.validation_batch import cron_error


@pytest.mark.parametrize(("spec", "error"), [
    ("*/5 * * * *", None), ("0 9 * * MON-FRI", None), ("0 0 1 jan,jul ?", None), ("@hourly", None),
    ("@every 1h30m", None), ("CRON_TZ=Europe/Paris 0 9 * * *", None),
    ("", "empty spec string"),
    ("bad", "expected exactly 5 fields, found 1: [bad]"),
    ("* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("@every soon", 'failed to parse duration @every soon: time: invalid duration "soon"'),
    ("61 * * * *", "end of range (61) above maximum (59): 61"),
    ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("*/2/3 * * * *", "too many slashes: */2/3"),
    ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ("TZ=Mars/Base * * * * *", "provided bad location Mars/Base: unknown time zone Mars/Base"),
])
def test_cron_errors_are_robfig_crons(spec: str, error: str | None) -> None:
    assert cron_error(spec) == error


def _messages(obj: dict) -> list[str]:
    return [str(e) for e in validate(obj)]


def _cronjob(**spec: object) -> dict:
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c", "namespace": "default"},
            "spec": {"schedule": "* * * * *", "concurrencyPolicy": "Allow", "jobTemplate": {"spec": {"template": {
                "spec": {"restartPolicy": "Never", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
                         "containers": [{"name": "a", "image": "i", "imagePullPolicy": "Always",
                                         "terminationMessagePolicy": "File"}]}}}}, **spec}}


@pytest.mark.parametrize(("zone", "error"), [
    ("Europe/Paris", None), ("Etc/UTC", None),
    ("", 'spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string'),
    ("Mars/Base", 'spec.timeZone: Invalid value: "Mars/Base": unknown time zone Mars/Base'),
    ("../etc/passwd", 'spec.timeZone: Invalid value: "../etc/passwd": unknown time zone ../etc/passwd'),
    ("Local", 'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in '
              "https://www.iana.org/time-zones"),
])
def test_time_zones(zone: str, error: str | None) -> None:
    errors = [m for m in _messages(_cronjob(timeZone=zone)) if "timeZone" in m]
    assert errors == ([error] if error else [])


def test_tz_in_the_schedule_is_refused_on_create() -> None:
    assert 'spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone ' \
           "field instead" in _messages(_cronjob(schedule="TZ=UTC * * * * *"))


def _pc(name: str, value: int, **extra: object) -> dict:
    return {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
            "value": value, **extra}


@pytest.mark.parametrize(("obj", "error"), [
    (_pc("high", 1_000_000_000), None),
    (_pc("system-node-critical", 2_000_001_000), None),
    (_pc("high", 1_000_000_001), "value: Forbidden: maximum allowed value of a user defined priority is 1000000000"),
    (_pc("system-x", 5), "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for "
                         "system use only. error: system-x is not a known system priority class"),
    (_pc("system-cluster-critical", 5), "metadata.name: Forbidden: priority class names with 'system-' prefix are "
                                        "reserved for system use only. error: value of system-cluster-critical "
                                        "PriorityClass must be 2000000000"),
    (_pc("p", 1, preemptionPolicy="Maybe"), 'preemptionPolicy: Unsupported value: "Maybe": supported values: '
                                            '"Never", "PreemptLowerPriority"'),
])
def test_priority_classes(obj: dict, error: str | None) -> None:
    assert _messages(obj) == ([error] if error else [])


def test_configmap_and_secret_data_are_limited_to_one_mebibyte() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"},
          "data": {"a": "x" * (1024 * 1024 + 1)}}
    assert _messages(cm) == [": Too long: must have at most 1048576 bytes"]
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "default"},
              "data": {"a": "eHh4" * 349526}}  # 1048578 bytes once decoded
    assert _messages(secret) == ["data: Too long: must have at most 1048576 bytes"]


def test_annotations_count_bytes_not_characters() -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default",
                                                                "annotations": {"a": "é" * 131072}}}
    assert _messages(cm) == ["metadata.annotations: Too long: must have at most 262144 bytes"]


def _hpa(**spec: object) -> dict:
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "h", "namespace": "default"},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 3,
                     **spec}}


@pytest.mark.parametrize(("metric", "errors"), [
    ({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}},
     []),
    ({"type": "Pods"}, ["spec.metrics[0].pods: Required value: must populate information for the given metric "
                        "source"]),
    ({"type": "Magic"}, ['spec.metrics[0].type: Unsupported value: "Magic": supported values: "ContainerResource", '
                         '"External", "Object", "Pods", "Resource"']),
    ({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Value", "value": "-1"}}},
     ['spec.metrics[0].resource.target.value: Invalid value: "-1": must be positive',
      "spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or "
      "a target utilization"]),
    ({"type": "External", "external": {"metric": {"name": "a/b"}, "target": {"type": "Value", "value": "1"}},
      "pods": {"metric": {"name": "x"}, "target": {"type": "AverageValue", "averageValue": "1"}}},
     ["spec.metrics[0].external.metric.name: Invalid value: \"a/b\": may not contain '/'",
      "spec.metrics[0].pods: Forbidden: must populate the given metric source only"]),
])
def test_hpa_metrics(metric: dict, errors: list[str]) -> None:
    assert _messages(_hpa(metrics=[metric])) == errors


def test_hpa_behavior_bounds() -> None:
    behavior = {"scaleUp": {"selectPolicy": "Most", "policies": [{"type": "Pods", "value": 1, "periodSeconds": 1801}]},
                "scaleDown": {"stabilizationWindowSeconds": -1, "policies": []}}
    assert _messages(_hpa(behavior=behavior)) == [
        'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Most": supported values: "Disabled", "Max", "Min"',
        "spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800",
        "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: -1: must be greater than or equal to "
        "zero",
        "spec.behavior.scaleDown.policies: Required value: must specify at least one Policy",
    ]
