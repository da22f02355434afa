"""The PodSecurity admission plugin (staging/src/k8s.io/pod-security-admission).

A namespace chooses levels with the labels ``pod-security.kubernetes.io/enforce|warn|audit`` (and
``-version``); unlabelled, everything is ``privileged``. A new pod that breaks the ``enforce`` level is refused
(``violates PodSecurity "restricted:latest": ...``); one that breaks the ``warn`` level is admitted with a
warning. Workload objects (Deployments, Jobs, ...) are checked on their pod template and only warned about, as
upstream does: their pods are refused later, when a controller creates them.

The checks are the policy package's, in the registry's order: the baseline checks a restricted check does not
replace, then the overlapping baseline checks (baseline level) or the restricted ones (restricted level).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kspec.errors import forbidden

if TYPE_CHECKING:
    from kspec.api.server import APIServer

Obj = dict[str, Any]
LABEL_PREFIX = "pod-security.kubernetes.io/"
LEVELS = ("privileged", "baseline", "restricted")
_ENFORCE, _WARN, _AUDIT = (LABEL_PREFIX + mode for mode in ("enforce", "warn", "audit"))
#: the workload kinds whose pod template the plugin checks (PodSpecExtractor)
TEMPLATE_KINDS = {"Deployment": ("spec", "template"), "ReplicaSet": ("spec", "template"),
                  "StatefulSet": ("spec", "template"), "DaemonSet": ("spec", "template"),
                  "Job": ("spec", "template"), "ReplicationController": ("spec", "template"),
                  "CronJob": ("spec", "jobTemplate", "spec", "template")}


@dataclass(frozen=True)
class Result:
    """CheckResult: a forbidden reason and its detail."""

    reason: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.reason} ({self.detail})" if self.detail else self.reason


Check = Callable[[Obj, Obj], "Result | None"]


def _containers(spec: Obj) -> list[Obj]:
    """visitContainers: init containers, containers, ephemeral containers."""
    return [*(spec.get("initContainers") or []), *(spec.get("containers") or []),
            *(spec.get("ephemeralContainers") or [])]


def _sc(c: Obj) -> Obj:
    return c.get("securityContext") or {}


def _quote(items: list[str]) -> str:
    """joinQuote."""
    return '"' + '", "'.join(items) + '"' if items else ""


def _plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def _containers_phrase(names: list[str]) -> str:
    return f"{_plural('container', 'containers', len(names))} {_quote(names)}"


# -- baseline ---------------------------------------------------------------------------------------------------

APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"  # AppArmorBetaContainerAnnotationKeyPrefix


def apparmor_profile(md: Obj, spec: Obj) -> Result | None:
    """appArmorProfileV1Dot0: the beta annotations may name only runtime/default or a localhost/ profile."""
    bad = sorted(f'{k}="{v}"' for k, v in (md.get("annotations") or {}).items()
                 if k.startswith(APPARMOR_PREFIX) and v and v != "runtime/default" and not v.startswith("localhost/"))
    if not bad:
        return None
    return Result(_plural("forbidden AppArmor profile", "forbidden AppArmor profiles", len(bad)), ", ".join(bad))


def host_namespaces(md: Obj, spec: Obj) -> Result | None:
    """hostNamespaces_1_0."""
    used = [f"{n}=true" for n in ("hostNetwork", "hostPID", "hostIPC") if spec.get(n)]
    return Result("host namespaces", ", ".join(used)) if used else None


def host_ports(md: Obj, spec: Obj) -> Result | None:
    """hostPorts_1_0."""
    bad: list[str] = []
    ports: set[str] = set()
    for c in _containers(spec):
        found = [str(p["hostPort"]) for p in c.get("ports") or [] if p.get("hostPort")]
        if found:
            bad.append(c.get("name", ""))
            ports.update(found)
    if not bad:
        return None
    return Result("hostPort", f"{_containers_phrase(bad)} {_plural('uses', 'use', len(bad))} "
                              f"{_plural('hostPort', 'hostPorts', len(ports))} {', '.join(sorted(ports))}")


def privileged(md: Obj, spec: Obj) -> Result | None:
    """privileged_1_0."""
    bad = [c.get("name", "") for c in _containers(spec) if _sc(c).get("privileged") is True]
    return Result("privileged", f"{_containers_phrase(bad)} must not set securityContext.privileged=true") \
        if bad else None


def proc_mount(md: Obj, spec: Obj) -> Result | None:
    """procMount_1_34: only the Default /proc mount, unless the pod has its own user namespace."""
    if spec.get("hostUsers") is False:
        return None
    bad, values = [], set()
    for c in _containers(spec):
        pm = _sc(c).get("procMount")
        if pm is not None and pm != "Default":
            bad.append(c.get("name", ""))
            values.add(pm)
    if not bad:
        return None
    return Result("procMount", f"{_containers_phrase(bad)} must not set securityContext.procMount to "
                               f"{_quote(sorted(values))}")


#: sysctls_1_32's allowed list
SAFE_SYSCTLS = ("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
                "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
                "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem")


def sysctls(md: Obj, spec: Obj) -> Result | None:
    """sysctls: only the safe set."""
    bad = [s.get("name", "") for s in (spec.get("securityContext") or {}).get("sysctls") or []
           if s.get("name") not in SAFE_SYSCTLS]
    return Result("forbidden sysctls", ", ".join(bad)) if bad else None


def windows_host_process(md: Obj, spec: Obj) -> Result | None:
    """windowsHostProcess_1_0: no HostProcess (privileged Windows) containers."""
    setters = ["pod"] if ((spec.get("securityContext") or {}).get("windowsOptions") or {}).get("hostProcess") else []
    bad = [c.get("name", "") for c in _containers(spec) if (_sc(c).get("windowsOptions") or {}).get("hostProcess")]
    if bad:
        setters.append(_containers_phrase(bad))
    if not setters:
        return None
    return Result("hostProcess",
                  f"{' and '.join(setters)} must not set securityContext.windowsOptions.hostProcess=true")


#: seLinuxOptions1_31's allowed types
SELINUX_TYPES = ("", "container_t", "container_init_t", "container_kvm_t", "container_engine_t")


def selinux_options(md: Obj, spec: Obj) -> Result | None:
    """seLinuxOptions1_31: only the container types; no user, no role."""
    setters: list[str] = []
    types: set[str] = set()
    flags = {"user": False, "role": False}

    def valid(opts: Obj) -> bool:
        ok = True
        if opts.get("type", "") not in SELINUX_TYPES:
            types.add(opts.get("type", ""))
            ok = False
        for key in ("user", "role"):
            if opts.get(key):
                flags[key] = True
                ok = False
        return ok

    pod_opts = (spec.get("securityContext") or {}).get("seLinuxOptions")
    if pod_opts is not None and not valid(pod_opts):
        setters.append("pod")
    bad = [c.get("name", "") for c in _containers(spec)
           if _sc(c).get("seLinuxOptions") is not None and not valid(_sc(c)["seLinuxOptions"])]
    if bad:
        setters.append(_containers_phrase(bad))
    if not setters:
        return None
    data = [f"{_plural('type', 'types', len(types))} {_quote(sorted(types))}"] if types else []
    data += [f"{key} may not be set" for key in ("user", "role") if flags[key]]
    return Result("seLinuxOptions", f"{' and '.join(setters)} set forbidden securityContext.seLinuxOptions: "
                                    f"{'; '.join(data)}")


CAPABILITIES_ALLOWED = ("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                        "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT")


def capabilities_baseline(md: Obj, spec: Obj) -> Result | None:
    """capabilitiesBaseline_1_0: only the default capabilities may be added."""
    bad, caps = [], set()
    for c in _containers(spec):
        added = [a for a in ((_sc(c).get("capabilities") or {}).get("add") or []) if a not in CAPABILITIES_ALLOWED]
        if added:
            bad.append(c.get("name", ""))
            caps.update(added)
    if not bad:
        return None
    return Result("non-default capabilities", f"{_containers_phrase(bad)} must not include {_quote(sorted(caps))} "
                                              "in securityContext.capabilities.add")


def host_path_volumes(md: Obj, spec: Obj) -> Result | None:
    """hostPathVolumes_1_0."""
    bad = [v.get("name", "") for v in spec.get("volumes") or [] if v.get("hostPath") is not None]
    return Result("hostPath volumes", f"{_plural('volume', 'volumes', len(bad))} {_quote(bad)}") if bad else None


def _seccomp(spec: Obj, valid: Callable[[str], bool], required: bool) -> Result | None:
    """seccompProfileBaseline_1_19 / seccompProfileRestricted_1_19: who sets a bad type, who sets none."""
    setters: list[str] = []
    values: set[str] = set()
    pod_set = False
    pod_profile = (spec.get("securityContext") or {}).get("seccompProfile")
    if pod_profile is not None:
        if not valid(pod_profile.get("type", "")):
            setters.append("pod")
            values.add(pod_profile.get("type", ""))
        else:
            pod_set = True
    explicit, implicit = [], []
    for c in _containers(spec):
        profile = _sc(c).get("seccompProfile")
        if profile is not None:
            if not valid(profile.get("type", "")):
                explicit.append(c.get("name", ""))
                values.add(profile.get("type", ""))
        elif not pod_set:
            implicit.append(c.get("name", ""))
    if explicit:
        setters.append(_containers_phrase(explicit))
    if setters:
        return Result("seccompProfile", f"{' and '.join(setters)} must not set securityContext.seccompProfile.type "
                                        f"to {_quote(sorted(values))}")
    if required and implicit:
        return Result("seccompProfile", f"pod or {_containers_phrase(implicit)} must set "
                                        'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"')
    return None


def seccomp_baseline(md: Obj, spec: Obj) -> Result | None:
    return _seccomp(spec, lambda t: t != "Unconfined", required=False)


# -- restricted -------------------------------------------------------------------------------------------------

def allow_privilege_escalation(md: Obj, spec: Obj) -> Result | None:
    """allowPrivilegeEscalation_1_8: every container must set it to false."""
    bad = [c.get("name", "") for c in _containers(spec) if _sc(c).get("allowPrivilegeEscalation") is not False]
    return Result("allowPrivilegeEscalation != false",
                  f"{_containers_phrase(bad)} must set securityContext.allowPrivilegeEscalation=false") \
        if bad else None


def capabilities_restricted(md: Obj, spec: Obj) -> Result | None:
    """capabilitiesRestricted_1_22: drop ALL, add at most NET_BIND_SERVICE."""
    missing, adding, caps = [], [], set()
    for c in _containers(spec):
        capabilities = _sc(c).get("capabilities")
        if capabilities is None:
            missing.append(c.get("name", ""))
            continue
        if "ALL" not in (capabilities.get("drop") or []):
            missing.append(c.get("name", ""))
        added = [a for a in capabilities.get("add") or [] if a != "NET_BIND_SERVICE"]
        if added:
            adding.append(c.get("name", ""))
            caps.update(added)
    details = []
    if missing:
        details.append(f'{_containers_phrase(missing)} must set securityContext.capabilities.drop=["ALL"]')
    if adding:
        details.append(f"{_containers_phrase(adding)} must not include {_quote(sorted(caps))} in "
                       "securityContext.capabilities.add")
    return Result("unrestricted capabilities", "; ".join(details)) if details else None


_ALLOWED_VOLUMES = ("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim",
                    "projected", "secret")


def restricted_volumes(md: Obj, spec: Obj) -> Result | None:
    """restrictedVolumes_1_0: only the listed volume sources; the others named with their types."""
    bad: list[str] = []
    types: set[str] = set()
    for v in spec.get("volumes") or []:
        sources = [k for k in v if k != "name"]
        if any(k in _ALLOWED_VOLUMES for k in sources):
            continue
        bad.append(v.get("name", ""))
        types.update(sources or ["unknown"])
    if not bad:
        return None
    return Result("restricted volume types",
                  f"{_plural('volume', 'volumes', len(bad))} {_quote(bad)} {_plural('uses', 'use', len(bad))} "
                  f"{_plural('restricted volume type', 'restricted volume types', len(types))} "
                  f"{_quote(sorted(types))}")


def _user_namespaced(spec: Obj) -> bool:
    """relaxPolicyForUserNamespacePod: a pod in its own user namespace (hostUsers: false) is not root on the
    node, so runAsNonRoot and runAsUser do not apply (1.35)."""
    return spec.get("hostUsers") is False


def run_as_non_root(md: Obj, spec: Obj) -> Result | None:
    """runAsNonRoot_1_34: true on the pod, or on every container; never false."""
    if _user_namespaced(spec):
        return None
    setters: list[str] = []
    pod_true = False
    pod_value = (spec.get("securityContext") or {}).get("runAsNonRoot")
    if pod_value is not None:
        if not pod_value:
            setters.append("pod")
        else:
            pod_true = True
    explicit, implicit = [], []
    for c in _containers(spec):
        value = _sc(c).get("runAsNonRoot")
        if value is not None:
            if not value:
                explicit.append(c.get("name", ""))
        elif not pod_true:
            implicit.append(c.get("name", ""))
    if explicit:
        setters.append(_containers_phrase(explicit))
    if setters:
        return Result("runAsNonRoot != true",
                      f"{' and '.join(setters)} must not set securityContext.runAsNonRoot=false")
    if implicit:
        return Result("runAsNonRoot != true",
                      f"pod or {_containers_phrase(implicit)} must set securityContext.runAsNonRoot=true")
    return None


def run_as_user(md: Obj, spec: Obj) -> Result | None:
    """runAsUser_1_23: nobody sets runAsUser=0."""
    if _user_namespaced(spec):
        return None
    setters = ["pod"] if (spec.get("securityContext") or {}).get("runAsUser") == 0 else []
    bad = [c.get("name", "") for c in _containers(spec) if _sc(c).get("runAsUser") == 0]
    if bad:
        setters.append(_containers_phrase(bad))
    return Result("runAsUser=0", f"{' and '.join(setters)} must not set runAsUser=0") if setters else None


def seccomp_restricted(md: Obj, spec: Obj) -> Result | None:
    return _seccomp(spec, lambda t: t in ("RuntimeDefault", "Localhost"), required=True)


BASELINE: tuple[Check, ...] = (apparmor_profile, host_namespaces, host_ports, privileged, proc_mount, selinux_options,
                               sysctls, windows_host_process)
OVERLAPPING_BASELINE: tuple[Check, ...] = (capabilities_baseline, host_path_volumes, seccomp_baseline)
RESTRICTED: tuple[Check, ...] = (allow_privilege_escalation, capabilities_restricted, restricted_volumes,
                                 run_as_non_root, run_as_user, seccomp_restricted)


def evaluate(level: str, md: Obj, spec: Obj) -> list[Result]:
    """checkRegistry.EvaluatePod: the failed checks of a level, in the registry's order."""
    if level == "privileged":
        return []
    checks = BASELINE + (OVERLAPPING_BASELINE if level == "baseline" else RESTRICTED)
    return [r for r in (check(md, spec) for check in checks) if r is not None]


def forbidden_detail(results: list[Result]) -> str:
    """AggregateCheckResult.ForbiddenDetail: ``reason (detail)``, comma-separated."""
    return ", ".join(str(r) for r in results)


def namespace_policy(ns: Obj | None) -> dict[str, str] | None:
    """The namespace's modes as ``level:version`` (``latest`` by default); None when it sets none."""
    labels = ((ns or {}).get("metadata") or {}).get("labels") or {}
    if not (_ENFORCE in labels or _WARN in labels or _AUDIT in labels):
        return None  # a version label alone leaves every mode privileged
    policy = {}
    for mode in ("enforce", "audit", "warn"):
        level = labels.get(LABEL_PREFIX + mode, "privileged")
        if level not in LEVELS:
            level = "restricted"  # an unreadable level is evaluated as the most restrictive
        policy[mode] = f"{level}:{labels.get(LABEL_PREFIX + mode + '-version', 'latest')}"
    return policy


def _pod_spec(obj: Obj) -> tuple[Obj, Obj] | None:
    """The pod's (or template's) metadata and spec."""
    if obj.get("kind") == "Pod":
        return obj.get("metadata") or {}, obj.get("spec") or {}
    path = TEMPLATE_KINDS.get(obj.get("kind", ""))
    if path is None:
        return None
    node: Any = obj
    for key in path:
        node = (node or {}).get(key) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return None
    return node.get("metadata") or {}, node.get("spec") or {}


def admit(obj: Obj, api: APIServer) -> list[str]:
    """Admission.Validate for a create: refuse a pod that breaks ``enforce``; return the warnings."""
    target = _pod_spec(obj)
    if target is None:
        return []
    policy = namespace_policy(api.store.get("namespaces", "", obj["metadata"].get("namespace", "")))
    if policy is None:
        return []
    md, spec = target
    warnings: list[str] = []
    is_pod = obj.get("kind") == "Pod"
    enforce = evaluate(policy["enforce"].split(":")[0], md, spec)
    if enforce:
        if is_pod:
            raise forbidden(f'pods "{obj["metadata"].get("name", "")}" is forbidden: violates PodSecurity '
                            f'"{policy["enforce"]}": {forbidden_detail(enforce)}')
        # EvaluatePodController: a workload is only warned about its template
        warnings.append(f'would violate PodSecurity "{policy["enforce"]}": {forbidden_detail(enforce)}')
    if policy["warn"] != policy["enforce"] or not enforce:
        warn = evaluate(policy["warn"].split(":")[0], md, spec)
        if warn:
            text = f'would violate PodSecurity "{policy["warn"]}": {forbidden_detail(warn)}'
            if text not in warnings:
                warnings.append(text)
    return warnings


def namespace_update_warnings(ns: Obj, old: Obj, api: APIServer) -> list[str]:
    """Admission.ValidateNamespace on a label change: when the enforce level changes, the existing pods that
    would violate it are named in warnings, pods with the same violations grouped."""
    new_policy, old_policy = namespace_policy(ns), namespace_policy(old)
    enforce = (new_policy or {}).get("enforce", "privileged:latest")
    if enforce == (old_policy or {}).get("enforce", "privileged:latest") or enforce.startswith("privileged:"):
        return []
    groups: dict[str, list[str]] = {}
    for pod in api.store.list("pods", ns["metadata"]["name"]):
        results = evaluate(enforce.split(":")[0], pod.get("metadata") or {}, pod.get("spec") or {})
        if results:
            groups.setdefault(", ".join(r.reason for r in results), []).append(pod["metadata"]["name"])
    if not groups:
        return []
    out = [f'existing pods in namespace "{ns["metadata"]["name"]}" violate the new PodSecurity enforce level '
           f'"{enforce}"']
    for reasons, names in groups.items():
        others = len(names) - 1
        who = names[0] if not others else f"{names[0]} (and {others} other {_plural('pod', 'pods', others)})"
        out.append(f"{who}: {reasons}")
    return out
