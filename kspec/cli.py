"""The ``kspec`` command: ``kspec steps`` looks up the vocabulary, ``kspec lint`` checks feature files."""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
from collections.abc import Sequence

from kspec import reference
from kspec.lint import lint


def cmd_steps(args: argparse.Namespace) -> int:
    if args.markdown:
        if args.words:
            print("kspec steps --markdown writes the whole page; leave out the words", file=sys.stderr)
            return 2
        sys.stdout.write(reference.markdown())
        return 0
    width = shutil.get_terminal_size((100, 24)).columns - 1
    sys.stdout.write(reference.text(args.words, width))
    return 0 if reference.selected(args.words) else 1


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
    p_steps = sub.add_parser("steps", help="print the step vocabulary, grouped by domain",
                             description="Print the step vocabulary; with WORDS, only the phrases that mention "
                                         "every word (kspec steps drain, kspec steps cpu).")
    p_steps.add_argument("words", nargs="*", metavar="WORDS", help="only phrases mentioning every word")
    p_steps.add_argument("--markdown", action="store_true",
                         help=f"write the reference page in Markdown (regenerate it: {reference.REGENERATE})")
    p_steps.add_argument("-v", "--verbose", action="store_true", help=argparse.SUPPRESS)
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
