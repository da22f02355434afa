"""ImageLocality: upstream's Score table (data/image_locality.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

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
