"""FindNewReplicaSet remembers each stored set's stripped and pruned template: same answers, less work."""

from __future__ import annotations

import copy

import pytest

from kspec.controllers import deployment_util as du


def _template(image: str, resources: dict | None = None, hash_label: str = "") -> dict:
    labels = {"app": "web", **({du.HASH_LABEL: hash_label} if hash_label else {})}
    c = {"name": "c", "image": image, **({"resources": resources} if resources is not None else {})}
    return {"metadata": {"labels": labels}, "spec": {"containers": [c]}}


def _rs(name: str, template: dict, rv: str = "7", created: str = "2026-01-01T00:00:00Z") -> dict:
    return {"metadata": {"name": name, "uid": f"uid-{name}", "resourceVersion": rv, "creationTimestamp": created},
            "spec": {"replicas": 1, "template": template}}


def _reference(d: dict, sets: list[dict]) -> dict | None:
    return next((rs for rs in du.by_creation(sets) if du.equal_ignore_hash(rs["spec"]["template"],
                                                                            d["spec"]["template"])), None)


@pytest.mark.parametrize("image, resources", [("nginx:1", None), ("nginx:2", None), ("nginx:2", {}),
                                              ("nginx:3", {})])
def test_find_new_answers_as_equal_ignore_hash(image: str, resources: dict | None) -> None:
    sets = [_rs("a", _template("nginx:1", hash_label="h1")),
            _rs("b", _template("nginx:2", {}, hash_label="h2"), created="2026-01-01T00:00:01Z")]
    d = {"spec": {"template": _template(image, resources)}}
    for _ in range(2):  # the second time from what was remembered
        assert du.find_new(d, sets) is _reference(d, sets)


def test_a_copy_with_the_same_version_but_another_template_is_not_confused() -> None:
    rs = _rs("c", _template("nginx:1", hash_label="h"))
    d = {"spec": {"template": _template("nginx:1")}}
    assert du.find_new(d, [rs]) is rs
    other = copy.deepcopy(rs)
    other["spec"]["template"] = _template("nginx:9", hash_label="h")
    assert du.find_new(d, [other]) is None


def test_the_sets_templates_are_pruned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    sets = [_rs(f"s{i}", _template(f"nginx:{i}", {}, hash_label=f"h{i}"), rv=f"{100 + i}") for i in range(5)]
    d = {"spec": {"template": _template("nginx:new")}}
    calls: list[object] = []
    real = du._pruned
    monkeypatch.setattr(du, "_pruned", lambda v: calls.append(v) or real(v))
    assert du.find_new(d, sets) is None
    first = len(calls)
    calls.clear()
    assert du.find_new(d, sets) is None
    assert len(calls) < first / 3  # only the Deployment's template, once


def test_the_deployments_side_is_pruned_once_per_template_even_if_changed_in_place(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sets = [_rs(f"t{i}", _template(f"nginx:{i}", {}, hash_label=f"h{i}"), rv=f"{200 + i}") for i in range(3)]
    d = {"metadata": {"uid": "d-uid-memo"}, "spec": {"template": _template("nginx:new")}}
    assert du.find_new(d, sets) is None
    calls: list[object] = []
    real = du._pruned
    monkeypatch.setattr(du, "_pruned", lambda v: calls.append(v) or real(v))
    assert du.find_new(d, sets) is None
    assert calls == []  # neither side pruned again
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1"  # changed in place
    assert du.find_new(d, sets) is sets[1] is _reference(d, sets)
