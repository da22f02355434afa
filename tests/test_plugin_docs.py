"""plugins/README.md: every python example in it runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "plugins" / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_has_an_example_per_component() -> None:
    text = "\n".join(BLOCKS)
    for hook in ("kspec_scheduler_plugins", "kspec_make_store", "kspec_make_proxy", "kspec_make_dns",
                 "kspec_make_runtime", "kspec_controllers"):
        assert hook in text, f"no runnable example uses {hook}"


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i + 1}" for i in range(len(BLOCKS))])
def test_example_runs(code: str) -> None:
    exec(compile(code, str(README), "exec"), {"__name__": "plugin_docs_example"})  # noqa: S102


def test_public_cluster_methods_document_their_parameters() -> None:
    """Every public Cluster method has a docstring naming at least one of its real parameters."""
    import inspect

    from kspec.cluster import Cluster
    missing = []
    for name, member in vars(Cluster).items():
        fn = member.fget if isinstance(member, property) else member
        if (name.startswith("_") and name != "__init__") or not callable(fn):
            continue
        doc = inspect.getdoc(fn) or ""
        params = [p for p in inspect.signature(fn).parameters if p != "self"]
        if not doc or (params and not any(f"``{p}``" in doc or f"``{p}=" in doc for p in params)):
            missing.append(name)
    assert not missing, f"methods whose docstring names none of their parameters: {', '.join(missing)}"
