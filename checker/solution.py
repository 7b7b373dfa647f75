"""`prkit solution`: the fixed version as a diff against the PR, each hunk tied to issues."""

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from checker.exercise import Exercise
from checker.key import AnswerKey
from checker.trees import Variant, tree_sources

HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
NEAR = 2  # a hunk this close to an issue's range is counted as fixing it


@dataclass(frozen=True)
class Hunk:
    path: str
    pr_start: int
    pr_end: int
    text: str
    issues: tuple[str, ...]


def _lines(path: Path | None) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True) if path else []


def _issues_for(key: AnswerKey, path: str, start: int, end: int) -> tuple[str, ...]:
    found = []
    for issue in key.issues:
        for loc in issue.locations:
            if loc.path != path:
                continue
            if (
                loc.start is None
                or loc.end is None
                or (loc.start - NEAR <= end and loc.end + NEAR >= start)
            ):
                found.append(issue.id)
    return tuple(dict.fromkeys(found))


def _split_hunks(path: str, diff_lines: list[str], key: AnswerKey) -> list[Hunk]:
    hunks: list[Hunk] = []
    current: list[str] = []
    span = (0, 0)
    for line in diff_lines:
        header = HUNK_HEADER.match(line)
        if header:
            if current:
                hunks.append(Hunk(path, *span, "".join(current), _issues_for(key, path, *span)))
            start, length = int(header.group(1)), int(header.group(2) or 1)
            span = (start, start + max(length, 1) - 1)
            current = [line]
        elif current:
            current.append(line if line.endswith("\n") else line + "\n")
    if current:
        hunks.append(Hunk(path, *span, "".join(current), _issues_for(key, path, *span)))
    return hunks


def solution_hunks(exercise: Exercise, key: AnswerKey) -> list[Hunk]:
    """Every hunk of the PR -> fixed diff, with the issue ids whose code it changes."""
    pr = tree_sources(exercise, Variant.PR)
    fixed = tree_sources(exercise, Variant.FIXED)
    hunks: list[Hunk] = []
    for rel in sorted(set(pr) | set(fixed)):
        before, after = _lines(pr.get(rel)), _lines(fixed.get(rel))
        if before == after:
            continue
        diff = list(difflib.unified_diff(before, after, n=2))[2:]
        hunks += _split_hunks(rel, diff, key)
    return hunks
