"""kube-scheduler, simulated; ``evaluate`` runs one plugin against a cluster state (see kspec.scheduler.evaluate)."""

from __future__ import annotations

from kspec.scheduler.evaluate import Evaluation, evaluate, snapshot

__all__ = ["Evaluation", "evaluate", "snapshot"]
