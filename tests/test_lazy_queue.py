"""A controller's work queue is made when first used (kspec/controllers/base.py), and the run is the one with every
queue made at construction."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kspec import lazystart
from kspec.builtin.controllers import CONTROLLERS
from kspec.cluster import Cluster
from kspec.controllers.base import Controller
from kspec.controllers.hpa import HPAController
from kspec.informers import WorkQueue
from tests.manifests import NGINX, deployment

WORK = deployment(containers=NGINX) + """---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox:1.36, command: ["true"]}]
"""


def _made_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every controller's queue made in its constructor (lazy starts stay on: only the queues differ)."""
    real = Controller.__init__

    def init(self: Controller, cluster: Any) -> None:
        real(self, cluster)
        assert isinstance(self.queue, WorkQueue)

    monkeypatch.setattr(Controller, "__init__", init)


def _run() -> dict[str, Any]:
    c = Cluster(nodes=2)
    c.start()
    c.apply(WORK)
    c.run_for(20_000)
    c.delete("deployment", "web")
    c.settle()
    return {"events": [str(e) for e in c.event_log], "callbacks": c.clock.callbacks_run, "seq": c.clock._seq,
            "writes": c.api.writes, "recent": [t.label for t in c.clock._recent],
            "objects": json.dumps({r: c.list(r, None) for r in ("pods", "jobs", "replicasets", "deployments",
                                                                "endpointslices", "events")}, sort_keys=True)}


def test_the_run_is_the_one_with_every_queue_made_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as m:
        _made_at_construction(m)
        eager = _run()
    assert "queue" not in vars(Controller(Cluster(nodes=1)))
    assert _run() == eager


def test_a_controller_that_never_starts_makes_no_queue() -> None:
    c = Cluster(nodes=1)
    c.start()
    hpa = c.require(HPAController.NAME)
    assert "queue" not in vars(hpa)
    assert isinstance(hpa.queue, WorkQueue) and vars(hpa)["queue"] is hpa.queue  # made once, then an attribute


def test_kspec_eager_start_makes_every_queue_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lazystart, "ENABLED", False)
    c = Cluster(nodes=1)
    c.start()
    built_in = [ctrl for ctrl in c.controllers if isinstance(ctrl, CONTROLLERS)]
    assert len(built_in) == len(CONTROLLERS) and all("queue" in vars(ctrl) for ctrl in built_in)
