"""ImageLocality: upstream's Score table (data/image_locality.yaml)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from kspec.scheduler.plugins.imagelocality import normalized_image_name
from tests.upstream.cases import case
from tests.upstream.scheduler.st import MB, node, pod, run

SOURCE = "kubernetes/kubernetes pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go"
_DATA = yaml.safe_load((Path(__file__).parent / "data" / "image_locality.yaml").read_text())


def _case(c: dict[str, Any]) -> Any:
    spec: dict[str, Any] = {"containers": [{"name": f"c{i}", "image": im} for i, im in enumerate(c["containers"])]}
    if c.get("initContainers"):
        spec["initContainers"] = [{"name": f"i{i}", "image": im} for i, im in enumerate(c["initContainers"])]
    nodes = [node(name, images=[(names, mb * MB) for names, mb in _DATA["images"][images]])
             for name, images in c["nodes"].items()]
    return case("TestImageLocalityPriority", c["name"], pod=pod("p", **spec), nodes=nodes, want=c["want"])


CASES = [_case(c) for c in _DATA["cases"]]


@pytest.mark.parametrize("c", CASES)
def test_image_locality_priority(c: dict[str, Any]) -> None:
    assert run("ImageLocality", c, points=("Score",)).scores == c["want"]


def fake_digest(content: str) -> str:
    """getImageFakeDigest."""
    return "sha256:" + hashlib.sha256(content.encode()).hexdigest()


NORMALIZED = [
    case("TestNormalizedImageName", "add :latest postfix 1", image="root", want="root:latest"),
    case("TestNormalizedImageName", "add :latest postfix 2", image="gcr.io:5000/root", want="gcr.io:5000/root:latest"),
    case("TestNormalizedImageName", "keep it as is 1", image="root:tag", want="root:tag"),
    case("TestNormalizedImageName", "keep it as is 2", image="root@" + fake_digest("root"),
         want="root@" + fake_digest("root")),
]


@pytest.mark.parametrize("c", NORMALIZED)
def test_normalized_image_name(c: dict[str, Any]) -> None:
    assert normalized_image_name(c["image"]) == c["want"]
