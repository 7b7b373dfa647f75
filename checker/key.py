"""Answer keys: the issue list of an exercise (issues.toml, DESIGN.md §4).

Only `id`, `severity` and `title` (or `description`) are required, so that a plain issue
list written by an interviewer loads too; locations, concepts, hints and proofs are optional.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import UsageError

SEVERITIES = ("blocker", "major", "minor", "nit")
CATEGORIES = (
    "async",
    "api-usage",
    "error-handling",
    "security",
    "correctness",
    "performance",
    "naming",
    "testing",
    "design",
)


@dataclass(frozen=True)
class Location:
    """A place in the PR tree: a file and, optionally, an inclusive line range."""

    path: str
    start: int | None = None
    end: int | None = None
    anchor: str | None = None


@dataclass(frozen=True)
class Issue:
    """One problem the PR contains."""

    id: str
    severity: str
    title: str
    category: str | None = None
    description: str = ""
    explanation: str = ""
    fix: str = ""
    hints: tuple[str, ...] = ()
    proof: str | None = None
    locations: tuple[Location, ...] = ()
    concepts: tuple[tuple[str, ...], ...] = ()
    lint: tuple[str, ...] = ()  # ruff codes ("ASYNC251") or "mypy:<code>" that report it

    @property
    def proof_is_static(self) -> bool:
        return self.proof is None or self.proof.startswith("static:")


@dataclass(frozen=True)
class Decoy:
    """Code that looks suspicious but is correct: a finding on it is a false alarm."""

    id: str
    why_fine: str
    locations: tuple[Location, ...] = ()
    concepts: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class AnswerKey:
    source: Path
    issues: tuple[Issue, ...]
    decoys: tuple[Decoy, ...] = ()

    def issue(self, issue_id: str) -> Issue:
        return next(i for i in self.issues if i.id == issue_id)


def _text(entry: dict[str, Any], name: str, where: str) -> str:
    value = entry.get(name, "")
    if not isinstance(value, str):
        raise UsageError(f"{where}: '{name}' must be a string")
    return value.strip()


def _locations(entry: dict[str, Any], where: str) -> tuple[Location, ...]:
    raw = entry.get("locations", [])
    if not isinstance(raw, list):
        raise UsageError(f"{where}: 'locations' must be a list of tables")
    found: list[Location] = []
    for n, loc in enumerate(raw):
        if not isinstance(loc, dict) or not isinstance(loc.get("path"), str):
            raise UsageError(f"{where}: location {n + 1} needs a 'path' string")
        lines = loc.get("lines")
        start = end = None
        if lines is not None:
            if isinstance(lines, int):
                lines = [lines, lines]
            ok = isinstance(lines, list) and len(lines) in (1, 2)
            if not ok or not all(isinstance(x, int) and x > 0 for x in lines):
                raise UsageError(f"{where}: location {n + 1} 'lines' must be [start, end]")
            start, end = lines[0], lines[-1]
            if end < start:
                raise UsageError(f"{where}: location {n + 1} ends before it starts")
        anchor = loc.get("anchor")
        found.append(Location(loc["path"].strip("/"), start, end, anchor))
    return tuple(found)


def _concepts(entry: dict[str, Any], where: str) -> tuple[tuple[str, ...], ...]:
    match = entry.get("match", {})
    groups = match.get("concepts", []) if isinstance(match, dict) else None
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and g and all(isinstance(w, str) and w.strip() for w in g)
        for g in groups
    ):
        raise UsageError(f"{where}: 'match.concepts' must be a list of non-empty word lists")
    return tuple(tuple(w.strip().lower() for w in g) for g in groups)


def _issue(entry: dict[str, Any], where: str) -> Issue:
    issue_id = entry.get("id")
    if not isinstance(issue_id, str) or not issue_id.strip():
        raise UsageError(f"{where}: every issue needs an 'id'")
    where = f"{where} '{issue_id}'"
    severity = _text(entry, "severity", where).lower()
    if severity not in SEVERITIES:
        raise UsageError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    title = _text(entry, "title", where)
    description = _text(entry, "description", where)
    if not title and not description:
        raise UsageError(f"{where}: needs a 'title' or a 'description'")
    hints = entry.get("hints", [])
    if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
        raise UsageError(f"{where}: 'hints' must be a list of strings")
    proof = entry.get("proof")
    if proof is not None and not isinstance(proof, str):
        raise UsageError(f"{where}: 'proof' must be a string")
    category = entry.get("category")
    lint = entry.get("lint", [])
    if not isinstance(lint, list) or not all(isinstance(code, str) for code in lint):
        raise UsageError(f"{where}: 'lint' must be a list of rule codes")
    return Issue(
        id=issue_id.strip(),
        severity=severity,
        title=title or _first_sentence(description),
        category=str(category) if category else None,
        description=description,
        explanation=_text(entry, "explanation", where),
        fix=_text(entry, "fix", where),
        hints=tuple(hints),
        proof=proof,
        locations=_locations(entry, where),
        concepts=_concepts(entry, where),
        lint=tuple(lint),
    )


def _decoy(entry: dict[str, Any], where: str) -> Decoy:
    decoy_id = entry.get("id")
    if not isinstance(decoy_id, str) or not decoy_id.strip():
        raise UsageError(f"{where}: every decoy needs an 'id'")
    where = f"{where} '{decoy_id}'"
    return Decoy(
        id=decoy_id.strip(),
        why_fine=_text(entry, "why_fine", where),
        locations=_locations(entry, where),
        concepts=_concepts(entry, where),
    )


def load_key(path: Path) -> AnswerKey:
    """Read an issues TOML file; raise UsageError with the file and entry on any mistake."""
    if path.is_dir():
        raise UsageError(f"{path}: is a directory, expected an issues TOML file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    raw_issues = data.get("issue", [])
    raw_decoys = data.get("decoy", [])
    if not isinstance(raw_issues, list) or not isinstance(raw_decoys, list):
        raise UsageError(f"{path}: use [[issue]] and [[decoy]] tables")
    if not raw_issues:
        raise UsageError(f"{path}: no [[issue]] entries")
    issues = tuple(_issue(e, f"{path}: issue {n + 1}") for n, e in enumerate(raw_issues))
    decoys = tuple(_decoy(e, f"{path}: decoy {n + 1}") for n, e in enumerate(raw_decoys))
    seen: set[str] = set()
    for item_id in [i.id for i in issues] + [d.id for d in decoys]:
        if item_id in seen:
            raise UsageError(f"{path}: id '{item_id}' is used twice")
        seen.add(item_id)
    return AnswerKey(source=path, issues=issues, decoys=decoys)


def _first_sentence(text: str) -> str:
    """TEXT up to its first full stop that ends a sentence (not the dot of `time.sleep`)."""
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0].rstrip(".")
