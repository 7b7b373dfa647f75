"""Matching by description: the only matcher for issues without concepts (plain keys),
and a second opinion for those with (grade.py).

Each issue's description becomes a bag of terms: stems, with the words reviewers use
interchangeably folded into one term, each weighted by how rare it is among the key's
issues. A statement of a finding scores the weight of the description's terms it names,
plus, at a lower rate, those of the code at the lines the finding cites, divided by the
square root of the description's total weight (long descriptions need more evidence, but
not proportionally more). The finding's first sentence, usually its title, counts in
every statement. A statement identifies an issue when it scores at least `THRESHOLD`
and at least `RIVAL` times the best score any issue gets from the same finding, so a
finding about one problem does not also catch its neighbours through shared words; a
statement that reaches the threshold for `CATALOGUE` issues at once is a list and counts
for none.
"""

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from checker.grading.text import STOPWORDS, Statement, stem, tokens

_IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:[_.][A-Za-z0-9]+)+\b|\b[a-z]+[A-Z]\w*\b")
_CODE = re.compile(r"`[^`\n]*`|" + _IDENTIFIER.pattern)  # code spans and code names

THRESHOLD = 1.4  # weight a statement must name, over the square root of the description's
RIVAL = 0.4  # another issue counts too when it scores at least this share of the best
CODE_RATE = 0.5  # a term found only in the cited code counts at this rate
PART_RATE = 0.5  # a word a description has only inside code names weighs this much
MIN_OWN_SHARE = 0.5  # the finding's own words must carry this share of the threshold
CATALOGUE = 4  # a statement describing this many issues at once is a list, not a finding
UNRELATED_ISSUES = 15  # rarity is reckoned as if the key had this many more, unrelated issues

# Groups of words reviewers use interchangeably; each word stands for its whole group.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "concurren",
        "parallel",
        "simultaneous",
        "at once",
        "in flight",
        "in-flight",
        "at the same time",
        "same instant",
        "same moment",
        "at a time",
        "together",
        "in one burst",
    ),
    (
        "unbounded",
        "unlimited",
        "no limit",
        "without limit",
        "uncapped",
        "does nothing",
        "never waits",
        "limits nothing",
    ),
    ("limit", "cap", "bound", "throttl", "semaphore", "gate"),
    ("block", "synchronous", "stall", "freez", "halt", "holds up"),
    ("retry", "retri", "try again", "tries again", "another attempt"),
    ("timeout", "time out", "hang", "forever", "never return", "waited on"),
    ("secret", "api key", "apikey", "credential", "password"),
    ("leak", "expos", "reveal", "readable", "plain text", "plaintext"),
    ("swallow", "ignor", "suppress", "silent", "discard", "forget", "forgets"),
    ("error", "exception", "failure", "fail", "crash"),
    ("order", "sequence", "position", "age order", "oldest first", "oldest at the top"),
    ("truncat", "cut off", "cut short", "mid-sentence", "half-finished", "incomplete", "stops mid"),
    ("none", "null", "empty", "no text", "without text"),
    ("client", "sdk instance", "connection pool", "session"),
    ("test", "assert", "pytest", "mock", "fake", "stub"),
    ("name", "naming", "snake_case", "camelcase", "convention", "inconsistent"),
    (
        "duplicat",
        "reimplement",
        "copy",
        "already exist",
        "existing helper",
        "home-made",
        "hand-written",
        "hand-rolled",
    ),
    ("rate limit", "429", "too many requests", "quota", "turning some requests away"),
    ("task", "fire-and-forget", "create_task", "background", "unawaited", "not awaited"),
    ("real api", "real service", "network", "internet", "live api", "paid request"),
)

# Words of code-review prose that say nothing about which problem is meant.
FILLER = frozenset(
    """code function method line lines file issue problem bug pr value data make makes way
    need needs new one two first thing things get gets set sets call calls called result
    results instead also even every still whole""".split()
)


def _fold() -> tuple[dict[str, str], dict[str, list[tuple[tuple[str, ...], str]]]]:
    """One-word synonyms by stem, and multi-word ones by first word: both -> group term."""
    words: dict[str, str] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for group in SYNONYM_GROUPS:
        term = f"~{group[0]}"
        for alternative in group:
            parts = tuple(tokens(alternative))
            if len(parts) == 1:
                words.setdefault(stem(parts[0]), term)
            elif parts:
                phrases.setdefault(parts[0], []).append((parts, term))
    return words, phrases


_SYNONYM_OF, _PHRASES = _fold()


def terms(text: str) -> dict[str, str]:
    """The content terms of TEXT, each with the first word that expressed it."""
    words = tokens(text)
    found: dict[str, str] = {}
    for i, word in enumerate(words):
        for phrase, term in _PHRASES.get(word, ()):
            if tuple(words[i : i + len(phrase)]) == phrase:
                found.setdefault(term, " ".join(phrase))
        if word in STOPWORDS or word in FILLER or len(word) < 3:
            continue
        root = stem(word)
        found.setdefault(_SYNONYM_OF.get(root, root), word)
    for name in _IDENTIFIER.findall(text):
        found.setdefault(f"`{name.lower()}", name)
    return found


def _in_identifiers(text: str) -> set[str]:
    """Terms that TEXT has only inside code names (MISTRAL_API_KEY: mistral, api, key)."""
    inside = set(terms(" ".join(_IDENTIFIER.findall(text))))
    outside = set(terms(_IDENTIFIER.sub(" ", text)))
    return {t for t in inside - outside if not t.startswith("`")}


@dataclass(frozen=True)
class TermEvidence:
    """How strongly one statement of a finding describes an issue, and by which words."""

    score: float
    words: tuple[str, ...]  # the finding's own words that matched the description
    code_words: tuple[str, ...]  # matched only in the code the finding cites
    window: str


class Descriptions:
    """The prose descriptions of a key's issues, weighted for matching findings."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._terms = {issue: set(terms(text)) for issue, text in texts.items()}
        frequency: dict[str, int] = {}
        for found in self._terms.values():
            for term in found:
                frequency[term] = frequency.get(term, 0) + 1
        total = len(texts) + UNRELATED_ISSUES
        rarity = {t: math.log((total + 1) / (n + 0.5)) for t, n in frequency.items()}
        self._weights: dict[str, dict[str, float]] = {}
        for issue, found in self._terms.items():
            parts = _in_identifiers(texts[issue])
            self._weights[issue] = {
                t: rarity[t] * (PART_RATE if t in parts else 1.0) for t in found
            }
        self._postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for issue, weights in self._weights.items():
            for term, weight in weights.items():
                self._postings[term].append((issue, weight))
        self._norm = {
            issue: math.sqrt(sum(weights.values())) or 1.0
            for issue, weights in self._weights.items()
        }

    def _scores(
        self, said: dict[str, str], code: dict[str, str], in_code: dict[str, float]
    ) -> dict[str, float]:
        """How well words SAID (and the cited CODE, at a lower rate) describe each issue.

        IN_CODE is the weight per issue of CODE's terms; issues whose own words say too
        little are left out.
        """
        own: dict[str, float] = defaultdict(float)
        shared: dict[str, float] = defaultdict(float)
        for term in said:
            for issue, weight in self._postings.get(term, ()):
                own[issue] += weight
                if term in code:
                    shared[issue] += weight
        scores = {}
        for issue, weight in own.items():
            norm = self._norm[issue]
            if weight / norm >= MIN_OWN_SHARE * THRESHOLD:
                extra = in_code.get(issue, 0.0) - shared[issue]
                scores[issue] = (weight + CODE_RATE * extra) / norm
        return scores

    def _evidence(
        self, issue: str, window: tuple[str, dict[str, str]], code: dict[str, str], score: float
    ) -> TermEvidence:
        text, said = window
        weight_of = self._weights[issue].__getitem__
        own = self._terms[issue].intersection(said)
        extra = self._terms[issue].intersection(code).difference(own)
        words = _distinct(said[t] for t in sorted(own, key=weight_of, reverse=True))
        shown = _distinct(code[t] for t in sorted(extra, key=weight_of, reverse=True))
        return TermEvidence(round(score, 3), words, shown, text)

    def matches(
        self, said: list[Statement], code_lines: Iterable[str], *, prose_only: bool = False
    ) -> "Described":
        """The issues one finding identifies, strongest first.

        PROSE_ONLY (for sprays): only words written as prose count, not code names in
        the text nor the code at the cited lines.
        """
        prose = [s for s in said if not s.is_keyword_list]
        if not prose:
            return Described([], 0)
        read = (lambda t: terms(_CODE.sub(" ", t))) if prose_only else terms
        singles = [(s.text, read(s.text)) for s in prose]
        title = singles[0][1]
        windows = [(text, {**found, **title}) for text, found in [*singles, *_pairs(singles)]]
        code = {} if prose_only else terms("\n".join(code_lines))
        in_code: dict[str, float] = defaultdict(float)
        for term in code:
            for issue, weight in self._postings.get(term, ()):
                in_code[issue] += weight
        scores = [self._scores(found, code, in_code) for _, found in windows]
        catalogues = {
            k
            for k, row in enumerate(scores)
            if sum(v >= THRESHOLD for v in row.values()) >= CATALOGUE
        }
        best: dict[str, tuple[float, int]] = {}
        for k, row in enumerate(scores):
            if k in catalogues:
                continue
            for issue, score in row.items():
                if score > best.get(issue, (0.0, 0))[0]:
                    best[issue] = (score, k)
        top = max((score for score, _ in best.values()), default=0.0)
        kept = [
            (issue, self._evidence(issue, windows[k], code, score))
            for issue, (score, k) in best.items()
            if score >= THRESHOLD and score >= RIVAL * top
        ]
        return Described(sorted(kept, key=lambda pair: -pair[1].score), len(catalogues))


@dataclass(frozen=True)
class Described:
    """What one finding describes: (issue id, evidence) pairs, and catalogue windows skipped."""

    matches: list[tuple[str, TermEvidence]]
    catalogues: int


def _distinct(words: Iterable[str]) -> tuple[str, ...]:
    """WORDS without those that are only part of another ('api' beside 'api key')."""
    listed = list(dict.fromkeys(words))
    parts = [set(re.split(r"[\W_]+", w.lower())) for w in listed]
    return tuple(
        w
        for w, own in zip(listed, parts, strict=True)
        if not any(w.lower() in other and len(other) > 1 for other in parts if other is not own)
    )


def _pairs(
    singles: list[tuple[str, dict[str, str]]],
) -> list[tuple[str, dict[str, str]]]:
    return [(f"{a} {b}", {**fb, **fa}) for (a, fa), (b, fb) in itertools.pairwise(singles)]
