"""Developer shortcut: `python -m checker.proofs SLUG` prints each proof's outcome on both trees."""

import sys

from checker.exercise import find_exercise
from checker.proofs.runner import run_proofs
from checker.trees import Variant


def main() -> None:
    exercise = find_exercise(sys.argv[1])
    for variant in (Variant.PR, Variant.FIXED):
        for outcome in run_proofs(exercise, variant):
            line = f"{variant:5} {outcome.outcome:7} {outcome.test} [{outcome.issue}]"
            print(f"{line} {outcome.message}")


if __name__ == "__main__":
    main()
