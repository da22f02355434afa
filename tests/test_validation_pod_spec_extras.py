"""Pod spec checks ported from ValidatePodSpec: sysctls (validateSysctls) and sleep hooks (validateSleepAction)."""

from __future__ import annotations

from kspec.api.validation import validate


def _pod(*names: str, host_network: bool = False) -> dict:
    spec = {"containers": [{"name": "c", "image": "i", "imagePullPolicy": "IfNotPresent",
                            "terminationMessagePolicy": "File"}], "restartPolicy": "Always",
            "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
            "securityContext": {"sysctls": [{"name": n, "value": "1"} for n in names]}}
    if host_network:
        spec["hostNetwork"] = True
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec}


def test_invalid_sysctl_name_is_rejected() -> None:
    assert [e.field for e in validate(_pod("_invalid"))] == ["spec.securityContext.sysctls[0].name"]


def test_net_sysctl_is_rejected_with_host_network() -> None:
    errs = validate(_pod("net.core.somaxconn", host_network=True))
    assert [str(e) for e in errs] == ['spec.securityContext.sysctls[0].name: Invalid value: "net.core.somaxconn": '
                                      "may not be specified when 'hostNetwork' is true"]


def test_valid_sysctls_pass() -> None:
    assert validate(_pod("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range")) == []


def test_sleep_longer_than_grace_period_is_rejected() -> None:
    """validateSleepAction: a preStop sleep may not outlast terminationGracePeriodSeconds."""
    pod = _pod()
    pod["spec"]["terminationGracePeriodSeconds"] = 3
    pod["spec"]["containers"][0]["lifecycle"] = {"preStop": {"sleep": {"seconds": 5}}}
    assert [str(e) for e in validate(pod)] == [
        "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 5: must be non-negative and less than "
        "terminationGracePeriodSeconds (3)"]
