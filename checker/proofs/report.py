"""Show proof runs: each serious issue failing on the PR and passing on the fix."""

from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

from checker.exercise import Exercise
from checker.key import AnswerKey, Issue
from checker.proofs.runner import ProofOutcome, run_proofs
from checker.trees import Variant


@dataclass(frozen=True)
class ProofVerdict:
    issue: Issue
    on_pr: ProofOutcome | None
    on_fixed: ProofOutcome | None

    @property
    def holds(self) -> bool:
        return (
            self.on_pr is not None
            and self.on_fixed is not None
            and self.on_pr.outcome == "failed"
            and self.on_fixed.outcome == "passed"
        )


def verify(
    exercise: Exercise, key: AnswerKey, issues: list[Issue], console: Console
) -> list[ProofVerdict]:
    """Run the proofs of ISSUES against both trees, with a spinner while they run."""
    refs = [i.proof for i in issues if i.proof and not i.proof_is_static]
    results: dict[Variant, dict[str, ProofOutcome]] = {}
    for variant, label in ((Variant.PR, "the pull request"), (Variant.FIXED, "the fixed version")):
        with console.status(f"running {len(refs)} proofs against {label}…"):
            results[variant] = {o.test: o for o in run_proofs(exercise, variant, refs)}
    return [
        ProofVerdict(i, results[Variant.PR].get(i.proof), results[Variant.FIXED].get(i.proof))
        for i in issues
        if i.proof and not i.proof_is_static
    ]


def _cell(outcome: ProofOutcome | None, expected: str) -> Text:
    if outcome is None:
        return Text("not run", style="bold red")
    style = "green" if outcome.outcome == expected else "bold red"
    return Text(outcome.outcome, style=style)


def show(verdicts: list[ProofVerdict], console: Console) -> None:
    table = Table(show_header=True, header_style="bold", title="Proofs")
    table.add_column("issue", overflow="fold")
    table.add_column("severity", no_wrap=True)
    table.add_column("proof", overflow="fold")
    for column in ("on the PR", "on the fix", ""):
        table.add_column(column, no_wrap=True)
    for v in verdicts:
        table.add_row(
            v.issue.id,
            v.issue.severity,
            (v.issue.proof or "").removeprefix("proofs/"),
            _cell(v.on_pr, "failed"),
            _cell(v.on_fixed, "passed"),
            Text("✓", style="green") if v.holds else Text("✗", style="bold red"),
        )
    console.print(table)
    for v in verdicts:
        if v.on_pr is not None and v.on_pr.message:
            console.print(Text.assemble((f"{v.issue.id}", "bold"), " on the PR: ", v.on_pr.message))
        if v.on_fixed is not None and v.on_fixed.outcome != "passed":
            console.print(
                Text.assemble((f"{v.issue.id}", "bold red"), " on the fix: ", v.on_fixed.message)
            )
