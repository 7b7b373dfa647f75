"""Grading: compare a review's findings with an answer key (DESIGN.md §7)."""

from checker.grading.grade import grade_file, grade_review
from checker.grading.model import (
    FindingResult,
    Grade,
    IssueResult,
    Practice,
    Score,
    SourceTree,
)

__all__ = [
    "FindingResult",
    "Grade",
    "IssueResult",
    "Practice",
    "Score",
    "SourceTree",
    "grade_file",
    "grade_review",
]
