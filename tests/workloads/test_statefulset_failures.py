"""A StatefulSet whose pods the API refuses: upstream accepts the set (its template pod spec is not
validated) and the controller retries the create with back-off."""

from __future__ import annotations

from kspec import Cluster

BAD = """apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: -lead, image: nginx}]}
"""


def test_a_refused_pod_create_is_retried_with_back_off() -> None:
    c = Cluster(nodes=1, seed=0)
    c.apply(BAD)
    c.run_for("5s")
    failed = [e for e in c.events_for("StatefulSet", "db") if e["reason"] == "FailedCreate"]
    assert failed and failed[0]["message"].startswith('create Pod db-0 in StatefulSet db failed error: Pod "db-0" '
                                                      "is invalid: spec.containers[0].name")
    assert failed[0]["count"] > 5, "retried with the 5ms-doubling back-off, not given up after one try"
    assert c.list("pods") == []
