"""Concept matching: does one statement of a finding name every concept of an issue?

A concept is a group of alternative words or phrases; an alternative matches a run of the
finding's words when each of its words is a prefix of, or has the same stem as, the
corresponding word ("concurren" matches "concurrency", "retry" matches "retries").
Evidence must come from one coherent statement: a window of at most two consecutive
sentences that are not keyword lists.
"""

from dataclasses import dataclass
from itertools import pairwise

from checker.grading.text import Statement, stem, tokens

MAX_WINDOW_WORDS = 90


@dataclass(frozen=True)
class ConceptEvidence:
    """Which concept groups one window of a finding names, and by which words."""

    matched: tuple[str | None, ...]  # per group: the alternative found, or None
    window: str

    @property
    def complete(self) -> bool:
        return all(m is not None for m in self.matched)

    @property
    def count(self) -> int:
        return sum(m is not None for m in self.matched)


def _word_matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern) or (len(pattern) > 3 and stem(word) == stem(pattern))


def alternative_in(alternative: str, words: tuple[str, ...]) -> bool:
    """True when the words contain the alternative's words consecutively."""
    pattern = tokens(alternative)
    if not pattern:
        return False
    span = len(pattern)
    return any(
        all(_word_matches(p, w) for p, w in zip(pattern, words[i : i + span], strict=True))
        for i in range(len(words) - span + 1)
    )


def _windows(found: list[Statement]) -> list[tuple[str, tuple[str, ...]]]:
    prose = [s for s in found if not s.is_keyword_list]
    windows = [(s.text, s.words) for s in prose]
    for first, second in pairwise(prose):
        words = first.words + second.words
        if len(words) <= MAX_WINDOW_WORDS:
            windows.append((f"{first.text} {second.text}", words))
    return windows


def best_evidence(
    groups: tuple[tuple[str, ...], ...], found: list[Statement]
) -> ConceptEvidence | None:
    """The window naming the most concept groups (None if it names none)."""
    best: ConceptEvidence | None = None
    for text, words in _windows(found):
        matched = tuple(
            next((a for a in group if alternative_in(a, words)), None) for group in groups
        )
        evidence = ConceptEvidence(matched, text)
        if evidence.count and (best is None or evidence.count > best.count):
            best = evidence
            if evidence.complete:
                break
    return best
