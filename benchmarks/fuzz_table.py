"""How kspec takes malformed manifests: N deterministic mutations per input class, one table.

    .venv/bin/python benchmarks/fuzz_table.py [--per-class 500] [--budget 10] [--show 5]

Each mutant (tests/fuzz/mutations.py: corpus entry, class, seed) is applied to a fresh 2-node
cluster, then three virtual minutes run. Outcomes: clean rejection (a KspecError), internal
exception (any other exception, or a KspecError after the manifest was accepted), hang (no answer
within the wall-clock budget) and wrongly accepted (a mutant upstream refuses, accepted).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tabulate import tabulate  # noqa: E402

from tests.fuzz.corpus import CORPUS  # noqa: E402
from tests.fuzz.mutations import CLASSES, mutate, run  # noqa: E402

COLUMNS = ("tried", "clean rejection", "accepted", "internal exception", "hang", "wrongly accepted")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=500, help="mutations per input class")
    parser.add_argument("--budget", type=float, default=10.0, help="wall-clock seconds per mutant")
    parser.add_argument("--show", type=int, default=5, help="problem cases to print per class")
    args = parser.parse_args()
    names = sorted(CORPUS)
    rows, problems = [], []
    totals: Counter[str] = Counter()
    started = time.perf_counter()
    for cls in CLASSES:
        counts: Counter[str] = Counter()
        shown = 0
        for seed in range(args.per_class):
            corpus = names[seed % len(names)]
            m = mutate(corpus, cls, seed)
            outcome = run(m.text, budget_s=args.budget)
            counts["tried"] += 1
            kind = {"rejected": "clean rejection", "internal": "internal exception", "hang": "hang"}.get(
                outcome.kind, "accepted")
            if kind == "accepted" and m.expect_reject:
                kind = "wrongly accepted"
            counts[kind] += 1
            if kind not in ("clean rejection", "accepted") and shown < args.show:
                shown += 1
                problems.append(f"{kind}: mutate({corpus!r}, {cls!r}, {seed}) {m.note}: {outcome.message[:200]}")
        totals.update(counts)
        rows.append([cls, *(counts[c] for c in COLUMNS)])
    rows.append(["total", *(totals[c] for c in COLUMNS)])
    print(tabulate(rows, headers=["input class", *COLUMNS], tablefmt="github"))
    print(f"\n{totals['tried']} mutants in {time.perf_counter() - started:.0f} s")
    for line in problems:
        print(line)


if __name__ == "__main__":
    main()
