"""Pod spec validation: upstream's TestValidatePodSpec and TestValidatePodReadinessGates
(pkg/apis/core/validation/validation_test.go), through a Pod (ResourceIsPod) validated by kspec.

podtest.MakePod's spec: one container "ctr" (image, IfNotPresent, File), restart Always, ClusterFirst,
grace 30. The internal PodSecurityContext's hostNetwork/hostPID/hostIPC/shareProcessNamespace are v1
spec fields.
"""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import validate
from tests.upstream.api.adapter import container, make_pod_spec
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

MAX = 2147483647


def pod(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
            "spec": make_pod_spec(**spec)}


AFFINITY = {"nodeAffinity": {
    "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{
        "matchExpressions": [{"key": "key2", "operator": "In", "values": ["value1", "value2"]}],
        "matchFields": [{"key": "metadata.name", "operator": "In", "values": ["host1"]}]}]},
    "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "preference": {
        "matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar"]}]}}]}}
ALIAS = {"ip": "12.34.56.78", "hostnames": ["host1", "host2"]}
ALIAS_DOTS = {"ip": "12.34.56.78", "hostnames": ["host1.foo", "host2.bar"]}
HOST_PORT = [container("ctr", ports=[{"hostPort": 8080, "containerPort": 8080, "protocol": "TCP"}])]

F = "TestValidatePodSpec"
SUCCESS = {
    "populate basic fields, leave defaults for most": pod(),
    "populate all fields": pod(initContainers=[container("ictr")], volumes=[{"name": "vol", "emptyDir": {}}],
                               nodeSelector={"key": "value"}, nodeName="foobar", activeDeadlineSeconds=MAX,
                               serviceAccountName="acct"),
    "populate HostNetwork": pod(containers=HOST_PORT, hostNetwork=True),
    "populate RunAsUser SupplementalGroups FSGroup with minID 0":
        pod(securityContext={"supplementalGroups": [0], "runAsUser": 0, "fsGroup": 0}),
    "populate RunAsUser SupplementalGroups FSGroup with maxID 2147483647":
        pod(securityContext={"supplementalGroups": [MAX], "runAsUser": MAX, "fsGroup": MAX}),
    "populate HostIPC": pod(hostIPC=True),
    "populate HostPID": pod(hostPID=True),
    "populate Affinity": pod(affinity=AFFINITY),
    "populate HostAliases": pod(hostAliases=[ALIAS]),
    "populate HostAliases with `foo.bar` hostnames": pod(hostAliases=[ALIAS_DOTS]),
    "populate HostAliases with HostNetwork": pod(hostAliases=[ALIAS_DOTS], hostNetwork=True),
    "populate PriorityClassName": pod(priorityClassName="valid-name"),
    "populate ShareProcessNamespace": pod(shareProcessNamespace=True),
    "populate RuntimeClassName": pod(runtimeClassName="valid-sandbox"),
    "populate Overhead": pod(overhead={}),
    "populate FSGroupChangePolicy": pod(securityContext={"fsGroupChangePolicy": "Always"}),
    "resources resize policy for containers": pod(containers=[container("ctr", resizePolicy=[
        {"resourceName": "cpu", "restartPolicy": "NotRequired"}])]),
}
FAILURE = {
    "bad volume": pod(volumes=[{}]),
    "no containers": pod(containers=[]),
    "bad container": pod(containers=[{}]),
    "bad init container": pod(initContainers=[{}]),
    "bad DNS policy": pod(dnsPolicy="invalid"),
    "bad service account name": pod(serviceAccountName="invalidName"),
    "bad restart policy": pod(restartPolicy="UnknowPolicy"),
    "with hostNetwork hostPort unspecified": pod(containers=[container("ctr", ports=[
        {"hostPort": 0, "containerPort": 2600, "protocol": "TCP"}])], hostNetwork=True),
    "with hostNetwork hostPort not equal to containerPort": pod(containers=[container("ctr", ports=[
        {"hostPort": 8080, "containerPort": 2600, "protocol": "TCP"}])], hostNetwork=True),
    "with hostAliases with invalid IP": pod(hostNetwork=False, hostAliases=[{"ip": "999.999.999.999",
                                                                             "hostnames": ["host1", "host2"]}]),
    "with hostAliases with invalid hostname": pod(hostNetwork=False, hostAliases=[{"ip": "12.34.56.78",
                                                                                   "hostnames": ["@#$^#@#$"]}]),
    "bad supplementalGroups large than math.MaxInt32": pod(securityContext={"supplementalGroups": [MAX + 1, 1234]}),
    "bad supplementalGroups less than 0": pod(securityContext={"supplementalGroups": [-1, 1234]}),
    "bad runAsUser large than math.MaxInt32": pod(securityContext={"runAsUser": MAX + 1}),
    "bad runAsUser less than 0": pod(securityContext={"runAsUser": -1}),
    "bad fsGroup large than math.MaxInt32": pod(securityContext={"fsGroup": MAX + 1}),
    "bad fsGroup less than 0": pod(securityContext={"fsGroup": -1}),
    "bad-active-deadline-seconds": pod(activeDeadlineSeconds=0),
    "active-deadline-seconds-too-large": pod(activeDeadlineSeconds=MAX + 1),
    "bad nodeName": pod(nodeName="node name"),
    "bad PriorityClassName": pod(priorityClassName="InvalidName"),
    "ShareProcessNamespace and HostPID both set": pod(hostPID=True, shareProcessNamespace=True),
    "bad RuntimeClassName": pod(runtimeClassName="invalid/sandbox"),
    "bad empty fsGroupchangepolicy": pod(securityContext={"fsGroupChangePolicy": ""}),
    "bad invalid fsgroupchangepolicy": pod(securityContext={"fsGroupChangePolicy": "invalid"}),
}
CASES = [case(F, name, pod=p, ok=True) for name, p in SUCCESS.items()] + \
    [case(F, name, pod=p, ok=False) for name, p in FAILURE.items()]

G = "TestValidatePodReadinessGates"
CASES += [
    case(G, "no gate", pod=pod(readinessGates=[]), ok=True),
    case(G, "one readiness gate", pod=pod(readinessGates=[{"conditionType": "example.com/condition"}]), ok=True),
    case(G, "two readiness gates", pod=pod(readinessGates=[{"conditionType": "example.com/condition1"},
                                                           {"conditionType": "example.com/condition2"}]), ok=True),
    case(G, "invalid condition type", pod=pod(readinessGates=[{"conditionType": "invalid/condition/type"}]),
         ok=False),
]


@pytest.mark.parametrize("c", CASES)
def test_validate_pod_spec(c: dict[str, Any]) -> None:
    errs = [str(e) for e in validate(c["pod"])]
    assert (errs == []) == c["ok"], errs
