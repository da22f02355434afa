"""matchPodFailurePolicy, with table cases ported from pkg/controller/job/pod_failure_policy_test.go."""

from __future__ import annotations

from typing import Any

from kspec.controllers import pod_failure_policy as pfp


def _pod(containers: list[tuple[str, int | None]] = (), inits: list[tuple[str, int | None]] = (),
         conditions: list[tuple[str, str]] = ()) -> dict:
    def statuses(items: Any) -> list[dict]:
        return [{"name": n, "state": {} if code is None else {"terminated": {"exitCode": code}}} for n, code in items]
    return {"metadata": {"namespace": "default", "name": "mypod"},
            "status": {"phase": "Failed", "containerStatuses": statuses(containers),
                       "initContainerStatuses": statuses(inits),
                       "conditions": [{"type": t, "status": s} for t, s in conditions]}}


def _codes(action: str, operator: str, values: list[int], container: str | None = None) -> dict:
    req: dict[str, Any] = {"operator": operator, "values": values}
    if container is not None:
        req["containerName"] = container
    return {"action": action, "onExitCodes": req}


def _conds(action: str, status: str = "True", ctype: str = "DisruptionTarget") -> dict:
    return {"action": action, "onPodConditions": [{"type": ctype, "status": status}]}


def _policy(*rules: dict) -> dict:
    return {"rules": list(rules)}


MAIN2 = [("main-container", 2)]
FAIL_AT = "Container main-container for pod default/mypod failed with exit code {} matching FailJob rule at index {}"

CASES = [
    ("unknown action for rule matching by exit codes - skip rule with unknown action",
     _policy(_codes("UnknownAction", "In", [1, 2]), _codes("FailJob", "In", [2, 3])), _pod(MAIN2),
     pfp.Match(FAIL_AT.format(2, 1), True, "FailJob")),
    ("unknown action for rule matching by pod conditions - skip rule with unknown action",
     _policy(_conds("UnkonwnAction"), _conds("Ignore")), _pod(conditions=[("DisruptionTarget", "True")]),
     pfp.Match(None, False, "Ignore")),
    ("unknown operator - rule with unknown action is skipped for onExitCodes",
     _policy(_codes("Ignore", "UnknownOperator", [1, 2]), _codes("FailJob", "In", [2, 3])), _pod(MAIN2),
     pfp.Match(FAIL_AT.format(2, 1), True, "FailJob")),
    ("no policy rules", None, _pod([("", 2)]), pfp.Match(None, True, None)),
    ("ignore rule matched for exit codes", _policy(_codes("Ignore", "In", [1, 2, 3])), _pod([("", 2)]),
     pfp.Match(None, False, "Ignore")),
    ("ignore rule matched on negative exit codes - needed for Windows support",
     _policy(_codes("Ignore", "In", [-1073741676, -1073741510])), _pod([("", -1073741510)]),
     pfp.Match(None, False, "Ignore")),
    ("FailJob rule matched for exit codes", _policy(_codes("FailJob", "In", [1, 2, 3])), _pod(MAIN2),
     pfp.Match(FAIL_AT.format(2, 0), True, "FailJob")),
    ("successful containers are skipped by the rules", _policy(_codes("FailJob", "NotIn", [111])),
     _pod([("main-container", 111), ("suppport-container", 0)], inits=[("init-container", 0)]),
     pfp.Match(None, True, None)),
    ("FailIndex rule matched for exit codes", _policy(_codes("FailIndex", "In", [1, 2, 3])), _pod([("", 2)]),
     pfp.Match(None, True, "FailIndex")),
    ("pod failure policy with NotIn operator and value 0", _policy(_codes("FailJob", "NotIn", [0])),
     _pod([("main-container", 1), ("suppport-container", 0)]), pfp.Match(FAIL_AT.format(1, 0), True, "FailJob")),
    ("second jobfail rule matched for exit codes",
     _policy(_codes("Count", "In", [1, 2, 3]), _codes("FailJob", "In", [4, 5, 6])), _pod([("main-container", 6)]),
     pfp.Match(FAIL_AT.format(6, 1), True, "FailJob")),
    ("count rule matched for exit codes", _policy(_codes("Count", "In", [1, 2, 3])),
     _pod([("foo", None), ("bar", 2)]), pfp.Match(None, True, "Count")),
    ("FailIndex rule matched for pod conditions", _policy(_conds("FailIndex")),
     _pod(conditions=[("DisruptionTarget", "True")]), pfp.Match(None, True, "FailIndex")),
    ("ignore rule matched for pod conditions", _policy(_conds("Ignore")),
     _pod(conditions=[("DisruptionTarget", "True")]), pfp.Match(None, False, "Ignore")),
    ("ignore rule matches by the status=False", _policy(_conds("Ignore", "False")),
     _pod(conditions=[("DisruptionTarget", "False")]), pfp.Match(None, False, "Ignore")),
    ("ignore rule matches by the status=Unknown", _policy(_conds("Ignore", "Unknown")),
     _pod(conditions=[("DisruptionTarget", "Unknown")]), pfp.Match(None, False, "Ignore")),
    ("ignore rule does not match when status for pattern is False, but actual True",
     _policy(_conds("Ignore", "False")), _pod(conditions=[("DisruptionTarget", "True")]),
     pfp.Match(None, True, None)),
    ("FailJob rule matched for pod conditions", _policy(_conds("FailJob")),
     _pod(conditions=[("DisruptionTarget", "True")]),
     pfp.Match("Pod default/mypod has condition DisruptionTarget matching FailJob rule at index 0", True,
               "FailJob")),
    ("containerName limits the exit code rule to that container",
     _policy(_codes("FailJob", "In", [42], container="sidecar")), _pod([("main-container", 42)]),
     pfp.Match(None, True, None)),
    ("an init container's exit code matches after the regular ones",
     _policy(_codes("Ignore", "In", [7])), _pod([("main-container", None)], inits=[("setup", 7)]),
     pfp.Match(None, False, "Ignore")),
]


def test_match_pod_failure_policy_table() -> None:
    for name, policy, pod, expected in CASES:
        assert pfp.match(policy, pod) == expected, name
