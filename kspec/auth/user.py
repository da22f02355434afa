"""Who sends a request: the identity authentication hands to authorization and admission.

A small module of its own so that the authorizer, admission plugins and the steps share one type
(``k8s.io/apiserver/pkg/authentication/user.Info``: name, groups, extra). ``APIServer.user`` holds the
identity of the request being served; ``None`` there means a control-plane component's own loopback
request, which, like kube-apiserver's loopback client, is in ``system:masters``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: user.SystemPrivilegedGroup: members may do anything, without consulting RBAC
SYSTEM_MASTERS = "system:masters"
#: user.AllAuthenticated: every authenticated identity is in it (the group adder of the authenticator)
AUTHENTICATED = "system:authenticated"
#: serviceaccount.AllServiceAccountsGroup
ALL_SERVICE_ACCOUNTS = "system:serviceaccounts"
#: serviceaccount.ServiceAccountUsernamePrefix
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"


@dataclass(frozen=True)
class UserInfo:
    """user.DefaultInfo: ``groups`` in the order authentication gave them (messages print that order)."""

    name: str
    groups: tuple[str, ...] = ()
    extra: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    @property
    def privileged(self) -> bool:
        return SYSTEM_MASTERS in self.groups


def user(name: str, groups: tuple[str, ...] | list[str] = ()) -> UserInfo:
    """An authenticated user: its groups, then ``system:authenticated`` (authenticator.AuthenticatedGroupAdder)."""
    found = tuple(groups)
    return UserInfo(name, found if AUTHENTICATED in found else (*found, AUTHENTICATED))


def service_account(namespace: str, name: str) -> UserInfo:
    """serviceaccount.UserInfo: ``system:serviceaccount:<ns>:<name>`` in the service-account groups."""
    return UserInfo(f"{SERVICE_ACCOUNT_PREFIX}{namespace}:{name}",
                    (ALL_SERVICE_ACCOUNTS, f"{ALL_SERVICE_ACCOUNTS}:{namespace}", AUTHENTICATED))


#: kubeadm's (and kind's) admin kubeconfig: what kubectl runs as unless told otherwise
CLUSTER_ADMIN = UserInfo("kubernetes-admin", (SYSTEM_MASTERS, AUTHENTICATED))
