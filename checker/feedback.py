"""Advice on how the review reads: severity, actionability, tone, praise and order.

Interviewers judge how feedback is communicated, not only which bugs are found. This is
advice printed beside the score, never part of it.
"""

import re
from dataclasses import dataclass, field

from checker.grading import Grade
from checker.key import SEVERITIES

HARSH = re.compile(
    r"\b(obviously|clearly|simply|just|stupid|dumb|lazy|sloppy|terrible|awful|horrible|"
    r"ridiculous|nonsense|idiot\w*|wtf|of course|everyone knows|any junior)\b",
    re.IGNORECASE,
)
ACTION = re.compile(
    r"\b(use|instead|should|replace|switch|add|wrap|move|pass|consider|prefer|reuse|"
    r"rather than|better to|needs? to|must|please|suggest|recommend|let's|could you|"
    r"fix(?:ed)? by|change (?:it|this) to|go through|route)\b|->|→",
    re.IGNORECASE,
)
# Sentences that start with an imperative say what to do: "Keep the pairs together."
IMPERATIVE = re.compile(
    r"(?:^|[.!?:;]\s+|\n\s*)(?:keep|send|return|move|pass|make|create|filter|sort|validate|"
    r"check|wrap|log|raise|catch|cancel|close|batch|compute|split|call|await|read|write|"
    r"store|cache|replace|remove|drop|add|use|switch|rename|extract|guard|cap|limit|bound|"
    r"retry|honou?r|respect|record|count|normali[sz]e|pin|seed|set|build|share|reuse|fetch|"
    r"escape|encode|stream|stop|skip|load|parse|hold|run|put|give|ask|tell|let|lower|raise|"
    r"turn|delete|inject|restore|revert|schedule|acquire|release|bump)\b",
    re.IGNORECASE,
)
PRAISE = re.compile(
    r"^\s*(nice|good|great|love|i like|thanks|thank you|well done|clean|neat|solid|"
    r"kudos|good call|props)\b",
    re.IGNORECASE,
)


@dataclass
class Feedback:
    """Advice for the whole review and notes per finding (finding index -> notes)."""

    advice: list[str] = field(default_factory=list)
    notes: dict[int, list[str]] = field(default_factory=dict)

    def note(self, index: int, text: str) -> None:
        self.notes.setdefault(index, []).append(text)


def _rank(severity: str | None) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def communication_feedback(grade: Grade) -> Feedback:
    """How prioritised, specific, actionable and kind the review reads."""
    feedback = Feedback()
    severities = {r.issue.id: r.issue.severity for r in grade.issues}
    graded = [f for f in grade.findings if f.is_graded]
    unrated = 0
    for result in graded:
        finding = result.finding
        key_severities = sorted((severities[i] for i in result.issues), key=_rank)
        expected = key_severities[0] if key_severities else None
        stated = finding.severity
        if stated is None and finding.label is None:
            unrated += 1
        elif stated and expected and stated != expected:
            feedback.note(
                finding.index, f"rated {stated}; the key rates {result.issues[0]} {expected}"
            )
        says_what_to_do = ACTION.search(finding.body) or IMPERATIVE.search(finding.body)
        if (stated == "blocker" or expected == "blocker") and not says_what_to_do:
            feedback.note(
                finding.index,
                "it is about a blocker: say what to do instead, not only what is wrong",
            )
        harsh = sorted({m.group(0).lower() for m in HARSH.finditer(finding.body)})
        if harsh:
            words = ", ".join(f"'{w}'" for w in harsh)
            feedback.note(finding.index, f"{words} can read as dismissive; state the facts")
    if unrated:
        feedback.advice.append(
            f"{unrated} of {len(graded)} findings state no severity: label them "
            "(issue (blocking):, suggestion:, nitpick:) so the author knows what must change"
        )
    praised = any(f.is_praise or PRAISE.search(f.finding.body) for f in grade.findings)
    if grade.findings and not praised:
        feedback.advice.append(
            "no praise: one sincere remark on what the PR does well makes the rest easier to hear"
        )
    ranks = [
        min((_rank(severities[i]) for i in f.issues), default=_rank(f.finding.severity))
        for f in graded
    ]
    if ranks and min(ranks) < len(SEVERITIES):
        first_serious = ranks.index(min(ranks))
        if first_serious > max(1, len(ranks) // 3):
            feedback.advice.append(
                f"the most severe finding is finding {graded[first_serious].finding.index}, "
                f"after {first_serious} others: lead with the blockers"
            )
    return feedback
