"""Server-side defaulting as kube-apiserver applies it."""

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kspec.api.defaults import apply_defaults, default_pull_policy


def _pod(**container: object) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "nginx", **container}]},
    }


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("nginx@sha256:abc", "IfNotPresent"),
        ("nginx:latest@sha256:abc", "Always"),
        ("registry:5000/team/app", "Always"),
        ("registry:5000/team/app:v2", "IfNotPresent"),
    ],
)
def test_image_pull_policy(image: str, policy: str) -> None:
    assert default_pull_policy(image) == policy


def test_pod_defaults() -> None:
    pod = _pod(
        ports=[{"containerPort": 80}],
        readinessProbe={"httpGet": {"port": 80}},
        resources={"limits": {"cpu": "500m", "memory": "128Mi"}},
    )
    apply_defaults(pod)
    spec, c = pod["spec"], pod["spec"]["containers"][0]
    assert spec["restartPolicy"] == "Always"
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["enableServiceLinks"] is True
    assert spec["securityContext"] == {}
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"
    assert c["ports"][0]["protocol"] == "TCP"
    assert c["readinessProbe"] == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    assert c["resources"]["requests"] == {"cpu": "500m", "memory": "128Mi"}


def test_requests_from_limits_only_on_pods() -> None:
    deploy = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "c", "image": "x", "resources": {"limits": {"cpu": "1"}}}]}
            }
        },
    }
    apply_defaults(deploy)
    container = deploy["spec"]["template"]["spec"]["containers"][0]
    assert "requests" not in container["resources"]
    assert deploy["spec"]["template"]["spec"]["restartPolicy"] == "Always"


def test_existing_request_kept() -> None:
    pod = _pod(resources={"limits": {"cpu": "1"}, "requests": {"cpu": "200m"}})
    apply_defaults(pod)
    assert pod["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "200m"}


def test_workload_defaults() -> None:
    deploy = {"kind": "Deployment", "spec": {}}
    apply_defaults(deploy)
    assert deploy["spec"]["replicas"] == 1
    assert deploy["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert deploy["spec"]["revisionHistoryLimit"] == 10
    assert deploy["spec"]["progressDeadlineSeconds"] == 600
    sts = {"kind": "StatefulSet", "spec": {}}
    apply_defaults(sts)
    assert sts["spec"]["podManagementPolicy"] == "OrderedReady"
    assert sts["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert sts["spec"]["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }
    ds = {"kind": "DaemonSet", "spec": {}}
    apply_defaults(ds)
    assert ds["spec"]["updateStrategy"]["rollingUpdate"] == {"maxUnavailable": 1, "maxSurge": 0}


def test_recreate_gets_no_rolling_update() -> None:
    deploy = {"kind": "Deployment", "spec": {"strategy": {"type": "Recreate"}}}
    apply_defaults(deploy)
    assert "rollingUpdate" not in deploy["spec"]["strategy"]


@pytest.mark.parametrize(
    ("spec", "completions", "parallelism"),
    [({}, 1, 1), ({"completions": 5}, 5, 1), ({"parallelism": 3}, None, 3)],
)
def test_job_counts(spec: dict, completions: int | None, parallelism: int) -> None:
    job = {"kind": "Job", "spec": dict(spec)}
    apply_defaults(job)
    assert job["spec"].get("completions") == completions
    assert job["spec"]["parallelism"] == parallelism
    assert job["spec"]["backoffLimit"] == 6
    assert job["spec"]["completionMode"] == "NonIndexed"
    assert job["spec"]["suspend"] is False
    assert job["spec"]["podReplacementPolicy"] == "TerminatingOrFailed"
    assert "manualSelector" not in job["spec"]


def test_cronjob_defaults() -> None:
    cron = {"kind": "CronJob", "spec": {"schedule": "* * * * *"}}
    apply_defaults(cron)
    assert cron["spec"]["concurrencyPolicy"] == "Allow"
    assert (cron["spec"]["successfulJobsHistoryLimit"], cron["spec"]["failedJobsHistoryLimit"]) == (3, 1)


def test_service_defaults() -> None:
    svc = {
        "kind": "Service",
        "spec": {"type": "NodePort", "sessionAffinity": "ClientIP", "ports": [{"port": 80}]},
    }
    apply_defaults(svc)
    spec = svc["spec"]
    assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    assert spec["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}
    assert spec["externalTrafficPolicy"] == "Cluster"
    assert spec["internalTrafficPolicy"] == "Cluster"
    assert (spec["ipFamilyPolicy"], spec["ipFamilies"]) == ("SingleStack", ["IPv4"])
    plain = {"kind": "Service", "spec": {"ports": [{"port": 80, "targetPort": "http"}]}}
    apply_defaults(plain)
    assert plain["spec"]["type"] == "ClusterIP" and plain["spec"]["sessionAffinity"] == "None"
    assert plain["spec"]["ports"][0]["targetPort"] == "http"
    assert "externalTrafficPolicy" not in plain["spec"]
    external = {"kind": "Service", "spec": {"type": "ExternalName", "externalName": "example.com"}}
    apply_defaults(external)
    assert "ipFamilies" not in external["spec"]


def test_hpa_default_metric() -> None:
    hpa = {"kind": "HorizontalPodAutoscaler", "spec": {"maxReplicas": 3}}
    apply_defaults(hpa)
    assert hpa["spec"]["minReplicas"] == 1
    assert hpa["spec"]["metrics"][0]["resource"]["target"] == {
        "type": "Utilization",
        "averageUtilization": 80,
    }


def test_namespace_label_and_unknown_kind() -> None:
    ns = {"kind": "Namespace", "metadata": {"name": "team"}}
    apply_defaults(ns)
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team"}
    other = {"kind": "Widget", "spec": {}}
    apply_defaults(other)
    assert other == {"kind": "Widget", "spec": {}}


_KINDS = [
    "Pod",
    "Service",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "Namespace",
    "Node",
    "Secret",
    "Endpoints",
]
_images = st.sampled_from(["nginx", "nginx:1.27", "nginx@sha256:ab", "busybox:latest"])
_container = st.fixed_dictionaries(
    {"name": st.just("c"), "image": _images},
    optional={
        "resources": st.fixed_dictionaries(
            {},
            optional={
                "limits": st.dictionaries(
                    st.sampled_from(["cpu", "memory"]), st.sampled_from(["1", "500m", "1Gi"])
                ),
                "requests": st.dictionaries(
                    st.sampled_from(["cpu", "memory"]), st.sampled_from(["100m", "1000m"])
                ),
            },
        ),
        "ports": st.lists(st.fixed_dictionaries({"containerPort": st.integers(1, 65535)}), max_size=2),
    },
)
_template = st.fixed_dictionaries(
    {"spec": st.fixed_dictionaries({"containers": st.lists(_container, max_size=2)})}
)
_objects = st.builds(
    lambda kind, template, replicas, ports: {
        "kind": kind,
        "metadata": {"name": "x"},
        "spec": {
            "template": template,
            "containers": template["spec"]["containers"],
            "replicas": replicas,
            "ports": ports,
            "jobTemplate": {"spec": {"template": template}},
        },
    },
    st.sampled_from(_KINDS),
    _template,
    st.none() | st.integers(0, 5),
    st.lists(st.fixed_dictionaries({"port": st.integers(1, 65535)}), max_size=2),
)


@given(_objects)
def test_defaulting_is_idempotent(obj: dict) -> None:
    once = copy.deepcopy(obj)
    apply_defaults(once)
    twice = copy.deepcopy(once)
    apply_defaults(twice)
    assert twice == once
