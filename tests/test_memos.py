"""kspec.memos: bounded per-process memos and the per-scenario registry."""

from kspec import memos
from kspec.controllers import deployment_util


def test_a_bounded_memo_starts_over_when_full() -> None:
    memo: memos.Bounded[str, int] = memos.Bounded(2)
    assert memo.remember("a", 1) == 1 and memo.remember("b", 2) == 2
    assert memo == {"a": 1, "b": 2}
    memo.remember("c", 3)  # full: emptied first, so it never holds more than its limit
    assert memo == {"c": 3}


def test_the_deployment_template_memos_are_emptied_when_a_scenario_ends() -> None:
    deployment_util._TEMPLATES.remember("uid", ({}, {}, None))
    deployment_util._WANTED.remember("uid", ({}, None))
    memos.release()
    assert not deployment_util._TEMPLATES and not deployment_util._WANTED
