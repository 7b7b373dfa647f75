"""Progressive hints: how many issues where (1), which regions (2), an issue's hint (3)."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from checker.key import SEVERITIES, AnswerKey, Issue

LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class HintText:
    level: int
    lines: tuple[str, ...]
    issue: str | None = None  # the issue a level-3 hint is about


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def overview(key: AnswerKey) -> HintText:
    """Level 1: how many issues of which categories hide in which files."""
    by_file: dict[str, Counter[str]] = defaultdict(Counter)
    for issue in key.issues:
        path = issue.locations[0].path if issue.locations else "(no single place)"
        by_file[path][issue.category or "other"] += 1
    lines = [f"{_plural(len(key.issues), 'issue')} hide in this pull request:"]
    for path in sorted(by_file):
        counts = ", ".join(f"{n} {cat}" for cat, n in sorted(by_file[path].items()))
        lines.append(f"  {path}: {counts}")
    severities = Counter(i.severity for i in key.issues)
    lines.append(
        "By severity: " + ", ".join(f"{severities[s]} {s}" for s in SEVERITIES if severities[s])
    )
    return HintText(1, tuple(lines))


def regions(key: AnswerKey) -> HintText:
    """Level 2: the regions worth a closer look, without saying what is wrong."""
    spots: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for issue in key.issues:
        for loc in issue.locations[:1]:
            if loc.start is not None and loc.end is not None:
                spots[(loc.path, loc.start, loc.end)].append(issue.severity)
    lines = ["Look closely at these regions (severity of what hides there):"]
    for (path, start, end), severities in sorted(spots.items()):
        span = f"{start}" if start == end else f"{start}-{end}"
        ranked = sorted(severities, key=SEVERITIES.index)
        lines.append(f"  {path}:{span}  ({', '.join(ranked)})")
    unplaced = sum(1 for i in key.issues if not any(loc.start for loc in i.locations))
    if unplaced:
        lines.append(f"  and {_plural(unplaced, 'issue')} about the PR as a whole")
    return HintText(2, tuple(lines))


def next_issue_hint(key: AnswerKey, shown: list[str | None], caught: set[str]) -> HintText:
    """Level 3: one hint at a time, most severe issues first, vague hints before pointed.

    SHOWN lists the issues already hinted at level 3 (one entry per hint shown), CAUGHT
    the issues a previous check already caught (they get no hints).
    """
    ranked = sorted(
        (i for i in key.issues if i.hints and i.id not in caught),
        key=lambda i: SEVERITIES.index(i.severity),
    )
    if not ranked:
        return HintText(3, ("No hints left: every issue with hints is caught or fully hinted.",))
    times = Counter(s for s in shown if s)
    for round_number in range(max(len(i.hints) for i in ranked)):
        for issue in ranked:
            if times[issue.id] == round_number and round_number < len(issue.hints):
                return _issue_hint(issue, round_number)
    return HintText(3, ("No hints left: every hint has been shown.",))


def _issue_hint(issue: Issue, number: int) -> HintText:
    where = f" in {issue.locations[0].path}" if issue.locations else ""
    head = f"A {issue.severity} {issue.category or ''} issue{where}".replace("  ", " ")
    text = (f"{head} (hint {number + 1} of {len(issue.hints)}):", f"  {issue.hints[number]}")
    return HintText(3, text, issue.id)
