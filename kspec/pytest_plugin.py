"""The pytest plugin: collects ``.feature`` files, binds the step vocabulary, explains failures.

Installed through the ``pytest11`` entry point, so ``pytest features/`` works
in any project with no glue module. Each scenario gets a fresh ``Harness``
(fixture ``kspec``) and so a fresh cluster.
"""

from __future__ import annotations

import gc

# The rest of kspec imports with the collector paused, as kspec/__init__.py does; then what pytest and kspec
# made so far is frozen (``gc.freeze``): start-up objects live until pytest exits, and a full pass over them
# soon after (the next plugin's import) cost as much as the pass the pause avoided. Collection's end
# (pytest_collection_finish) freezes again for a feature run and hands them back to the collector otherwise.
_collecting = gc.isenabled()
gc.disable()
try:
    import functools
    import re
    import sys
    import types
    from collections.abc import Callable, Generator
    from inspect import Parameter, Signature
    from pathlib import Path
    from typing import Any

    import pytest
    from pytest_bdd import compat as _bdd_compat
    from pytest_bdd import step as bdd_step
    from pytest_bdd import steps as _bdd_steps
    from pytest_bdd.exceptions import FeatureError
    from pytest_bdd.feature import get_features
    from pytest_bdd.parsers import StepParser
    from pytest_bdd.scenario import get_python_name_generator, scenario

    from kspec import clock as _clock
    from kspec import compare_plugin, memos, syntax, teardown
    from kspec import steps as _steps  # noqa: F401 - registers the vocabulary
    from kspec.blame import describe_plugin_failure, pm_of
    from kspec.dump import MODES, dump, timeline_line
    from kspec.errors import KspecError, StepError, UnknownStep
    from kspec.harness import Harness, Options
    from kspec.hookspec import COMPONENTS
    from kspec.plugins import default_manager, registered_names
    from kspec.steps.registry import PHRASES, Phrase
finally:
    if _collecting:
        gc.freeze()
        gc.enable()
#: whether this import froze the start-up objects (undone at collection's end when no feature is collected)
_FROZE_AT_IMPORT = _collecting
_clock.FROZEN_BY_HOST = _collecting

_ORIGINAL_ARGS = ("datatable", "docstring")
#: the one step-function parameter a phrase's arguments arrive in (a dict): pytest-bdd reads the parameters of
#: a step function on every step (``get_required_args``), and one per argument name of every phrase of a keyword
#: made that some thirty a step
_ARGS = "kspec_args"
#: allocations between two young-generation collections in a feature run (CPython: 700)
GC_GEN0_THRESHOLD = 10_000
_bdd_scenario = sys.modules["pytest_bdd.scenario"]  # the module (pytest_bdd.scenario is also a function's name)


class _PhraseParser(StepParser):
    """Matches every kspec phrase of one keyword, so pytest-bdd sees three step definitions, not a hundred.

    pytest-bdd looks a step up by scanning every fixture name and asking each step definition's parser;
    one definition per keyword keeps that scan short while kspec's registry picks the phrase.
    """

    def __init__(self, keyword: str) -> None:
        super().__init__(f"kspec {keyword} phrases")
        self.keyword = keyword

    def is_matching(self, name: str) -> bool:
        return phrase_for(self.keyword, name) is not None

    def parse_arguments(self, name: str) -> dict[str, Any] | None:
        phrase = phrase_for(self.keyword, name)
        if phrase is None:
            return None
        m = phrase.regex.fullmatch(name)
        assert m is not None
        return {_ARGS: m.groupdict()}


@functools.lru_cache(maxsize=1024)
def phrase_for(keyword: str, text: str) -> Phrase | None:
    """The phrase a step's text means: the first registered one that matches, as ``kspec lint`` finds it."""
    for phrase in PHRASES:
        if phrase.keyword == keyword and text.startswith(phrase.prefix) and phrase.regex.fullmatch(text):
            return phrase
    return None


def _binding(keyword: str) -> Callable[..., Any]:
    """The pytest-bdd step function of one keyword; its phrase's arguments arrive as one dict (``_ARGS``)."""

    def run(kspec: Harness, **kwargs: Any) -> Any:
        phrase = phrase_for(keyword, kspec.step_text)
        assert phrase is not None, f"no {keyword} phrase matches {kspec.step_text!r}"
        args = phrase.convert(kwargs.get(_ARGS) or {})
        if phrase.takes_table:
            if kwargs.get("datatable") is None and phrase.template.endswith(":"):
                raise StepError("this step needs a data table below it")
            args["datatable"] = kwargs.get("datatable")
        if phrase.takes_text:
            if kwargs.get("docstring") is None:
                raise StepError('this step needs a doc string (""" ... """) below it')
            args["docstring"] = kwargs["docstring"]
        try:
            return phrase.func(kspec, **args)
        except ValueError as exc:  # a value in the step kspec cannot read (duration, quantity, selector)
            from kspec.lint import step_value_errors  # kspec lint's words for the value, so that both agree
            raise StepError(next(iter(step_value_errors(phrase, args)), str(exc))) from exc

    params = [Parameter("kspec", Parameter.POSITIONAL_OR_KEYWORD)]
    params += [Parameter(name, Parameter.KEYWORD_ONLY, default=None) for name in (_ARGS, *_ORIGINAL_ARGS)]
    run.__signature__ = Signature(params)  # type: ignore[attr-defined]
    run.__name__ = run.__qualname__ = f"kspec_{keyword}"
    run.__doc__ = f"Every kspec {keyword} phrase (kspec steps lists them)."
    return run


# Bound at module level: pytest-bdd injects each step fixture into this module's namespace.
for _keyword in ("given", "when", "then"):
    bdd_step(_PhraseParser(_keyword), _keyword)(_binding(_keyword))


# -- pytest-bdd's step lookup, pre-filtered for kspec's scenarios -----------------------------------------------
_find_fixturedefs_for_step = _bdd_scenario.find_fixturedefs_for_step
#: (fixture manager, every fixture name, the scenario's parent node) -> the step definitions in view, in order
_STEP_DEFS: dict[tuple[int, tuple[str, ...], int], list[tuple[Any, Any]]] = {}


def _step_definitions(fixturemanager: Any, node: Any) -> list[tuple[Any, Any]]:
    """The step definitions (fixture definition, pytest-bdd context) ``node``'s parent sees, in the order
    pytest-bdd's scan meets them.

    pytest-bdd asks every fixture name (thirty and more, most of them pytest's own) for its definitions on
    each step; which step definitions a feature file sees does not change while it runs, so kspec's scenarios
    look them up once per feature file (again whenever a fixture name comes or goes).
    """
    names = tuple(_bdd_compat.get_fixture_names(fixturemanager))
    key = (id(fixturemanager), names, id(node.parent))
    found = _STEP_DEFS.get(key)
    if found is None:
        if len(_STEP_DEFS) > 64:
            _STEP_DEFS.clear()
        registry = _bdd_steps.step_function_context_registry
        found = _STEP_DEFS[key] = [
            (d, registry[d.func]) for name in names
            for d in _bdd_compat.getfixturedefs(fixturemanager, name, node.parent) or () if d.func in registry]
    return found


def _kspec_find_fixturedefs_for_step(step: Any, fixturemanager: Any, node: Any) -> Any:
    """``pytest_bdd.scenario.find_fixturedefs_for_step`` for a scenario of a collected .feature file: the same
    definitions in the same order, without asking every fixture name; any other test goes through pytest-bdd's."""
    if not isinstance(getattr(node, "parent", None), FeatureFile):
        yield from _find_fixturedefs_for_step(step, fixturemanager, node)
        return
    for fixturedef, context in _step_definitions(fixturemanager, node):
        if (context.type is None or context.type == step.type) and context.parser.is_matching(step.name):
            yield fixturedef


_get_step_function = _bdd_scenario.get_step_function
#: (id of a _step_definitions list, step type, step text) -> (that list, the step function context found or None)
_STEP_FUNCTIONS: dict[tuple[int, str, str], tuple[list[tuple[Any, Any]], Any]] = {}


def _kspec_get_step_function(request: pytest.FixtureRequest, step: Any) -> Any:
    """``pytest_bdd.scenario.get_step_function`` for a scenario of a collected .feature file.

    pytest-bdd registers the matching definitions under a temporary fixture name and asks pytest for its
    value: the closest definition's context, as a function-scoped fixture set up and torn down on every
    step. kspec takes that same definition (pytest-bdd's order, closest last) straight from the registry;
    only ``--setup-show`` no longer lists a step's lookup as a fixture. Any other test goes through
    pytest-bdd's own.
    """
    node = request.node
    if not isinstance(getattr(node, "parent", None), FeatureFile):
        return _get_step_function(request, step)
    # the same step text among the same step definitions finds the same one: remembered (every scenario of a
    # feature file repeats its Given steps, and a suite repeats its phrases)
    definitions = _step_definitions(request._fixturemanager, node)
    key = (id(definitions), step.type, step.name)
    hit = _STEP_FUNCTIONS.get(key)
    if hit is not None and hit[0] is definitions:
        return hit[1]
    found = list(_kspec_find_fixturedefs_for_step(step, request._fixturemanager, node))
    context = None
    if found:
        found.sort(key=lambda d: list(_bdd_scenario.iterparentnodeids(d.baseid)))
        context = _bdd_steps.step_function_context_registry[found[-1].func]
    if len(_STEP_FUNCTIONS) >= 4096:
        _STEP_FUNCTIONS.clear()
    _STEP_FUNCTIONS[key] = (definitions, context)  # the list kept: its id stays its own
    return context


_bdd_scenario.find_fixturedefs_for_step = _kspec_find_fixturedefs_for_step
_bdd_scenario.get_step_function = _kspec_get_step_function


# -- options -------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    # --kspec-compare's hooks and fixture live in their own module, registered with this plugin
    pluginmanager.register(compare_plugin, "kspec.compare_plugin")
    group = parser.getgroup("kspec", "kspec simulated cluster")
    group.addoption("--kspec-seed", type=int, default=None,
                    help="seed of every scenario's random generator (default 0): same seed, same run")
    for component in COMPONENTS:
        names = _names_for_help(component)
        group.addoption(f"--kspec-{component}", default=None, metavar="NAME",
                        help=f"the {component} implementation to use, by registered name ({names})")
        parser.addini(f"kspec_{component}", f"default {component} implementation ({names})", default="")
    group.addoption("--kspec-compare", default=None, metavar="COMPONENT=A,B",
                    help="run every scenario once with each of two implementations of COMPONENT (e.g. "
                         "scheduler=default-scheduler,first-fit) and report both outcomes and the first "
                         "divergence of the two runs")
    group.addoption("--kspec-event-log", default=None, metavar="DIR",
                    help="write each scenario's event log (the virtual timeline) to DIR/<test id>.log, "
                         "to compare runs byte for byte")
    group.addoption("--kspec-report", default=None, metavar="DIR",
                    help="write each scenario's timeline (steps, pods per node, events, rollouts, scheduling "
                         "decisions, etcd leaders) as a self-contained HTML page to DIR, with DIR/index.html")
    parser.addini("kspec_seed", "default seed", default="0")
    group.addoption("--kspec-allow-command", action="append", default=[], metavar="NAME",
                    help='a program other than kubectl that `When I run "..."` may start (repeatable)')
    group.addoption("--kspec-dump", default=None, choices=MODES,
                    help="what a failed step shows of the cluster: short (what the step names; the default), "
                         "full (everything) or none")
    parser.addini("kspec_dump", "default for --kspec-dump (short, full, none)", default="short")
    parser.addini("kspec_collect_features", "collect .feature files as tests (default true)", type="bool",
                  default=True)


def _names_for_help(component: str) -> str:
    try:
        names = sorted(registered_names(default_manager(), component))
    except KspecError as exc:
        return f"registered names unknown: {exc}"
    return "registered: " + (", ".join(names) if names else "none")


def pytest_configure(config: pytest.Config) -> None:
    """A component name nobody registered is a usage error, reported once before any test runs."""
    for component in COMPONENTS:
        for source, name in ((f"--kspec-{component}", config.getoption(f"kspec_{component}")),
                             (f"ini option kspec_{component}", config.getini(f"kspec_{component}"))):
            if not name:
                continue
            try:
                known = registered_names(default_manager(), component)
            except KspecError as exc:
                raise pytest.UsageError(f"{source}: {exc}") from None
            if name not in known:
                listed = ", ".join(f'"{n}"' for n in sorted(known)) or "none"
                raise pytest.UsageError(f'{source}: unknown {component} "{name}": the registered {component} '
                                        f"implementations are {listed}")
    seed = config.getini("kspec_seed")
    if config.getoption("kspec_seed") is None and not str(seed).strip().lstrip("-").isdigit():
        raise pytest.UsageError(f'ini option kspec_seed: "{seed}" is not an integer')
    dump_mode = config.getini("kspec_dump")
    if dump_mode not in MODES:
        raise pytest.UsageError(f'ini option kspec_dump: "{dump_mode}" is not one of {", ".join(MODES)}')


def _options(config: pytest.Config) -> Options:
    seed = config.getoption("kspec_seed")
    if seed is None:
        seed = int(config.getini("kspec_seed") or 0)
    choices = {}
    for component in COMPONENTS:
        name = config.getoption(f"kspec_{component}") or config.getini(f"kspec_{component}")
        if name:
            choices[component] = name
    return Options(seed=seed, choices=choices,
                   allowed_commands=tuple(config.getoption("kspec_allow_command", None) or ()))


@pytest.fixture
def kspec(request: pytest.FixtureRequest) -> Generator[Harness, None, None]:
    """The scenario's harness; its ``cluster`` is built on first use."""
    options = _options(request.config)
    compared = compare_plugin.choice(request.node)
    if compared is not None:  # --kspec-compare: this run's implementation of the compared component
        component, variant = compared
        options.choices[component] = variant
    harness = Harness(options)
    yield harness
    directory = request.config.getoption("kspec_event_log")
    if directory:
        write_event_log(harness, Path(directory), request.node.nodeid)


def write_event_log(harness: Harness, directory: Path, nodeid: str) -> Path:
    """One line per event, tab-separated, in emission order: what must not change between runs."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid) + ".log")
    lines = []
    if harness.has_cluster:
        cluster = harness.cluster
        lines = [f"{r.time_ms}\t{r.type}\t{r.reason}\t{r.kind}\t{r.namespace}/{r.name}\t{r.component}\t"
                 f"{r.message}\n" for r in cluster.event_log]
        # how much happened: equal counts and equal events make a different interleaving very unlikely
        lines.append(f"end t={cluster.clock.now}ms callbacks={cluster.clock.callbacks_run} "
                     f"writes={cluster.api.writes}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def pytest_report_header(config: pytest.Config) -> str:
    opts = _options(config)
    chosen = ", ".join(f"{k}={v}" for k, v in sorted(opts.choices.items()))
    return f"kspec: seed={opts.seed}" + (f", {chosen}" if chosen else "")


# -- collecting .feature files ------------------------------------------------------------
class FeatureFile(pytest.Module):
    """A .feature file collected as a module of scenario tests."""

    def _getobj(self) -> types.ModuleType:
        path = str(self.path)
        module = types.ModuleType(f"kspec_feature_{self.path.stem}")
        module.__file__ = path
        problems = syntax.check(path)
        if problems:
            raise self.CollectError("\n".join(f"{path}:{p.line}:{p.column}: {p.message}" for p in problems))
        try:
            [feature] = get_features([path])
        except FeatureError as exc:
            from kspec.lint import _line_of, gherkin_error  # error paths import kspec lint's messages

            raise self.CollectError(f"{path}:{getattr(exc, 'line', 0) or _line_of(exc)}: {gherkin_error(exc)}"
                                    ) from None
        except Exception as exc:  # the Gherkin parser's own errors
            from kspec.lint import _line_of, gherkin_error

            raise self.CollectError(f"{path}:{_line_of(exc)}: {gherkin_error(exc)}") from None
        names: set[str] = set()
        comparing = compare_plugin.active(self.config)
        for name in feature.scenarios:
            test = scenario(path, name, features_base_dir=str(self.path.parent))(_noop)
            if comparing:  # pytest_generate_tests then runs it once per implementation
                test = pytest.mark.usefixtures("kspec_variant")(test)
            for test_name in get_python_name_generator(name):
                if test_name not in names:
                    names.add(test_name)
                    setattr(module, test_name, test)
                    break
        return module


def _noop() -> None:
    return None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".feature" and parent.config.getini("kspec_collect_features"):
        return FeatureFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what collection built (modules, test items, the step vocabulary) out of the collector's way.

    Each scenario allocates thousands of small objects, so the cyclic garbage collector runs often; with
    everything from start-up frozen, its full passes scan only what the scenarios made (CPython's
    ``gc.freeze``, meant for exactly this: long-lived objects made before the work starts). The youngest
    generation's threshold goes up too: at CPython's 700 allocations a scenario's live cluster was scanned
    many times over (16% of a scenario's time; 10% at 10,000, memory still flat).
    """
    global _FROZE_AT_IMPORT
    if any(isinstance(item.parent, FeatureFile) for item in session.items):
        gc.collect()  # only what is not frozen yet: what collection made
        gc.freeze()
        _clock.FROZEN_BY_HOST = True
        gen0, *older = gc.get_threshold()
        if 0 < gen0 < GC_GEN0_THRESHOLD:  # 0 means the collector is off; a higher one was chosen by someone
            gc.set_threshold(GC_GEN0_THRESHOLD, *older)
    elif _FROZE_AT_IMPORT:  # no feature: the unit tests' own use of gc.freeze (kspec/clock.py) finds none
        gc.unfreeze()
        _clock.FROZEN_BY_HOST = False
    _FROZE_AT_IMPORT = False


# -- scenario bookkeeping -----------------------------------------------------------------
class _Scenario:
    """What kspec keeps about a running scenario's test, until its teardown is reported (``_release``)."""

    __slots__ = ("harness", "failure", "no_dump", "recorder")

    def __init__(self, harness: Harness) -> None:
        self.harness: Harness | None = harness
        self.failure: tuple[Any, Any, Exception] | None = None
        self.no_dump = False
        self.recorder: Any = None


#: The running scenarios' state by test item. Not attributes of the item: an item lives until pytest exits,
#: and the attributes made its ``__dict__`` grow for good (768 bytes a scenario) even once they were removed.
_RUNNING: dict[pytest.Item, _Scenario] = {}


def _state(item: pytest.Item) -> _Scenario | None:
    return _RUNNING.get(item)


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function: Callable[..., object]) -> None:
    """A feature's tags (``@smoke``) become marks that ``-m`` selects: each is registered first, so pytest
    neither warns about it (PytestUnknownMarkWarning) nor refuses it under ``--strict-markers``; pytest-bdd's
    own implementation of the hook then applies the mark."""
    from pytest_bdd.utils import CONFIG_STACK
    if CONFIG_STACK:
        CONFIG_STACK[-1].addinivalue_line("markers", f"{tag}: a tag of a .feature file")


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    harness = request.getfixturevalue("kspec")
    harness.feature_path = Path(feature.filename)
    state = _RUNNING[request.node] = _Scenario(harness)
    if request.config.getoption("kspec_report"):
        from kspec.report import Recorder  # only when asked: the report costs nothing otherwise
        state.recorder = Recorder(request.node.nodeid, _relative(feature.filename), scenario.name)


def _cluster_of(harness: Harness | None) -> Any:
    return harness.cluster if harness is not None and harness.has_cluster else None


def pytest_bdd_before_step(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                           step_func: Any) -> None:
    state = _RUNNING.get(request.node)
    if state is None:
        return
    harness = state.harness
    if harness is not None:
        harness.step_line = step.line_number
        harness.step_text = step.name
    if state.recorder is not None:
        state.recorder.step_started(_cluster_of(harness), step.keyword, step.name, step.line_number)


def pytest_bdd_after_step(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any,
                          step_func_args: Any) -> None:
    state = _RUNNING.get(request.node)
    if state is not None and state.recorder is not None:
        state.recorder.step_finished(_cluster_of(state.harness), ok=True)


def pytest_bdd_step_error(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                          step_func: Any, step_func_args: Any, exception: Exception) -> None:
    state = _RUNNING.get(request.node)
    if state is None:
        return
    state.failure = (feature, step, exception)
    state.no_dump = isinstance(exception, UnknownStep)  # a within whose assertion no phrase reads: nothing ran
    if state.recorder is not None:
        state.recorder.step_finished(_cluster_of(state.harness), ok=False)


def pytest_bdd_step_func_lookup_error(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                                      exception: Exception) -> None:
    from kspec.lint import unknown_step_message

    state = _RUNNING.get(request.node)
    if state is None:
        return
    state.failure = (feature, step, UnknownStep(unknown_step_message(step.type, step.name)))
    state.no_dump = True  # nothing ran: the cluster explains nothing


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    state = _RUNNING.get(item)
    if report.when == "call":
        compare_plugin.record_run(item, report, state.harness if state else None, state.failure if state else None)
    if report.when == "teardown":
        _release(item)
        return
    if state is None:
        return
    page = _write_report(item, state, report)
    failure = state.failure
    if report.when != "call" or not report.failed or failure is None:
        return
    feature, step, exc = failure
    harness = state.harness
    message = str(exc)
    if not isinstance(exc, AssertionError | KspecError):
        blamed = describe_plugin_failure(exc, pm_of(harness))
        if blamed is None:
            return  # a bug in kspec, not a spec failure: keep pytest's traceback
        message = blamed
    where = f"{_relative(feature.filename)}:{step.line_number}"
    lines = [f"{where}: {step.keyword} {step.name}", *(f"  {line}" for line in message.splitlines())]
    mode = item.config.getoption("kspec_dump") or item.config.getini("kspec_dump") or "short"
    if harness is not None and harness.has_cluster and not state.no_dump \
            and mode != "none":
        lines += ["", dump(harness.cluster, step=step.name, mode=mode, timeline=page)]
    elif page:
        lines += ["", timeline_line(page)]
    report.longrepr = "\n".join(lines)


def _write_report(item: pytest.Item, state: _Scenario, report: pytest.TestReport) -> str:
    """The scenario's timeline page, written once its outcome is known (``--kspec-report``); its path or ""."""
    recorder = state.recorder
    if recorder is None or report.when != "call":
        return ""
    from kspec.report import write_page
    state.recorder = None
    rec = recorder.finish(report.outcome)
    return _relative(str(write_page(Path(item.config.getoption("kspec_report")), rec)))


def pytest_sessionfinish(session: pytest.Session) -> None:
    directory = session.config.getoption("kspec_report", None)
    if directory:
        from kspec.report import write_index
        write_index(Path(directory))


def _release(item: pytest.Item) -> None:
    """Drop the scenario's harness (and the failure, whose traceback reaches it) once its test is reported.

    The test item lives until pytest exits; a cluster it kept would make memory grow with every scenario.
    The per-process memos that hold a cluster's objects (kspec/memos.py) are emptied too, and the cluster is
    taken apart (kspec/teardown.py): a hook that runs after this one finds its harness's cluster empty.
    """
    state = _RUNNING.pop(item, None)
    memos.release()
    if state is not None and state.harness is not None and state.harness.has_cluster:
        teardown.dismantle(state.harness.cluster)  # freed now by reference counting, not by the collector


def _relative(filename: str) -> str:
    try:
        return str(Path(filename).resolve().relative_to(Path.cwd()))
    except ValueError:
        return filename
