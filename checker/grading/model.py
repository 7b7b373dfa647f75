"""What grading produces: a verdict per issue and per finding, with reasons, and scores."""

import ast
from dataclasses import dataclass, field
from pathlib import Path

from checker.key import AnswerKey, Issue
from checker.review import Finding
from checker.trees import tree_files

# Severity weights for the severity-weighted recall (documented in the README).
SEVERITY_WEIGHTS = {"blocker": 4.0, "major": 3.0, "minor": 2.0, "nit": 1.0}
# Credit an issue earns in recall: caught counts fully, partial counts half.
STATUS_CREDIT = {"caught": 1.0, "partial": 0.5, "missed": 0.0}


@dataclass
class SourceTree:
    """The PR's files (path -> lines), used to check locations and to quote code."""

    files: dict[str, list[str]] = field(default_factory=dict)
    _functions: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict, repr=False)
    memo: dict[object, object] = field(default_factory=dict, repr=False)  # for callers' caches

    @classmethod
    def from_files(cls, sources: dict[str, Path]) -> "SourceTree":
        """The text files among SOURCES (relative path -> file); others are left out."""
        files: dict[str, list[str]] = {}
        for rel, path in sources.items():
            try:
                files[rel] = path.read_text("utf-8").splitlines()
            except (UnicodeDecodeError, OSError):
                continue
        return cls(files)

    @classmethod
    def from_dir(cls, root: Path) -> "SourceTree":
        """The files under ROOT (version control and caches skipped)."""
        return cls.from_files(tree_files(root))

    def resolve(self, path: str) -> str | None:
        """The tree's path for PATH as a reviewer wrote it (suffix matches allowed)."""
        if path in self.files:
            return path
        matches = [p for p in self.files if p.endswith("/" + path.lstrip("/"))]
        return matches[0] if len(matches) == 1 else None

    def excerpt(self, path: str, start: int, end: int) -> list[tuple[int, str]]:
        lines = self.files.get(path, [])
        return [(n, lines[n - 1]) for n in range(max(1, start), min(end, len(lines)) + 1)]

    def _definitions(self, path: str) -> list[tuple[int, int, str]]:
        """(first line, last line, name) of every function and class in PATH (parsed once)."""
        if path not in self._functions:
            found: list[tuple[int, int, str]] = []
            try:
                module = ast.parse("\n".join(self.files.get(path, [])))
            except SyntaxError:
                module = ast.Module(body=[], type_ignores=[])
            defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            for node in ast.walk(module):
                if isinstance(node, defs):
                    found.append((node.lineno, node.end_lineno or node.lineno, node.name))
            self._functions[path] = sorted(found)
        return self._functions[path]

    def enclosing_functions(self, path: str, line: int) -> list[str]:
        """Names of the functions and classes around LINE, outermost first."""
        return [name for first, last, name in self._definitions(path) if first <= line <= last]


@dataclass(frozen=True)
class Match:
    """How one finding relates to one issue."""

    issue_id: str
    finding: int
    status: str  # caught | partial
    reasons: tuple[str, ...]
    missing: str = ""
    named: bool = True  # the finding names the whole problem (False: only part of it)
    evidence: str = ""  # the statement that named it
    strength: float = 0.0  # share of the issue's concept groups the statement named
    forgiven: bool = False  # its cited line is elsewhere; it points by naming the code
    unplaced: bool = False  # it gives no location and names none of the issue's code
    completion: str = ""  # why the code a half-named finding cites names what it leaves out


@dataclass
class IssueResult:
    issue: Issue
    status: str = "missed"  # caught | partial | missed
    matches: list[Match] = field(default_factory=list)

    @property
    def findings(self) -> list[int]:
        return sorted({m.finding for m in self.matches})

    @property
    def best(self) -> Match | None:
        ranked = sorted(
            self.matches,
            key=lambda m: (m.status != "caught", not m.named, -m.strength, m.finding),
        )
        return ranked[0] if ranked else None


@dataclass
class FindingResult:
    finding: Finding
    status: str = "unmatched"  # matched | decoy | unmatched
    issues: list[str] = field(default_factory=list)
    decoys: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    is_praise: bool = False  # praise: listed, not graded

    @property
    def is_graded(self) -> bool:
        """Counted in precision: not praise, not a flagged finding that earned nothing."""
        return not self.is_praise and not (self.flags and self.status != "matched")


@dataclass(frozen=True)
class Score:
    recall: float
    weighted_recall: float
    precision: float
    f1: float


@dataclass(frozen=True)
class Practice:
    """The practice session behind a check: hints taken and time spent."""

    hints: tuple[tuple[int, str | None], ...] = ()  # (level, issue id for level 3)
    seconds_taken: float | None = None
    suggested_minutes: int | None = None


@dataclass
class Grade:
    key: AnswerKey
    exercise: str | None
    review: Path | None
    issues: list[IssueResult]
    findings: list[FindingResult]
    score: Score
    warnings: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    practice: Practice = field(default_factory=Practice)
