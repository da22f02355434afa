"""The ``kspec`` command: ``kspec steps`` lists the vocabulary, ``kspec lint`` checks feature files."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence

from kspec import steps as _steps  # noqa: F401 - registers the vocabulary
from kspec.lint import lint
from kspec.steps.registry import by_domain

DOMAIN_TITLES = {
    "time": "Time", "cluster": "Cluster", "objects": "Acting on objects", "pods": "Pods and containers",
    "nodes": "Nodes", "workloads": "Workloads", "network": "Services, endpoints, DNS and traffic",
    "etcd": "etcd", "tables": "Tables", "scheduling": "Scheduling", "controllers": "Workload controllers",
}


def cmd_steps(args: argparse.Namespace) -> int:
    for domain, phrases in by_domain().items():
        print(f"{DOMAIN_TITLES.get(domain, domain.capitalize())}:")
        for p in phrases:
            suffix = "" if not (p.takes_table or p.takes_text) else (
                "  + data table" if p.takes_table and p.template.endswith(":") else
                "  + doc string" if p.takes_text else "")
            line = f"  {p.keyword.capitalize()} {p.display}{suffix}"
            print(line + (f"\n      {p.doc}" if p.doc and args.verbose else f"  -- {p.doc}" if p.doc else ""))
        print()
    print('Every assertion (Then ...) also has the form "Then within {duration} <assertion>".')
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    problems = lint(args.paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kspec", description="Scenario tests of Kubernetes behaviour.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_steps = sub.add_parser("steps", help="print the step vocabulary, grouped by domain")
    p_steps.add_argument("-v", "--verbose", action="store_true", help="descriptions on their own lines")
    p_steps.set_defaults(func=cmd_steps)
    p_lint = sub.add_parser("lint", help="check feature files for Gherkin errors and unknown steps")
    p_lint.add_argument("paths", nargs="+", help="feature files or folders")
    p_lint.set_defaults(func=cmd_lint)
    args = parser.parse_args(argv)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `kspec steps | head` ends quietly
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
