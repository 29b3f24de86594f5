"""The mutation score per module, from the results mutmut 3 leaves in ``mutants/`` (make mutation).

    python -m tools.mutation_score            the table; exit status 1 if a module is below 90 %
    python -m tools.mutation_score --list     also every surviving mutant not listed as equivalent

score = killed / (total − unchecked − no tests − equivalent), where ``killed`` counts mutants a test failed on
(a timeout counts as killed, as in mutmut's own score) and ``equivalent`` are the surviving
mutants named in the section "Equivalent mutants" of tests/README.md (a mutant that changes
nothing a caller can observe).  Reads mutmut's ``*.py.meta`` files; needs no mutmut import.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"
README = ROOT / "tests" / "README.md"
TARGET = 0.90

# mutmut 3.8.1's exit codes (mutmut/stats.py: status_by_exit_code)
KILLED = {1, 3, 36, 24, -24, 152, 255}
SURVIVED = {0}
NO_TESTS = {5, 33}
NOT_CHECKED = {None}


def equivalent_mutants(readme: Path = README) -> set[str]:
    """Mutant names in backticks in the README's section "Equivalent mutants" (up to the next ##)."""
    if not readme.exists():
        return set()
    match = re.search(r"^## Equivalent mutants.*?(?=^## |\Z)", readme.read_text(), re.M | re.S)
    return set(re.findall(r"`(helpers\.[\w.]+__mutmut_\d+)`", match.group(0))) if match else set()


def module_results(mutants: Path = MUTANTS) -> dict[str, dict[str, int | None]]:
    """{module path: {mutant name: exit code}} from every ``.py.meta`` under ``mutants/helpers``."""
    results = {}
    for meta in sorted((mutants / "helpers").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if codes:
            results[str(meta.relative_to(mutants)).removesuffix(".meta")] = codes
    return results


def main(argv: list[str]) -> int:
    if not MUTANTS.exists():
        print("no mutants/ folder: run `make mutation` first")
        return 2
    equivalent = equivalent_mutants()
    rows, survivors, below = [], [], []
    totals = [0] * 7  # total, killed, survived, equivalent, no tests, other, unchecked
    for module, codes in module_results().items():
        killed = sum(code in KILLED for code in codes.values())
        no_tests = sum(code in NO_TESTS for code in codes.values())
        unchecked = sum(code in NOT_CHECKED for code in codes.values())
        alive = sorted(name for name, code in codes.items() if code in SURVIVED)
        equiv = [name for name in alive if name in equivalent]
        other = len(codes) - killed - no_tests - unchecked - len(alive)  # suspicious, segfault, ...
        survivors += [name for name in alive if name not in equivalent]
        counted = len(codes) - unchecked - no_tests - len(equiv)
        score = killed / counted if counted else float("nan")
        if score < TARGET or unchecked:
            below.append(module)
        row = (len(codes), killed, len(alive) - len(equiv), len(equiv), no_tests, other, unchecked)
        rows.append((module, *row, score))
        for i, n in enumerate(row):
            totals[i] += n
    header = ("module", "total", "killed", "survived", "equivalent", "no tests", "other", "unchecked", "score")
    width = max(len(r[0]) for r in [*rows, ("all modules",)])
    print(f"{header[0]:<{width}}  " + "  ".join(f"{h:>10}" for h in header[1:]))
    counted = totals[0] - totals[6] - totals[4] - totals[3]
    for row in [*rows, ("all modules", *totals, totals[1] / counted if counted else 1.0)]:
        print(f"{row[0]:<{width}}  " + "  ".join(f"{n:>10}" for n in row[1:8]) + f"  {row[8]:>9.1%}")
    print(
        "score = killed / (total − unchecked − no tests − equivalent); equivalent: listed in tests/README.md; "
        "other: suspicious or crashed (not counted as killed)"
    )
    if "--list" in argv:
        print("\nsurviving, not listed as equivalent (see one with: mutmut show NAME):")
        print("\n".join(f"  {name}" for name in survivors) or "  none")
    if below:
        print(f"\nbelow {TARGET:.0%} (or not fully checked): {', '.join(below)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
