"""Grading speed: a cohort of 1,000 reviews, and one review with start-up included.

    python benchmarks/speed.py [--reviews 1000] [--findings 30] [--runs 3]

Builds synthetic reviews for the batching exercise from the sentences of the labelled
corpus (benchmarks/data/batching), each finding a corpus sentence at a random changed
line (seeded, so every run grades the same text). Then it times, as a subprocess with
time.perf_counter around it (interpreter start-up included):
  1. `prkit check batching <all reviews> --format jsonl --no-save`, RUNS times;
  2. `prkit check batching <one 40-finding review> --format json --no-save`, 5 times;
and prints every run and the median. Targets: under 20 s and under 0.5 s.
"""

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).parent / "data" / "batching"
FILES = {"helpdesk/backlog.py": 131, "helpdesk/settings.py": 64, "tests/test_backlog.py": 31}


def sentences() -> list[str]:
    found = []
    for path in sorted(CORPUS.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = re.sub(r"^[\s>*#\d.-]*(`?[\w/.]+:\d+(-\d+)?`?:?)?\s*", "", line).strip()
            if len(text.split()) >= 6:
                found.append(text)
    return found


def write_reviews(folder: Path, count: int, findings: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    pool = sentences()
    paths = []
    for n in range(count):
        lines = []
        for _ in range(findings):
            path = rng.choice(sorted(FILES))
            lines.append(f"- {path}:{rng.randint(1, FILES[path])}: {rng.choice(pool)}")
        review = folder / f"review-{n:04}.md"
        review.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(review)
    return paths


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command[:6])} ...\n{result.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reviews", type=int, default=1000)
    parser.add_argument("--findings", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    prkit = [sys.executable, "-m", "checker"]
    with tempfile.TemporaryDirectory(prefix="prkit-speed-") as scratch:
        folder = Path(scratch)
        cohort = write_reviews(folder, args.reviews, args.findings, seed=1)
        single = (
            write_reviews(folder / "one", 1, 40, seed=2) if (folder / "one").mkdir() is None else []
        )
        command = [*prkit, "check", "batching", *map(str, cohort), "--format", "jsonl", "--no-save"]
        cohort_runs = [timed(command) for _ in range(args.runs)]
        one = [*prkit, "check", "batching", str(single[0]), "--format", "json", "--no-save"]
        single_runs = [timed(one) for _ in range(5)]
    cohort_median = statistics.median(cohort_runs)
    single_median = statistics.median(single_runs)
    print(f"cohort: {args.reviews} reviews x {args.findings} findings, jsonl")
    print(
        f"  runs: {', '.join(f'{t:.2f} s' for t in cohort_runs)}; median {cohort_median:.2f} s"
        f" (target < 20 s): {'met' if cohort_median < 20 else 'NOT met'}"
    )
    print("single: one 40-finding review, json, start-up included")
    print(
        f"  runs: {', '.join(f'{t:.3f} s' for t in single_runs)}; median {single_median:.3f} s"
        f" (target < 0.5 s): {'met' if single_median < 0.5 else 'NOT met'}"
    )
    return 0 if cohort_median < 20 and single_median < 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
