"""A manifest read before is copied, not parsed again: the same objects, private to each caller."""

from __future__ import annotations

import pytest

from kspec import manifests
from kspec.errors import ManifestError

TEXT = """apiVersion: v1
kind: Pod
metadata: {name: web, labels: {a: "1", a: "2"}}
spec:
  containers: [{name: app, image: nginx:1.25}]
"""


def test_a_text_read_twice_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    manifests._PARSED.clear()
    parsed: list[str] = []
    real = manifests._parse

    def counting(text: str, *args: object) -> list[dict]:
        parsed.append(text)
        return real(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(manifests, "_parse", counting)
    first = manifests.load(TEXT, "spec.feature", 5, 6)
    second = manifests.load(TEXT, "spec.feature", 5, 6)
    assert parsed == [TEXT]
    assert first == second
    labels = second[0]["metadata"]["labels"]
    assert type(labels) is manifests.YamlMapping and labels.duplicates == ("a",)
    first[0]["metadata"]["name"] = "changed"
    first[0]["spec"]["containers"].append({})
    third = manifests.load(TEXT, "spec.feature", 5, 6)
    assert third == second and third[0]["metadata"]["name"] == "web"
    assert manifests.load(TEXT, "other.feature", 40, 8) == second
    assert parsed == [TEXT]  # the same doc string in another scenario or file: not parsed again


def test_errors_name_the_place_of_each_text_that_does_not_parse() -> None:
    manifests.load(TEXT, "a.feature", 3, 6)  # a text that parsed says nothing about another one
    broken = TEXT + "  volumes: [x\n"
    for source, line in (("a.feature", 3), ("b.feature", 30)):
        with pytest.raises(ManifestError, match=f"{source}:{line + 6}"):
            manifests.load(broken, source, line, 6)


def test_a_text_that_does_not_parse_fails_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ManifestError, match="x.yaml:2"):
            manifests.load("a: [b\n", "x.yaml")


def test_apply_reads_the_remembered_objects_and_leaves_them_as_parsed() -> None:
    """Cluster.apply only reads a manifest's objects (the API server decodes a copy of each), so it is given the
    remembered objects themselves: nothing a run does to what it applied reaches the next scenario's."""
    import copy

    from kspec import Cluster

    text = TEXT.replace('name: web, labels: {a: "1", a: "2"}', 'name: shared-web, labels: {a: "1"}') + """---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shared-deploy}
spec:
  replicas: 2
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec: {containers: [{name: app, image: nginx}]}
"""
    manifests.load(text)
    remembered = manifests._PARSED[text]
    pristine = copy.deepcopy(remembered)
    shared = manifests.load(text, shared=True)
    assert all(a is b for a, b in zip(shared, remembered, strict=True))
    c = Cluster(nodes=2)
    applied = c.apply(text)
    c.settle()
    applied[0]["metadata"]["labels"]["b"] = "changed"  # what apply returned is the caller's own
    c.apply(text)  # applied again: patched with the same manifest
    c.settle()
    assert manifests._PARSED[text] is remembered and remembered == pristine
    assert c.get("deployment", "shared-deploy")["status"]["readyReplicas"] == 2
