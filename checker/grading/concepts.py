"""Concept matching: does one statement of a finding name every concept of an issue?

A concept is a group of alternative words or phrases; an alternative matches a run of the
finding's words when each of its words is a prefix of, or has the same stem as, the
corresponding word ("concurren" matches "concurrency", "retry" matches "retries"); a
one-letter word only matches itself (the "o" of "i/o").
Evidence must come from one coherent statement: a window of at most two consecutive
sentences that are not keyword lists.

Matching is indexed: a `Vocabulary` of every alternative in a key is built once, each
sentence is scanned once for all of them, and every issue then only looks up its groups.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from checker.grading.text import Statement, stem, tokens

MAX_WINDOW_WORDS = 90
Groups = tuple[tuple[str, ...], ...]


def _word_matches(pattern: str, word: str) -> bool:
    if len(pattern) == 1:
        return word == pattern  # the "o" of "i/o" is not a prefix of every word
    return word.startswith(pattern) or (len(pattern) > 3 and stem(word) == stem(pattern))


class Vocabulary:
    """Every alternative of a key, indexed by its first word's prefixes and stem."""

    def __init__(self, alternatives: Iterable[str]) -> None:
        self._by_prefix: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        self._by_stem: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for alternative in sorted(set(alternatives)):
            words = tuple(tokens(alternative))
            if not words:
                continue
            self._by_prefix[words[0]].append((alternative, words))
            if len(words[0]) > 3:
                self._by_stem[stem(words[0])].append((alternative, words))
        self._lengths = sorted({len(first) for first in self._by_prefix})
        self._memo: dict[str, tuple[frozenset[str], tuple[tuple[str, tuple[str, ...]], ...]]] = {}

    def _candidates(
        self, word: str
    ) -> tuple[frozenset[str], tuple[tuple[str, tuple[str, ...]], ...]]:
        """Alternatives whose first word matches WORD: (one-word ones, longer ones).

        Memoised: the same words come back in finding after finding.
        """
        cached = self._memo.get(word)
        if cached is None:
            found = [
                c
                for k in self._lengths
                if k <= len(word) and (k > 1 or len(word) == 1)  # see _word_matches
                for c in self._by_prefix.get(word[:k], ())
            ]
            found += self._by_stem.get(stem(word), ())
            singles = frozenset(a for a, pattern in found if len(pattern) == 1)
            longer = tuple(dict.fromkeys((a, p) for a, p in found if len(p) > 1))
            cached = (singles, longer)
            self._memo[word] = cached
        return cached

    def found(self, words: tuple[str, ...]) -> frozenset[str]:
        """The alternatives that occur in WORDS."""
        hits: set[str] = set()
        count = len(words)
        for i, word in enumerate(words):
            singles, longer = self._candidates(word)
            hits.update(singles)
            for alternative, pattern in longer:
                if alternative in hits or i + len(pattern) > count:
                    continue
                for k in range(1, len(pattern)):
                    if not _word_matches(pattern[k], words[i + k]):
                        break
                else:
                    hits.add(alternative)
        return frozenset(hits)


@dataclass(frozen=True)
class Window:
    """One statement (a sentence, or two consecutive ones) and the alternatives it names."""

    text: str
    found: frozenset[str]


def windows(said: list[Statement], vocabulary: Vocabulary) -> list[Window]:
    """Single sentences first, then consecutive pairs; keyword lists give no evidence."""
    prose = [s for s in said if not s.is_keyword_list]
    singles = [Window(s.text, vocabulary.found(s.words)) for s in prose]
    pairs = [
        Window(f"{a.text} {b.text}", wa.found | wb.found)
        for (a, wa), (b, wb) in pairwise(zip(prose, singles, strict=True))
        if len(a.words) + len(b.words) <= MAX_WINDOW_WORDS
    ]
    return singles + pairs


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


@lru_cache(maxsize=4096)
def _alternatives(groups: Groups) -> frozenset[str]:
    return frozenset(a for group in groups for a in group)


def named_anywhere(found: list[Window]) -> frozenset[str]:
    """Every alternative a finding names, in any of its windows."""
    return frozenset().union(*(w.found for w in found)) if found else frozenset()


def best_evidence(
    groups: Groups, found: list[Window], named: frozenset[str] | None = None
) -> ConceptEvidence | None:
    """The window naming the most concept groups (None if it names none).

    NAMED, when given, is `named_anywhere(found)`: a quick way out for most issues.
    """
    if (named if named is not None else named_anywhere(found)).isdisjoint(_alternatives(groups)):
        return None
    best: ConceptEvidence | None = None
    for window in found:
        matched = tuple(next((a for a in group if a in window.found), None) for group in groups)
        evidence = ConceptEvidence(matched, window.text)
        if evidence.count and (best is None or evidence.count > best.count):
            best = evidence
            if evidence.complete:
                break
    return best
