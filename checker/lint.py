"""`prkit lint`: what ruff and mypy report on the PR, mapped to the key's issues.

Shows which problems machines catch and which only a reviewer does.
"""

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from checker.exercise import Exercise
from checker.key import AnswerKey, Issue
from checker.trees import Variant, materialize, tree_files

# Ruff rule families that speak to review topics (async, errors, security, naming, bugs).
RUFF_SELECT = "F,E4,E7,E9,A,B,UP,ASYNC,BLE,S,G,N,RUF006,TRY002,TRY300,TRY400,LOG,PERF"
RUFF_IGNORE = "S101"  # assert is how pytest tests are written
LINE_SLACK = 1


@dataclass(frozen=True)
class Diagnostic:
    tool: str  # ruff | mypy
    path: str
    line: int
    code: str
    message: str
    issues: tuple[str, ...]  # issues whose key lists this rule and whose code it flags
    near: tuple[str, ...]  # other issues at these lines (the rule may be unrelated)


def _changed_files(exercise: Exercise, root: Path) -> list[str]:
    """The Python files the PR adds or changes."""
    changed = [
        rel
        for rel in tree_files(exercise.pr_files)
        if rel.endswith(".py") and (root / rel).exists()
    ]
    return sorted(changed)


def _issues_at(
    key: AnswerKey, path: str, line: int, code: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(issues this rule catches here, other issues at this line)."""

    def near(issue: Issue) -> bool:
        return any(
            loc.path == path
            and loc.start is not None
            and loc.end is not None
            and loc.start - LINE_SLACK <= line <= loc.end + LINE_SLACK
            for loc in issue.locations
        )

    here = [i for i in key.issues if near(i)]
    caught = tuple(i.id for i in here if code in i.lint)
    return caught, tuple(i.id for i in here if i.id not in caught)


def _run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return result.stdout


def _ruff(root: Path, files: list[str], key: AnswerKey) -> list[Diagnostic]:
    command = [sys.executable, "-m", "ruff", "check", "--isolated", "--select", RUFF_SELECT]
    command += ["--ignore", RUFF_IGNORE]
    output = _run([*command, "--output-format", "json", "--exit-zero", *files], root)
    found = []
    for item in json.loads(output or "[]"):
        path = Path(item["filename"]).resolve().relative_to(root.resolve()).as_posix()
        line = int(item["location"]["row"])
        found.append(
            Diagnostic(
                "ruff",
                path,
                line,
                item["code"] or "",
                item["message"],
                *_issues_at(key, path, line, item["code"] or ""),
            )
        )
    return found


def _mypy(root: Path, files: list[str], key: AnswerKey) -> list[Diagnostic]:
    command = [sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports"]
    command += ["--no-error-summary", "--no-incremental", "--cache-dir", "/dev/null", "-O", "json"]
    found = []
    for raw in _run([*command, *files], root).splitlines():
        try:
            item = json.loads(raw)
        except json.JSONDecodeError:
            continue
        path = Path(item["file"]).as_posix()
        if path not in files or item.get("severity") != "error":
            continue
        line = int(item["line"])
        found.append(
            Diagnostic(
                "mypy",
                path,
                line,
                item.get("code") or "",
                item["message"],
                *_issues_at(key, path, line, f"mypy:{item.get('code') or ''}"),
            )
        )
    return found


def lint_pr(exercise: Exercise, key: AnswerKey) -> list[Diagnostic]:
    """Run ruff and mypy over the files the PR changes; map each diagnostic to issues."""
    with tempfile.TemporaryDirectory(prefix="prkit-lint-") as scratch:
        root = materialize(exercise, Variant.PR, Path(scratch) / "pr")
        files = _changed_files(exercise, root)
        if not files:
            return []
        diagnostics = _ruff(root, files, key) + _mypy(root, files, key)
        return sorted(diagnostics, key=lambda d: (d.path, d.line, d.tool))
