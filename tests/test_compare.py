"""Differential runs: kspec.compare's API and ``pytest --kspec-compare``."""

from __future__ import annotations

from pathlib import Path

import pytest

from kspec.cluster import Cluster
from kspec.compare import Trace, compare, compare_clusters, diverge, parse_spec
from tests.manifests import deployment

POD = """
apiVersion: v1
kind: Pod
metadata: {name: %s}
spec:
  containers:
  - name: app
    image: nginx:1.25
    resources: {requests: {cpu: "1"}}
"""


def two_pods(cluster: Cluster) -> None:
    for name in ("one", "two"):
        cluster.apply(POD % name)
    cluster.run_for("10s")


def test_identical_runs_report_no_divergence() -> None:
    result = compare(two_pods, component="scheduler", implementations=("default-scheduler", "default-scheduler"),
                     nodes=3)
    assert result.divergence is None and not result.diverged
    assert result.a.events == result.b.events and result.a.objects == result.b.objects
    assert "no divergence" in result.report()


def test_first_fit_differs_first_at_the_second_pods_scheduled_event() -> None:
    result = compare(two_pods, component="scheduler", implementations=("default-scheduler", "first-fit"), nodes=3)
    assert result.a.outcome == result.b.outcome == "passed"
    assert result.divergence is not None and result.divergence.what == "event"
    text = str(result.divergence)
    # the default scheduler spreads (LeastAllocated), first-fit takes the first node with room
    assert "- default-scheduler: [0s] Normal Scheduled pod default/two: Successfully assigned default/two to " \
           "node-2 (from default-scheduler)" in text
    assert "+ first-fit:         [0s] Normal Scheduled pod default/two: Successfully assigned default/two to " \
           "node-1 (from first-fit)" in text
    # the line before is the last event both runs share
    assert "both:" in text.splitlines()[1]


SOLO_THEN_WEB = """
apiVersion: v1
kind: Pod
metadata: {name: solo}
spec:
  containers:
  - {name: app, image: nginx:1.25}
---
""" + deployment(containers="[{name: app, image: nginx:1.25}]")


@pytest.mark.parametrize("rename", [True, False])
def test_generated_names_are_compared_by_order_of_appearance(rename: bool) -> None:
    """The default scheduler breaks solo's tie with a random draw, first-fit does not: the ReplicaSet's pods
    then get other random suffixes, which is not the decision that differs."""
    def act(cluster: Cluster) -> None:
        cluster.apply(SOLO_THEN_WEB)
        cluster.run_for("30s")

    result = compare(act, component="scheduler", implementations=("default-scheduler", "first-fit"), nodes=2,
                     rename=rename)
    assert result.divergence is not None
    differing = [line for line in result.divergence.lines if line.startswith(("-", "+"))]
    if rename:
        assert all(" Scheduled pod default/web-d95dcf7f8-" in line for line in differing)
        assert "to node-2 (from default-scheduler)" in differing[0] and "to node-1 (from first-fit)" in differing[1]
    else:
        assert all(" SuccessfulCreate replicaset default/web-d95dcf7f8: Created pod:" in line for line in differing)


def test_a_failed_run_keeps_its_message() -> None:
    def expect_node_2(cluster: Cluster) -> None:
        two_pods(cluster)
        cluster.expect.pod_scheduled_to("two", "node-2")

    result = compare(expect_node_2, component="scheduler", implementations=("default-scheduler", "first-fit"),
                     nodes=3)
    assert (result.a.outcome, result.b.outcome) == ("passed", "failed")
    assert "node-1" in result.b.failure and result.diverged


def test_same_events_but_a_different_object_reports_the_object() -> None:
    a, b = Trace("a"), Trace("b")
    a.objects["pods default/web"] = '{"spec": {"nodeName": "node-1"}}'
    b.objects["pods default/web"] = '{"spec": {"nodeName": "node-2"}}'
    found = diverge(a, b)
    assert found is not None and found.where == "pods default/web (final state)"
    assert found.lines == ["--- a", "+++ b", "-  nodeName: node-1", "+  nodeName: node-2"]


@pytest.mark.parametrize(("text", "message"), [
    ("scheduler", '"scheduler" is not COMPONENT=IMPL-A,IMPL-B'),
    ("schedular=a,b", 'unknown component "schedular": the components are store, scheduler'),
    ("scheduler=first-fit", "must name two scheduler implementations separated by a comma"),
    ("scheduler=first-fit,first-fit", 'names the scheduler "first-fit" twice'),
    ("scheduler=default-scheduler,nope", 'unknown scheduler "nope": the registered scheduler implementations are '
                                         '"a", "default-scheduler"'),
])
def test_parse_spec_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=None) as info:
        parse_spec(text, lambda _c: ["default-scheduler", "a"])
    assert message in str(info.value)


FEATURE = '''Feature: placement
  Scenario: two pods on three nodes
    Given a cluster with 3 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: one}
      spec:
        containers:
        - {name: app, image: nginx:1.25, resources: {requests: {cpu: "1"}}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: two}
      spec:
        containers:
        - {name: app, image: nginx:1.25, resources: {requests: {cpu: "1"}}}
      """
    Then within 10s pod "two" is Running
    And pod "one" is scheduled to node "node-2"

  Scenario: nothing to schedule
    Given a cluster with 3 nodes
    When I add node "node-4"
'''


def test_kspec_compare_runs_each_scenario_twice_and_prints_the_divergence(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", spec=FEATURE)
    result = pytester.runpytest("-p", "no:cacheprovider", "--kspec-compare=scheduler=default-scheduler,first-fit",
                                "--kspec-dump=none")
    result.assert_outcomes(passed=3, failed=1)
    out = result.stdout.str()
    assert "kspec compare: scheduler default-scheduler vs first-fit" in out
    assert "spec.feature::test_two_pods_on_three_nodes\n" in out
    assert "  default-scheduler  passed, ended at t=0s\n" in out
    assert '  first-fit          failed, ended at t=0s: line 21: And pod "one" is scheduled to node ' \
           '"node-2": pod "one" is scheduled to node "node-1", expected node "node-2"' in out
    assert "- default-scheduler: [0s] Normal Scheduled pod default/one: Successfully assigned default/one to " \
           "node-2" in out
    assert "+ first-fit:         [0s] Normal Scheduled pod default/one: Successfully assigned default/one to " \
           "node-1" in out
    assert "test_nothing_to_schedule" not in out.split("kspec compare:")[1]  # identical runs are only counted
    assert "2 scenarios compared: 1 diverge (1 with different outcomes), 1 identical" in out


def test_without_the_option_each_scenario_runs_once(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", spec=FEATURE)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert "kspec compare" not in result.stdout.str()


@pytest.mark.parametrize(("value", "message"), [
    ("scheduler=default-scheduler,nope", '--kspec-compare: unknown scheduler "nope": the registered scheduler '
                                         "implementations are "),
    ("scheduler", '--kspec-compare: "scheduler" is not COMPONENT=IMPL-A,IMPL-B'),
])
def test_a_bad_value_is_one_usage_error(pytester: pytest.Pytester, value: str, message: str) -> None:
    pytester.makefile(".feature", spec=FEATURE)
    result = pytester.runpytest("-p", "no:cacheprovider", f"--kspec-compare={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert err.count("--kspec-compare") == 1 and message in err
    assert "Traceback" not in err and "passed" not in result.stdout.str()
    if "nope" in value:
        assert '"default-scheduler"' in err and '"first-fit"' in err


PLUGINS = Path(__file__).resolve().parent.parent / "plugins"


@pytest.mark.parametrize(("plugin", "scheduler", "expected"), [
    ("kspec-first-fit", "first-fit", [
        "- default-scheduler: [0s] Normal Scheduled pod default/one: Successfully assigned default/one to node-c",
        "+ first-fit:         [0s] Normal Scheduled pod default/one: Successfully assigned default/one to node-a",
        "2 scenarios compared: 2 diverge (0 with different outcomes), 0 identical"]),
    ("kspec-binpack", "binpack", [
        "- default-scheduler: [0s] Normal Scheduled pod default/second: Successfully assigned default/second to "
        "node-3",
        "+ binpack:           [0s] Normal Scheduled pod default/second: Successfully assigned default/second to "
        "node-2",
        "1 scenario compared: 1 diverge (0 with different outcomes), 0 identical"]),
])
def test_the_example_plugins_features_pass_under_both_and_show_where_they_part(
        pytester: pytest.Pytester, plugin: str, scheduler: str, expected: list[str]) -> None:
    text = (PLUGINS / plugin / "features" / "compared_with_default.feature").read_text(encoding="utf-8")
    pytester.makefile(".feature", compared_with_default=text)
    result = pytester.runpytest("-p", "no:cacheprovider", f"--kspec-compare=scheduler=default-scheduler,{scheduler}")
    assert result.ret == pytest.ExitCode.OK
    out = result.stdout.str()
    for line in expected:
        assert line in out


OUTLINE = """Feature: outline
  Scenario Outline: n pods
    Given a cluster with 3 nodes
    When I apply:
      \"\"\"
      apiVersion: v1
      kind: Pod
      metadata: {name: pinned}
      spec:
        nodeName: node-1
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1"}}}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: <name>}
      spec:
        containers: [{name: app, image: nginx:1.25, resources: {requests: {cpu: "1"}}}]
      \"\"\"
    Then within 10s pod "<name>" is Running

    Examples:
      | name |
      | aa   |
      | bb   |
"""


def test_each_example_of_an_outline_is_compared_on_its_own(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", spec=OUTLINE)
    result = pytester.runpytest("-p", "no:cacheprovider", "--kspec-compare=scheduler=first-fit,default-scheduler")
    result.assert_outcomes(passed=4)
    out = result.stdout.str()
    assert "spec.feature::test_n_pods[aa]\n  first-fit          passed, ended at t=0s\n" in out
    assert "- first-fit:         [0s] Normal Scheduled pod default/bb: Successfully assigned default/bb to " \
           "node-1" in out
    assert "2 scenarios compared: 2 diverge (0 with different outcomes), 0 identical" in out


def test_runs_with_the_same_events_that_end_at_different_times_show_both_times_and_the_object() -> None:
    """The default scheduler keeps the cluster busy longer, so "settle" returns 20s later: same events, but
    the node's Lease was renewed twice more."""
    def one_pod_then_settle(cluster: Cluster) -> None:
        cluster.apply(POD % "web")
        cluster.settle()

    result = compare(one_pod_then_settle, component="scheduler",
                     implementations=("default-scheduler", "first-fit"), nodes=1)
    assert result.a.events == result.b.events
    report = result.report().splitlines()
    assert report[:3] == ["default-scheduler  passed, ended at t=30s", "first-fit          passed, ended at t=10s",
                          "first divergence: leases kube-node-lease/node-1 (final state)"]
    assert "  -  renewTime: '2025-01-01T00:00:30.000000Z'" in report


def test_kspec_compare_under_xdist_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", spec=FEATURE)
    result = pytester.runpytest("-p", "no:cacheprovider", "-n", "2",
                                "--kspec-compare=scheduler=default-scheduler,first-fit")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--kspec-compare: the two runs of a scenario are compared in one process; run it without -n" in \
        result.stderr.str()


def test_the_last_shared_event_names_both_emitters_when_they_differ() -> None:
    def one_then_two(cluster: Cluster) -> None:
        pinned = (POD % "one").replace("spec:", "spec:\n  nodeSelector: {kubernetes.io/hostname: node-1}")
        cluster.apply(pinned + "---" + POD % "two")
        cluster.run_for("1s")

    nodes = ["node-1", "node-2"]
    result = compare(one_then_two, component="scheduler", implementations=("default-scheduler", "first-fit"),
                     nodes=nodes)
    assert result.divergence is not None
    shared = [line for line in result.divergence.lines if line.lstrip().startswith("both:")]
    assert shared and shared[0].endswith("(from default-scheduler / first-fit)"), result.divergence.lines


def test_two_clusters_built_in_code_are_compared_as_given() -> None:
    """Any difference two clusters have, here a scheduler configured to bin-pack instead of a component."""
    from kspec.cluster import NodeSpec

    nodes = [NodeSpec("node-1"), NodeSpec("node-2")]
    spread, packed = Cluster(nodes=nodes), Cluster(nodes=nodes, scheduler="binpack")
    result = compare_clusters(two_pods, spread, packed, labels=("spread", "packed"))
    assert result.divergence is not None and result.divergence.what == "event"
    assert "+ packed: " in "\n".join(result.divergence.lines)
    same = compare_clusters(two_pods, Cluster(nodes=nodes), Cluster(nodes=nodes))
    assert same.divergence is None


def test_verbose_lists_identical_scenarios_too(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", spec=FEATURE)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "--kspec-compare=scheduler=default-scheduler,first-fit")
    summary = result.stdout.str().split("kspec compare:")[1]
    assert "spec.feature::test_nothing_to_schedule\n  default-scheduler  passed, ended at t=0s\n  first-fit" \
           "          passed, ended at t=0s\n  no divergence: same events, same objects" in summary


def test_a_scenario_failing_the_same_way_under_both_is_listed(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", spec=FEATURE.replace('When I add node "node-4"', 'Then pod "ghost" is Running'))
    result = pytester.runpytest("-p", "no:cacheprovider", "--kspec-compare=scheduler=default-scheduler,first-fit")
    summary = result.stdout.str().split("kspec compare:")[1]
    assert "spec.feature::test_nothing_to_schedule\n  default-scheduler  failed" in summary
    assert "no divergence: same events, same objects" in summary
