"""kubectl apply's three-way merge, reduced to what specs need.

Fields the last applied manifest had and the new one drops are removed; fields
the new manifest sets win; everything else on the live object (status,
server-set defaults, allocations) is kept. Lists of objects that all carry a
``name`` merge element-wise by name, as strategic merge patch does for
containers, env, ports and volumes; other lists are replaced.
"""

from __future__ import annotations

from typing import Any

from kspec.objects import clone


def three_way(live: Any, last: Any, new: Any) -> Any:
    if isinstance(new, dict) and isinstance(live, dict):
        last = last if isinstance(last, dict) else {}
        out = {k: clone(v) for k, v in live.items() if not (k in last and k not in new)}
        for key, value in new.items():
            out[key] = three_way(live.get(key), last.get(key), value)
        return out
    if isinstance(new, list) and isinstance(live, list) and _named(new) and _named(live):
        last_items = {i["name"]: i for i in last} if isinstance(last, list) and _named(last) else {}
        live_items = {i["name"]: i for i in live}
        merged = [three_way(live_items.get(i["name"]), last_items.get(i["name"]), i) for i in new]
        new_names = {i["name"] for i in new}
        # elements someone else added (not in our last apply) survive
        merged += [clone(i) for i in live if i["name"] not in new_names and i["name"] not in last_items]
        return merged
    return clone(new)


def _named(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(i, dict) and "name" in i for i in items)
