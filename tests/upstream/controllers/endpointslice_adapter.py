"""A fake discovery/v1 client for the EndpointSlice reconcilers' ported tests (client-go's fake Clientset).

Creates fill ``generateName`` with a random suffix and set generation 1, updates bump the generation, as
upstream's ``newClientset`` reactors do; every call is recorded as an action (verb, object).
"""

from __future__ import annotations

import copy
import random
from typing import Any

from kspec.errors import ApiError


class FakeSliceClient:
    def __init__(self, seed: int = 0) -> None:
        self.slices: dict[tuple[str, str], dict[str, Any]] = {}
        self.actions: list[tuple[str, dict[str, Any] | tuple[str, str]]] = []
        self._rng = random.Random(seed)

    def seed(self, obj: dict[str, Any]) -> dict[str, Any]:
        """A slice that exists before the test (its create counts as an action, as in the Go tests)."""
        return self.create(obj)

    def create(self, obj: dict[str, Any]) -> dict[str, Any]:
        obj = copy.deepcopy(obj)
        md = obj.setdefault("metadata", {})
        if md.get("generateName") and not md.get("name"):
            md["name"] = f"{md['generateName']}-" + "".join(self._rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                                            for _ in range(8))
            md.pop("generateName")
        key = (md.get("namespace", ""), md.get("name", ""))
        if key in self.slices:
            raise ApiError(409, "AlreadyExists", f'endpointslices.discovery.k8s.io "{key[1]}" already exists')
        md["generation"] = 1
        self.slices[key] = obj
        self.actions.append(("create", obj))
        return copy.deepcopy(obj)

    def update(self, obj: dict[str, Any]) -> dict[str, Any]:
        obj = copy.deepcopy(obj)
        md = obj["metadata"]
        key = (md.get("namespace", ""), md["name"])
        if key not in self.slices:
            raise ApiError(404, "NotFound", f'endpointslices.discovery.k8s.io "{key[1]}" not found')
        md["generation"] = int(self.slices[key]["metadata"].get("generation", 0)) + 1
        self.slices[key] = obj
        self.actions.append(("update", obj))
        return copy.deepcopy(obj)

    def delete(self, namespace: str, name: str) -> None:
        self.actions.append(("delete", (namespace, name)))
        if self.slices.pop((namespace, name), None) is None:
            raise ApiError(404, "NotFound", f'endpointslices.discovery.k8s.io "{name}" not found')

    def listed(self, namespace: str, **labels: str) -> list[dict[str, Any]]:
        """List by namespace and label equality, in name order."""
        return [copy.deepcopy(s) for (ns, _), s in sorted(self.slices.items())
                if ns == namespace and all((s["metadata"].get("labels") or {}).get(k) == v for k, v in labels.items())]

    def verbs(self, since: int = 0) -> list[str]:
        return [verb for verb, _ in self.actions[since:]]
