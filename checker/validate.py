"""`prkit validate`: catch authoring mistakes in exercises and answer keys."""

import ast
from dataclasses import dataclass, field
from pathlib import Path

from checker.errors import UsageError
from checker.exercise import Exercise, load_exercise_file
from checker.grading import SourceTree
from checker.key import CATEGORIES, AnswerKey, Location, load_key
from checker.paths import exercises_dir
from checker.trees import Variant, tree_sources

SERIOUS = ("blocker", "major")


@dataclass
class Validation:
    subject: str
    problems: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_location(what: str, loc: Location, tree: SourceTree, problems: list[str]) -> None:
    lines = tree.files.get(loc.path)
    if lines is None:
        problems.append(f"{what}: {loc.path} is not a file of the PR")
        return
    if loc.start is None or loc.end is None:
        return
    if loc.end > len(lines):
        problems.append(f"{what}: lines {loc.start}-{loc.end} beyond {loc.path} ({len(lines)})")
        return
    if loc.anchor:
        region = "\n".join(lines[loc.start - 1 : loc.end])
        if loc.anchor not in region:
            problems.append(
                f"{what}: anchor {loc.anchor!r} not inside {loc.path}:{loc.start}-{loc.end}"
            )


def _proof_tests(path: Path) -> dict[str, set[str]]:
    """Test function name -> issue ids of its @pytest.mark.issue markers."""
    module = ast.parse(path.read_text(encoding="utf-8"))
    tests: dict[str, set[str]] = {}
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            ids = {
                str(d.args[0].value)
                for d in node.decorator_list
                if isinstance(d, ast.Call)
                and ast.unparse(d.func).endswith("mark.issue")
                and d.args
                and isinstance(d.args[0], ast.Constant)
            }
            tests[node.name] = ids
    return tests


def _check_proof(exercise: Exercise, issue_id: str, proof: str, problems: list[str]) -> None:
    file, _, test = proof.partition("::")
    path = exercise.solution / file
    if not path.is_file() or not test:
        problems.append(f"issue {issue_id}: proof {proof!r} does not name an existing test file")
        return
    try:
        tests = _proof_tests(path)
    except SyntaxError as exc:
        problems.append(f"issue {issue_id}: {file} does not parse: {exc}")
        return
    if test not in tests:
        problems.append(f"issue {issue_id}: proof {proof!r}: no test {test} in {file}")
    elif issue_id not in tests[test]:
        problems.append(f"issue {issue_id}: {proof} lacks @pytest.mark.issue({issue_id!r})")


def _check_key(exercise: Exercise, key: AnswerKey, tree: SourceTree, problems: list[str]) -> None:
    for issue in key.issues:
        what = f"issue {issue.id}"
        if issue.category not in CATEGORIES:
            problems.append(f"{what}: category {issue.category!r} is not one of the known ones")
        for name in ("explanation", "fix"):
            if not getattr(issue, name):
                problems.append(f"{what}: no {name}")
        if not issue.hints:
            problems.append(f"{what}: no hints")
        if not issue.locations:
            problems.append(f"{what}: no locations")
        for loc in issue.locations:
            _check_location(what, loc, tree, problems)
        if issue.proof is None:
            problems.append(f"{what}: no proof (a test, or 'static: <reason>')")
        elif issue.proof.startswith("static:"):
            if issue.severity in SERIOUS:
                problems.append(f"{what}: a {issue.severity} needs an executable proof")
            elif not issue.proof.removeprefix("static:").strip():
                problems.append(f"{what}: 'static:' proof without a reason")
        else:
            _check_proof(exercise, issue.id, issue.proof, problems)
    for decoy in key.decoys:
        if not decoy.why_fine:
            problems.append(f"decoy {decoy.id}: no why_fine")
        if not decoy.locations:
            problems.append(f"decoy {decoy.id}: no locations")
        for loc in decoy.locations:
            _check_location(f"decoy {decoy.id}", loc, tree, problems)


def validate_exercise(folder: Path) -> Validation:
    """Every authoring check for the exercise in FOLDER."""
    result = Validation(folder.name)
    try:
        exercise = load_exercise_file(folder / "exercise.toml")
    except UsageError as exc:
        result.problems.append(str(exc))
        return result
    problems = result.problems
    if exercise.slug != folder.name:
        problems.append(f"slug {exercise.slug!r} differs from the folder name {folder.name!r}")
    if exercise.difficulty not in (1, 2, 3):
        problems.append("difficulty must be 1, 2 or 3")
    if exercise.minutes <= 0:
        problems.append("minutes must be positive")
    for path, what in (
        (exercise.base_tree, "base tree"),
        (exercise.pr_files, "files/"),
        (exercise.fixed_files, "solutions fixed/"),
    ):
        if not path.is_dir() or not any(path.iterdir()):
            problems.append(f"{what} missing or empty: {path}")
    if not exercise.pr_description.is_file() or not exercise.pr_description.read_text("utf-8"):
        problems.append("PR.md missing or empty")
    for deleted in exercise.deleted:
        if not (exercise.base_tree / deleted).exists():
            problems.append(f"deleted path {deleted} is not in the base tree")
    if problems:
        return result
    try:
        key = load_key(exercise.key_file)
    except UsageError as exc:
        problems.append(str(exc))
        return result
    tree = SourceTree.from_files(tree_sources(exercise, Variant.PR))
    _check_key(exercise, key, tree, problems)
    serious = sum(i.severity in SERIOUS for i in key.issues)
    result.summary = (
        f"{len(key.issues)} issues ({serious} blocker/major), {len(key.decoys)} decoys, "
        f"{sum(not i.proof_is_static for i in key.issues)} proofs"
    )
    return result


def validate_key_file(path: Path) -> Validation:
    """A key outside the kit (an interviewer's): it loads, ids are unique."""
    key = load_key(path)
    return Validation(
        str(path), [], f"{_count(len(key.issues), 'issue')}, {_count(len(key.decoys), 'decoy')}"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def exercise_folders() -> list[Path]:
    return sorted(
        p.parent
        for p in exercises_dir().glob("*/exercise.toml")
        if not p.parent.name.startswith("_")
    )
