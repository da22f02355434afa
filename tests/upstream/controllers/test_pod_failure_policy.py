"""kubernetes pkg/controller/job/pod_failure_policy_test.go: TestMatchPodFailurePolicy."""

from __future__ import annotations

import pytest

from kspec.controllers.pod_failure_policy import match
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/controller/job/pod_failure_policy_test.go"
F = "TestMatchPodFailurePolicy"


def codes(action: str, operator: str, values: list[int], name: str | None = None) -> dict:
    rule = {"action": action, "onExitCodes": {"operator": operator, "values": values}}
    return {**rule, "name": name} if name else rule


def conds(action: str, ctype: str = "DisruptionTarget", status: str = "True", name: str | None = None) -> dict:
    rule = {"action": action, "onPodConditions": [{"type": ctype, "status": status}]}
    return {**rule, "name": name} if name else rule


def exited(*containers: tuple[str, int | None], init: tuple = ()) -> dict:
    """A failed pod whose containers (name, exit code or None for no terminated state) are listed."""
    def statuses(items: tuple) -> list[dict]:
        return [{"name": n, "state": {"terminated": {"exitCode": c}} if c is not None else {}} for n, c in items]
    status = {"phase": "Failed", "containerStatuses": statuses(containers)}
    if init:
        status["initContainerStatuses"] = statuses(init)
    return status


def with_condition(ctype: str = "DisruptionTarget", status: str = "True") -> dict:
    return {"phase": "Failed", "conditions": [{"type": ctype, "status": status}]}


def msg(container: str, code: int, index: int) -> str:
    return (f"Container {container} for pod default/mypod failed with exit code {code} matching FailJob rule "
            f"at index {index}")


CASES = [
    case(F, "unknown action for rule matching by exit codes - skip rule with unknown action",
         policy={"rules": [codes("UnknownAction", "In", [1, 2]), codes("FailJob", "In", [2, 3])]},
         pod=exited(("main-container", 2)), message=msg("main-container", 2, 1), count=True, action="FailJob"),
    case(F, "unknown action for rule matching by pod conditions - skip rule with unknown action",
         policy={"rules": [conds("UnkonwnAction"), conds("Ignore")]}, pod=with_condition(), message=None,
         count=False, action="Ignore"),
    case(F, "unknown operator - rule with unknown action is skipped for onExitCodes",
         policy={"rules": [codes("Ignore", "UnknownOperator", [1, 2]), codes("FailJob", "In", [2, 3])]},
         pod=exited(("main-container", 2)), message=msg("main-container", 2, 1), count=True, action="FailJob"),
    case(F, "no policy rules", policy=None, pod=exited(("", 2)), message=None, count=True, action=None),
    case(F, "ignore rule matched for exit codes", policy={"rules": [codes("Ignore", "In", [1, 2, 3])]},
         pod=exited(("", 2)), message=None, count=False, action="Ignore"),
    case(F, "ignore rule matched on negative exit codes - needed for Windows support",
         policy={"rules": [codes("Ignore", "In", [-1073741676, -1073741510])]}, pod=exited(("", -1073741510)),
         message=None, count=False, action="Ignore"),
    case(F, "FailJob rule matched for exit codes", policy={"rules": [codes("FailJob", "In", [1, 2, 3])]},
         pod=exited(("main-container", 2)), message=msg("main-container", 2, 0), count=True, action="FailJob"),
    case(F, "successful containers are skipped by the rules", policy={"rules": [codes("FailJob", "NotIn", [111])]},
         pod=exited(("main-container", 111), ("suppport-container", 0), init=(("init-container", 0),)),
         message=None, count=True, action=None),
    case(F, "FailIndex rule matched for exit codes", policy={"rules": [codes("FailIndex", "In", [1, 2, 3])]},
         pod=exited(("", 2)), message=None, count=True, action="FailIndex"),
    case(F, "pod failure policy with NotIn operator and value 0", policy={"rules": [codes("FailJob", "NotIn", [0])]},
         pod=exited(("main-container", 1), ("suppport-container", 0)), message=msg("main-container", 1, 0),
         count=True, action="FailJob"),
    case(F, "second jobfail rule matched for exit codes",
         policy={"rules": [codes("Count", "In", [1, 2, 3]), codes("FailJob", "In", [4, 5, 6])]},
         pod=exited(("main-container", 6)), message=msg("main-container", 6, 1), count=True, action="FailJob"),
    case(F, "count rule matched for exit codes", policy={"rules": [codes("Count", "In", [1, 2, 3])]},
         pod=exited(("foo", None), ("bar", 2)), message=None, count=True, action="Count"),
    case(F, "FailIndex rule matched for pod conditions", policy={"rules": [conds("FailIndex")]},
         pod=with_condition(), message=None, count=True, action="FailIndex"),
    case(F, "ignore rule matched for pod conditions", policy={"rules": [conds("Ignore")]}, pod=with_condition(),
         message=None, count=False, action="Ignore"),
    case(F, "ignore rule matches by the status=False", policy={"rules": [conds("Ignore", status="False")]},
         pod=with_condition(status="False"), message=None, count=False, action="Ignore"),
    case(F, "ignore rule matches by the status=Unknown", policy={"rules": [conds("Ignore", status="Unknown")]},
         pod=with_condition(status="Unknown"), message=None, count=False, action="Ignore"),
    case(F, "ignore rule does not match when status for pattern is False, but actual True",
         policy={"rules": [conds("Ignore", status="False")]}, pod=with_condition(status="True"), message=None,
         count=True, action=None),
    case(F, "ignore rule does not match when status for pattern is True, but actual False",
         policy={"rules": [conds("Ignore", status="True")]}, pod=with_condition(status="False"), message=None,
         count=True, action=None),
    case(F, "default - do not match condition with status=False", policy={"rules": [conds("Ignore")]},
         pod=with_condition(status="False"), message=None, count=True, action=None),
    case(F, "job fail rule matched for pod conditions", policy={"rules": [conds("FailJob")]}, pod=with_condition(),
         message="Pod default/mypod has condition DisruptionTarget matching FailJob rule at index 0", count=True,
         action="FailJob"),
    case(F, "count rule matched for pod conditions", policy={"rules": [conds("Count")]}, pod=with_condition(),
         message=None, count=True, action="Count"),
    case(F, "no rule matched",
         policy={"rules": [codes("Count", "NotIn", [8]), codes("Ignore", "In", [1, 2, 3]),
                           codes("FailJob", "NotIn", [5, 6, 7]), conds("Count", "ResourceLimitExceeded"),
                           conds("Ignore")]},
         pod=exited(("", 32)), message=None, count=True, action="Count"),
    case(F, "expected matching rule returned",
         policy={"rules": [conds("FailJob", "MaxFailedIndexesExceeded", name="0"),
                           conds("Ignore", name="HostMaintenanceRule")]},
         pod=with_condition(), message=None, count=False, action="Ignore", rule_name="HostMaintenanceRule"),
]


@pytest.mark.parametrize("data", CASES)
def test_match_pod_failure_policy(data: dict) -> None:
    pod = {"metadata": {"namespace": "default", "name": "mypod"}, "status": data["pod"]}
    got = match(data["policy"], pod)
    assert got.message == data["message"]
    assert got.counts is data["count"]
    assert got.action == data["action"]
    assert got.rule == data.get("rule_name")
