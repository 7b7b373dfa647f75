"""Grade many reviews at once (`prkit check TARGET r1 r2 ... --format jsonl`).

Large cohorts are spread over the machine's cores with forked worker processes, which
inherit the compiled key and the PR's source; lines come out in the order given.
"""

import json
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from checker.errors import UsageError
from checker.exercise import Exercise
from checker.grading import SourceTree, grade_file
from checker.key import AnswerKey
from checker.report.json import render_jsonl

PARALLEL_FROM = 48  # below this many reviews, starting workers costs more than it saves
CHUNK = 16

_job: tuple[AnswerKey, Exercise | None, SourceTree, str | None] | None = None


def _grade_line(review: Path) -> tuple[bool, str]:
    """(True, the review's JSON line) or (False, an error line) for one review."""
    assert _job is not None
    key, exercise, tree, described = _job
    slug = exercise.slug if exercise else None
    try:
        grade = grade_file(key, review, tree, exercise=slug, pr_description=described)
    except UsageError as exc:
        return False, json.dumps({"review": str(review), "error": str(exc)})
    return True, render_jsonl(grade)


def grade_cohort(
    key: AnswerKey, exercise: Exercise | None, tree: SourceTree, reviews: Sequence[Path]
) -> Iterator[tuple[bool, str]]:
    """One (ok, JSON line) per review, in order."""
    global _job
    described = exercise.pr_description.read_text("utf-8") if exercise else None
    _job = (key, exercise, tree, described)
    workers = min(os.cpu_count() or 1, 8)
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if len(reviews) < PARALLEL_FROM or workers < 2 or not forkable:
        yield from map(_grade_line, reviews)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(_grade_line, reviews, chunksize=CHUNK)
