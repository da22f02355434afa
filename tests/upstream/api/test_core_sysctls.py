"""Pod sysctls: upstream's TestIsValidSysctlName and TestValidateSysctls
(pkg/apis/core/validation/validation_test.go) against kspec's is_valid_sysctl_name / validate_sysctls, which
ValidatePodSpec runs on spec.securityContext.sysctls."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api.validation import DUPLICATE
from kspec.api.validation_objects import is_valid_sysctl_name, validate_sysctls
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes pkg/apis/core/validation/validation_test.go"

VALID = ["a.b.c.d", "a", "a_b", "a-b", "abc", "abc.def", "a/b/c/d", "a/b.c"]
INVALID = ["", "*", "ä", "a_", "_", "__", "_a", "_a._b", "-", ".", "a.", ".a", "a.b.", "a*.b", "a*b", "*a", "a.*",
           "*", "abc*", "a.abc*", "a.b.*", "Abc", "/", "/a", "a/abc*", "a/b/*", "a" * 256]
F = "TestIsValidSysctlName"
NAMES = [case(F, f"valid[{i}]", name_=n, ok=True) for i, n in enumerate(VALID)] + \
    [case(F, f"invalid[{i}]", name_=n, ok=False) for i, n in enumerate(INVALID)]


@pytest.mark.parametrize("c", NAMES)
def test_is_valid_sysctl_name(c: dict[str, Any]) -> None:
    assert is_valid_sysctl_name(c["name_"]) == c["ok"]


def _ctx(*names: str) -> dict[str, Any]:
    return {"sysctls": [{"name": n} for n in names]}


@pytest.mark.parametrize("c", [case("TestValidateSysctls", "")])
def test_validate_sysctls(c: dict[str, Any]) -> None:
    valid = ("net.foo.bar", "kernel.shmmax", "net.ipv4.conf.enp3s0/200.forwarding",
             "net/ipv4/conf/enp3s0.200/forwarding")
    assert validate_sysctls(_ctx(*valid), False, False, "foo") == []
    errs = validate_sysctls(_ctx("i..nvalid", "_invalid"), False, False, "foo")
    assert len(errs) == 2 and all("foo" in str(e) for e in errs)
    errs = validate_sysctls(_ctx("kernel.shmmax", "kernel.shmmax"), False, False, "foo")
    assert len(errs) == 1 and errs[0].type == DUPLICATE
    host_net = _ctx("net.ipv4.conf.enp3s0/200.forwarding", "net/ipv4/conf/enp3s0.200/forwarding")
    assert len(validate_sysctls(host_net, True, False, "foo")) == 2
    assert validate_sysctls(host_net, True, False, "foo", allow_namespaced_for_host=True) == []
    host_ipc = _ctx("kernel.shmmax", "kernel.msgmax")
    assert len(validate_sysctls(host_ipc, False, True, "foo")) == 2
    assert validate_sysctls(host_ipc, False, True, "foo", allow_namespaced_for_host=True) == []

