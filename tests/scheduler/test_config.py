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
    ("profiles: [{plugins: {sideways: {}}}]", 'unknown field "profiles[0].plugins.sideways"'),
    ("percentageOfNodesToScore: 101", "not in valid range"),
    ("bogus: 1", 'unknown field "bogus"'),
])
def test_invalid_configurations_say_why(text: str, message: str) -> None:
    with pytest.raises(StepError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse(text)


# -- strict decoding (scheme.Codecs with EnableStrict; messages as in scheme_test.go) ---------------------
HEADER = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"


def error_of(text: str) -> str:
    with pytest.raises(StepError) as info:
        parse(HEADER + text)
    return str(info.value)


def test_a_misspelt_field_is_a_strict_decoding_error() -> None:
    text = """
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      enabeld:
      - {name: NodeResourcesFit, weight: 2}
"""
    assert error_of(text) == ('invalid KubeSchedulerConfiguration: strict decoding error: '
                              'unknown field "profiles[0].plugins.score.enabeld"')


def test_every_unknown_field_is_listed_in_sorted_order() -> None:
    text = "zeta: 1\nprofiles: [{schedulerNam: x, plugins: {filter: {disabled: [{nam: A}]}}}]\nalpha: 2\n"
    assert error_of(text).endswith('strict decoding error: unknown field "alpha", '
                                   'unknown field "profiles[0].plugins.filter.disabled[0].nam", '
                                   'unknown field "profiles[0].schedulerNam", unknown field "zeta"')


def test_in_tree_plugin_args_decode_strictly() -> None:
    # scheme_test.go "v1 NodResourcesFitArgs shape encoding is strict"
    text = """
profiles:
- pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        requestedToCapacityRatio:
          shape:
          - Score: 2
            Utilization: 1
"""
    assert error_of(text) == (
        "invalid KubeSchedulerConfiguration: strict decoding error: decoding .profiles[0].pluginConfig[0]: "
        "strict decoding error: decoding args for plugin NodeResourcesFit: strict decoding error: "
        'unknown field "scoringStrategy.requestedToCapacityRatio.shape[0].Score", '
        'unknown field "scoringStrategy.requestedToCapacityRatio.shape[0].Utilization"')


def test_args_of_the_wrong_kind() -> None:
    text = """
profiles:
- pluginConfig:
  - name: DefaultPreemption
    args:
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: InterPodAffinityArgs
"""
    assert error_of(text).endswith(
        "decoding .profiles[0].pluginConfig[0]: args for plugin DefaultPreemption were not of type "
        "DefaultPreemptionArgs.kubescheduler.config.k8s.io, got InterPodAffinityArgs.kubescheduler.config.k8s.io")


def test_known_settings_and_out_of_tree_args_are_accepted() -> None:
    cfg = parse(HEADER + """
leaderElection: {leaderElect: true}
clientConnection: {kubeconfig: /etc/kubernetes/scheduler.conf, qps: 50, burst: 100}
parallelism: 8
profiles:
- schedulerName: default-scheduler
  pluginConfig:
  - name: OutOfTreePlugin
    args: {foo: bar}
  - name: PodTopologySpread
    args:
      defaultingType: List
      defaultConstraints:
      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {a: b}}}
""")
    assert cfg.profiles[0].plugin_config["OutOfTreePlugin"] == {"foo": "bar"}


def test_extenders_are_refused_not_ignored() -> None:
    text = "extenders:\n- urlPrefix: http://127.0.0.1:8888/\n  filterVerb: filter\n"
    assert "kspec does not model scheduler extenders" in error_of(text)
    parse(HEADER + "extenders: []\n")  # an empty list asks for nothing


def test_an_in_tree_plugin_kspec_does_not_model_is_named_as_such() -> None:
    from kspec.cluster import Cluster
    from kspec.scheduler.profile.config import configure

    text = HEADER + "profiles:\n- plugins:\n    filter:\n      enabled: [{name: DynamicResources}]\n"
    with pytest.raises(StepError, match='in-tree plugin "DynamicResources", which kspec does not model'):
        configure(Cluster(nodes=1), text)
    disabled = HEADER + "profiles:\n- plugins:\n    filter:\n      disabled: [{name: DynamicResources}]\n"
    configure(Cluster(nodes=1), disabled)  # leaving it out is what kspec does anyway
