"""Per-scenario state behind the steps: the cluster, where the feature lives, the last request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kspec.cluster import Cluster, NodeSpec
from kspec.durations import format_duration, parse_duration
from kspec.errors import ApiError, KspecError, ManifestError, StepError, TimeoutError_


@dataclass
class Options:
    """What the pytest command line (or ini file) chose for every scenario."""

    seed: int = 0
    choices: dict[str, str] = field(default_factory=dict)
    plugins: tuple[object, ...] = ()
    #: programs other than kubectl that `When I run "..."` may start (--kspec-allow-command)
    allowed_commands: tuple[str, ...] = ()


@functools.lru_cache(maxsize=16)
def _feature_lines(path: Path, _mtime_ns: int) -> list[str]:
    """A feature file's lines, read once per run (and again only if the file changed)."""
    return path.read_text(encoding="utf-8").splitlines()


class Harness:
    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self._cluster: Cluster | None = None
        self.feature_path: Path | None = None
        self.last_error: KspecError | None = None
        self.tried = False
        #: the warnings the API server returned to the last try
        self.last_warnings: list[str] = []
        self.pending_choices: dict[str, str] = {}
        self.step_line = 0
        self.step_text = ""
        self._setup: list[Callable[[Cluster], Any]] = []

    @property
    def cluster(self) -> Cluster:
        if self._cluster is None:
            self.new_cluster([])
        assert self._cluster is not None
        return self._cluster

    @property
    def has_cluster(self) -> bool:
        return self._cluster is not None

    def new_cluster(self, nodes: list[NodeSpec]) -> Cluster:
        if self._cluster is not None and self._cluster.started:
            raise StepError("the cluster already exists and is running; describe the cluster first")
        previous = self._cluster
        choices = {**self.options.choices, **self.pending_choices}
        members = 0
        if previous is not None:
            # set-up said before the nodes (implementations, etcd size) carries over
            choices.update({c: previous.choices[c] for c in sorted(previous.explicit)})
            members = previous.etcd_members
        self._cluster = Cluster(nodes=nodes, seed=self.options.seed, plugins_=self.options.plugins,
                                etcd_members=members, **choices)
        if previous is not None:
            self._cluster.images.update(previous.images)
        for action in self._setup:
            action(self._cluster)
        return self._cluster

    def setup(self, action: Callable[[Cluster], Any]) -> None:
        """Set-up that must survive a later ``Given a cluster with ...``: applied now and to any new cluster."""
        self._setup.append(action)
        action(self.cluster)

    def use(self, component: str, name: str) -> None:
        self.pending_choices[component] = name
        self.cluster.use(component, name)

    def path(self, relative: str) -> Path:
        base = self.feature_path.parent if self.feature_path else Path.cwd()
        return (base / relative).resolve()

    def read_manifest(self, relative: str) -> tuple[str, str]:
        try:
            p = self.path(relative)
            if not p.is_file():
                raise ManifestError(f'the path "{relative}" does not exist (looked for {p})')
            return p.read_text(encoding="utf-8"), str(p)
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # a name too long, a directory, binary, NUL
            raise ManifestError(f'the path "{relative}" cannot be read: {exc}') from None

    def apply_file(self, relative: str) -> None:
        text, source = self.read_manifest(relative)
        self.cluster.apply(text, source=source)

    def origin(self) -> dict[str, Any]:
        """Where the current step's doc string starts, so YAML errors point into the feature file."""
        if self.feature_path is None or not self.step_line:
            return {"source": "<doc string>", "first_line": 1}
        # the doc string's first line sits two lines below the step, indented like its opening quotes
        lines = _feature_lines(self.feature_path, self.feature_path.stat().st_mtime_ns)
        quotes = lines[self.step_line] if self.step_line < len(lines) else ""
        return {"source": str(self.feature_path), "first_line": self.step_line + 2,
                "indent": len(quotes) - len(quotes.lstrip())}

    def attempt(self, fn: Callable[[], Any]) -> None:
        """Run a request whose rejection is kept for the next step instead of failing this one."""
        self.tried = True
        self.cluster.warnings = []
        store = self.cluster.store if self.cluster.started else None
        holding = hasattr(store, "hold_requests")
        if holding:
            store.hold_requests = True  # etcd holds a spec's request up to its request timeout (issue 12)
        try:
            fn()
            self.last_error = None
        except (ApiError, ManifestError) as exc:
            self.last_error = exc
        finally:
            if holding:
                store.hold_requests = False
            self.last_warnings = list(self.cluster.warnings)

    def request_failed(self, text: str | None) -> None:
        if not self.tried:
            raise StepError('no request was tried: use "When I try to apply:" before this step')
        if self.last_error is None:
            if text is None:
                return
            raise AssertionError(f'the request succeeded, expected it to fail with "{text}"')
        if text is None:
            raise AssertionError(f"the request failed: {self.last_error}")
        # one apply may be refused several times (one error per document): any of them may match
        errors = [self.last_error, *getattr(self.last_error, "errors", [])]
        if not any(text in str(err) for err in errors):
            raise AssertionError(f'the request failed with "{self.last_error}", expected a message containing '
                                 f'"{text}"')

    def within(self, duration: str, check: Callable[[], None]) -> None:
        """Advance virtual time until ``check`` passes, or fail with its last complaint."""
        timeout = parse_duration(duration)
        last: list[AssertionError] = []

        def holds() -> bool:
            try:
                check()
            except AssertionError as exc:
                last[:] = [exc]
                return False
            return True

        start = self.cluster.clock.now
        if not self.cluster.run_until(holds, timeout):
            raise TimeoutError_(f"still not true after {format_duration(self.cluster.clock.now - start)} of "
                                f"virtual time: {last[0] if last else 'the assertion never held'}")
