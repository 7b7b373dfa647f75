"""Markdown report, for pasting into a PR, an issue or a cohort's notes."""

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


def _missed(grade: Grade, tree: SourceTree) -> list[str]:
    missed = by_severity(grade.issues, "missed")
    out = [f"## Missed ({len(missed)})", ""]
    for result in missed:
        issue = result.issue
        out.append(f"### {issue.severity}: `{issue.id}` — {issue.title}")
        out.append("")
        if issue.locations:
            out += [f"Where: `{where(issue)}`", ""]
        code = excerpt(issue, tree)
        if code is not None:
            path, _, lines = code
            fence = "python" if path.endswith(".py") else ""
            out += [f"```{fence}", *(f"{n:>4}  {text}" for n, text in lines), "```", ""]
        if issue.explanation or issue.description:
            out += [f"**Why it matters.** {issue.explanation or issue.description}", ""]
        if issue.fix:
            out += [f"**Fix.** {issue.fix}", ""]
        command = proof_command(issue, grade.exercise)
        if command:
            out += [f"**Proof.** `{command}`", ""]
    return out


def _matched(grade: Grade, status: str, title: str) -> list[str]:
    chosen = by_severity(grade.issues, status)
    out = [f"## {title} ({len(chosen)})", ""]
    for result in chosen:
        issue, best = result.issue, result.best
        line = f"- {issue.severity}: `{issue.id}` — {issue.title}"
        if best is not None:
            line += f" ({finding_label(grade, best.finding)}: {'; '.join(best.reasons)})"
            if best.missing:
                line += f". Missing: {best.missing}"
        out.append(line)
    return [*out, ""]


def _findings(grade: Grade) -> list[str]:
    decoys = {d.id: d for d in grade.key.decoys}
    out: list[str] = []
    alarms = [f for f in grade.findings if f.status == "decoy"]
    if alarms:
        out += [f"## False alarms ({len(alarms)})", ""]
        for result in alarms:
            label = finding_label(grade, result.finding.index)
            fine = " ".join(decoys[d].why_fine for d in result.decoys)
            out.append(f"- {label}: {short(result.finding.body)} — fine as written: {fine}")
        out.append("")
    praise = [f for f in grade.findings if f.is_praise]
    if praise:
        out += [f"## Praise, not graded ({len(praise)})", ""]
        out += [
            f"- {finding_label(grade, f.finding.index)}: {short(f.finding.body)}" for f in praise
        ]
        out.append("")
    other = [f for f in grade.findings if f.status == "unmatched" and not f.is_praise]
    if other:
        out += [f"## Other remarks, not in the key ({len(other)})", ""]
        for result in other:
            label = finding_label(grade, result.finding.index)
            notes = "; ".join(result.flags or result.reasons)
            out.append(f"- {label}: {short(result.finding.body)} — {notes}")
        out.append("")
    return out


def _communication(grade: Grade) -> list[str]:
    feedback = communication_feedback(grade)
    if not feedback.advice and not feedback.notes:
        return []
    out = ["## How the review reads (advice, not scored)", ""]
    out += [f"- {advice}" for advice in feedback.advice]
    for index, notes in sorted(feedback.notes.items()):
        out += [f"- {finding_label(grade, index)}: {note}" for note in notes]
    return [*out, ""]


def render_markdown(grade: Grade, tree: SourceTree) -> str:
    subject = grade.exercise or str(grade.key.source)
    score = grade.score
    out = [f"# prkit check: {subject}", ""]
    if grade.review:
        out += [f"Review: `{grade.review}`", ""]
    out += [f"> warning: {w}" for w in grade.warnings]
    out += [f"> flag: {f}" for f in grade.flags]
    out += _missed(grade, tree)
    out += _matched(grade, "partial", "Partly caught")
    out += _matched(grade, "caught", "Caught")
    out += _findings(grade)
    out += _communication(grade)
    counts = [sum(r.status == s for r in grade.issues) for s in ("caught", "partial", "missed")]
    out += [
        "## Score",
        "",
        "| caught | partial | missed | recall | weighted recall | precision | F1 |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {counts[0]} | {counts[1]} | {counts[2]} | {score.recall:.0%} "
        f"| {score.weighted_recall:.0%} | {score.precision:.0%} | {score.f1:.0%} |",
        "",
    ]
    out += [f"{line}  " for line in practice_lines(grade)]
    return "\n".join(out)
