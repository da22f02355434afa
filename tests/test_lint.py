"""kspec lint and the kspec command."""

from __future__ import annotations

from pathlib import Path

import pytest

from kspec.cli import main
from kspec.lint import lint, suggest

GOOD = '''Feature: ok
  Scenario: fine
    Given a cluster with 3 nodes
    When I wait 10s
    Then pod "web" is Running
'''


def write(tmp_path: Path, text: str, name: str = "x.feature") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_clean_file_has_no_problems(tmp_path: Path) -> None:
    assert lint([write(tmp_path, GOOD)]) == []


def test_misspelt_step_names_line_and_closest_phrase(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("is Running", "is runing ok"))
    [problem] = lint([path])
    assert problem.line == 5
    assert 'unknown step "Then pod "web" is runing ok"' in problem.message
    assert "did you mean" in problem.message


def test_a_step_under_the_wrong_keyword_names_its_keyword(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("When I wait 10s", 'And node "node-1" stops responding'))
    [problem] = lint([path])
    assert problem.message == ('unknown step "Given node "node-1" stops responding": "node "node-1" stops responding" '
                               'is a When step; write "When node "node-1" stops responding" (an And or But step takes '
                               "the keyword of the step above it)")


def test_gherkin_error_has_its_line_column_and_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "Feature: x\n  Scenario: y\n    Given a cluster with 1 nodes\n   Thenn z\n")
    [problem] = lint([path])
    assert (problem.line, problem.column) == (4, 4)
    assert str(problem).startswith(f"{path}:4:4: unexpected line 'Thenn z': expected ")
    assert 'did you mean "Then"?' in problem.message


BROKEN = '''Feature: broken
  Scenario: a table with a short row and a doc string never closed
    Given a cluster with nodes:
      | name   | cpu |
      | node-1 |
    When I apply:
      """
      apiVersion: v1
      kind: Pod
'''


def test_every_gherkin_error_keeps_its_reason(tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN)
    assert [str(p) for p in lint([path])] == [
        f"{path}:5:7: inconsistent cell count within the table",
        f"{path}:10:1: unexpected end of file: the doc string opened at line 7 is never closed",
    ]


def test_a_misspelt_keyword_is_reported_not_taken_for_description(tmp_path: Path) -> None:
    text = GOOD.replace("  Scenario: fine", "  Scenario Outlin: fine")
    [problem] = lint([write(tmp_path, text)])
    assert (problem.line, problem.column) == (2, 3)
    assert "'Scenario Outlin: fine' is not a Gherkin keyword line" in problem.message
    assert 'did you mean "Scenario Outline:"?' in problem.message


def test_a_description_that_merely_has_a_colon_is_fine(tmp_path: Path) -> None:
    text = GOOD.replace("Feature: ok\n", "Feature: ok\n  Note: prose with a colon\n  Why: because\n")
    assert lint([write(tmp_path, text)]) == []


def test_a_bad_duration_is_named_with_the_accepted_forms(tmp_path: Path) -> None:
    [problem] = lint([write(tmp_path, GOOD.replace("I wait 10s", "I wait 30 sec"))])
    assert problem.line == 4
    assert 'unknown unit " sec" in duration "30 sec"' in problem.message
    assert "500ms, 30s, 5m, 1h30m" in problem.message
    assert "unknown step" not in problem.message


def test_a_bad_duration_in_within_is_the_duration_only(tmp_path: Path) -> None:
    text = GOOD.replace('Then pod "web" is Running', 'Then within 2 minutes pod "web" is Running')
    [problem] = lint([write(tmp_path, text)])
    assert 'in duration "2 minutes"' in problem.message and "pod" not in problem.message


def test_an_unknown_assertion_after_within_is_reported(tmp_path: Path) -> None:
    text = GOOD.replace('Then pod "web" is Running', 'Then within 30s pod "web" is runing')
    [problem] = lint([write(tmp_path, text)])
    assert problem.message.startswith('unknown assertion "Then pod "web" is runing"; did you mean')


@pytest.mark.parametrize(("step", "message"), [
    ("Given a cluster with three nodes", '"three" is not a whole number'),
    ('Given node "node-1" has taint "gpu:Sometimes"', "invalid taint effect: Sometimes"),
    ('Then there are 2 pods labeled "app in (a"', "unable to parse requirement"),
    ('Then service "web" has a cluster IP in "10.96.0.0/99"', "invalid CIDR address: 10.96.0.0/99"),
    ('When pod "web" uses lots of cpu', 'invalid quantity "lots"'),
    ('Given the cluster uses the "fastest" scheduler',
     'unknown scheduler "fastest": the registered scheduler implementations are "binpack", "default-scheduler"'),
    ('Given the cluster uses the "iptables" proxy', None),
    ('Given the cluster uses the "nftables" proxy', None),
    ('Given the cluster uses the "nftable" proxy',
     'unknown proxy "nftable": the registered proxy implementations are "iptables", "ipvs", "nftables"'),
    ('Given the cluster uses the "traefik" ingress',
     'unknown ingress "traefik": the registered ingress implementations are "nginx"'),
    ('Given the cluster uses the "metallb" load balancer',
     'unknown loadbalancer "metallb": the registered loadbalancer implementations are "pool"'),
    ('Given the cluster uses the "weave" network',
     'unknown network "weave": the registered network implementations are "calico", "flannel"'),
    ('Then a connection from pod "web" to "web" is refused', '"web" is not host:port (a port from 1 to 65535)'),
    ('Then a connection from outside to "web:99999" times out', '"web:99999" is not host:port'),
    ('Then a connection from pod "web" to "[fd00::1]:80" is refused', None),
    ('Given the cluster uses the "nginx" ingress', None),
    ('Given the cluster uses the "pool" load balancer', None),
])
def test_values_are_checked_without_running(tmp_path: Path, step: str, message: str | None) -> None:
    problems = lint([write(tmp_path, GOOD.replace("When I wait 10s", step))])
    assert [p.message for p in problems if message is None or message in p.message] == \
        ([] if message is None else [problems[0].message])
    if message is not None:
        assert len(problems) == 1 and problems[0].line == 4


NODES = '''Feature: nodes
  Scenario: a node table
    Given a cluster with nodes:
      | name   | COLUMN |
      | node-1 | VALUE  |
'''


@pytest.mark.parametrize(("column", "value", "message"), [
    ("cpus", "4", "unknown node table column(s) cpus; the columns are cpu, "),
    ("memory", "16GB", "memory of node node-1 '16GB' is not a quantity"),
    ("taints", "dedicated=gpu", "invalid taint spec: dedicated=gpu, expected key=value:Effect or key:Effect"),
    ("labels", "tier", 'invalid label "tier": expected key=value'),
    ("memory", "16Gi", None),
])
def test_a_node_table_is_read_as_the_step_reads_it(tmp_path: Path, column: str, value: str,
                                                   message: str | None) -> None:
    text = NODES.replace("COLUMN", column.ljust(6)).replace("VALUE", value.ljust(5))
    problems = lint([write(tmp_path, text)])
    assert [(p.line, p.message[:len(message)]) for p in problems] == ([(3, message)] if message else [])
    added = text.replace("Given a cluster with nodes:", "Given a cluster with 1 nodes\n    When I add nodes:")
    assert [p.line for p in lint([write(tmp_path, added)])] == ([4] if message else [])


def test_a_step_without_its_table_or_doc_string_is_reported(tmp_path: Path) -> None:
    text = ("Feature: x\n  Scenario: y\n    Given a cluster with nodes:\n    When I apply:\n"
            "      | kind |\n      | Pod  |\n    Then the output is:\n")
    assert [(p.line, p.message) for p in lint([write(tmp_path, text)])] == [
        (3, "this step needs a data table below it"),
        (4, 'this step needs a doc string (""" ... """) below it'),
        (7, 'this step needs a doc string (""" ... """) below it')]


APPLY = '''Feature: yaml
  Scenario: apply
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: Pood
      metadata:
        name: web
      """
    And I apply:
      """
      kind: Pod
      metadata: [
      """
    And I try to apply:
      """
      apiVersion: v1
      kind: Pood
      metadata:
        name: rejected-on-purpose
      """
'''


def test_apply_doc_strings_are_checked_for_yaml_and_kinds(tmp_path: Path) -> None:
    path = write(tmp_path, APPLY)
    assert [str(p) for p in lint([path])] == [
        f'{path}:7: resource mapping not found for name: "web" namespace: "" from "STDIN": no matches for kind '
        '"Pood" in version "v1"; ensure CRDs are installed first',
        f"{path}:15:7: error parsing YAML: did not find expected node content",
    ]


def test_an_applied_document_without_a_name_is_reported(tmp_path: Path) -> None:
    text = """Feature: nameless
  Scenario: a generateName is no name to apply by
    Given a cluster with 1 nodes
    When I apply:
      \"\"\"
      apiVersion: v1
      kind: ConfigMap
      metadata: {generateName: cm-}
      \"\"\"
"""
    path = write(tmp_path, text)
    assert [str(p) for p in lint([path])] == [
        f"{path}:7: ConfigMap has no metadata.name: resource name may not be empty"]


def test_apply_doc_strings_are_decoded_strictly(tmp_path: Path) -> None:
    text = """Feature: typed
  Scenario: a misspelt field and a string replica count
    Given a cluster with 1 nodes
    When I apply:
      \"\"\"
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: "3"
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            contianers: [{name: app, image: nginx}]
      \"\"\"
"""
    path = write(tmp_path, text)
    problems = [str(p) for p in lint([path])]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f'{path}:7: Deployment in version "v1" cannot be handled as a Deployment: ')
    assert "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32" \
        in problems[0]


def test_kinds_a_crd_in_the_file_defines_are_known(tmp_path: Path) -> None:
    crd = '''
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.example.com
      spec:
        group: example.com
        names: {kind: Widget, plural: widgets}
        scope: Namespaced
        versions: [{name: v1, served: true, storage: true}]
'''
    text = APPLY.split("    And I apply:")[0].replace("apiVersion: v1\n      kind: Pood", "apiVersion: example.com/v1\n"
                                                        "      kind: Widget")
    first = f'    Given a cluster with 1 nodes\n    When I apply:\n      """{crd}      """\n'
    text = text.replace("    Given a cluster with 1 nodes\n", first)
    problems = [p for p in lint([write(tmp_path, text)]) if "Widget" in p.message]
    assert problems == []


def test_the_projects_own_features_lint_clean() -> None:
    root = Path(__file__).resolve().parents[1]
    assert [str(p) for p in lint([root / "features"])] == []


def test_outline_steps_are_checked_per_example(tmp_path: Path) -> None:
    text = '''Feature: o
  Scenario Outline: phases
    Then pod "<pod>" is <phase>

    Examples:
      | pod | phase   |
      | a   | Running |
      | b   | Sleepy  |
'''
    problems = lint([write(tmp_path, text)])
    assert len(problems) == 1 and "Sleepy" in problems[0].message


def test_suggest_prefers_same_keyword() -> None:
    phrase = suggest("when", "I aply:")
    assert phrase is not None and phrase.template == "I apply:"


def test_suggest_reads_the_words_a_phrase_chooses_from() -> None:
    # {kind:persistentvolumeclaim|pvc}: the step's own word "pvc" points at the claim phrase, not the pod one
    phrase = suggest("then", 'pvc "data" is Boundd')
    assert phrase is not None and phrase.template.startswith("{kind:persistentvolumeclaim|pvc}")


def test_cli_lint_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(write(tmp_path, GOOD))]) == 0
    assert main(["lint", str(write(tmp_path, GOOD.replace("I wait 10s", "I wiat 10s"), "bad.feature"))]) == 1
    out = capsys.readouterr().out
    assert "bad.feature:4:" in out and 'did you mean "When I wait {duration}"' in out


def test_cli_lint_walks_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", GOOD.replace("Given a cluster", "Given an cluster"))
    assert main(["lint", str(tmp_path)]) == 1
    assert "sub/x.feature:3:" in capsys.readouterr().out


def test_cli_steps_lists_every_domain(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["steps"]) == 0
    out = capsys.readouterr().out
    for title in ("Time:", "Cluster set-up:", "Acting on objects:", "Pods and containers:", "Workloads:", "etcd:",
                  "Tables:"):
        assert title in out
    assert 'Then pod "{pod}" is {Pending|Running|Succeeded|Failed|Unknown} [in namespace "{ns}"]' in out


def test_pytest_reports_every_gherkin_error_and_misspelt_keyword(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", broken=BROKEN, outline=GOOD.replace("  Scenario: fine", "  Scenario Outlin: fine"))
    out = pytester.runpytest("-p", "no:cacheprovider", "--continue-on-collection-errors").stdout.str()
    assert "broken.feature:5:7: inconsistent cell count within the table" in out
    assert "broken.feature:10:1: unexpected end of file: the doc string opened at line 7 is never closed" in out
    assert "outline.feature:2:3: 'Scenario Outlin: fine' is not a Gherkin keyword line" in out
    assert "Unknown parsing error" not in out and "Traceback" not in out


def test_pytest_names_the_bad_duration_not_the_rest_of_the_step(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", spec=GOOD.replace('Then pod "web" is Running',
                                                    'Then within 30 sec pod "web" is Running'))
    out = pytester.runpytest("-p", "no:cacheprovider").stdout.str()
    assert 'time: unknown unit " sec" in duration "30 sec": write a Go duration' in out
    assert "is not an assertion" not in out
