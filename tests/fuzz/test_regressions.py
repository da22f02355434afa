"""The issue's fuzzing findings, one row each: every one crashed, hung or was accepted before."""

from __future__ import annotations

import pytest

from tests.fuzz.mutations import run

_POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: i}]}\n"
_DEPLOY = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: %s\n"
           "  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n"
           "    spec: {containers: [{name: a, image: i}]}\n")
_CRON = ("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '%s'\n%s  jobTemplate:\n"
         "    spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: i}]}}}\n")

ROWS = [
    # (what the issue saw, manifest, a piece of the refusal; None = accepted)
    ("kinds.py hashing a list apiVersion", _POD.replace("apiVersion: v1", "apiVersion: [v1]"),
     "cannot unmarshal array into Go struct field .apiVersion of type string"),
    ("manifests.py .endswith on an integer kind", _POD.replace("kind: Pod", "kind: 7"),
     "cannot unmarshal number into Go struct field .kind of type string"),
    ("controllers doing arithmetic on replicas: []", _DEPLOY % "[]",
     "cannot unmarshal array into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("a hang on replicas: 2147483648", _DEPLOY % "2147483648",
     "cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("replicas: '3' accepted", _DEPLOY % "'3'", "cannot unmarshal string into Go struct field"),
    ("replicas: 1.5 accepted", _DEPLOY % "1.5", "cannot unmarshal number 1.5"),
    ("replicas: true accepted", _DEPLOY % "true", "cannot unmarshal bool"),
    ("json failing on a YAML timestamp in metadata.name", _POD.replace("name: p}", "name: 2024-01-01}"), None),
    ("recursion on a self-referencing alias", "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: c, x: *m}\n",
     "an alias refers to a node that contains it"),
    ("contianers accepted", _POD.replace("containers:", "contianers:"),
     'unknown field "spec.contianers"'),
    ("imagee accepted", _POD.replace("image: i", "imagee: i"), 'unknown field "spec.containers[0].imagee"'),
    ("metadata.nme accepted", _POD.replace("{name: p}", "{name: p, nme: q}"), 'unknown field "metadata.nme"'),
    ("booleans in labels", _POD.replace("{name: p}", "{name: p, labels: {a: yes}}"),
     "cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string"),
    ("booleans in ConfigMap data", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {on: off}\n",
     "cannot unmarshal bool into Go struct field ConfigMap.data of type string"),
    ("an invalid cron expression", _CRON % ("61 * * * *", ""), "end of range (61) above maximum (59)"),
    ("an invalid time zone", _CRON % ("* * * * *", "  timeZone: Moon/Base\n"), "unknown time zone Moon/Base"),
    ("a PriorityClass value in the reserved range",
     "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: p}\nvalue: 1000000001\n",
     "maximum allowed value of a user defined priority is 1000000000"),
    ("a PriorityClass name in the reserved range",
     "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: system-p}\nvalue: 1\n",
     "priority class names with 'system-' prefix are reserved for system use only"),
    ("a label selector requirement without a key (found by tests/fuzz)",
     (_DEPLOY % "1").replace("{matchLabels: {app: d}}", "{matchExpressions: [{}]}"),
     "spec.selector.matchExpressions[0].operator: Invalid value"),
]


@pytest.mark.parametrize(("what", "manifest", "refusal"), ROWS, ids=[r[0] for r in ROWS])
def test_issue_findings_are_refused_cleanly(what: str, manifest: str, refusal: str | None) -> None:
    outcome = run(manifest, minutes=1, budget_s=30)
    if refusal is None:
        assert outcome.kind == "accepted", outcome.message
    else:
        assert outcome.kind == "rejected", f"{outcome.kind}: {outcome.message}"
        assert refusal in outcome.message
