"""Reviews that game the grader earn almost nothing and are flagged (issue: gaming resistance).

Four attacks, on every exercise: one finding listing every concept word of every issue
(as a comma list and as one long run of words), "this looks wrong" on every changed line,
a review that copies the PR description, and 500 findings of random code words.
None may reach 20% severity-weighted recall, and each is flagged in the report. Each
attack runs against the full key and against a plain one (ids, severities and titles
only), where the words of the descriptions stand in for the concept words.
"""

import random
import re
from pathlib import Path

import pytest

from checker.diff import exercise_diff
from checker.exercise import Exercise, all_exercises
from checker.grading import Grade, SourceTree, grade_review
from checker.key import AnswerKey, Issue, load_key
from checker.review import parse_review_text
from checker.trees import Variant, materialize

EXERCISES = all_exercises()
LIMIT = 0.20


def changed_lines(exercise: Exercise) -> list[tuple[str, int]]:
    """(path, line) of every line the PR adds, from its unified diff."""
    spots: list[tuple[str, int]] = []
    path, line = "", 0
    for text in exercise_diff(exercise, Variant.BASE, Variant.PR).splitlines():
        if text.startswith("+++ b/"):
            path = text[6:]
        elif hunk := re.match(r"@@ -\d+(?:,\d+)? \+(\d+)", text):
            line = int(hunk.group(1))
        elif text.startswith("+"):
            spots.append((path, line))
            line += 1
        elif not text.startswith("-"):
            line += 1
    return spots


def plain(key: AnswerKey) -> AnswerKey:
    """KEY as an interviewer's plain list: ids, severities and titles, nothing else."""
    issues = tuple(Issue(id=i.id, severity=i.severity, title=i.title) for i in key.issues)
    return AnswerKey(key.source, issues)


def the_key(exercise: Exercise, mode: str) -> AnswerKey:
    key = load_key(exercise.key_file)
    return plain(key) if mode == "plain" else key


def grade(exercise: Exercise, review: str, tmp_path: Path, mode: str = "full") -> Grade:
    tree = SourceTree.from_dir(materialize(exercise, Variant.PR, tmp_path / "pr"))
    parsed = parse_review_text(review, "attack.md")
    return grade_review(
        the_key(exercise, mode),
        parsed.findings,
        tree,
        exercise=exercise.slug,
        pr_description=exercise.pr_description.read_text("utf-8"),
    )


def every_concept_word(exercise: Exercise, mode: str) -> list[str]:
    key = load_key(exercise.key_file)
    if mode == "plain":
        return list(dict.fromkeys(w for issue in key.issues for w in issue.title.split()))
    return [a for issue in key.issues for group in issue.concepts for a in group]


def assert_defeated(result: Grade) -> None:
    assert result.score.weighted_recall < LIMIT, result.score
    flagged = result.flags or any(f.flags for f in result.findings)
    assert flagged, "the attack is not flagged in the report"


@pytest.fixture(params=EXERCISES, ids=[e.slug for e in EXERCISES])
def exercise(request: pytest.FixtureRequest) -> Exercise:
    assert isinstance(request.param, Exercise)
    return request.param


@pytest.fixture(params=["full", "plain"])
def mode(request: pytest.FixtureRequest) -> str:
    assert isinstance(request.param, str)
    return request.param


def test_one_finding_listing_every_concept_word(
    exercise: Exercise, mode: str, tmp_path: Path
) -> None:
    words = every_concept_word(exercise, mode)
    path, line = changed_lines(exercise)[len(changed_lines(exercise)) // 2]
    for body in (", ".join(words), " ".join(words)):
        for where in ("", f"{path}:{line}: "):
            result = grade(exercise, f"- {where}{body}\n", tmp_path / str(len(where)), mode)
            assert_defeated(result)


def test_this_looks_wrong_on_every_changed_line(
    exercise: Exercise, mode: str, tmp_path: Path
) -> None:
    review = "".join(f"- {p}:{n}: this looks wrong\n" for p, n in changed_lines(exercise))
    assert_defeated(grade(exercise, review, tmp_path, mode))


def test_copying_the_pr_description(exercise: Exercise, mode: str, tmp_path: Path) -> None:
    text = exercise.pr_description.read_text("utf-8")
    assert_defeated(grade(exercise, text, tmp_path, mode))


def test_500_findings_of_random_code_words(exercise: Exercise, mode: str, tmp_path: Path) -> None:
    rng = random.Random(2026)
    tree = materialize(exercise, Variant.PR, tmp_path / "words")
    vocabulary = sorted(
        {
            w
            for p in exercise.pr_files.rglob("*.py")
            for w in re.findall(r"[A-Za-z_]\w+", p.read_text())
        }
    )
    spots = changed_lines(exercise)
    lines = []
    for _ in range(500):
        path, line = rng.choice(spots)
        words = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 9)))
        lines.append(f"- {path}:{line}: {words}\n")
    assert tree.exists()
    assert_defeated(grade(exercise, "".join(lines), tmp_path, mode))
