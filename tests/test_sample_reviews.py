"""The shipped sample reviews keep the verdicts an expert grader gave them.

Each exercise's `solutions/<slug>/reviews/expected.toml` names its sample reviews and
the expected status of every issue, and the decoys each review falls for. Where the
checker is known to disagree with the expert, `[<review>.checker]` pins its own verdict:
the disagreement stays visible, and a change to it fails the test.
"""

import tomllib
from pathlib import Path

import pytest

from checker.exercise import all_exercises
from checker.grading import Grade, SourceTree, grade_review
from checker.key import load_key
from checker.review import parse_review
from checker.trees import Variant, materialize

CASES = [
    (exercise, name)
    for exercise in all_exercises()
    if (exercise.solution / "reviews" / "expected.toml").is_file()
    for name in tomllib.loads(
        (exercise.solution / "reviews" / "expected.toml").read_text(encoding="utf-8")
    )
]


def grade(slug: str, review: Path, tmp_path: Path) -> Grade:
    exercise = next(e for e in all_exercises() if e.slug == slug)
    tree = SourceTree.from_dir(materialize(exercise, Variant.PR, tmp_path / "pr"))
    parsed = parse_review(review)
    return grade_review(load_key(exercise.key_file), parsed.findings, tree, exercise=slug)


def test_every_exercise_ships_pinned_sample_reviews() -> None:
    slugs = {exercise.slug for exercise, _ in CASES}
    assert {e.slug for e in all_exercises()} <= slugs
    for slug in slugs:
        names = {name for exercise, name in CASES if exercise.slug == slug}
        assert {"strong", "mediocre", "empty"} <= names, slug


@pytest.mark.parametrize(
    ("slug", "name"), [(e.slug, n) for e, n in CASES], ids=[f"{e.slug}-{n}" for e, n in CASES]
)
def test_sample_review_verdicts(slug: str, name: str, tmp_path: Path) -> None:
    folder = next(e for e in all_exercises() if e.slug == slug).solution / "reviews"
    expected = tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))[name]
    known = expected.get("checker", {})
    result = grade(slug, folder / expected["file"], tmp_path)
    actual = {r.issue.id: r.status for r in result.issues}
    differences = {
        issue: f"expected {known.get(issue, status)}, got {actual.get(issue)}"
        for issue, status in expected["issues"].items()
        if actual.get(issue) != known.get(issue, status)
    }
    assert not differences, differences
    assert set(actual) == set(expected["issues"]), "pin every issue of the key"
    stale = {i for i, status in known.items() if i != "decoys" and status == expected["issues"][i]}
    assert not stale, f"known disagreements that agree: {stale}"
    decoys = sorted({d for f in result.findings for d in f.decoys})
    assert decoys == known.get("decoys", expected["decoys"])
