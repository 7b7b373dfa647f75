"""Report formats for a graded review: text (rich), markdown, json and jsonl."""

from checker.report.json import grade_to_dict, render_json, render_jsonl
from checker.report.markdown import render_markdown
from checker.report.text import render_text

FORMATS = ("text", "markdown", "json", "jsonl")

__all__ = [
    "FORMATS",
    "grade_to_dict",
    "render_json",
    "render_jsonl",
    "render_markdown",
    "render_text",
]
