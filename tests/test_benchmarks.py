"""Every benchmark script still runs, at its smallest size (the figures come from running them large)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL = {
    "big_pod.py": ["--containers", "20"],
    "cold_start.py": ["1"],
    "etcd_raft.py": ["--writes", "200", "--seeds", "3"],
    "fuzz_table.py": ["--per-class", "2", "--budget", "5"],
    "kubelet_soak.py": ["--hours", "1", "--nodes", "2", "--pods", "5"],
    "proxy_sync.py": ["--sizes", "10", "--endpoints", "2", "--connections", "200"],
    "scenario_overhead.py": ["5"],
    "scheduler_throughput.py": ["--nodes", "10", "--pods", "50"],
    "storage_provisioning.py": ["--sets", "2", "--replicas", "2", "--nodes", "3"],
    "workloads_rollout.py": ["--deployments", "2", "--replicas", "2", "--nodes", "3"],
}


def test_every_benchmark_has_a_small_size() -> None:
    assert sorted(SMALL) == sorted(p.name for p in (ROOT / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("script", sorted(SMALL))
def test_benchmark_runs(script: str) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *SMALL[script]], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert proc.stdout.strip(), "a benchmark prints its figures"


def test_proxy_sync_measures_every_mode_kube_proxy_has() -> None:
    """The series takes its modes from kubeproxy.MODES, so a new mode (nftables) joins it by itself."""
    from kspec.proxy.kubeproxy import MODES

    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "proxy_sync.py"), *SMALL["proxy_sync.py"],
                           "--repeats", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [line.split("|")[1].strip() for line in proc.stdout.splitlines() if line.startswith("| ")][1:]
    assert rows == list(MODES)
