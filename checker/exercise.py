"""Exercises: the metadata in exercise.toml and where their files are."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from checker.errors import UsageError
from checker.paths import exercises_dir, solutions_dir


@dataclass(frozen=True)
class Exercise:
    """One pull request to review, as described by its exercise.toml."""

    slug: str
    title: str
    summary: str
    difficulty: int
    minutes: int
    topics: tuple[str, ...]
    author: str
    base: str
    deleted: tuple[str, ...] = field(default=())

    @property
    def folder(self) -> Path:
        return exercises_dir() / self.slug

    @property
    def pr_description(self) -> Path:
        return self.folder / "PR.md"

    @property
    def pr_files(self) -> Path:
        return self.folder / "files"

    @property
    def base_tree(self) -> Path:
        return (exercises_dir() / self.base).resolve()

    @property
    def solution(self) -> Path:
        return solutions_dir() / self.slug

    @property
    def key_file(self) -> Path:
        return self.solution / "issues.toml"

    @property
    def fixed_files(self) -> Path:
        return self.solution / "fixed"

    @property
    def proofs(self) -> Path:
        return self.solution / "proofs"


def _require(data: dict[str, object], name: str, kind: type, source: Path) -> object:
    value = data.get(name)
    if not isinstance(value, kind):
        raise UsageError(f"{source}: field '{name}' must be a {kind.__name__}")
    return value


def load_exercise_file(path: Path) -> Exercise:
    """Read one exercise.toml; raise UsageError naming the file and field on mistakes."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read exercise metadata: {exc}") from None
    topics = _require(data, "topics", list, path)
    deleted = data.get("deleted", [])
    if not isinstance(deleted, list):
        raise UsageError(f"{path}: field 'deleted' must be a list")
    return Exercise(
        slug=str(_require(data, "slug", str, path)),
        title=str(_require(data, "title", str, path)),
        summary=str(_require(data, "summary", str, path)),
        difficulty=int(str(_require(data, "difficulty", int, path))),
        minutes=int(str(_require(data, "minutes", int, path))),
        topics=tuple(str(t) for t in topics),  # type: ignore[attr-defined]
        author=str(_require(data, "author", str, path)),
        base=str(_require(data, "base", str, path)),
        deleted=tuple(str(d) for d in deleted),
    )


def all_exercises() -> list[Exercise]:
    """Every exercise in the kit, easiest first."""
    found = [
        load_exercise_file(toml)
        for toml in sorted(exercises_dir().glob("*/exercise.toml"))
        if not toml.parent.name.startswith("_")
    ]
    return sorted(found, key=lambda e: (e.difficulty, e.slug))


def find_exercise(slug: str) -> Exercise:
    """The exercise called SLUG, or a UsageError listing the known ones."""
    path = exercises_dir() / slug / "exercise.toml"
    if slug.startswith("_") or "/" in slug or not path.is_file():
        known = ", ".join(e.slug for e in all_exercises()) or "none"
        raise UsageError(f"unknown exercise '{slug}' (known: {known})")
    return load_exercise_file(path)
