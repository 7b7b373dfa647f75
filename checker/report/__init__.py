"""Report formats for a graded review, one module each: text (rich), markdown, json, jsonl.

Import the renderer you need from its module (`checker.report.json`, ...): the command
line loads only the one it uses.
"""

FORMATS = ("text", "markdown", "json", "jsonl")

__all__ = ["FORMATS"]
