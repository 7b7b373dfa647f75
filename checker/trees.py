"""The source trees of an exercise: base, PR (base + files/) and fixed (PR + fixed/).

`tree_sources` layers the overlays in memory (relative path -> the file that wins);
`materialize` writes that layering to a directory for whatever needs real files.
"""

import shutil
from enum import StrEnum
from pathlib import Path

from checker.exercise import Exercise

SKIPPED_PARTS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".git"})


class Variant(StrEnum):
    BASE = "base"
    PR = "pr"
    FIXED = "fixed"


def tree_files(root: Path) -> dict[str, Path]:
    """Relative POSIX path -> file, for every file under ROOT (caches skipped)."""
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and path.suffix != ".pyc"
        and not SKIPPED_PARTS.intersection(path.relative_to(root).parts)
    }


def _is_deleted(rel: str, deleted: tuple[str, ...]) -> bool:
    return any(rel == d.strip("/") or rel.startswith(d.strip("/") + "/") for d in deleted)


def tree_sources(exercise: Exercise, variant: Variant) -> dict[str, Path]:
    """Relative path -> source file of the VARIANT tree of EXERCISE, without copying."""
    files = tree_files(exercise.base_tree)
    if variant is Variant.BASE:
        return files
    files = {rel: path for rel, path in files.items() if not _is_deleted(rel, exercise.deleted)}
    files |= tree_files(exercise.pr_files)
    if variant is Variant.FIXED:
        files |= tree_files(exercise.fixed_files)
    return dict(sorted(files.items()))


def materialize(exercise: Exercise, variant: Variant, dest: Path) -> Path:
    """Write the VARIANT tree of EXERCISE into DEST (created) and return DEST."""
    dest.mkdir(parents=True, exist_ok=True)
    for rel, source in tree_sources(exercise, variant).items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return dest
