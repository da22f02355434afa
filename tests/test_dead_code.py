"""No code that nothing calls: vulture over kspec, the example plugins, the tests and the benchmarks.

vulture comes with the test extras (``pip install -e ".[test]"``), so CI always runs this.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Called by pluggy, pytest or pytest-bdd by name, not from our code.
HOOK_NAMES = ["kspec_*", "pytest_*", "_getobj", "longrepr", "__signature__", "step_func", "step_func_args", "call",
              "is_matching", "parse_arguments"]
#: Left on purpose, each with its reason.
KEPT = {
    ("kspec/dns/message.py", "SERVFAIL"),  # the response codes come as a set; resolvers compare against them
    ("kspec/kubelet/runtime.py", "done_ms"),  # a field of a record built positionally
    ("kspec/scheduler/evaluate.py", "raw_scores"),  # public API: Evaluation's scores before NormalizeScore
    ("kspec/etcd/__init__.py", "__getattr__"),  # PEP 562: the package's lazy attributes (the Raft model)
}
# http.server reads these by name: the request handler's do_<METHOD>, its settings, the server's
KEPT |= {("kspec/serve/http.py", name) for name in (
    "daemon_threads", "protocol_version", "server_version", "log_message", "close_connection",
    "do_GET", "do_POST", "do_PUT", "do_PATCH", "do_DELETE")}

# socketserver reads daemon_threads; shlex reads whitespace_split
KEPT |= {("kspec/serve/dns.py", "daemon_threads"), ("kspec/serve/logs.py", "whitespace_split")}


def test_nothing_is_left_that_nothing_uses() -> None:
    import vulture

    v = vulture.Vulture(ignore_names=HOOK_NAMES, ignore_decorators=["@given", "@when", "@then", "@hookimpl",
                                                                     "@pytest.fixture", "@pytest.hookimpl"])
    v.scavenge([str(ROOT / d) for d in ("kspec", "plugins", "tests", "benchmarks")])
    unused = [f"{Path(item.filename).relative_to(ROOT)}:{item.first_lineno}: {item.message}"
              for item in v.get_unused_code(min_confidence=60)
              if not str(Path(item.filename).relative_to(ROOT)).startswith("tests/")
              and (str(Path(item.filename).relative_to(ROOT)), item.name) not in KEPT]
    assert unused == []
