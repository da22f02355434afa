"""KubeSchedulerConfiguration parsing, defaults and plugin-set merging."""

from __future__ import annotations

import pytest

from kspec.errors import StepError
from kspec.scheduler.profile.config import DEFAULT_PLUGINS, parse


def test_defaults() -> None:
    cfg = parse("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n")
    assert (cfg.pod_initial_backoff_seconds, cfg.pod_max_backoff_seconds, cfg.parallelism) == (1, 10, 16)
    [profile] = cfg.profiles
    assert profile.scheduler_name == "default-scheduler"
    weights = {ref.name: ref.weight for ref in profile.plugins["multiPoint"].enabled}
    assert weights["TaintToleration"] == 3 and weights["NodeAffinity"] == 2
    assert profile.score_weight("PodTopologySpread") == 2
    assert profile.score_weight("ImageLocality") == 1


def test_reconfigured_default_keeps_its_place_and_new_plugins_append() -> None:
    cfg = parse("""
kind: KubeSchedulerConfiguration
profiles:
- plugins:
    multiPoint:
      enabled:
      - {name: GPUAware, weight: 5}
      - {name: TaintToleration, weight: 7}
      disabled:
      - {name: ImageLocality}
""")
    names = [r.name for r in cfg.profiles[0].plugins["multiPoint"].enabled]
    assert names.index("TaintToleration") == [n for n, _ in DEFAULT_PLUGINS].index("TaintToleration")
    assert names[-1] == "GPUAware" and "ImageLocality" not in names
    assert cfg.profiles[0].score_weight("TaintToleration") == 7


def test_star_disables_every_default_at_that_point() -> None:
    cfg = parse("""
profiles:
- plugins:
    score:
      disabled: [{name: "*"}]
      enabled: [{name: NodeResourcesFit, weight: 4}]
""")
    profile = cfg.profiles[0]
    implements = {n: True for n, _ in DEFAULT_PLUGINS}
    assert [r.name for r in profile.extension_point("score", implements)] == ["NodeResourcesFit"]
    assert profile.score_weight("NodeResourcesFit") == 4


@pytest.mark.parametrize("text, message", [
    ("kind: Pod", "expected KubeSchedulerConfiguration"),
    ("podMaxBackoffSeconds: 0", "podMaxBackoffSeconds"),
    ("profiles: [{schedulerName: a}, {schedulerName: a}]", 'Duplicate value: "a"'),
    ("profiles: [{plugins: {sideways: {}}}]", 'unknown extension point "sideways"'),
    ("percentageOfNodesToScore: 101", "not in valid range"),
    ("bogus: 1", 'unknown field "bogus"'),
])
def test_invalid_configurations_say_why(text: str, message: str) -> None:
    with pytest.raises(StepError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse(text)
