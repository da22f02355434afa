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


def test_unknown_assertion_after_within_suggests_the_closest_phrase_as_lint_does(pytester: pytest.Pytester) -> None:
    result = run(pytester, PASSING.replace('Then pod "web" is Pending', 'Then within 5s pod "web" is Pendingg'))
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert 'spec.feature:17: Then within 5s pod "web" is Pendingg' in out
    assert ('unknown assertion "Then pod "web" is Pendingg"; did you mean "Then pod "{pod}" is '
            '{Pending|Running|Succeeded|Failed|Unknown} [in namespace "{ns}"]"? (after within 5s)') in out
    assert "cluster state" not in out  # as for an unknown step: the cluster explains nothing


def test_a_feature_tag_is_a_mark_without_warnings_even_under_strict_markers(pytester: pytest.Pytester) -> None:
    tagged = PASSING.replace("  Scenario: a pod is created Pending", "  @smoke\n  Scenario: a pod is created Pending")
    result = run(pytester, tagged, "--strict-markers", "-m", "smoke", "-W", "error::pytest.PytestUnknownMarkWarning")
    result.assert_outcomes(passed=1)
    assert "PytestUnknownMarkWarning" not in result.stdout.str()
    run(pytester, tagged, "-m", "not smoke").assert_outcomes()


def test_gherkin_syntax_error_reports_file_and_line(pytester: pytest.Pytester) -> None:
    result = run(pytester, "Feature: x\n  Scenario: y\n    Given a cluster with 1 nodes\n   Thenn z\n  Scenario\n")
    assert result.ret != 0
    out = result.stdout.str()
    assert "spec.feature:4:4: unexpected line 'Thenn z'" in out
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


@pytest.mark.parametrize("component", ["scheduler", "proxy", "dns", "store", "runtime"])
def test_an_unknown_implementation_is_one_usage_error(pytester: pytest.Pytester, component: str) -> None:
    pytester.makefile(".feature", one=PASSING, two=FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider", f"--kspec-{component}=nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert f'--kspec-{component}: unknown {component} "nope": the registered {component} implementations are' in err
    assert "passed" not in result.stdout.str() and "failed" not in result.stdout.str()


def test_an_unknown_implementation_in_the_ini_file_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nkspec_scheduler = nope\n")
    pytester.makefile(".feature", one=PASSING)
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert 'ini option kspec_scheduler: unknown scheduler "nope"' in result.stderr.str()
    assert '"default-scheduler"' in result.stderr.str()


def test_an_unknown_dump_mode_in_the_ini_file_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nkspec_dump = everything\n")
    pytester.makefile(".feature", one=PASSING)
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert 'ini option kspec_dump: "everything" is not one of short, full, none' in result.stderr.str()


def test_help_lists_the_registered_names(pytester: pytest.Pytester) -> None:
    out = " ".join(pytester.runpytest("-p", "no:cacheprovider", "--help").stdout.str().split())
    assert "--kspec-scheduler=NAME the scheduler implementation to use, by registered name (registered: " in out
    assert "default-scheduler" in out
    assert "(registered: iptables, ipvs, nftables)" in out
    assert "kspec_store (string): default store implementation (registered: etcd, memory)" in out


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
    assert 'spec.feature:4: When I wait 10x' in out and 'unknown unit "x" in duration "10x"' in out
    assert "Traceback" not in out


@pytest.mark.parametrize("within", ["", "within 5s "])
def test_a_value_the_step_cannot_read_is_worded_as_kspec_lint_words_it(pytester: pytest.Pytester,
                                                                        within: str) -> None:
    step = f'Then {within}service "kubernetes" has a cluster IP in "10.96.0.0/99"'
    result = run(pytester, f"Feature: x\n  Scenario: y\n    Given a cluster with 1 nodes\n    {step}\n")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert f"spec.feature:4: {step}\n  invalid CIDR address: 10.96.0.0/99\n" in out  # Go's net.ParseCIDR words
    assert "does not appear to be" not in out and "Traceback" not in out


def test_a_target_that_is_not_host_port_fails_at_once_even_under_within(pytester: pytest.Pytester) -> None:
    step = 'Then within 5m a connection from pod "web" to "web" is refused'
    result = run(pytester, f"Feature: x\n  Scenario: y\n    Given a cluster with 1 nodes\n    {step}\n")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert f'spec.feature:4: {step}\n  "web" is not host:port (a port from 1 to 65535)\n' in out
    assert "cluster state at t=0s" in out  # not retried for 5 minutes: waiting cannot make it hold


LOOPING_PLUGIN = '''
from kspec import plugins
from kspec.controllers.base import Controller
from kspec.hookspec import hookimpl


class Flipper(Controller):
    """Deliberately broken: every change to a ConfigMap it reacts to with another change."""

    NAME = "flipper-controller"

    def start(self):
        self.watch("configmaps")

    def reconcile(self, key):
        ns, name = key.split("/")
        if name == "kube-root-ca.crt":
            return  # every namespace's CA bundle: not this controller's
        self.api.patch("configmaps", name, ns,
                       lambda cm: cm.setdefault("data", {}).update(n=str(int(cm["data"].get("n", "0")) + 1)))


@hookimpl
def kspec_controllers(cluster):
    return [Flipper(cluster)]


def pytest_configure(config):
    import sys
    plugins.default_manager().register(sys.modules[__name__], name="flipper")


def pytest_unconfigure(config):
    plugins.default_manager().unregister(name="flipper")
'''

CONFIGMAP = '''Feature: a looping controller
  Scenario: a ConfigMap that a controller keeps rewriting
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: flip
      data: {n: "0"}
      """
'''


def test_a_controller_looping_at_one_instant_fails_the_step_naming_it(pytester: pytest.Pytester,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import kspec.clock
    monkeypatch.setattr(kspec.clock, "MAX_CALLBACKS_PER_INSTANT", 2_000)
    pytester.makeconftest(LOOPING_PLUGIN)
    result = run(pytester, CONFIGMAP)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "spec.feature:4: When I apply:" in out
    assert "more than 2000 callbacks ran at t=0s without letting virtual time pass" in out
    assert "workqueue flipper-controller: MODIFIED configmaps" in out
    assert "configmaps default/flip" in out
    assert "$ kubectl get nodes" in out
    assert "Traceback" not in out


BROKEN_PLUGINS = '''
from kspec import plugins
from kspec.controllers.base import Controller
from kspec.hookspec import hookimpl
from kspec.scheduler.framework import Plugin


class BrokenScore(Plugin):
    NAME = "BrokenScore"

    def score(self, state, pi, ni):
        return {}["weight"]


class BrokenController(Controller):
    NAME = "broken-controller"

    def start(self):
        self.watch("configmaps")

    def reconcile(self, key):
        if key.endswith("/kube-root-ca.crt"): return  # every namespace's CA bundle: not this controller's
        raise RuntimeError(f"cannot handle {key}")


class BrokenProxy:
    def __init__(self, cluster):
        self.cluster = cluster

    def start(self):
        self.cluster.api.informers.on("services", on_add=self.service_added)

    def service_added(self, svc):
        return svc["spec"]["no-such-field"]


@hookimpl
def kspec_scheduler_plugins(registry):
    registry.register(BrokenScore)


@hookimpl
def kspec_controllers(cluster):
    return [BrokenController(cluster)]


@hookimpl
def kspec_component_names(component):
    return ["broken"] if component == "proxy" else []


@hookimpl
def kspec_make_proxy(name, cluster):
    return BrokenProxy(cluster) if name == "broken" else None


def pytest_configure(config):
    import sys
    plugins.default_manager().register(sys.modules[__name__], name="broken-plugins")


def pytest_unconfigure(config):
    plugins.default_manager().unregister(name="broken-plugins")
'''

SCORE_FEATURE = '''Feature: a broken score plugin
  Scenario: scoring raises
    Given a cluster with 2 nodes
    And the scheduler is configured with:
      """
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: KubeSchedulerConfiguration
      profiles:
      - plugins:
          multiPoint:
            enabled:
            - name: BrokenScore
      """
    When I apply:
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web}
      spec:
        containers: [{name: app, image: nginx:1.25}]
      """
'''

CONTROLLER_FEATURE = '''Feature: a broken controller
  Scenario: reconcile raises
    Given a cluster with 1 nodes
    When I apply:
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: settings}
      """
'''

PROXY_FEATURE = '''Feature: a broken proxy
  Scenario: the proxy's service handler raises
    Given a cluster with 1 nodes
    And the cluster uses the "broken" proxy
    When I apply:
      """
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec:
        selector: {app: web}
        ports: [{port: 80}]
      """
'''


@pytest.mark.parametrize(("feature", "line", "plugin", "error", "frame"), [
    (SCORE_FEATURE, 14, "BrokenScore", "KeyError: 'weight'", "conftest.py:11, in score"),
    (CONTROLLER_FEATURE, 4, "broken-controller", "RuntimeError: cannot handle default/settings",
     "conftest.py:22, in reconcile"),
    (PROXY_FEATURE, 5, "broken-plugins", "KeyError: 'no-such-field'", "conftest.py:33, in service_added"),
], ids=["scheduler-plugin", "controller", "proxy"])
def test_an_exception_in_a_plugin_names_the_plugin_and_its_frame(
        pytester: pytest.Pytester, feature: str, line: int, plugin: str, error: str, frame: str) -> None:
    pytester.makeconftest(BROKEN_PLUGINS)
    result = run(pytester, feature)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert f"spec.feature:{line}: When I apply:" in out
    assert f'plugin "{plugin}" raised {error}' in out
    assert frame in out
    assert "Traceback" not in out and "kspec/" not in out and "_pytest" not in out
    assert len(out.splitlines()) < 60


def test_a_plugin_hook_that_raises_shows_its_frame(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(BROKEN_PLUGINS.replace("return BrokenProxy(cluster) if", "return BrokenProxy(cluster, 1) if"))
    result = run(pytester, PROXY_FEATURE)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert 'plugin "broken-plugins" failed in kspec_make_proxy: TypeError: ' in out
    assert "conftest.py:53, in kspec_make_proxy" in out
    assert "Traceback" not in out


def test_a_component_that_fails_to_start_shows_its_frame(pytester: pytest.Pytester) -> None:
    broken_start = BROKEN_PLUGINS.replace(
        '        self.cluster.api.informers.on("services", on_add=self.service_added)',
        '        self.cluster.api.informers.on("services", on_add=self.service_added)\n'
        '        raise ValueError("no iptables here")')
    pytester.makeconftest(broken_start)
    result = run(pytester, PROXY_FEATURE)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "BrokenProxy failed to start: ValueError: no iptables here" in out
    assert "conftest.py:31, in start" in out


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
