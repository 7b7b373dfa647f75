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


def _text(data: dict[str, object], name: str, source: Path) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise UsageError(f"{source}: field '{name}' must be a string")
    return value


def _number(data: dict[str, object], name: str, source: Path) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise UsageError(f"{source}: field '{name}' must be a whole number")
    return value


def _texts(data: dict[str, object], name: str, source: Path, default: list[str]) -> tuple[str, ...]:
    value = data.get(name, default)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsageError(f"{source}: field '{name}' must be a list of strings")
    return tuple(value)


def load_exercise_file(path: Path) -> Exercise:
    """Read one exercise.toml; raise UsageError naming the file and field on mistakes."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read exercise metadata: {exc}") from None
    return Exercise(
        slug=_text(data, "slug", path),
        title=_text(data, "title", path),
        summary=_text(data, "summary", path),
        difficulty=_number(data, "difficulty", path),
        minutes=_number(data, "minutes", path),
        topics=_texts(data, "topics", path, []),
        author=_text(data, "author", path),
        base=_text(data, "base", path),
        deleted=_texts(data, "deleted", path, []),
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
