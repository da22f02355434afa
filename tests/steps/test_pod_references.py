"""Steps that name pods through their workload, and the new assertions, end to end: clear messages on failure.

All failing scenarios run in one pytest session (each pytester run costs seconds); each scenario's message is
checked in the combined output.
"""

from __future__ import annotations

import pytest

BACKGROUND = '''Feature: naming
  Background:
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 3
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.25
      """
'''

#: scenario steps -> a piece of the message its failure must show
FAILING = {
    ('When the cluster settles', 'Then pod "deployment/web#5" is Running'):
        'there is no pod deployment/web#5: deployment "web" has 3 current pods (#0 web-',
    ('Then pod "deplyment/web#0" is Running',):
        'unknown workload kind "deplyment" in pod "deplyment/web#0": the kinds are deployment (deploy),',
    ('Then the endpoints of service "kubernetes" are pods "deplyment/web"',):
        '"deplyment" in "deplyment/web" is neither a workload kind',
    ('When the cluster settles', 'Then pod "deployment/web#1" is Succeeded'):
        'deployment/web#1 is pod "web-',
    ('When the cluster settles', 'When the readiness probe of pod "deployment/web#9" starts failing'):
        "there is no pod deployment/web#9",
    ('Then the field "{.spec.replicas[" of deployment "web" is "3"',):
        "error parsing jsonpath {.spec.replicas[, unterminated array",
    ('Then the field "{.spec.template.spec.containers[3].name}" of deployment "web" is "x"',):
        'error executing jsonpath "{.spec.template.spec.containers[3].name}" on deployment "web": '
        "array index out of bounds: index 3, length 1",
    ('Then the field "spec.replicas" of deployment "web" is "4"',):
        'the field "spec.replicas" of deployment "web" is "3", expected "4"',
    ('Then the field "spec.replicas" of deployment "web" is empty',):
        'the field "spec.replicas" of deployment "web" is "3", expected empty',
    ('Then deployment "web" has no event "ScalingReplicaSet"',):
        'deployment "web" has event "ScalingReplicaSet", expected none:',
    ('When the cluster settles', 'Then deployment "web" has condition "Available" with status "False"'):
        'deployment "web" has condition "Available" with status "True" (MinimumReplicasAvailable: ',
    ('Then node "node-1" has condition "Bogus" with status "True"',):
        'node "node-1" has no condition "Bogus" (its conditions: MemoryPressure=False, ',
    ('Then node "node-1" has no condition "Ready"',):
        'node "node-1" has condition "Ready" with status "True" (KubeletReady: ',
    ('Then node "node-1" has condition "Ready" with status "true"',):
        'a condition status is "True", "False" or "Unknown", not "true"',
    ('When I add node "node-2"',):
        'nodes "node-2" already exists',
    ('When the cluster settles', 'Then pod "deployment/web#0" has no environment variable "KUBERNETES_SERVICE_HOST"'):
        "has environment variable KUBERNETES_SERVICE_HOST='10.96.0.1', expected none",
}

PASSING = [
    ('Then within 1m pod "deployment/web#2" is Running',
     'And within 1m pod "deployment/web#2" has condition "Ready" with status "True"'),
    ('When the cluster settles', 'When container "app" of pod "deployment/web#0" exits with code 1',
     'Then within 1m container "app" of pod "deployment/web#0" has restarted 1 times',
     'And pod "deploy/web#1" has no environment variable "NOT_THERE"'),
]


def feature(scenarios: list[tuple[str, ...]]) -> str:
    out = [BACKGROUND]
    for i, steps in enumerate(scenarios):
        out.append(f"  Scenario: case {i}\n" + "".join(f"    {s}\n" for s in steps) + "\n")
    return "".join(out)


def test_each_failure_says_what_went_wrong(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", failing=feature(list(FAILING)))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=len(FAILING))
    out = result.stdout.str()
    assert "Traceback" not in out
    sections = out.split("_ test_case_")[1:]
    assert len(sections) == len(FAILING)
    for section in sections:
        index = int(section.split(" ", 1)[0])
        steps, message = list(FAILING.items())[index]
        assert message in section, f"case {index} {steps}: {message!r} not in\n{section[:1500]}"


def test_the_workload_forms_of_a_pod_that_pass(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", passing=feature(PASSING))
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=len(PASSING))
