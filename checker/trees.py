"""Build the source trees of an exercise: base, PR (base + files/) and fixed (PR + fixed/)."""

import shutil
from enum import StrEnum
from pathlib import Path

from checker.exercise import Exercise

IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache")


class Variant(StrEnum):
    BASE = "base"
    PR = "pr"
    FIXED = "fixed"


def _overlay(source: Path, dest: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, dest, dirs_exist_ok=True, ignore=IGNORED)


def materialize(exercise: Exercise, variant: Variant, dest: Path) -> Path:
    """Write the VARIANT tree of EXERCISE into DEST (created) and return DEST."""
    dest.mkdir(parents=True, exist_ok=True)
    _overlay(exercise.base_tree, dest)
    if variant is Variant.BASE:
        return dest
    for deleted in exercise.deleted:
        target = dest / deleted
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    _overlay(exercise.pr_files, dest)
    if variant is Variant.FIXED:
        _overlay(exercise.fixed_files, dest)
    return dest


def tree_files(root: Path) -> dict[str, Path]:
    """Relative POSIX path -> file, for every file under ROOT (caches skipped)."""
    skip = {"__pycache__", ".pytest_cache", ".mypy_cache", ".git"}
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not skip.intersection(path.relative_to(root).parts)
    }
