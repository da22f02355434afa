"""``pytest --kspec-report DIR`` end to end: a page per scenario, the index, and the failure report's link."""

from __future__ import annotations

from pathlib import Path

import pytest

SPEC = '''Feature: report
  Scenario: a deployment rolls out
    Given a cluster with 2 nodes
    When I apply:
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 2
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: app
              image: nginx:1.25
      """
    Then within 2m deployment "web" is rolled out

  Scenario: a wrong count
    Given a cluster with 2 nodes
    Then pod "nope" exists
'''


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makefile(".feature", spec=SPEC)
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def test_report_writes_a_page_per_scenario_and_an_index(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--kspec-report", "out")
    result.assert_outcomes(passed=1, failed=1)
    out = Path(pytester.path, "out")
    pages = sorted(p.name for p in out.glob("*.html"))
    assert pages == ["index.html", "spec.feature_test_a_deployment_rolls_out.html",
                     "spec.feature_test_a_wrong_count.html"]
    page = (out / "spec.feature_test_a_deployment_rolls_out.html").read_text()
    assert 'data-pod="default/web-' in page and "deployment default/web" in page
    index = (out / "index.html").read_text()
    assert index.index("test_a_wrong_count") < index.index("test_a_deployment_rolls_out")
    # the failure report names the page, before the cluster's tables
    text = result.stdout.str()
    assert "timeline report: out/spec.feature_test_a_wrong_count.html" in text
    assert text.index("timeline report:") < text.index("$ kubectl get nodes")


def test_the_link_shows_without_a_dump(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--kspec-report", "out", "--kspec-dump", "none", "-k", "wrong")
    result.assert_outcomes(failed=1)
    assert "timeline report: out/spec.feature_test_a_wrong_count.html" in result.stdout.str()


def test_no_report_without_the_option(pytester: pytest.Pytester) -> None:
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    assert "timeline report" not in result.stdout.str()
    assert not list(pytester.path.rglob("*.html"))
