"""The parsed form of a review: findings and the review they came from."""

from dataclasses import dataclass

SEVERITIES = ("blocker", "major", "minor", "nit")
"""Severities, most serious first (the same scale as an answer key's issues)."""

FORMATS = ("markdown", "json", "yaml", "github")
"""The review formats `parse_review` recognises."""


@dataclass(frozen=True)
class Finding:
    """One remark of the candidate's review."""

    index: int
    """Position in the review, numbered from 0 in file order."""
    body: str
    """Plain text, location prefix and label removed; inline code keeps its backticks."""
    path: str | None
    """File the finding points at, as written, without a leading "./" and with forward slashes."""
    line: int | None
    """First line pointed at."""
    end_line: int | None
    """Last line of a range; None for a single line."""
    severity: str | None
    """One of SEVERITIES, or None when the review does not say."""
    label: str | None
    """Conventional Comments label, lower-cased: issue, suggestion, nitpick, praise, ..."""
    decorations: tuple[str, ...]
    """Conventional Comments decorations, lower-cased: ("blocking",) from "issue (blocking):"."""
    source_line: int
    """1-based line of the review file where the finding starts."""
    raw: str
    """The finding's text as written in the review file."""
    more_lines: tuple[tuple[int, int], ...] = ()
    """Further line ranges in the same file: `path:56-61, :202, 243-252` (after the first)."""


@dataclass(frozen=True)
class ParsedReview:
    """Everything read from one review file."""

    findings: tuple[Finding, ...]
    format: str
    """One of FORMATS."""
    warnings: tuple[str, ...]
    """Problems that did not stop parsing, each one line naming the file (and line)."""
