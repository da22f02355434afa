"""TokenRequest: the ``serviceaccounts/token`` subresource that ``kubectl create token`` calls.

Follows pkg/registry/core/serviceaccount/storage/token.go (TokenREST.Create): the body's name and namespace
must match the URL's, the account must exist, a bound object (Pod, Secret, Node) must exist and match,
audiences default to the API server's, ``expirationSeconds`` defaults to an hour
(SetDefaults_TokenRequestSpec) and must lie between 10 minutes and 2^32 seconds (ValidateTokenRequest).
The token is shaped like kube-apiserver's (a JWT with pkg/serviceaccount's claims) but is not signed with a
real key: its signature is a hash, so it is deterministic for the same cluster, request and instant and
means nothing outside kspec. Nothing is stored; the virtual clock gives ``iat`` and ``exp``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TYPE_CHECKING, Any

from kspec.api.kinds import resource_for
from kspec.auth.user import SERVICE_ACCOUNT_PREFIX
from kspec.errors import ApiError, bad_request, invalid, not_found
from kspec.objects import EPOCH, timestamp

if TYPE_CHECKING:
    from kspec.api.server import APIServer

Obj = dict[str, Any]

API_VERSION = "authentication.k8s.io/v1"
#: authentication.MinTokenAgeSec (ValidateTokenRequest: "may not specify a duration less than 10 minutes")
MIN_EXPIRATION_SECONDS = 10 * 60
#: ValidateTokenRequest's upper bound
MAX_EXPIRATION_SECONDS = 1 << 32
#: SetDefaults_TokenRequestSpec
DEFAULT_EXPIRATION_SECONDS = 60 * 60
#: kubeadm's (and kind's) --service-account-issuer; --api-audiences defaults to it
ISSUER = "https://kubernetes.default.svc.cluster.local"
#: the key id kspec's pretend signing key reports (upstream: a hash of the public key)
KEY_ID = "kspec-" + hashlib.sha256(b"kspec service account signing key").hexdigest()[:37]


def _invalid(name: str, field: str, value: Any, detail: str) -> ApiError:
    """apierrors.NewInvalid(TokenRequest's GroupKind, name, field.Invalid(...))."""
    shown = json.dumps(value) if isinstance(value, str) else value
    return invalid(f'TokenRequest.authentication.k8s.io "{name}" is invalid: {field}: Invalid value: {shown}: '
                   f"{detail}")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _issued(api: APIServer) -> int:
    """How many tokens this API server has issued: makes each token's ``jti`` differ, deterministically."""
    count = int(getattr(api, "_kspec_tokens_issued", 0)) + 1
    api._kspec_tokens_issued = count  # type: ignore[attr-defined]
    return count


def _bound_object(api: APIServer, namespace: str, account: str, ref: Obj) -> tuple[str, Obj]:
    """The object a token is bound to: (claim name, object); the registry's checks on it."""
    api_version, kind, name = str(ref.get("apiVersion") or ""), str(ref.get("kind") or ""), str(ref.get("name") or "")
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
    resources = {"Pod": "pods", "Secret": "secrets", "Node": "nodes"}
    if group or kind not in resources:
        version = api_version.rsplit("/", 1)[-1]
        raise bad_request(f"cannot bind token to object of type {group}/{version}, Kind={kind}")
    res = resources[kind]
    obj = api.store.get(res, "" if kind == "Node" else namespace, name)
    if obj is None:
        raise not_found(res, name)
    if kind == "Pod" and (obj.get("spec") or {}).get("serviceAccountName", "default") != account:
        sa = (obj.get("spec") or {}).get("serviceAccountName", "default")
        raise bad_request(f'cannot bind token for serviceaccount "{account}" to pod running with serviceaccount '
                          f'"{sa}"')
    uid = obj["metadata"].get("uid", "")
    if ref.get("uid") and ref["uid"] != uid:
        raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on {kind} "{name}": the UID in the bound '
                       f"object reference ({ref['uid']}) does not match the UID in record ({uid}). The object "
                       "might have been deleted and then recreated")
    return kind.lower(), obj


def request_token(api: APIServer, namespace: str, name: str, request: Obj) -> Obj:
    """TokenREST.Create for service account ``namespace/name``: the request with its status filled in."""
    api._authorize("create", resource_for("serviceaccounts"), namespace, name, "token")
    if not isinstance(request, dict):
        raise bad_request("the request body is not a JSON object")
    md = request.get("metadata") or {}
    spec = dict(request.get("spec") or {})
    if md.get("name") and md["name"] != name:
        raise _invalid(name, "metadata.name", md["name"], "must match the service account name if specified")
    if md.get("namespace") and md["namespace"] != namespace:
        raise _invalid(name, "metadata.namespace", md["namespace"],
                       "must match the service account namespace if specified")
    account = api.store.get("serviceaccounts", namespace, name)
    if account is None:
        raise not_found("serviceaccounts", name)
    bound: list[tuple[str, Obj]] = []
    if spec.get("boundObjectRef"):
        bound.append(_bound_object(api, namespace, name, spec["boundObjectRef"]))
    if not spec.get("audiences"):
        spec["audiences"] = [ISSUER]
    seconds = spec.get("expirationSeconds")
    if seconds is None:
        seconds = spec["expirationSeconds"] = DEFAULT_EXPIRATION_SECONDS
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise bad_request(f"TokenRequest in version \"v1\" cannot be handled as a TokenRequest: json: cannot "
                          f"unmarshal {type(seconds).__name__} into Go struct field TokenRequestSpec.spec."
                          "expirationSeconds of type int64")
    if seconds < MIN_EXPIRATION_SECONDS:
        raise _invalid("", "spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes")
    if seconds > MAX_EXPIRATION_SECONDS:
        raise _invalid("", "spec.expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds")
    now_ms = api.clock.now
    token = _token(api, account, spec["audiences"], now_ms, seconds, bound)
    return {"kind": "TokenRequest", "apiVersion": API_VERSION,
            "metadata": {"name": name, "namespace": namespace, "creationTimestamp": timestamp(now_ms)},
            "spec": spec,
            "status": {"token": token, "expirationTimestamp": timestamp(now_ms + seconds * 1000)}}


def _token(api: APIServer, account: Obj, audiences: list[str], now_ms: int, seconds: int,
           bound: list[tuple[str, Obj]]) -> str:
    """A JWT with serviceaccount.Claims' claims (keys sorted, as go-jose writes the merged claims)."""
    md = account["metadata"]
    ns, name = md.get("namespace", ""), md.get("name", "")
    iat = int(EPOCH.timestamp()) + now_ms // 1000
    k8s: Obj = {"namespace": ns, "serviceaccount": {"name": name, "uid": md.get("uid", "")}}
    for claim, obj in bound:
        k8s[claim] = {"name": obj["metadata"].get("name", ""), "uid": obj["metadata"].get("uid", "")}
        node = (obj.get("spec") or {}).get("nodeName") if claim == "pod" else None
        if node:  # ServiceAccountTokenPodNodeInfo: the pod's node rides along
            node_obj = api.store.get("nodes", "", node)
            k8s["node"] = {"name": node, "uid": (node_obj or {}).get("metadata", {}).get("uid", "")}
    seq = _issued(api)
    digest = hashlib.sha256(f"{ns}/{name}/{now_ms}/{seq}".encode()).hexdigest()
    jti = f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"
    claims = {"aud": list(audiences), "exp": iat + seconds, "iat": iat, "iss": ISSUER, "jti": jti,
              "kubernetes.io": dict(sorted(k8s.items())), "nbf": iat, "sub": f"{SERVICE_ACCOUNT_PREFIX}{ns}:{name}"}
    header = {"alg": "RS256", "kid": KEY_ID}
    signing_input = f"{_b64(json.dumps(header, separators=(',', ':')).encode())}." \
                    f"{_b64(json.dumps(claims, separators=(',', ':')).encode())}"
    signature = hashlib.shake_256(b"kspec-not-a-signature:" + signing_input.encode()).digest(256)  # RS256's size
    return f"{signing_input}.{_b64(signature)}"
