"""The PR as a unified diff against its base, like `git diff main...pr/SLUG`."""

import difflib
import tempfile
from pathlib import Path

from checker.exercise import Exercise
from checker.trees import Variant, materialize, tree_files


def _read(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        return path.read_text(encoding="utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return []


def unified_diff(old_root: Path, new_root: Path) -> str:
    """Unified diff of every file that differs between two trees."""
    old, new = tree_files(old_root), tree_files(new_root)
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
    with tempfile.TemporaryDirectory(prefix="prkit-diff-") as scratch:
        a = materialize(exercise, old, Path(scratch) / "a")
        b = materialize(exercise, new, Path(scratch) / "b")
        return unified_diff(a, b)
