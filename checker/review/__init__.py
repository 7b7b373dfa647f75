"""Read a candidate's review file into findings.

Markdown (the default), JSON, YAML and GitHub review-comment exports are told apart by
content; see `_load` for detection, `_markdown` for the Markdown rules, `_structured` for
the data formats, `_locations` for the location syntaxes and `_conventions` for labels
and severities.
"""

from checker.review._load import parse_review, parse_review_text
from checker.review._model import FORMATS, SEVERITIES, Finding, ParsedReview

__all__ = ["FORMATS", "SEVERITIES", "Finding", "ParsedReview", "parse_review", "parse_review_text"]
