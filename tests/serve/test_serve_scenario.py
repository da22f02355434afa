"""``kspec serve x.feature:LINE``: a scenario's steps run up to that line, then its cluster is served paused."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from kspec.cli import main
from kspec.serve.scenario import ScenarioError, run_to

FEATURE = '''\
Feature: web

  Background:
    Given a cluster with 2 nodes

  Scenario: a deployment rolls out
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: web, image: nginx}]
      """
    And the cluster settles
    Then deployment "web" has 3 ready replicas
    And the cluster settles

  Scenario Outline: a config map
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: <name>}
      """

    Examples:
      | name   |
      | first  |
      | second |
'''


@pytest.fixture
def feature(tmp_path: Path) -> Path:
    path = tmp_path / "x.feature"
    path.write_text(FEATURE)
    return path


def test_runs_the_steps_up_to_and_including_the_line(feature: Path) -> None:
    stopped = run_to(f"{feature}:7")
    assert (stopped.ran, stopped.step, stopped.scenario) == (2, "When I apply:", "a deployment rolls out")
    cluster = stopped.harness.cluster
    assert [n["metadata"]["name"] for n in cluster.api.list("nodes")] == ["node-1", "node-2"]
    assert cluster.clock.now == 0  # the cluster has not settled yet: that is line 20
    settled = run_to(f"{feature}:20").harness.cluster
    assert settled.clock.now > 0
    assert all(p["status"].get("phase") == "Running" for p in settled.api.list("pods", "default"))


def test_a_background_step_and_an_outline_by_name(feature: Path) -> None:
    assert run_to(f"{feature}:4").step == "Given a cluster with 2 nodes"
    outline = run_to(str(feature), scenario="a config map")
    assert [c["metadata"]["name"] for c in outline.harness.cluster.api.list("configmaps", "default")
            if c["metadata"]["name"] != "kube-root-ca.crt"] == ["first"]


def test_no_step_on_the_line_lists_the_step_lines(feature: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        run_to(f"{feature}:9")
    assert str(err.value).splitlines() == [
        f'{feature}:9: no step on line 9; the steps of scenario "a deployment rolls out" are on these lines:',
        "  4: Given a cluster with 2 nodes", "  7: When I apply:", "  20: And the cluster settles",
        '  21: Then deployment "web" has 3 ready replicas', "  22: And the cluster settles"]


def test_a_step_failing_before_the_line_is_named_with_its_message(feature: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        run_to(f"{feature}:22")
    assert str(err.value) == (f"{feature}:21: step failed before the cluster could be served: "
                              'Then deployment "web" has 3 ready replicas\n'
                              '  deployment "web" has 2 ready replicas, expected 3')


def test_several_scenarios_need_a_line_or_a_name(feature: Path) -> None:
    with pytest.raises(ScenarioError, match="2 scenarios; name one with --scenario NAME"):
        run_to(str(feature))
    with pytest.raises(ScenarioError, match='no scenario named "nope"; the scenarios are:\n  6: a deployment'):
        run_to(str(feature), scenario="nope")


def test_a_file_that_does_not_parse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.feature"
    bad.write_text("Feature: f\n  Scenario: s\n    Given a cluster with 2 nodes\n    | a |\n  Gibberish here\n")
    assert main(["serve", f"{bad}:3"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"kspec serve: {bad}:")
    assert main(["serve", str(tmp_path / "none.feature:3")]) == 1
    assert "none.feature: no such feature file" in capsys.readouterr().err


def test_serve_a_feature_line_serves_that_cluster_paused(feature: Path, tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    proc = subprocess.Popen([sys.executable, "-m", "kspec.cli", "serve", f"{feature}:7", "--kubeconfig", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        assert lines[0] == 'kspec: ran 2 step(s) of scenario "a deployment rolls out" up to line 7: When I apply:\n'
        assert "virtual clock paused" in lines[1]
        server = json.loads(config.read_text())["clusters"][0]["cluster"]["server"]
        with urllib.request.urlopen(f"{server}/apis/apps/v1/namespaces/default/deployments/web", timeout=10) as resp:
            assert json.loads(resp.read())["spec"]["replicas"] == 2
        with urllib.request.urlopen(urllib.request.Request(f"{server}/kspec/advance?ms=0", method="POST"),
                                    timeout=10) as resp:
            assert json.loads(resp.read())["now"] == 0  # paused: no virtual time passed while serving
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
