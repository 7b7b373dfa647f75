"""Pieces shared by the human-readable reports."""

from checker.grading import Grade, IssueResult, SourceTree
from checker.key import SEVERITIES, Issue

EXCERPT_CONTEXT = 1  # lines shown around an issue's range
EXCERPT_MAX = 14


def by_severity(results: list[IssueResult], status: str) -> list[IssueResult]:
    chosen = [r for r in results if r.status == status]
    return sorted(chosen, key=lambda r: SEVERITIES.index(r.issue.severity))


def where(issue: Issue) -> str:
    spots = []
    for loc in issue.locations:
        spots.append(f"{loc.path}:{loc.start}-{loc.end}" if loc.start else loc.path)
    return ", ".join(spots)


def excerpt(issue: Issue, tree: SourceTree) -> tuple[str, int, list[tuple[int, str]]] | None:
    """The code of the issue's first location: (path, first line number, lines)."""
    for loc in issue.locations:
        path = tree.resolve(loc.path)
        if path is None or loc.start is None or loc.end is None:
            continue
        end = min(loc.end + EXCERPT_CONTEXT, loc.start + EXCERPT_MAX)
        lines = tree.excerpt(path, loc.start - EXCERPT_CONTEXT, end)
        if lines:
            return path, lines[0][0], lines
    return None


def proof_command(issue: Issue, slug: str | None) -> str | None:
    if slug is None or issue.proof_is_static:
        return None
    return f"prkit proofs {slug} --issue {issue.id}"


def finding_label(grade: Grade, index: int) -> str:
    finding = grade.findings[index].finding
    return f"finding {index} (line {finding.source_line})"


def short(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def practice_lines(grade: Grade) -> list[str]:
    """Hints taken and time spent, as short sentences."""
    practice = grade.practice
    lines: list[str] = []
    if practice.hints:
        levels = [
            f"level {level}" + (f" ({issue})" if issue else "") for level, issue in practice.hints
        ]
        lines.append(f"hints taken: {len(practice.hints)} — " + ", ".join(levels))
    if practice.seconds_taken is not None:
        minutes = practice.seconds_taken / 60
        budget = practice.suggested_minutes
        verdict = ""
        if budget:
            verdict = " (within budget)" if minutes <= budget else f" ({minutes - budget:.0f} over)"
        lines.append(
            f"time: {minutes:.0f} min" + (f" of the suggested {budget}" if budget else "") + verdict
        )
    return lines
