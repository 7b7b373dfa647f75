"""Reviews that try to collect credit without reviewing, spotted before grading.

Four shapes are recognised and flagged in the report: a finding that is a list of
keywords, the same remark repeated on line after line, text copied from the PR
description, and a spray of far more findings than a review has (then only prose
statements earn credit, and no partial credit is given).
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from checker.grading.text import statements, tokens
from checker.review import Finding

REPEATS_FLAGGED = 5  # this many findings with the same text are one remark, sprayed
COPY_SHARE = 0.6  # share of a finding's word 4-grams found in the PR description
SPRAY_FACTOR = 3  # more findings than this many per key issue (and at least SPRAY_MIN)
SPRAY_MIN = 40
# English words that make a statement of a run of words; Python keywords are left out,
# so that a run of code words is not taken for a sentence.
FUNCTION_WORDS = frozenset(
    """the a an this that these those it its of to into on at by so but than then which
    when where because should would could can will does doesn t isn there here we you they
    our your no all any every each only also too per via instead without never always be
    are was were has have had there s""".split()
)


def is_prose(text: str) -> bool:
    """A statement in English, not a run of code words."""
    words = tokens(text)
    return len(words) >= 5 and any(w in FUNCTION_WORDS for w in words)


@dataclass
class Screen:
    """What the screening found: findings to ignore, flags, and whether it is a spray."""

    ignored: dict[int, str] = field(default_factory=dict)  # finding index -> why
    flags: list[str] = field(default_factory=list)
    sprayed: bool = False


def _grams(words: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def screen(findings: Sequence[Finding], issue_count: int, pr_description: str | None) -> Screen:
    """Flag the ways a review can game the grader; see the module docstring."""
    result = Screen()
    described = _grams(tokens(pr_description)) if pr_description else set()
    for finding in findings:
        words = tokens(finding.body)
        said = statements(finding.body)
        if len(words) >= 8 and said and all(s.is_keyword_list for s in said):
            result.ignored[finding.index] = "a list of keywords, not a statement"
        grams = _grams(words)
        if described and len(words) >= 6 and grams:
            share = len(grams & described) / len(grams)
            if share >= COPY_SHARE:
                result.ignored[finding.index] = "repeats the PR description"
    copied = sum(why == "repeats the PR description" for why in result.ignored.values())
    if copied:
        result.flags.append(f"{copied} finding(s) repeat the PR description: no credit")
    lists = sum(why.startswith("a list of keywords") for why in result.ignored.values())
    if lists:
        result.flags.append(f"{lists} finding(s) are keyword lists, not statements: no credit")
    same = Counter(" ".join(tokens(f.body)) for f in findings if f.body.strip())
    text, count = same.most_common(1)[0] if same else ("", 0)
    if count >= REPEATS_FLAGGED:
        shown = re.sub(r"\s+", " ", text)[:40]
        result.flags.append(f"{count} findings say the same thing ('{shown}')")
    if len(findings) > max(SPRAY_MIN, SPRAY_FACTOR * issue_count):
        result.sprayed = True
        result.flags.append(
            f"{len(findings)} findings for a PR with {issue_count} known issues: a spray, so "
            "only plain statements at the right lines earn credit, and nothing earns partial credit"
        )
    return result
