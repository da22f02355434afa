"""Pod Security checks kspec has without an upstream table to port, and the order of a level's checks."""

from __future__ import annotations

from kspec.api import podsecurity as ps


def test_apparmor_annotations_other_than_runtime_default_or_localhost() -> None:
    md = {"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "unconfined",
                          "container.apparmor.security.beta.kubernetes.io/b": "localhost/custom",
                          "container.apparmor.security.beta.kubernetes.io/c": "runtime/default"}}
    result = ps.apparmor_profile(md, {})
    assert result is not None
    assert str(result) == ('forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/a='
                           '"unconfined")')


def test_windows_host_process() -> None:
    spec = {"securityContext": {"windowsOptions": {"hostProcess": True}},
            "containers": [{"name": "a", "securityContext": {"windowsOptions": {"hostProcess": True}}}, {"name": "b"}]}
    assert str(ps.windows_host_process({}, spec)) == (
        'hostProcess (pod and container "a" must not set securityContext.windowsOptions.hostProcess=true)')


def test_baseline_checks_come_before_restricted_ones() -> None:
    spec = {"hostNetwork": True, "containers": [{"name": "a", "securityContext": {"privileged": True}}]}
    reasons = [r.reason for r in ps.evaluate("restricted", {}, spec)]
    assert reasons == ["host namespaces", "privileged", "allowPrivilegeEscalation != false",
                       "unrestricted capabilities", "runAsNonRoot != true", "seccompProfile"]
    assert [r.reason for r in ps.evaluate("baseline", {}, spec)] == ["host namespaces", "privileged"]
    assert ps.evaluate("privileged", {}, spec) == []
