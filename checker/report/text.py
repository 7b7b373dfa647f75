"""The terminal report: what was missed first, with code, why it matters and the fix."""

from rich.console import Console, Group
from rich.padding import Padding
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from checker.feedback import communication_feedback
from checker.grading import Grade, SourceTree
from checker.report._common import (
    by_severity,
    excerpt,
    finding_label,
    practice_lines,
    proof_command,
    short,
    where,
)

SEVERITY_STYLE = {"blocker": "bold red", "major": "red", "minor": "yellow", "nit": "cyan"}


def _heading(console: Console, title: str, count: int, style: str) -> None:
    console.print()
    console.print(Text(f"{title} ({count})", style=f"bold {style}"))


def _issue_line(mark: str, style: str, severity: str, issue_id: str, title: str) -> Text:
    line = Text(f" {mark} ", style=style)
    line.append(f"{severity:<8}", style=SEVERITY_STYLE.get(severity, ""))
    line.append(f"{issue_id}", style="bold")
    line.append(f" — {title}")
    return line


def _missed(console: Console, grade: Grade, tree: SourceTree) -> None:
    missed = by_severity(grade.issues, "missed")
    _heading(console, "Missed", len(missed), "red")
    for result in missed:
        issue = result.issue
        console.print(_issue_line("✗", "red", issue.severity, issue.id, issue.title))
        parts: list[Text | Syntax] = []
        if issue.locations:
            parts.append(Text(f"--> {where(issue)}", style="blue"))
        code = excerpt(issue, tree)
        if code is not None:
            path, first, lines = code
            loc = issue.locations[0]
            highlight = set(range(loc.start or 0, (loc.end or 0) + 1))
            parts.append(
                Syntax(
                    "\n".join(text for _, text in lines),
                    "python" if path.endswith(".py") else "text",
                    line_numbers=True,
                    start_line=first,
                    highlight_lines=highlight,
                    theme="ansi_dark",
                    word_wrap=True,
                )
            )
        if issue.explanation or issue.description:
            parts.append(Text.assemble(("why: ", "bold"), issue.explanation or issue.description))
        if issue.fix:
            parts.append(Text.assemble(("fix: ", "bold green"), issue.fix))
        command = proof_command(issue, grade.exercise)
        if command:
            parts.append(Text.assemble(("proof: ", "bold"), (command, "magenta")))
        console.print(Padding(Group(*parts), (0, 0, 1, 4)))


def _partial(console: Console, grade: Grade) -> None:
    partial = by_severity(grade.issues, "partial")
    _heading(console, "Partly caught", len(partial), "yellow")
    for result in partial:
        issue, best = result.issue, result.best
        console.print(_issue_line("~", "yellow", issue.severity, issue.id, issue.title))
        if best is None:
            continue
        lines = [Text(f"{finding_label(grade, best.finding)}: {'; '.join(best.reasons)}")]
        lines.append(Text.assemble(("missing: ", "bold yellow"), best.missing))
        if issue.fix:
            lines.append(Text.assemble(("fix: ", "bold green"), issue.fix))
        console.print(Padding(Group(*lines), (0, 0, 1, 4)))


def _caught(console: Console, grade: Grade) -> None:
    caught = by_severity(grade.issues, "caught")
    _heading(console, "Caught", len(caught), "green")
    for result in caught:
        issue, best = result.issue, result.best
        console.print(_issue_line("✓", "green", issue.severity, issue.id, issue.title))
        if best is not None:
            why = f"{finding_label(grade, best.finding)}: {'; '.join(best.reasons)}"
            console.print(Padding(Text(why, style="dim"), (0, 0, 0, 4)))


def _findings(console: Console, grade: Grade) -> None:
    decoys = {d.id: d for d in grade.key.decoys}
    alarms = [f for f in grade.findings if f.status == "decoy"]
    if alarms:
        _heading(console, "False alarms", len(alarms), "magenta")
        for result in alarms:
            index = result.finding.index
            console.print(f" ! {finding_label(grade, index)}: {short(result.finding.body)}")
            for decoy_id in result.decoys:
                text = Text.assemble(("fine as written: ", "bold"), decoys[decoy_id].why_fine)
                console.print(Padding(text, (0, 0, 0, 4)))
    praise = [f for f in grade.findings if f.is_praise]
    if praise:
        _heading(console, "Praise (not graded)", len(praise), "green")
        for result in praise:
            index = result.finding.index
            console.print(f" + {finding_label(grade, index)}: {short(result.finding.body)}")
    other = [f for f in grade.findings if f.status == "unmatched" and not f.is_praise]
    if other:
        _heading(console, "Other remarks, not in the key", len(other), "blue")
        for result in other:
            index = result.finding.index
            console.print(f" · {finding_label(grade, index)}: {short(result.finding.body)}")
            for note in result.flags or result.reasons:
                console.print(Padding(Text(note, style="dim"), (0, 0, 0, 4)))


def _communication(console: Console, grade: Grade) -> None:
    feedback = communication_feedback(grade)
    if not feedback.advice and not feedback.notes:
        return
    count = len(feedback.advice) + sum(len(n) for n in feedback.notes.values())
    _heading(console, "How the review reads (advice, not scored)", count, "cyan")
    for advice in feedback.advice:
        console.print(f" • {advice}")
    for index, notes in sorted(feedback.notes.items()):
        for note in notes:
            console.print(f" • {finding_label(grade, index)}: {note}")


def _score(console: Console, grade: Grade) -> None:
    counts = {s: sum(r.status == s for r in grade.issues) for s in ("caught", "partial", "missed")}
    table = Table(title="Score", show_header=True, header_style="bold")
    for column in ("caught", "partial", "missed", "recall", "weighted recall", "precision", "F1"):
        table.add_column(column, justify="right")
    score = grade.score
    table.add_row(
        *(str(counts[s]) for s in ("caught", "partial", "missed")),
        *(f"{v:.0%}" for v in (score.recall, score.weighted_recall, score.precision, score.f1)),
    )
    console.print()
    console.print(table)
    for line in practice_lines(grade):
        console.print(Text(line, style="dim"))


def render_text(grade: Grade, tree: SourceTree, console: Console) -> None:
    """Print the report on CONSOLE, leading with the missed issues."""
    subject = grade.exercise or str(grade.key.source)
    review = f" · {grade.review}" if grade.review else ""
    console.print(Text(f"prkit check: {subject}{review}", style="bold"))
    for warning in grade.warnings:
        console.print(Text(f"warning: {warning}", style="yellow"))
    for flag in grade.flags:
        console.print(Text(f"flag: {flag}", style="bold magenta"))
    _missed(console, grade, tree)
    _partial(console, grade)
    _caught(console, grade)
    _findings(console, grade)
    _communication(console, grade)
    _score(console, grade)
