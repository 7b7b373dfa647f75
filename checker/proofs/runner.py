"""Run an exercise's proofs against its PR and fixed trees, in a subprocess each."""

import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from checker.exercise import Exercise
from checker.trees import Variant, materialize


@dataclass(frozen=True)
class ProofOutcome:
    """How one proof test ended against one tree."""

    test: str  # "proofs/test_x.py::test_y", as named in issues.toml
    issue: str | None
    outcome: str  # passed | failed | error | skipped
    message: str


def _parse_junit(report: Path) -> list[ProofOutcome]:
    outcomes: list[ProofOutcome] = []
    for case in ET.parse(report).getroot().iter("testcase"):
        file = case.get("file") or ""
        name = case.get("name", "")
        classname = case.get("classname", "")
        if not file:
            file = classname.replace(".", "/") + ".py"
        issue = None
        for prop in case.iter("property"):
            if prop.get("name") == "issue":
                issue = prop.get("value")
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                outcome = {"failure": "failed"}.get(tag, tag)
                lines = (node.get("message") or "").strip().splitlines()
                message = lines[0] if lines else ""
                break
        rel = Path(file).name
        base = name.split("[", 1)[0]  # a parametrized proof holds only if every case does
        outcomes.append(ProofOutcome(f"proofs/{rel}::{base}", issue, outcome, message))
    return _merge_cases(outcomes)


RANK = {"error": 0, "failed": 1, "skipped": 2, "passed": 3}


def _merge_cases(outcomes: list[ProofOutcome]) -> list[ProofOutcome]:
    """One outcome per proof: the worst of its parametrized cases."""
    merged: dict[str, ProofOutcome] = {}
    for outcome in outcomes:
        known = merged.get(outcome.test)
        if known is None or RANK[outcome.outcome] < RANK[known.outcome]:
            merged[outcome.test] = outcome
    return list(merged.values())


def run_proofs(
    exercise: Exercise, variant: Variant, only: list[str] | None = None
) -> list[ProofOutcome]:
    """Materialize VARIANT and run the proofs of EXERCISE (or ONLY those named) against it."""
    with tempfile.TemporaryDirectory(prefix=f"prkit-{exercise.slug}-{variant}-") as scratch:
        base = Path(scratch)
        targets = [str(exercise.solution / ref) for ref in only] if only else [str(exercise.proofs)]
        tree = materialize(exercise, variant, base / "tree")
        report = base / "report.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            *targets,
            "-p",
            "checker.proofs.plugin",
            "-p",
            "no:cacheprovider",
            f"--prkit-tree={tree}",
            f"--prkit-variant={variant}",
            f"--junitxml={report}",
            "-o",
            "junit_family=xunit1",
            "-q",
            "--no-header",
            "-rN",
            "--rootdir",
            str(exercise.proofs),
        ]
        subprocess.run(command, cwd=base, capture_output=True, text=True, check=False)
        if not report.exists():
            return []
        return _parse_junit(report)
