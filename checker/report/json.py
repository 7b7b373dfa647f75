"""JSON report: the machine-readable contract of DESIGN.md §8."""

import json
from typing import Any

from checker.feedback import communication_feedback
from checker.grading import Grade


def grade_to_dict(grade: Grade) -> dict[str, Any]:
    """The report as plain data; keys and statuses follow DESIGN.md §8."""
    feedback = communication_feedback(grade)
    practice = grade.practice
    return {
        "exercise": grade.exercise,
        "key": str(grade.key.source),
        "issues": [
            {
                "id": r.issue.id,
                "severity": r.issue.severity,
                "category": r.issue.category,
                "title": r.issue.title,
                "status": r.status,
                "findings": r.findings,
                "reasons": list(r.best.reasons) if r.best else [],
                "missing": r.best.missing if r.best else "",
            }
            for r in grade.issues
        ],
        "findings": [
            {
                "index": f.finding.index,
                "status": f.status,
                "issues": f.issues,
                "decoys": f.decoys,
                "path": f.finding.path,
                "line": f.finding.line,
                "end_line": f.finding.end_line,
                "severity": f.finding.severity,
                "label": f.finding.label,
                "reasons": f.reasons,
                "flags": f.flags,
                "feedback": feedback.notes.get(f.finding.index, []),
            }
            for f in grade.findings
        ],
        "score": {
            "recall": grade.score.recall,
            "weighted_recall": grade.score.weighted_recall,
            "precision": grade.score.precision,
            "f1": grade.score.f1,
        },
        "warnings": grade.warnings,
        "flags": grade.flags,
        "feedback": feedback.advice,
        "practice": {
            "hints": [{"level": level, "issue": issue} for level, issue in practice.hints],
            "seconds_taken": practice.seconds_taken,
            "suggested_minutes": practice.suggested_minutes,
        },
    }


def render_json(grade: Grade) -> str:
    return json.dumps(grade_to_dict(grade), indent=2)


def render_jsonl(grade: Grade) -> str:
    """One line; `review` names the graded file (DESIGN.md §8)."""
    data = grade_to_dict(grade)
    data["review"] = str(grade.review) if grade.review else None
    return json.dumps(data, separators=(",", ":"))
