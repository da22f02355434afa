"""FitError text (SCH-01/02) and the adaptive node sampling (SCH-12)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kspec.scheduler.framework import Code, Diagnosis, Status, fit_error_message, reasons_histogram, unresolvable
from kspec.scheduler.scheduler import num_feasible_nodes_to_find, truncate_message


def test_histogram_is_string_sorted_with_counts() -> None:
    statuses = {f"n{i}": Status(Code.UNSCHEDULABLE, "Insufficient cpu") for i in range(2)}
    statuses |= {f"m{i}": unresolvable("node(s) were unschedulable") for i in range(10)}
    # "10 node(s)..." sorts before "2 Insufficient cpu": the comparison is lexicographic
    assert reasons_histogram(12, statuses, None) == "10 node(s) were unschedulable, 2 Insufficient cpu"


def test_absent_nodes_get_the_absent_status() -> None:
    statuses = {"a": unresolvable("node(s) didn't match Pod's node affinity/selector")}
    text = reasons_histogram(3, statuses, unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]"))
    assert text == ("1 node(s) didn't match Pod's node affinity/selector, "
                    "2 node(s) didn't satisfy plugin(s) [NodeAffinity]")


def test_fit_error_with_prefilter_message_and_postfilter() -> None:
    d = Diagnosis(pre_filter_msg="node(s) didn't satisfy plugin NodeAffinity", post_filter_msg="preemption: x.")
    assert fit_error_message(2, d) == "0/2 nodes are available: node(s) didn't satisfy plugin NodeAffinity. " \
                                      "preemption: x."


def test_fit_error_of_canonical_taint_case() -> None:
    d = Diagnosis({f"node-{i}": unresolvable("node(s) had untolerated taint(s)") for i in range(3)})
    inner = Diagnosis(absent_status=unresolvable("Preemption is not helpful for scheduling"))
    d.post_filter_msg = "preemption: " + fit_error_message(3, inner)
    assert fit_error_message(3, d) == (
        "0/3 nodes are available: 3 node(s) had untolerated taint(s). preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling.")


def test_num_feasible_nodes_examples_from_upstream() -> None:
    assert [num_feasible_nodes_to_find(0, n) for n in (99, 100, 1000, 5000, 6000)] == [99, 100, 420, 500, 300]
    assert num_feasible_nodes_to_find(30, 1000) == 300
    assert num_feasible_nodes_to_find(100, 1000) == 1000


@given(st.integers(min_value=1, max_value=100_000), st.integers(min_value=0, max_value=100))
def test_num_feasible_nodes_is_bounded(n: int, percentage: int) -> None:
    found = num_feasible_nodes_to_find(percentage, n)
    assert min(n, 100) <= found <= max(n, 100)
    if n < 100:
        assert found == n


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.sampled_from(["a", "b", "Insufficient cpu"]),
                       max_size=30))
def test_histogram_counts_every_node_once(reasons: dict[str, str]) -> None:
    statuses = {node: Status(Code.UNSCHEDULABLE, r) for node, r in reasons.items()}
    text = reasons_histogram(len(statuses), statuses, None)
    entries = text.split(", ") if text else []
    assert entries == sorted(entries)
    assert sum(int(e.split(" ", 1)[0]) for e in entries) == len(statuses)


def test_long_event_messages_are_truncated_like_the_recorder() -> None:
    assert truncate_message("x" * 2000) == "x" * 1020 + " ..."
    assert truncate_message("short") == "short"
