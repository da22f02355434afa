from kspec.controllers.tainteviction import min_toleration_ms

UNREACHABLE = {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}


def test_toleration_seconds() -> None:
    tol = [{"key": UNREACHABLE["key"], "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]
    assert min_toleration_ms([UNREACHABLE], tol) == 300_000
    assert min_toleration_ms([UNREACHABLE], []) == -1
    assert min_toleration_ms([UNREACHABLE], [{"operator": "Exists"}]) is None
