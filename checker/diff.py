"""The PR as a unified diff against its base, like `git diff main...pr/SLUG`."""

import difflib
from pathlib import Path

from checker.exercise import Exercise
from checker.trees import Variant, tree_sources


def _read(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        return path.read_text(encoding="utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return []


def unified_diff(old: dict[str, Path], new: dict[str, Path]) -> str:
    """Unified diff of every file that differs between two trees (relative path -> file)."""
    chunks: list[str] = []
    for rel in sorted(set(old) | set(new)):
        before, after = _read(old.get(rel)), _read(new.get(rel))
        if before == after:
            continue
        header = f"diff --git a/{rel} b/{rel}\n"
        lines = difflib.unified_diff(
            before,
            after,
            fromfile=f"a/{rel}" if rel in old else "/dev/null",
            tofile=f"b/{rel}" if rel in new else "/dev/null",
        )
        body = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        chunks.append(header + body)
    return "".join(chunks)


def exercise_diff(exercise: Exercise, old: Variant, new: Variant) -> str:
    return unified_diff(tree_sources(exercise, old), tree_sources(exercise, new))
