"""Findings given as data: JSON or YAML findings, or a GitHub review-comments export.

Findings: ``{"findings": [...]}`` or a bare list of objects with ``body`` (required),
``path``, ``line``, ``end_line`` (or GitHub's ``start_line`` + ``line``), ``severity``
(synonyms in `_conventions`), ``label`` and ``decorations``.

GitHub (``gh api repos/O/R/pulls/N/comments``): a list, or ``{"comments": [...]}``, of
objects with ``path``, ``line`` or ``original_line``, optional ``start_line`` or
``original_start_line``, and a Markdown ``body``; every other key is ignored.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checker.errors import UsageError
from checker.review._conventions import apply_conventions, normalise_severity
from checker.review._flatten import markdown_to_text
from checker.review._locations import check_span, normalise_path
from checker.review._model import Finding

FINDING_KEYS = frozenset(
    {"body", "path", "line", "end_line", "start_line", "severity", "label", "decorations"}
)
GITHUB_KEYS = frozenset(
    {
        "diff_hunk",
        "original_line",
        "original_start_line",
        "pull_request_review_id",
        "commit_id",
        "original_commit_id",
        "html_url",
        "pull_request_url",
        "in_reply_to_id",
        "subject_type",
        "side",
        "start_side",
        "original_position",
        "author_association",
        "node_id",
        "user",
        "_links",
    }
)
_CONTAINER_KEYS = ("findings", "comments")


@dataclass(frozen=True)
class Items:
    """The finding objects of a document."""

    objects: list[Any]
    key: str | None
    """The key holding them ("findings", "comments"), None for a bare list."""
    github: bool


def find_items(data: object, filename: str) -> Items:
    """The list of finding objects in parsed JSON or YAML; UsageError for any other shape."""
    expected = 'expected a list of findings or an object with a "findings" list'
    key: str | None = None
    if isinstance(data, dict):
        key = next((name for name in _CONTAINER_KEYS if name in data), None)
        if key is None:
            keys = ", ".join(sorted(str(name) for name in data)[:6]) or "none"
            raise UsageError(f"{filename}: {expected}; the object has keys: {keys}")
        data = data[key]
        if not isinstance(data, list):
            raise UsageError(f'{filename}: "{key}" should be a list, not {_kind(data)}')
    elif not isinstance(data, list):
        raise UsageError(f"{filename}: {expected}, not {_kind(data)}")
    if data and not any(isinstance(item, dict) for item in data):
        raise UsageError(f"{filename}: {expected}; the list holds {_kind(data[0])}, not objects")
    github = key == "comments" or (
        key is None and any(isinstance(item, dict) and GITHUB_KEYS & item.keys() for item in data)
    )
    return Items(data, key, github)


def is_findings_document(data: object) -> bool:
    """True when data is unmistakably a findings or GitHub document (to tell YAML from text).

    Every object needs a text body and only finding keys (any keys for GitHub); a bare list
    also needs some object with more than a body.
    """
    try:
        items = find_items(data, "")
    except UsageError:
        return False
    objects = items.objects
    if items.key is None and not any(isinstance(item, dict) and len(item) > 1 for item in objects):
        return False  # "- body: text" alone reads better as a Markdown bullet
    return bool(objects) and all(
        isinstance(item, dict)
        and isinstance(item.get("body"), str)
        and (items.github or item.keys() <= FINDING_KEYS)
        for item in objects
    )


def findings_from_items(
    items: Items, source_lines: Sequence[int], filename: str
) -> tuple[list[Finding], list[str]]:
    """Findings from the objects, each starting at the given 1-based line of the file."""
    findings: list[Finding] = []
    warnings: list[str] = []
    unknown: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for position, (item, line) in enumerate(zip(items.objects, source_lines, strict=True)):
        where = f"{filename}:{line}: item {position}"
        if not isinstance(item, dict):
            warnings.append(f"{where} is {_kind(item)}, not an object; skipped")
            continue
        if not items.github:
            for name in sorted(set(map(str, item)) - FINDING_KEYS):
                unknown[name] += 1
                first_seen.setdefault(name, line)
        reader = _ItemReader(item, where, items.github)
        finding = reader.finding(len(findings), line)
        warnings.extend(reader.warnings)
        if finding is not None:
            findings.append(finding)
    for name, count in unknown.items():
        times = "1 item" if count == 1 else f"{count} items"
        warnings.append(f"{filename}:{first_seen[name]}: unknown key {name!r} ignored ({times})")
    return findings, warnings


class _ItemReader:
    """Reads one finding object, collecting warnings about the fields it has to ignore."""

    def __init__(self, item: dict[Any, Any], where: str, github: bool) -> None:
        self.item, self.where, self.github = item, where, github
        self.warnings: list[str] = []

    def finding(self, index: int, source_line: int) -> Finding | None:
        body = self.item.get("body")
        if not isinstance(body, str) or not body.strip():
            self.warnings.append(f"{self.where} has no body; skipped")
            return None
        text = markdown_to_text(body) if self.github else body.strip()
        severity = self._severity()
        conventions = apply_conventions(
            [text], label=self._text("label"), decorations=self._decorations()
        )
        if not conventions.texts[0]:
            self.warnings.append(f"{self.where} has only a label for a body; skipped")
            return None
        path = self._path()
        line, end_line = self._span()
        return Finding(
            index=index,
            body=conventions.texts[0],
            path=path,
            line=line,
            end_line=end_line,
            severity=severity or conventions.severity,
            label=conventions.label,
            decorations=conventions.decorations,
            source_line=source_line,
            raw=body,
        )

    def _text(self, key: str) -> str | None:
        value = self.item.get(key)
        if isinstance(value, str):
            return value.strip() or None
        if value is not None:
            self.warnings.append(
                f"{self.where}: {key!r} should be text, not {_kind(value)}; ignored"
            )
        return None

    def _path(self) -> str | None:
        path = self._text("path")
        return (normalise_path(path) or None) if path else None

    def _severity(self) -> str | None:
        written = None if self.github else self._text("severity")
        severity = None if written is None else normalise_severity(written)
        if written is not None and severity is None:
            self.warnings.append(
                f"{self.where}: unknown severity {written!r} (use blocker, major, minor or nit);"
                " ignored"
            )
        return severity

    def _decorations(self) -> tuple[str, ...]:
        value = None if self.github else self.item.get("decorations")
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list) and all(isinstance(part, str) for part in value):
            return tuple(part.strip().lower() for part in value if part.strip())
        if value is not None:
            self.warnings.append(f"{self.where}: 'decorations' should be a list of text; ignored")
        return ()

    def _span(self) -> tuple[int | None, int | None]:
        if self.github:
            prefix = "original_" if self.item.get("line") is None else ""
            first, last = self._number(f"{prefix}start_line"), self._number(f"{prefix}line")
        else:
            first, last = self._number("start_line"), self._number("end_line")
            line = self._number("line")
            if first is None:
                first = line
            elif last is None:
                last = line
        line, end_line, problems = check_span(first, last)
        self.warnings.extend(f"{self.where}: {problem}" for problem in problems)
        return line, end_line

    def _number(self, key: str) -> int | None:
        value = self.item.get(key)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        self.warnings.append(f"{self.where}: {key!r} is not a line number ({value!r}); ignored")
        return None


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number" if isinstance(value, int | float) else "a value")
