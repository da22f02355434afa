"""The pytest plugin end to end: collection from any folder, failure reports, options."""

from __future__ import annotations

import pytest

POD = '''
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
      spec:
        nodeSelector:
          disk: none-has-it
        containers:
        - name: app
          image: nginx:1.25
'''

PASSING = f'''Feature: api
  Scenario: a pod is created Pending
    Given a cluster with 2 nodes
    When I apply:
      """{POD}      """
    Then pod "web" is Pending
    And pod "web" exists
'''

FAILING = f'''Feature: api
  Scenario: a wrong phase
    Given a cluster with 2 nodes
    When I apply:
      """{POD}      """
    Then pod "web" is Succeeded
'''


def run(pytester: pytest.Pytester, text: str, *args: str, name: str = "spec") -> pytest.RunResult:
    pytester.makefile(".feature", **{name: text})
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def test_feature_in_an_empty_folder_runs_without_glue(pytester: pytest.Pytester) -> None:
    result = run(pytester, PASSING)
    result.assert_outcomes(passed=1)


def test_failure_names_step_file_line_and_shows_the_cluster(pytester: pytest.Pytester) -> None:
    result = run(pytester, FAILING)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "spec.feature:17: Then pod \"web\" is Succeeded" in out
    assert 'pod "web" is Pending, expected Succeeded' in out
    assert "$ kubectl get nodes" in out and "node-2" in out
    assert "$ kubectl get pods -A" in out
    assert "Traceback" not in out and "kspec/" not in out


def test_unknown_step_suggests_the_closest_phrase(pytester: pytest.Pytester) -> None:
    result = run(pytester, PASSING.replace('is Pending', 'is Pendingg'))
    result.assert_outcomes(failed=1)
    assert 'unknown step "Then pod "web" is Pendingg"; did you mean' in result.stdout.str()


def test_gherkin_syntax_error_reports_file_and_line(pytester: pytest.Pytester) -> None:
    result = run(pytester, "Feature: x\n  Scenario: y\n    Given a cluster with 1 nodes\n   Thenn z\n  Scenario\n")
    assert result.ret != 0
    out = result.stdout.str()
    assert "spec.feature:4: Gherkin syntax error" in out
    assert "Traceback" not in out


def test_invalid_yaml_points_into_the_feature_file(pytester: pytest.Pytester) -> None:
    bad = PASSING.replace("  containers:", "  containers: [").replace("Then pod \"web\" is Pending\n", "")
    result = run(pytester, bad)
    result.assert_outcomes(failed=1)
    assert "error parsing YAML at" in result.stdout.str()
    assert "spec.feature:" in result.stdout.str()


def test_unknown_scheduler_lists_registered_names(pytester: pytest.Pytester) -> None:
    text = PASSING.replace("Given a cluster with 2 nodes", 'Given a cluster with 2 nodes\n'
                           '    And the cluster uses the "no-such" scheduler')
    result = run(pytester, text)
    result.assert_outcomes(failed=1)
    assert 'unknown scheduler "no-such": the registered scheduler implementations are' in result.stdout.str()


def test_command_line_component_choice_is_checked(pytester: pytest.Pytester) -> None:
    result = run(pytester, PASSING, "--kspec-store=nope")
    result.assert_outcomes(failed=1)
    assert 'unknown store "nope": the registered store implementations are ' in result.stdout.str()
    assert '"memory"' in result.stdout.str()


def test_seed_option_reaches_the_cluster(pytester: pytest.Pytester) -> None:
    result = run(pytester, PASSING, "--kspec-seed=42")
    result.assert_outcomes(passed=1)
    assert "kspec: seed=42" in result.stdout.str()


def test_within_times_out_with_last_failure(pytester: pytest.Pytester) -> None:
    result = run(pytester, FAILING.replace('Then pod "web" is Succeeded', 'Then within 30s pod "web" is Running'))
    result.assert_outcomes(failed=1)
    assert "still not true after 30s of virtual time: pod \"web\" is Pending, expected Running" in \
        result.stdout.str()


def test_missing_component_says_not_implemented(pytester: pytest.Pytester) -> None:
    text = PASSING.replace('And pod "web" exists', 'And etcd has a leader')
    result = run(pytester, text)
    result.assert_outcomes(failed=1)
    assert "not implemented yet" in result.stdout.str()


def test_xdist_gives_the_same_results(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", one=PASSING, two=FAILING)
    serial = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    parallel = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    serial.assert_outcomes(passed=1, failed=1)
    parallel.assert_outcomes(passed=1, failed=1)


def test_a_value_kspec_cannot_read_fails_the_step_without_a_traceback(pytester: pytest.Pytester) -> None:
    result = run(pytester, "Feature: x\n  Scenario: y\n    Given a cluster with 1 nodes\n    When I wait 10x\n")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert 'spec.feature:4: When I wait 10x' in out and 'invalid duration "10x"' in out
    assert "Traceback" not in out


@pytest.mark.parametrize(("step", "message"), [
    ("When I wait 9999999999999999999h",
     'time: invalid duration "9999999999999999999h" (out of range: the longest Go duration is '
     "2562047h47m16.854775807s)"),
    ('When I scale deployment "web" to 99999999999 replicas',
     "replicas 99999999999 is out of range: spec.replicas is an int32 (at most 2,147,483,647)"),
    ('When container "app" of pod "web" exits with code 300', "code 300 is out of range"),
])
def test_out_of_range_step_values_fail_the_step_with_one_message(pytester: pytest.Pytester, step: str,
                                                                 message: str) -> None:
    feature = f"Feature: bounds\n  Scenario: too big\n    Given a cluster with 1 nodes\n    {step}\n"
    result = run(pytester, feature)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert message in out
    assert "Traceback" not in out
