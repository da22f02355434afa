"""ClusterRole aggregation: the clusterrole-aggregation controller of kube-controller-manager.

A ClusterRole with an ``aggregationRule`` owns no rules of its own: the controller
(pkg/controller/clusterroleaggregation ``syncClusterRole``) sets them to the union of the rules of every
other ClusterRole its selectors match, role by role in name order, each rule once. Any ClusterRole change
re-syncs every aggregated role, so ``admin`` gains what a new role labelled
``rbac.authorization.k8s.io/aggregate-to-admin: "true"`` grants.
"""

from __future__ import annotations

from collections import OrderedDict
from operator import is_, methodcaller
from typing import Any

from kspec.controllers.base import Controller
from kspec.controllers.controller_utils import template_listing
from kspec.informers import enqueue_handler
from kspec.labels import Selector

Obj = dict[str, Any]


def aggregated_rules(role: Obj, roles: list[Obj]) -> list[Obj]:
    """The rules ``role``'s aggregationRule collects from ``roles`` (syncClusterRole's newPolicyRules)."""
    name = role["metadata"]["name"]
    matched: dict[str, Obj] = {}
    for selector in (role.get("aggregationRule") or {}).get("clusterRoleSelectors") or []:
        sel = Selector.from_label_selector(selector)
        for other in roles:
            other_name = other["metadata"]["name"]
            if other_name != name and other_name not in matched and sel.matches(other["metadata"].get("labels")):
                matched[other_name] = other
    rules: list[Obj] = []
    for other_name in sorted(matched):
        for rule in matched[other_name].get("rules") or []:
            if rule not in rules:  # ruleExists: semantic equality
                rules.append(rule)
    return rules


#: (role, roles) by identity -> (the inputs, kept alive so that their ids stay theirs; the rules)
_MEMO: OrderedDict[tuple[int, ...], tuple[list[Obj], list[Obj]]] = OrderedDict()
MEMO_SIZE = 32


def memo_aggregated_rules(role: Obj, roles: list[Obj]) -> list[Obj]:
    """``aggregated_rules``, remembered for the same role and roles (the same objects, by identity).

    Stored objects are read-only, so the same objects give the same rules. Every new cluster starts with the
    same bootstrap ClusterRoles (shared from its per-process template, kspec/templates.py) and its controller
    syncs each aggregated role once at start: that check is then a lookup instead of matching every
    ClusterRole's labels against every selector again. The caller must not change the list it gets.
    """
    key = (id(role), *map(id, roles))
    found = _MEMO.get(key)
    if found is not None:
        _MEMO.move_to_end(key)
        return found[1]
    rules = aggregated_rules(role, roles)
    _MEMO[key] = ([role, *roles], rules)
    while len(_MEMO) > MEMO_SIZE:
        _MEMO.popitem(last=False)
    return rules


_AGGREGATED = methodcaller("get", "aggregationRule")  # a ClusterRole's aggregationRule (truthy: it has one)
#: Template.derived key prefix: a template's aggregated ClusterRole whose rules were found to be its aggregation
_HOLDS = "aggregated rules hold"


class ClusterRoleAggregationController(Controller):
    NAME = "clusterrole-aggregation-controller"

    def start(self) -> None:
        self._names: tuple[int, list[str]] = (-1, [])  # (store revision, aggregated ClusterRoles) last listed
        informers = self.api.informers
        informers.on("clusterroles", **enqueue_handler(self.queue, self._aggregated_keys))
        # the start-up replay: every ClusterRole would enqueue the same aggregated roles, all of them queued by
        # the first (the queue drops the rest: nothing is processed until start returns), so that one is made
        if informers.replaying and self.api.store.list("clusterroles"):
            self._aggregated_keys(None)

    def _aggregated_keys(self, _changed: Obj | None) -> None:
        """Any ClusterRole change enqueues every aggregated ClusterRole (the controller's enqueue); the list is
        read again only after a write (the start-up replay of every ClusterRole lists them once)."""
        revision = self.api.store.revision
        if self._names[0] != revision:
            # filter() with a C-level test: only the few aggregated roles reach the Python loop
            self._names = (revision, [r["metadata"]["name"] for r in filter(_AGGREGATED, self.api.store.list(
                "clusterroles"))])
        for name in self._names[1]:
            self.queue.add(name)

    def reconcile(self, key: str) -> None:
        role = self.api.store.get("clusterroles", "", key)
        if role is None or not role.get("aggregationRule"):
            return
        roles = self.api.store.list("clusterroles")
        # every cluster of a template syncs its aggregated roles at start, on the template's ClusterRoles: the
        # same objects (stored objects are read-only) give the answer a cluster before found, nothing to write
        template = template_listing(self.cluster, "clusterroles")
        pristine = template is not None and len(roles) == len(template[0]) and all(map(is_, roles, template[0]))
        if pristine and template[1].get((_HOLDS, key)) is role:  # type: ignore[index]
            return
        rules = memo_aggregated_rules(role, roles)
        if rules == (role.get("rules") or []):
            if pristine:
                template[1][(_HOLDS, key)] = role  # type: ignore[index]
            return
        written = list(rules)  # the remembered list stays the memo's
        self.api.patch("clusterroles", key, "", lambda r: r.__setitem__("rules", written))
