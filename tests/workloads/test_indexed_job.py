"""Indexed Jobs: pod names for long job names, a mangled completedIndexes, duplicate index pods."""

from __future__ import annotations

from kspec.objects import clone
from tests.workloads.test_workloads_with_fakes import cluster

LONG = "hhhhhooooo" * 6  # 60: "<name>-0-" is past 58, the hostname "<name>-0" still a valid label
JOB = """
apiVersion: batch/v1
kind: Job
metadata: {name: %(name)s}
spec:
  completions: %(completions)d
  parallelism: %(completions)d
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers: [{name: w, image: busybox}]
"""


def test_long_job_name_is_cut_so_the_generated_pod_name_fits() -> None:
    c, _ = cluster()
    c.apply(JOB % {"name": LONG, "completions": 1})
    c.settle()
    (pod,) = c.list("pods")
    assert pod["metadata"]["generateName"] == LONG[:55] + "-0-"  # podGenerateNameWithIndex


def test_corrupted_completed_indexes_are_skipped_not_fatal() -> None:
    c, fake = cluster()
    c.apply(JOB % {"name": "shards", "completions": 3})
    c.settle()
    job = clone(c.get("job", "shards"))
    job["status"]["completedIndexes"] = "0,1-foo,bar,7-9"  # parseIndexesFromString drops what it cannot read
    c.api.update_status(job)
    c.settle()
    # index 0 counts as done while its pod runs, so manageJob wants one pod fewer and removes one (any index);
    # the index it removed is started again once the others finish
    for _ in range(2):
        for pod in c.list("pods"):
            if pod["status"].get("phase") == "Running":
                fake.finish("default", pod["metadata"]["name"], 0)
        c.settle()
    assert c.get("job", "shards")["status"]["completedIndexes"] == "0-2"


def test_a_second_pod_with_the_same_index_is_deleted() -> None:
    c, _ = cluster()
    c.apply(JOB % {"name": "shards", "completions": 2})
    c.settle()
    first = next(p for p in c.list("pods") if p["metadata"]["annotations"][
        "batch.kubernetes.io/job-completion-index"] == "0")
    twin = clone(first)
    twin["metadata"] = {k: v for k, v in first["metadata"].items()
                        if k in ("labels", "annotations", "ownerReferences", "namespace")}
    twin["metadata"]["name"] = "twin"
    twin.pop("status", None)
    twin["spec"].pop("nodeName", None)
    c.api.create(twin)
    c.settle()
    names = sorted(p["metadata"]["name"] for p in c.list("pods"))
    assert "twin" not in names and len(names) == 2  # appendDuplicatedIndexPodsForRemoval keeps the running one
