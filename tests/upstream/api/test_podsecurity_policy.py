"""Pod Security policy checks: upstream's check_*_test.go tables (staging/src/k8s.io/pod-security-admission/policy),
each run on kspec's check of the same name (``kspec/api/podsecurity.py``) and compared on the forbidden reason and
detail. The ``enable field error list`` variants check upstream's optional field-path list, which kspec does not
produce; they are left out."""

from __future__ import annotations

from typing import Any

import pytest

from kspec.api import podsecurity as ps
from tests.upstream.cases import case

SOURCE = "kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_*_test.go"

Obj = dict[str, Any]


def c(name: str, **sc: Any) -> Obj:
    """A container, with a securityContext when given (``sc={}`` for an empty one)."""
    out: Obj = {"name": name}
    if "sc" in sc:
        out["securityContext"] = sc["sc"]
    if "ports" in sc:
        out["ports"] = [{"hostPort": p} if p else {} for p in sc["ports"]]
    return out


def spec(*containers: Obj, **fields: Any) -> Obj:
    return {"containers": list(containers), **fields}


NON_ROOT = "TestRunAsNonRoot"
USER = "TestRunAsUser"
CAPS_R = "TestCapabilitiesRestricted"
CAPS_B = "TestCapabilitiesBaseline"
SECCOMP_R = "TestSeccompProfileRestricted"
SECCOMP_B = "TestSeccompProfileBaseline_1_19"
APE = "TestAllowPrivilegeEscalation"
PRIV = "TestPrivileged"
PORTS = "TestHostPort"
NS = "TestHostNamespaces"
HOSTPATH = "TestHostPathVolumes"
VOLS = "TestRestrictedVolumes"

UNCONFINED = {"seccompProfile": {"type": "Unconfined"}}
RUNTIME = {"seccompProfile": {"type": "RuntimeDefault"}}
RESTRICTED_VOLUMES = [
    {"name": "a1", "emptyDir": {}}, {"name": "a2", "secret": {}}, {"name": "a3", "persistentVolumeClaim": {}},
    {"name": "a4", "downwardAPI": {}}, {"name": "a5", "configMap": {}}, {"name": "a6", "projected": {}},
    {"name": "a7", "csi": {}}, {"name": "a8", "ephemeral": {}}, {"name": "a9", "image": {}},
    {"name": "b1", "hostPath": {}}, {"name": "b2", "gcePersistentDisk": {}}, {"name": "b3", "awsElasticBlockStore": {}},
    {"name": "b4", "gitRepo": {}}, {"name": "b5", "nfs": {}}, {"name": "b6", "iscsi": {}},
    {"name": "b7", "glusterfs": {}}, {"name": "b8", "rbd": {}}, {"name": "b9", "flexVolume": {}},
    {"name": "b10", "cinder": {}}, {"name": "b11", "cephfs": {}}, {"name": "b12", "flocker": {}},
    {"name": "b13", "fc": {}}, {"name": "b14", "azureFile": {}}, {"name": "b15", "vsphereVolume": {}},
    {"name": "b16", "quobyte": {}}, {"name": "b17", "azureDisk": {}}, {"name": "b18", "photonPersistentDisk": {}},
    {"name": "b19", "portworxVolume": {}}, {"name": "b20", "scaleIO": {}}, {"name": "b21", "storageos": {}},
    {"name": "c1"},
]

SELINUX_POD = {"type": "foo", "user": "bar", "role": "baz"}
SELINUX_OK = [c(n, sc={"seLinuxOptions": {"type": t}}) for n, t in
              (("a", "container_t"), ("b", "container_init_t"), ("c", "container_kvm_t"), ("d", "container_engine_t"))]
SELINUX_BAD = [c("e", sc={"seLinuxOptions": {"type": "bar"}}), c("f", sc={"seLinuxOptions": {"user": "bar"}}),
               c("g", sc={"seLinuxOptions": {"role": "baz"}})]

CASES = [
    case(NON_ROOT, "no explicit runAsNonRoot", check=ps.run_as_non_root, spec=spec(c("a")),
         reason="runAsNonRoot != true", detail='pod or container "a" must set securityContext.runAsNonRoot=true'),
    case(NON_ROOT, "pod runAsNonRoot=false", check=ps.run_as_non_root,
         spec=spec(c("a"), securityContext={"runAsNonRoot": False}),
         reason="runAsNonRoot != true", detail="pod must not set securityContext.runAsNonRoot=false"),
    case(NON_ROOT, "containers runAsNonRoot=false", check=ps.run_as_non_root,
         spec=spec(c("a"), c("b", sc={}), c("c", sc={"runAsNonRoot": False}), c("d", sc={"runAsNonRoot": False}),
                   c("e", sc={"runAsNonRoot": True}), c("f", sc={"runAsNonRoot": True}),
                   securityContext={"runAsNonRoot": True}),
         reason="runAsNonRoot != true", detail='containers "c", "d" must not set securityContext.runAsNonRoot=false'),
    case(NON_ROOT, "pod nil, container fallthrough", check=ps.run_as_non_root,
         spec=spec(c("a"), c("b", sc={}), c("d", sc={"runAsNonRoot": True}), c("e", sc={"runAsNonRoot": True})),
         reason="runAsNonRoot != true",
         detail='pod or containers "a", "b" must set securityContext.runAsNonRoot=true'),
    case(NON_ROOT, "host users false allowed", check=ps.run_as_non_root, spec={"hostUsers": False}, reason=None),
    case(USER, "pod runAsUser=0", check=ps.run_as_user, spec=spec(c("a"), securityContext={"runAsUser": 0}),
         reason="runAsUser=0", detail="pod must not set runAsUser=0"),
    case(USER, "pod runAsUser=non-zero", check=ps.run_as_user, spec=spec(c("a"), securityContext={"runAsUser": 1000}),
         reason=None),
    case(USER, "pod runAsUser=nil", check=ps.run_as_user, spec=spec(c("a"), securityContext={}), reason=None),
    case(USER, "containers runAsUser=0", check=ps.run_as_user,
         spec=spec(c("a"), c("b", sc={}), c("c", sc={"runAsUser": 0}), c("d", sc={"runAsUser": 0}),
                   c("e", sc={"runAsUser": 1}), c("f", sc={"runAsUser": 1}), securityContext={"runAsUser": 1000}),
         reason="runAsUser=0", detail='containers "c", "d" must not set runAsUser=0'),
    case(USER, "containers runAsUser=non-zero", check=ps.run_as_user,
         spec=spec(*(c(n, sc={"runAsUser": i + 1}) for i, n in enumerate("cdef"))), reason=None),
    case(USER, "UserNamespacesPodSecurityStandards enabled without HostUsers", check=ps.run_as_user,
         spec={"hostUsers": False}, reason=None),
    case(USER, "UserNamespacesPodSecurityStandards enabled with HostUsers", check=ps.run_as_user,
         spec=spec(c("a"), securityContext={"runAsUser": 0}, hostUsers=True),
         reason="runAsUser=0", detail="pod must not set runAsUser=0"),
    case(CAPS_R, "multiple containers", check=ps.capabilities_restricted,
         spec=spec(c("a", sc={"capabilities": {"add": ["FOO", "BAR"]}}),
                   c("b", sc={"capabilities": {"add": ["BAR", "BAZ"]}}),
                   c("c", sc={"capabilities": {"add": ["NET_BIND_SERVICE", "CHOWN"], "drop": ["ALL", "FOO"]}})),
         reason="unrestricted capabilities",
         detail='containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" '
                'must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add'),
    case(CAPS_B, "multiple containers", check=ps.capabilities_baseline,
         spec=spec(c("a", sc={"capabilities": {"add": ["FOO", "BAR"]}}),
                   c("b", sc={"capabilities": {"add": ["BAR", "BAZ"]}})),
         reason="non-default capabilities",
         detail='containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add'),
    case(SECCOMP_R, "no explicit seccomp", check=ps.seccomp_restricted, spec=spec(c("a")), reason="seccompProfile",
         detail='pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or '
                '"Localhost"'),
    case(SECCOMP_R, "pod seccomp invalid", check=ps.seccomp_restricted,
         spec=spec(c("a"), securityContext=UNCONFINED), reason="seccompProfile",
         detail='pod must not set securityContext.seccompProfile.type to "Unconfined"'),
    case(SECCOMP_R, "containers seccomp invalid", check=ps.seccomp_restricted,
         spec=spec(c("a"), c("b", sc={}), c("c", sc=UNCONFINED), c("d", sc=UNCONFINED), c("e", sc=RUNTIME),
                   c("f", sc=RUNTIME), securityContext=RUNTIME), reason="seccompProfile",
         detail='containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"'),
    case(SECCOMP_R, "pod nil, container fallthrough", check=ps.seccomp_restricted,
         spec=spec(c("a"), c("b", sc={}), c("d", sc=RUNTIME), c("e", sc=RUNTIME)), reason="seccompProfile",
         detail='pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or '
                '"Localhost"'),
    case(SECCOMP_B, "pod seccomp invalid", check=ps.seccomp_baseline, spec=spec(c("a"), securityContext=UNCONFINED),
         reason="seccompProfile", detail='pod must not set securityContext.seccompProfile.type to "Unconfined"'),
    case(SECCOMP_B, "containers seccomp invalid", check=ps.seccomp_baseline,
         spec=spec(c("a"), c("b", sc={}), c("c", sc=UNCONFINED), c("d", sc=UNCONFINED), c("e", sc=RUNTIME),
                   c("f", sc=RUNTIME), securityContext=RUNTIME), reason="seccompProfile",
         detail='containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"'),
    case(SECCOMP_B, "pod and containers seccomp invalid", check=ps.seccomp_baseline,
         spec=spec(c("a"), c("b", sc={}), c("c", sc=UNCONFINED), c("d", sc=UNCONFINED), c("e", sc=RUNTIME),
                   c("f", sc=RUNTIME), securityContext=UNCONFINED), reason="seccompProfile",
         detail='pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"'),
    case(APE, "multiple containers", check=ps.allow_privilege_escalation,
         spec=spec(c("a"), c("b", sc={}), c("c", sc={"allowPrivilegeEscalation": True}),
                   c("d", sc={"allowPrivilegeEscalation": False})),
         reason="allowPrivilegeEscalation != false",
         detail='containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false'),
    case(PRIV, "privileged", check=ps.privileged,
         spec=spec(c("a"), c("b", sc={}), c("c", sc={"privileged": False}), c("d", sc={"privileged": True}),
                   c("e", sc={"privileged": True})),
         reason="privileged", detail='containers "d", "e" must not set securityContext.privileged=true'),
    case(PORTS, "one container, one host port", check=ps.host_ports,
         spec=spec(c("a", ports=[0]), c("b", ports=[0, 20])), reason="hostPort",
         detail='container "b" uses hostPort 20'),
    case(PORTS, "multiple containers, multiple host port", check=ps.host_ports,
         spec=spec(c("a", ports=[0]), c("b", ports=[0, 10, 20]), c("c", ports=[0, 10, 30])), reason="hostPort",
         detail='containers "b", "c" use hostPorts 10, 20, 30'),
    case(NS, "multiple host namespaces", check=ps.host_namespaces,
         spec={"hostNetwork": True, "hostIPC": True, "hostPID": True}, reason="host namespaces",
         detail="hostNetwork=true, hostPID=true, hostIPC=true"),
    case(HOSTPATH, "host path volumes", check=ps.host_path_volumes,
         spec={"volumes": [{"name": "a", "hostPath": {}}, {"name": "b", "hostPath": {}},
                           {"name": "c", "emptyDir": {}}]},
         reason="hostPath volumes", detail='volumes "a", "b"'),
    case(VOLS, "host path volumes", check=ps.restricted_volumes, spec={"volumes": RESTRICTED_VOLUMES},
         reason="restricted volume types",
         detail='volumes "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", '
                '"b15", "b16", "b17", "b18", "b19", "b20", "b21", "c1" use restricted volume types '
                '"awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", '
                '"gcePersistentDisk", "gitRepo", "glusterfs", "hostPath", "iscsi", "nfs", "photonPersistentDisk", '
                '"portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "unknown", "vsphereVolume"'),
    case("TestSysctls", "forbidden sysctls", check=ps.sysctls,
         spec={"securityContext": {"sysctls": [{"name": "a"}, {"name": "b"}]}}, reason="forbidden sysctls",
         detail="a, b"),
    case("TestSysctls", "new supported sysctls not supported", check=None, spec={}, reason=None,
         unmodelled="policy versions before 1.27 (kspec checks the latest: the sysctl is allowed there)"),
    case("TestSysctls_1_27", "forbidden sysctls", check=ps.sysctls,
         spec={"securityContext": {"sysctls": [{"name": "a"}, {"name": "b"}]}}, reason="forbidden sysctls",
         detail="a, b"),
    case("TestSysctls_1_27", "new supported sysctls", check=ps.sysctls,
         spec={"securityContext": {"sysctls": [{"name": "net.ipv4.ip_local_reserved_ports", "value": "1024-4999"}]}},
         reason=None),
    case("TestProcMount", "procMount", check=ps.proc_mount,
         spec=spec(c("a"), c("b", sc={}), c("c", sc={"procMount": "Default"}), c("d", sc={"procMount": "Unmasked"}),
                   c("e", sc={"procMount": "other"}), hostUsers=True),
         reason="procMount",
         detail='containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"'),
    case("TestProcMount", "procMount#01", check=ps.proc_mount,
         spec=spec(c("a"), c("b", sc={}), c("c", sc={"procMount": "Default"}), c("d", sc={"procMount": "Unmasked"}),
                   c("e", sc={"procMount": "other"}), hostUsers=False), reason=None),
    case("TestSELinuxOptions", "invalid pod and containers", check=ps.selinux_options,
         spec=spec(*SELINUX_OK, *SELINUX_BAD, securityContext={"seLinuxOptions": SELINUX_POD}),
         reason="seLinuxOptions",
         detail='pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; '
                "user may not be set; role may not be set"),
    case("TestSELinuxOptions", "invalid pod", check=ps.selinux_options,
         spec=spec(*SELINUX_OK, securityContext={"seLinuxOptions": SELINUX_POD}), reason="seLinuxOptions",
         detail='pod set forbidden securityContext.seLinuxOptions: type "foo"; user may not be set; role may not '
                "be set"),
    case("TestSELinuxOptions", "invalid containers", check=ps.selinux_options,
         spec=spec(*SELINUX_OK, *SELINUX_BAD, securityContext={"seLinuxOptions": {}}), reason="seLinuxOptions",
         detail='containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: type "bar"; user may not be '
                "set; role may not be set"),
    case("TestSELinuxOptions", "bad type", check=ps.selinux_options,
         spec={"securityContext": {"seLinuxOptions": {"type": "bad"}}}, reason="seLinuxOptions",
         detail='pod set forbidden securityContext.seLinuxOptions: type "bad"'),
    case("TestSELinuxOptions", "bad user", check=ps.selinux_options,
         spec={"securityContext": {"seLinuxOptions": {"user": "bad"}}}, reason="seLinuxOptions",
         detail="pod set forbidden securityContext.seLinuxOptions: user may not be set"),
    case("TestSELinuxOptions", "bad role", check=ps.selinux_options,
         spec={"securityContext": {"seLinuxOptions": {"role": "bad"}}}, reason="seLinuxOptions",
         detail="pod set forbidden securityContext.seLinuxOptions: role may not be set"),
    case("TestSeccompProfileBaseline_1_0", "pod seccomp invalid", check=None, spec={}, reason=None,
         unmodelled="the alpha seccomp annotations of policy versions before 1.19"),
    case("TestSeccompProfileBaseline_1_0", "containers seccomp invalid", check=None, spec={}, reason=None,
         unmodelled="the alpha seccomp annotations of policy versions before 1.19"),
    case("TestSeccompProfileBaseline_1_0", "pod and containers seccomp invalid", check=None, spec={}, reason=None,
         unmodelled="the alpha seccomp annotations of policy versions before 1.19"),
]


@pytest.mark.parametrize("tc", CASES)
def test_check(tc: dict[str, Any]) -> None:
    assert tc["check"] is not None, "no kspec check for this policy version"
    result = tc["check"]({}, tc["spec"])
    if tc["reason"] is None:
        assert result is None
    else:
        assert result is not None
        assert (result.reason, result.detail) == (tc["reason"], tc["detail"])
