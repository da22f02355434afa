"""ControllerRevisions for StatefulSets and DaemonSets (pkg/controller/history).

Each distinct pod template of a set is kept as a ControllerRevision named
``<set>-<hash>`` with a growing ``revision`` number, so pods can say which
template they came from (the ``controller-revision-hash`` label) and older
templates can be recreated.
"""

from __future__ import annotations

from typing import Any

from kspec.controllers.controller_utils import compute_hash
from kspec.errors import ApiError
from kspec.objects import Obj, clone, controller_of, owner_reference

REVISION_LABEL = "controller-revision-hash"


def sort_revisions(revisions: list[Obj]) -> list[Obj]:
    """SortControllerRevisions: by revision number, then creation time, then name."""
    return sorted(revisions, key=lambda cr: (cr.get("revision", 0), cr["metadata"].get("creationTimestamp") or "",
                                             cr["metadata"]["name"]))


def equal_revision(lhs: Obj | None, rhs: Obj | None) -> bool:
    """EqualRevision: numeric hash labels, when both parse, must agree; then the data must be equal."""
    if lhs is None or rhs is None:
        return lhs is rhs

    def hash_of(cr: Obj) -> int | None:
        text = (cr["metadata"].get("labels") or {}).get(REVISION_LABEL)
        try:
            return int(text) if text is not None else None
        except ValueError:
            return None
    lh, rh = hash_of(lhs), hash_of(rhs)
    if lh is not None and rh is not None and lh != rh:
        return False
    return lhs.get("data") == rhs.get("data")


def find_equal_revisions(revisions: list[Obj], needle: Obj) -> list[Obj]:
    """FindEqualRevisions: the revisions equal to ``needle`` (EqualRevision)."""
    return [cr for cr in revisions if equal_revision(cr, needle)]


def new_revision(owner: Obj, template: Obj, labels: dict[str, str], revision: int) -> Obj:
    """NewControllerRevision: ``<owner>-<hash>`` holding the template, controlled by its owner.

    The owner's annotations are copied onto it (the StatefulSet's newRevision, the DaemonSet's snapshot).
    """
    data = {"spec": {"template": {**clone(template), "$patch": "replace"}}}
    pod_hash = compute_hash(template, (owner.get("status") or {}).get("collisionCount"))
    md: dict[str, Any] = {"name": f"{owner['metadata']['name']}-{pod_hash}",
                          "namespace": owner["metadata"]["namespace"],
                          "labels": {**labels, REVISION_LABEL: pod_hash},
                          "ownerReferences": [owner_reference(owner)]}
    if owner["metadata"].get("annotations"):
        md["annotations"] = dict(owner["metadata"]["annotations"])
    return {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": md, "data": data,
            "revision": revision}


def revisions_of(api: Any, owner: Obj) -> list[Obj]:
    """The owner's ControllerRevisions, oldest revision first."""
    uid = owner["metadata"]["uid"]
    found = [cr for cr in api.store.list("controllerrevisions", owner["metadata"]["namespace"])
             if (controller_of(cr) or {}).get("uid") == uid]
    return sort_revisions(found)


def sync_revision(api: Any, owner: Obj, template: Obj, labels: dict[str, str]) -> tuple[Obj, list[Obj]]:
    """The revision for ``template`` (created, or moved to the newest number), and all revisions."""
    history = revisions_of(api, owner)
    newest = max((cr.get("revision", 0) for cr in history), default=0)
    cr = new_revision(owner, template, labels, newest + 1)
    equal = find_equal_revisions(history, cr)
    if equal:
        found = equal[-1]
        if found.get("revision", 0) != newest:  # a rollback to an old template makes it the newest again
            found = api.patch("controllerrevisions", found["metadata"]["name"], found["metadata"]["namespace"],
                              lambda o: o.__setitem__("revision", newest + 1))
            history = revisions_of(api, owner)
        return found, history
    name = cr["metadata"]["name"]
    try:
        created = api.create(cr)
    except ApiError as exc:
        if exc.reason != "AlreadyExists":
            raise
        created = api.get("controllerrevisions", name, owner["metadata"]["namespace"])
    return created, revisions_of(api, owner)


def template_of(revision: Obj) -> Obj:
    template = clone(revision["data"]["spec"]["template"])
    template.pop("$patch", None)
    return template


def truncate(api: Any, owner: Obj, history: list[Obj], live: set[str]) -> None:
    """truncateHistory: drop the oldest revisions no pod uses beyond revisionHistoryLimit."""
    limit = owner["spec"].get("revisionHistoryLimit", 10)
    unused = [cr for cr in history if cr["metadata"]["name"] not in live]
    for cr in unused[:max(0, len(unused) - limit)]:
        try:
            api.delete("controllerrevisions", cr["metadata"]["name"], cr["metadata"]["namespace"])
        except ApiError as exc:
            if exc.code != 404:
                raise
