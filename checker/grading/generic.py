"""Concepts for issues that come without any: derived from the title's content words.

Each content word of the title becomes a concept group, widened with synonyms common in
code review. An issue is identified when enough of those groups are named in one statement.
"""

import math

from checker.grading.text import STOPWORDS, stem, tokens

# Groups of words reviewers use interchangeably; each word maps to its whole group.
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

_BY_STEM: dict[str, tuple[str, ...]] = {}
for _group in SYNONYM_GROUPS:
    for _word in _group:
        for _token in tokens(_word)[:1]:
            _BY_STEM.setdefault(stem(_token), ())
            _BY_STEM[stem(_token)] = tuple(dict.fromkeys(_BY_STEM[stem(_token)] + _group))


# Words of code-review prose that say nothing about which problem is meant.
FILLER = frozenset(
    """code function method line lines file issue problem bug pr value data make makes way
    need needs new one two first thing things get gets set sets call calls called result
    results instead also even every still whole""".split()
)
DISTINCTIVE_TERMS = 6  # the most telling words of a description become its concepts


def _terms(text: str) -> list[str]:
    """Content words of TEXT in order, one per stem."""
    seen: set[str] = set()
    words: list[str] = []
    for word in tokens(text):
        if word in STOPWORDS or word in FILLER or len(word) < 3 or stem(word) in seen:
            continue
        seen.add(stem(word))
        words.append(word)
    return words


def derived_concepts(texts: dict[str, str]) -> dict[str, tuple[tuple[tuple[str, ...], ...], int]]:
    """Concept groups for issues described only in prose: id -> (groups, how many needed).

    Each issue keeps its most distinctive words — rare among the key's other issues,
    earliest first on ties — each widened with synonyms common in code review; one
    statement must name about half of them.
    """
    terms = {issue: _terms(text) for issue, text in texts.items()}
    frequency: dict[str, int] = {}
    for words in terms.values():
        for word in words:
            frequency[stem(word)] = frequency.get(stem(word), 0) + 1
    total = len(texts)
    derived: dict[str, tuple[tuple[tuple[str, ...], ...], int]] = {}
    for issue, words in terms.items():
        rarity = {w: math.log((total + 1) / (frequency[stem(w)] + 0.5)) for w in words}
        chosen = sorted(words, key=lambda w: (-rarity[w], words.index(w)))[:DISTINCTIVE_TERMS]
        chosen.sort(key=words.index)
        groups = tuple(tuple(dict.fromkeys((w, *_BY_STEM.get(stem(w), ())))) for w in chosen)
        derived[issue] = (groups, needed(len(groups)))
    return derived


def needed(groups: int) -> int:
    """How many derived groups one statement must name to identify the issue."""
    return groups if groups <= 2 else max(2, math.ceil(groups * 0.3))
