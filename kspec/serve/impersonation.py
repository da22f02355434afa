"""``kubectl --as``: the Impersonate-* headers turned into the identity a request is served as.

kspec serve's kubeconfig is the cluster admin (system:masters), who may impersonate anyone, so the
impersonation itself is not authorized again; what the impersonated identity may do is (RBAC, as for a
step's ``act_as``). The groups follow k8s.io/apiserver's WithImpersonation filter.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote

from kspec.auth.user import ALL_SERVICE_ACCOUNTS, AUTHENTICATED, SERVICE_ACCOUNT_PREFIX, UserInfo
from kspec.errors import ApiError

USER = "impersonate-user"  # authenticationv1.ImpersonateUserHeader
GROUP = "impersonate-group"
UID = "impersonate-uid"
EXTRA = "impersonate-extra-"
ANONYMOUS = "system:anonymous"  # user.Anonymous
UNAUTHENTICATED = "system:unauthenticated"  # user.AllUnauthenticated


def impersonated(headers: Iterable[tuple[str, str]]) -> UserInfo | None:
    """The impersonated identity the headers ask for, or None (the request is the kubeconfig's admin's)."""
    name = ""
    groups: list[str] = []
    extra: dict[str, list[str]] = {}
    other = False
    for key, value in headers:
        low = key.lower()
        if low == USER:
            name = value
        elif low == GROUP:
            groups.append(value)
        elif low.startswith(EXTRA):
            extra.setdefault(unquote(low[len(EXTRA):]), []).append(value)  # unescapeExtraKey
        elif low == UID:
            other = True
    if not name:
        if groups or extra or other:
            raise ApiError(500, "InternalError", "Internal error occurred: requested impersonation of groups, "
                                                 "extras or a uid without impersonating a user")
        return None
    if name.startswith(SERVICE_ACCOUNT_PREFIX) and name.count(":") == 3 and not groups:
        # serviceaccount.MakeGroupNames
        groups = [ALL_SERVICE_ACCOUNTS, f"{ALL_SERVICE_ACCOUNTS}:{name.split(':')[2]}"]
    if name != ANONYMOUS:
        if AUTHENTICATED not in groups and UNAUTHENTICATED not in groups:
            groups.append(AUTHENTICATED)
    elif UNAUTHENTICATED not in groups:
        groups.append(UNAUTHENTICATED)
    return UserInfo(name, tuple(groups), tuple((k, tuple(v)) for k, v in sorted(extra.items())))
