"""Affinity, dnsConfig and topology spread validation, ported from upstream's validation_test.go tables.

Each case is data: the upstream test's name, a pod spec fragment, and the field errors kube-apiserver
returns for it (pkg/apis/core/validation TestValidateAffinity, TestValidateTopologySpreadConstraints,
TestValidatePodDNSConfig and the affinity cases of TestValidatePod). An expected string that ends in
``...`` is a prefix (for the long regex explanations of label keys and values).
"""

from __future__ import annotations

import pytest
import yaml

from kspec.api.defaults import apply_defaults
from kspec.api.validation import invalid_message, validate

NODE_REQ = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
NODE_PREF = "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
POD_REQ = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
ANTI_PREF = "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
TSC = "spec.topologySpreadConstraints"
ONE_OF_TWO = 'supported values: "DoNotSchedule", "ScheduleAnyway"'
POLICIES = 'supported values: "Honor", "Ignore"'


def _required(*expressions: str) -> str:
    """A node affinity whose one required term has these matchExpressions (YAML flow mappings)."""
    return ("affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
            f"{{nodeSelectorTerms: [{{matchExpressions: [{', '.join(expressions)}]}}]}}}}}}")


def _spread(*constraints: str) -> str:
    return f"topologySpreadConstraints: [{', '.join(constraints)}]"


AFFINITY_CASES = [
    ("valid node affinity", _required("{key: node, operator: In, values: [value1, value2]}",
                                      "{key: gpu, operator: Gt, values: ['10']}",
                                      "{key: spot, operator: DoesNotExist}"), []),
    ("valid node affinity matchFields", "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
     "{nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [host1]}]}]}}}", []),
    ("invalid node selector operator", _required("{key: zone, operator: Bogus, values: [a]}"),
     [f'{NODE_REQ}.matchExpressions[0].operator: Invalid value: "Bogus": not a valid selector operator']),
    ("In without values", _required("{key: zone, operator: In}"),
     [f"{NODE_REQ}.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or "
      "'NotIn'"]),
    ("Exists with values", _required("{key: zone, operator: Exists, values: [a]}"),
     [f"{NODE_REQ}.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or "
      "'DoesNotExist'"]),
    ("Gt with two values", _required("{key: gpu, operator: Gt, values: ['1', '2']}"),
     [f"{NODE_REQ}.matchExpressions[0].values: Required value: must be specified single value when `operator` is "
      "'Lt' or 'Gt'"]),
    ("invalid node selector key", _required("{key: 'invalid key ___@#', operator: Exists}"),
     [f'{NODE_REQ}.matchExpressions[0].key: Invalid value: "invalid key ___@#": name part must consist of...']),
    ("invalid label value in required node affinity", _required("{key: zone, operator: In, values: [bad value]}"),
     [f'{NODE_REQ}.matchExpressions[0].values[0]: Invalid value: "bad value": a valid label must be an empty '
      "string or consist of alphanumeric characters..."]),
    ("empty nodeSelectorTerms", "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
     "{nodeSelectorTerms: []}}}",
     ["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required "
      "value: must have at least one node selector term"]),
    ("invalid matchFields key", "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
     "{nodeSelectorTerms: [{matchFields: [{key: metadata.namespace, operator: In, values: [ns]}]}]}}}",
     [f'{NODE_REQ}.matchFields[0].key: Invalid value: "metadata.namespace": not a valid field selector key']),
    ("matchFields with two values", "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
     "{nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [a, b]}]}]}}}",
     [f"{NODE_REQ}.matchFields[0].values: Required value: must be only one value when `operator` is 'In' or "
      "'NotIn' for node field selector"]),
    ("matchFields with Exists", "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
     "{nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: Exists}]}]}}}",
     [f'{NODE_REQ}.matchFields[0].operator: Invalid value: "Exists": not a valid selector operator']),
    ("invalid preferred weight", "affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: "
     "[{weight: 0, preference: {matchExpressions: [{key: zone, operator: In, values: [a]}]}}]}}",
     [f"{NODE_PREF}.weight: Invalid value: 0: must be in the range 1-100"]),
    ("preferred weight above 100 and a bad label value allowed", "affinity: {nodeAffinity: "
     "{preferredDuringSchedulingIgnoredDuringExecution: [{weight: 101, preference: {matchExpressions: "
     "[{key: zone, operator: In, values: [bad value]}]}}]}}",
     [f"{NODE_PREF}.weight: Invalid value: 101: must be in the range 1-100"]),
    ("invalid labelSelector operator in required pod affinity", "affinity: {podAffinity: "
     "{requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: zone, labelSelector: {matchExpressions: "
     "[{key: app, operator: WrongOp, values: [web]}]}}]}}",
     [f'{POD_REQ}.labelSelector.matchExpressions[0].operator: Invalid value: "WrongOp": not a valid selector '
      "operator"]),
    ("empty topologyKey in pod affinity", "affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
     "[{topologyKey: '', labelSelector: {matchLabels: {app: web}}}]}}",
     [f"{POD_REQ}.topologyKey: Required value: can not be empty",
      f'{POD_REQ}.topologyKey: Invalid value: "": name part must be non-empty',
      f'{POD_REQ}.topologyKey: Invalid value: "": name part must consist of...']),
    ("invalid namespace in pod affinity", "affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
     "[{topologyKey: zone, namespaces: [INVALID], labelSelector: {matchLabels: {app: web}}}]}}",
     [f'{POD_REQ}.namespace: Invalid value: "INVALID": a lowercase RFC 1123 label must consist of...']),
    ("invalid namespaceSelector", "affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: "
     "[{topologyKey: zone, namespaceSelector: {matchExpressions: [{key: team, operator: In}]}}]}}",
     [f"{POD_REQ}.namespaceSelector.matchExpressions[0].values: Required value: must be specified when "
      "`operator` is 'In' or 'NotIn'"]),
    ("invalid weight in preferred pod anti-affinity", "affinity: {podAntiAffinity: "
     "{preferredDuringSchedulingIgnoredDuringExecution: [{weight: 0, podAffinityTerm: {topologyKey: zone, "
     "labelSelector: {matchLabels: {app: web}}}}]}}",
     [f"{ANTI_PREF}.weight: Invalid value: 0: must be in the range 1-100"]),
    ("matchLabelKeys without labelSelector", "affinity: {podAffinity: "
     "{requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: zone, matchLabelKeys: [app]}]}}",
     [f"{POD_REQ}.matchLabelKeys: Forbidden: must not be specified when labelSelector is not set"]),
    ("key in both matchLabelKeys and mismatchLabelKeys", "affinity: {podAffinity: "
     "{requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: zone, labelSelector: {matchLabels: "
     "{app: web}}, matchLabelKeys: [team], mismatchLabelKeys: [team]}]}}",
     [f'{POD_REQ}.matchLabelKeys[0]: Invalid value: "team": exists in both matchLabelKeys and mismatchLabelKeys']),
]

SPREAD_CASES = [
    ("all required fields ok",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule, minDomains: 3}"), []),
    ("missing MaxSkew", _spread("{topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule}"),
     [f"{TSC}[0].maxSkew: Invalid value: 0: must be greater than zero"]),
    ("negative MaxSkew", _spread("{maxSkew: -1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule}"),
     [f"{TSC}[0].maxSkew: Invalid value: -1: must be greater than zero"]),
    ("can use MinDomains with ScheduleAnyway, when MinDomains = nil",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: ScheduleAnyway}"), []),
    ("negative minDomains is invalid",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule, minDomains: -1}"),
     [f"{TSC}[0].minDomains: Invalid value: -1: must be greater than zero"]),
    ("cannot use non-nil MinDomains with ScheduleAnyway",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: ScheduleAnyway, minDomains: 10}"),
     [f"{TSC}[0].minDomains: Invalid value: 10: can only use minDomains if whenUnsatisfiable=DoNotSchedule, "
      "not ScheduleAnyway"]),
    ("use negative MinDomains with ScheduleAnyway(invalid)",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: ScheduleAnyway, minDomains: -1}"),
     [f"{TSC}[0].minDomains: Invalid value: -1: must be greater than zero",
      f"{TSC}[0].minDomains: Invalid value: -1: can only use minDomains if whenUnsatisfiable=DoNotSchedule, "
      "not ScheduleAnyway"]),
    ("missing TopologyKey", _spread("{maxSkew: 1, whenUnsatisfiable: DoNotSchedule}"),
     [f"{TSC}[0].topologyKey: Required value: can not be empty"]),
    ("missing scheduling mode", _spread("{maxSkew: 1, topologyKey: k8s.io/zone}"),
     [f'{TSC}[0].whenUnsatisfiable: Unsupported value: "": {ONE_OF_TWO}']),
    ("unsupported scheduling mode", _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: N/A}"),
     [f'{TSC}[0].whenUnsatisfiable: Unsupported value: "N/A": {ONE_OF_TWO}']),
    ("multiple constraints ok with all required fields",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule}",
             "{maxSkew: 2, topologyKey: k8s.io/node, whenUnsatisfiable: ScheduleAnyway}"), []),
    ("multiple constraints missing TopologyKey on partial ones",
     _spread("{maxSkew: 1, whenUnsatisfiable: ScheduleAnyway}",
             "{maxSkew: 2, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule}"),
     [f"{TSC}[0].topologyKey: Required value: can not be empty"]),
    ("duplicate constraints",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule}",
             "{maxSkew: 2, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule}"),
     [f'{TSC}[0].{{topologyKey, whenUnsatisfiable}}: Duplicate value: "{{k8s.io/zone, DoNotSchedule}}"']),
    ("supported policy name set on NodeAffinityPolicy and NodeTaintsPolicy",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule, "
             "nodeAffinityPolicy: Honor, nodeTaintsPolicy: Ignore}"), []),
    ("unsupported policy name set on NodeAffinityPolicy",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule, "
             "nodeAffinityPolicy: invalid-node-affinity-policy}"),
     [f'{TSC}[0].nodeAffinityPolicy: Unsupported value: "invalid-node-affinity-policy": {POLICIES}']),
    ("unsupported policy name set on NodeTaintsPolicy",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule, "
             "nodeTaintsPolicy: invalid-node-taint-policy}"),
     [f'{TSC}[0].nodeTaintsPolicy: Unsupported value: "invalid-node-taint-policy": {POLICIES}']),
    ("key in MatchLabelKeys isn't correctly defined",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule, "
             "labelSelector: {matchExpressions: [{key: foo, operator: Exists}]}, matchLabelKeys: [/simple]}"),
     [f'{TSC}[0].matchLabelKeys[0]: Invalid value: "/simple": prefix part must be non-empty']),
    ("key exists in both matchLabelKeys and labelSelector",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule, "
             "labelSelector: {matchExpressions: [{key: foo, operator: In, values: [value1, value2]}]}, "
             "matchLabelKeys: [foo]}"),
     [f'{TSC}[0].matchLabelKeys[0]: Invalid value: "foo": exists in both matchLabelKeys and labelSelector']),
    ("key in MatchLabelKeys is forbidden to be specified when labelSelector is not set",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule, matchLabelKeys: [foo]}"),
     [f"{TSC}[0].matchLabelKeys: Forbidden: must not be specified when labelSelector is not set"]),
    ("invalid matchLabels set on labelSelector",
     _spread("{maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule, "
             "labelSelector: {matchLabels: {NoUppercaseOrSpecialCharsLike=Equals: foo}}}"),
     [f'{TSC}[0].labelSelector.matchLabels: Invalid value: "NoUppercaseOrSpecialCharsLike=Equals": name part '
      "must consist of..."]),
]

DNS_CASES = [
    ("dnsPolicy None without dnsConfig", "dnsPolicy: None",
     ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"]),
    ("dnsPolicy None without nameservers", "{dnsPolicy: None, dnsConfig: {searches: [custom]}}",
     ["spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is "
      "None"]),
    ("dnsPolicy None with a nameserver", "{dnsPolicy: None, dnsConfig: {nameservers: [1.2.3.4]}}", []),
    ("too many nameservers", "dnsConfig: {nameservers: [1.2.3.4, 1.2.3.5, 1.2.3.6, 1.2.3.7]}",
     ['spec.dnsConfig.nameservers: Invalid value: ["1.2.3.4","1.2.3.5","1.2.3.6","1.2.3.7"]: must not have more '
      "than 3 nameservers"]),
    ("invalid nameserver", "dnsConfig: {nameservers: [invalid]}",
     ['spec.dnsConfig.nameservers[0]: Invalid value: "invalid": must be a valid IP address, (e.g. 10.9.8.7 or '
      "2001:db8::ffff)"]),
    ("relaxed search paths with underscores, a trailing dot and a lone dot",
     "dnsConfig: {searches: [_sip._tcp.example.com., custom, .]}", []),
    ("invalid search path", "dnsConfig: {searches: ['custom?']}",
     ['spec.dnsConfig.searches[0]: Invalid value: "custom?": a lowercase RFC 1123 subdomain must consist of lower '
      "case alphanumeric characters, '_', '-' or '.'..."]),
    ("empty option name", "dnsConfig: {options: [{value: '2'}]}",
     ["spec.dnsConfig.options[0]: Required value: must not be empty"]),
]


def _pod(fragment: str) -> dict:
    spec = yaml.safe_load(fragment) if fragment.startswith("{") else yaml.safe_load("{" + fragment + "}")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"},
           "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec}}
    apply_defaults(pod)
    return pod


def _check(got: list[str], expected: list[str]) -> None:
    assert len(got) == len(expected), got
    for message, want in zip(got, expected, strict=True):
        if want.endswith("..."):
            assert message.startswith(want[:-3]), message
        else:
            assert message == want


@pytest.mark.parametrize(("fragment", "expected"), [pytest.param(f, e, id=n) for n, f, e in
                                                    AFFINITY_CASES + SPREAD_CASES + DNS_CASES])
def test_pod_spec_scheduling_fields(fragment: str, expected: list[str]) -> None:
    _check([str(e) for e in validate(_pod(fragment))], expected)


@pytest.mark.parametrize(("fragment", "expected"), [
    pytest.param(f, e, id=n) for n, f, e in (AFFINITY_CASES[2], SPREAD_CASES[1], SPREAD_CASES[12], DNS_CASES[0])])
def test_a_pod_template_gets_the_same_checks(fragment: str, expected: list[str]) -> None:
    """ValidatePodTemplateSpec runs ValidatePodSpec: the same errors under spec.template.spec."""
    spec = _pod(fragment)["spec"]
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
              "spec": {"selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}}, "spec": spec}}}
    apply_defaults(deploy)
    _check([str(e) for e in validate(deploy)], [e.replace("spec.", "spec.template.spec.", 1) for e in expected])


def test_the_message_names_the_pod() -> None:
    pod = _pod(_spread("{maxSkew: 0, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}",
                       "{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}"))
    assert invalid_message(pod, validate(pod)) == (
        'Pod "web" is invalid: [spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than '
        'zero, spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: '
        '"{zone, DoNotSchedule}"]')
