"""kube-apiserver's RBAC authorizer and the rule arithmetic behind escalation prevention.

The authorizer (plugin/pkg/auth/authorizer/rbac ``RBACAuthorizer.Authorize``) walks the rules that the
bindings give a user (pkg/registry/rbac/validation ``DefaultRuleResolver.VisitRulesFor``: cluster role
bindings first, then the role bindings of the request's namespace) and allows on the first rule that
matches (``RuleAllows``). Nothing denies: no match is "no opinion", which the apiserver turns into a 403.
``covers`` is ``validation.Covers``: whether one set of rules holds every permission of another, which
role and binding writes must pass unless the writer may ``escalate`` or ``bind``.

Rules and bindings are read from a getter over the stored objects (``api.store``), so the decisions follow
every write at once, as the authorizer's informer caches do a moment later upstream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kspec.auth.user import SERVICE_ACCOUNT_PREFIX, UserInfo

Obj = dict[str, Any]
Rule = dict[str, Any]
#: (resource, namespace, name) -> stored object or None; (resource, namespace) -> list for ``lister``
Getter = Callable[[str, str, str], Obj | None]
Lister = Callable[[str, str | None], list[Obj]]

GROUP = "rbac.authorization.k8s.io"
VERB_ALL = "*"  # rbacv1.VerbAll, APIGroupAll, ResourceAll, NonResourceAll


@dataclass(frozen=True)
class Attributes:
    """authorizer.AttributesRecord: what one request asks to do."""

    user: UserInfo
    verb: str
    resource: str = ""
    group: str = ""
    namespace: str = ""
    name: str = ""
    subresource: str = ""
    path: str = ""  # a non-resource request's URL path

    @property
    def resource_request(self) -> bool:
        return not self.path


# -- matching (pkg/apis/rbac/v1/evaluation_helpers.go) ------------------------------------------------------
def verb_matches(rule: Rule, verb: str) -> bool:
    verbs = rule.get("verbs") or []
    return VERB_ALL in verbs or verb in verbs


def api_group_matches(rule: Rule, group: str) -> bool:
    groups = rule.get("apiGroups") or []
    return VERB_ALL in groups or group in groups


def resource_matches(rule: Rule, combined: str, subresource: str) -> bool:
    """ResourceMatches: ``*``, the exact ``resource/subresource``, or ``*/subresource``."""
    for res in rule.get("resources") or []:
        if res == VERB_ALL or res == combined:
            return True
        if subresource and len(res) == len(subresource) + 2 and res.startswith("*/") and res.endswith(subresource):
            return True
    return False


def resource_name_matches(rule: Rule, name: str) -> bool:
    names = rule.get("resourceNames") or []
    return not names or name in names


def non_resource_url_matches(rule: Rule, path: str) -> bool:
    for url in rule.get("nonResourceURLs") or []:
        if url == VERB_ALL or url == path or (url.endswith("*") and path.startswith(url[:-1])):
            return True
    return False


def rule_allows(attrs: Attributes, rule: Rule) -> bool:
    """RuleAllows: one rule grants the request."""
    if attrs.resource_request:
        combined = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
        return (verb_matches(rule, attrs.verb) and api_group_matches(rule, attrs.group)
                and resource_matches(rule, combined, attrs.subresource)
                and resource_name_matches(rule, attrs.name))
    return verb_matches(rule, attrs.verb) and non_resource_url_matches(rule, attrs.path)


# -- subjects (rule.go appliesTo / appliesToUser) -----------------------------------------------------------
def applies_to_user(user: UserInfo, subject: Obj, namespace: str) -> bool:
    kind = subject.get("kind")
    name = subject.get("name", "")
    if kind == "User":
        return user.name == name
    if kind == "Group":
        return name in user.groups
    if kind == "ServiceAccount":
        sa_ns = subject.get("namespace") or namespace
        if not sa_ns:
            return False
        return user.name == f"{SERVICE_ACCOUNT_PREFIX}{sa_ns}:{name}"  # serviceaccount.MatchesUsername
    return False


def applies_to_index(user: UserInfo, subjects: list[Obj], namespace: str) -> tuple[int, bool]:
    """appliesTo: (index of the first subject that names ``user``, whether one does)."""
    for i, subject in enumerate(subjects or []):
        if applies_to_user(user, subject, namespace):
            return i, True
    return 0, False


def applies_to(user: UserInfo, subjects: list[Obj], namespace: str) -> Obj | None:
    """The first subject of a binding that names ``user`` (or None)."""
    i, found = applies_to_index(user, subjects, namespace)
    return subjects[i] if found else None


def describe_subject(subject: Obj, binding_namespace: str) -> str:
    kind, name = subject.get("kind", ""), subject.get("name", "")
    if kind == "ServiceAccount":
        return f'{kind} "{name}/{subject.get("namespace") or binding_namespace}"'
    return f'{kind} "{name}"'


class RuleResolver:
    """validation.DefaultRuleResolver over the stored roles and bindings."""

    def __init__(self, get: Getter, lister: Lister) -> None:
        self.get = get
        self.list = lister

    def role_reference_rules(self, role_ref: Obj, namespace: str) -> tuple[list[Rule], str | None]:
        """GetRoleReferenceRules: (rules, error text); a missing role is the listers' NotFound."""
        kind, name = role_ref.get("kind"), role_ref.get("name", "")
        if kind == "Role":
            role = self.get("roles", namespace, name)
            if role is None:
                return [], f'role.{GROUP} "{name}" not found'
        elif kind == "ClusterRole":
            role = self.get("clusterroles", "", name)
            if role is None:
                return [], f'clusterrole.{GROUP} "{name}" not found'
        else:
            return [], f"unsupported role reference kind: {kind!r}"
        return list(role.get("rules") or []), None

    def visit(self, user: UserInfo, namespace: str) -> Iterator[tuple[str | None, Rule | None, str | None]]:
        """VisitRulesFor: (source description, rule, error) for every rule the bindings give ``user``."""
        for crb in self.list("clusterrolebindings", None):
            subject = applies_to(user, crb.get("subjects") or [], "")
            if subject is None:
                continue
            ref = crb.get("roleRef") or {}
            rules, err = self.role_reference_rules(ref, "")
            if err:
                yield None, None, err
                continue
            source = (f'ClusterRoleBinding "{crb["metadata"]["name"]}" of {ref.get("kind")} "{ref.get("name")}" '
                      f"to {describe_subject(subject, '')}")
            for rule in rules:
                yield source, rule, None
        if not namespace:
            return
        for rb in self.list("rolebindings", namespace):
            subject = applies_to(user, rb.get("subjects") or [], namespace)
            if subject is None:
                continue
            ref = rb.get("roleRef") or {}
            rules, err = self.role_reference_rules(ref, namespace)
            if err:
                yield None, None, err
                continue
            source = (f'RoleBinding "{rb["metadata"]["name"]}/{namespace}" of {ref.get("kind")} '
                      f'"{ref.get("name")}" to {describe_subject(subject, namespace)}')
            for rule in rules:
                yield source, rule, None

    def rules_for(self, user: UserInfo, namespace: str) -> tuple[list[Rule], list[str]]:
        """RulesFor: every rule ``user`` holds in ``namespace`` ("" for the cluster scope), and the errors."""
        rules: list[Rule] = []
        errors: list[str] = []
        for _, rule, err in self.visit(user, namespace):
            if err:
                errors.append(err)
            elif rule is not None:
                rules.append(rule)
        return rules, errors


def aggregate(errors: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message, or ``[a, b]`` (repeats dropped)."""
    seen: list[str] = []
    for e in errors:
        if e not in seen:
            seen.append(e)
    return seen[0] if len(seen) == 1 else "[" + ", ".join(seen) + "]"


def authorize(resolver: RuleResolver, attrs: Attributes) -> tuple[bool, str]:
    """RBACAuthorizer.Authorize: (allowed, reason); ``system:masters`` is allowed before RBAC is asked
    (authorizerfactory.NewPrivilegedGroups, first in kube-apiserver's chain)."""
    if attrs.user.privileged:
        return True, ""
    errors: list[str] = []
    for source, rule, err in resolver.visit(attrs.user, attrs.namespace):
        if err:
            errors.append(err)
        elif rule is not None and rule_allows(attrs, rule):
            return True, f"RBAC: allowed by {source}"
    return False, f"RBAC: {aggregate(errors)}" if errors else ""


def forbidden_message(attrs: Attributes) -> str:
    """responsewriters.forbiddenMessage: what the user may not do, without the resource's prefix."""
    who = attrs.user.name
    if not attrs.resource_request:
        return f'User "{who}" cannot {attrs.verb} path "{attrs.path}"'
    resource = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
    if attrs.namespace:
        return (f'User "{who}" cannot {attrs.verb} resource "{resource}" in API group "{attrs.group}" '
                f'in the namespace "{attrs.namespace}"')
    return f'User "{who}" cannot {attrs.verb} resource "{resource}" in API group "{attrs.group}" at the cluster scope'


# -- escalation (pkg/registry/rbac/validation/policy_comparator.go, rule.go) --------------------------------
def breakdown_rule(rule: Rule) -> list[Rule]:
    """BreakdownRule: one rule per group, resource, verb (and name); non-resource URLs per verb."""
    out: list[Rule] = []
    names = rule.get("resourceNames") or []
    for group in rule.get("apiGroups") or []:
        for resource in rule.get("resources") or []:
            for verb in rule.get("verbs") or []:
                if names:
                    out.extend({"apiGroups": [group], "resources": [resource], "verbs": [verb],
                                "resourceNames": [n]} for n in names)
                else:
                    out.append({"apiGroups": [group], "resources": [resource], "verbs": [verb]})
    for url in rule.get("nonResourceURLs") or []:
        for verb in rule.get("verbs") or []:
            out.append({"nonResourceURLs": [url], "verbs": [verb]})
    return out


def _has_all(owner: list[str], wanted: list[str]) -> bool:
    return all(w in owner for w in wanted)


def _resource_covers_all(owner: list[str], wanted: list[str]) -> bool:
    if VERB_ALL in owner or _has_all(owner, wanted):
        return True
    for path in wanted:
        if path in owner:
            continue
        if "/" not in path:
            return False  # not a subresource: only an exact match covers it
        if "*/" + path.split("/", 1)[1] not in owner:
            return False
    return True


def non_resource_url_covers(owner: str, requested: str) -> bool:
    """nonResourceURLCovers: an exact URL, or a ``prefix*`` owner."""
    return owner == requested or (owner.endswith("*") and requested.startswith(owner[:-1]))


def _non_resource_urls_cover_all(owner: list[str], wanted: list[str]) -> bool:
    return all(any(non_resource_url_covers(o, w) for o in owner) for w in wanted)


def rule_covers(owner: Rule, sub: Rule) -> bool:
    """ruleCovers: ``owner`` grants everything ``sub`` does."""
    owner_verbs, owner_groups = owner.get("verbs") or [], owner.get("apiGroups") or []
    owner_names, sub_names = owner.get("resourceNames") or [], sub.get("resourceNames") or []
    verbs = VERB_ALL in owner_verbs or _has_all(owner_verbs, sub.get("verbs") or [])
    groups = VERB_ALL in owner_groups or _has_all(owner_groups, sub.get("apiGroups") or [])
    resources = _resource_covers_all(owner.get("resources") or [], sub.get("resources") or [])
    urls = _non_resource_urls_cover_all(owner.get("nonResourceURLs") or [], sub.get("nonResourceURLs") or [])
    names = not owner_names if not sub_names else (not owner_names or _has_all(owner_names, sub_names))
    return verbs and groups and resources and names and urls


def covers(owner_rules: list[Rule], servant_rules: list[Rule]) -> tuple[bool, list[Rule]]:
    """Covers: whether ``owner_rules`` hold every permission of ``servant_rules``, and the ones missing."""
    missing: list[Rule] = []
    for servant in servant_rules:
        for sub in breakdown_rule(servant):
            if not any(rule_covers(owner, sub) for owner in owner_rules):
                missing.append(sub)
    return not missing, missing


def simple_resource(rule: Rule) -> tuple[str, str, bool, str] | None:
    """isSimpleResourceRule: (group, resource, has a name, name) of a rule of one group, one resource and at most
    one name, without non-resource URLs; None for any other rule."""
    names = rule.get("resourceNames") or []
    if len(names) > 1 or rule.get("nonResourceURLs"):
        return None
    groups, resources = rule.get("apiGroups") or [], rule.get("resources") or []
    if len(groups) != 1 or len(resources) != 1:
        return None
    return groups[0], resources[0], bool(names), names[0] if names else ""


def compact_rules(rules: list[Rule]) -> list[Rule]:
    """CompactRules: simple rules of the same target merged (their verbs joined); the others kept as they are."""
    compacted: list[Rule] = []
    simple: dict[tuple[str, str, bool, str], Rule] = {}
    for rule in rules:
        key = simple_resource(rule)
        if key is None:
            compacted.append(rule)
        elif key in simple:
            simple[key]["verbs"] = [*simple[key].get("verbs", []), *(rule.get("verbs") or [])]
        else:
            simple[key] = {k: list(v) for k, v in rule.items()}
    return compacted + list(simple.values())


def _go_quote_list(values: list[str]) -> str:
    """fmt's %q of a []string: ``["a" "b"]``."""
    import json
    return "[" + " ".join(json.dumps(v) for v in values) + "]"


def compact_string(rule: Rule) -> str:
    """rbacv1helpers.CompactString: ``{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}``."""
    parts = [f"{label}:{_go_quote_list(rule[key])}" for label, key in (
        ("APIGroups", "apiGroups"), ("Resources", "resources"), ("NonResourceURLs", "nonResourceURLs"),
        ("ResourceNames", "resourceNames"), ("Verbs", "verbs")) if rule.get(key)]
    return "{" + ", ".join(parts) + "}"


def escalation_error(resolver: RuleResolver, user: UserInfo, namespace: str, rules: list[Rule]) -> str | None:
    """ConfirmNoEscalation: None when ``user`` already holds ``rules`` in ``namespace``, else the message."""
    owner, errors = resolver.rules_for(user, namespace)
    ok, missing = covers(owner, rules)
    if ok:
        return None
    lines = sorted({compact_string(r) for r in compact_rules(missing)})
    msg = (f'user "{user.name}" (groups={_go_quote_list(list(user.groups))}) is attempting to grant RBAC '
           "permissions not currently held:\n" + "\n".join(lines))
    if errors:
        msg += f"; resolution errors: [{' '.join(errors)}]"  # %v of a []error
    return msg
