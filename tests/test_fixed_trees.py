"""Every fixed version is clean under the product's own ruff and mypy --strict settings."""

import subprocess
import sys
from pathlib import Path

import pytest

from checker.exercise import Exercise, all_exercises
from checker.trees import Variant, materialize, tree_files

EXERCISES = all_exercises()


def changed_python_files(exercise: Exercise) -> list[str]:
    touched = set(tree_files(exercise.pr_files)) | set(tree_files(exercise.fixed_files))
    return sorted(p for p in touched if p.endswith(".py"))


def run(tool: list[str], tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *tool], cwd=tree, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.slug for e in EXERCISES])
def test_fixed_version_is_clean(exercise: Exercise, tmp_path: Path) -> None:
    tree = materialize(exercise, Variant.FIXED, tmp_path / "fixed")
    files = changed_python_files(exercise)
    assert files, f"{exercise.slug}: the PR changes no Python file"
    for tool in (["ruff", "check", *files], ["ruff", "format", "--check", *files]):
        result = run(tool, tree)
        assert result.returncode == 0, f"{' '.join(tool[:2])}:\n{result.stdout}{result.stderr}"
    result = run(["mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", *files], tree)
    assert result.returncode == 0, f"mypy --strict:\n{result.stdout}{result.stderr}"
