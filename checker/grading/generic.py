"""Concepts for issues that come without any: derived from the title's content words.

Each content word of the title becomes a concept group, widened with synonyms common in
code review. An issue is identified when enough of those groups are named in one statement.
"""

import math

from checker.grading.text import STOPWORDS, stem, tokens

# Groups of words reviewers use interchangeably; each word maps to its whole group.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("concurren", "parallel", "simultaneous", "at once", "in flight", "in-flight", "gather"),
    ("unbounded", "unlimited", "no limit", "without limit", "uncapped", "every request"),
    ("limit", "cap", "bound", "throttl", "semaphore", "max"),
    ("block", "synchronous", "sync", "stall", "freez"),
    ("retry", "retri", "backoff", "back off", "re-try", "try again"),
    ("timeout", "time out", "hang", "forever", "never return"),
    ("secret", "api key", "apikey", "token", "credential", "password"),
    ("leak", "expos", "reveal", "print", "log"),
    ("swallow", "ignor", "suppress", "silent", "hide", "discard", "drop"),
    ("error", "exception", "failure", "fail", "crash"),
    ("order", "sequence", "position", "align", "mismatch", "shuffl"),
    ("truncat", "cut off", "length", "incomplete", "max_tokens"),
    ("none", "null", "empty", "missing"),
    ("client", "sdk instance", "connection pool", "session"),
    ("test", "assert", "pytest", "mock", "fake"),
    ("name", "naming", "snake_case", "camelcase", "convention", "inconsistent"),
    ("duplicat", "reimplement", "copy", "already exist", "existing helper"),
    ("rate limit", "429", "too many requests", "quota", "throttl"),
    ("task", "fire-and-forget", "create_task", "background", "unawaited", "not awaited"),
)

_BY_STEM: dict[str, tuple[str, ...]] = {}
for _group in SYNONYM_GROUPS:
    for _word in _group:
        for _token in tokens(_word)[:1]:
            _BY_STEM.setdefault(stem(_token), ())
            _BY_STEM[stem(_token)] = tuple(dict.fromkeys(_BY_STEM[stem(_token)] + _group))


def derived_concepts(title: str) -> tuple[tuple[str, ...], ...]:
    """One group per content word of TITLE, each widened with its synonyms."""
    groups: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for word in tokens(title):
        if word in STOPWORDS or len(word) < 3 or stem(word) in seen:
            continue
        seen.add(stem(word))
        groups.append(tuple(dict.fromkeys((word, *_BY_STEM.get(stem(word), ())))))
    return tuple(groups)


def needed(groups: int) -> int:
    """How many derived groups one statement must name to identify the issue."""
    return groups if groups <= 2 else max(2, math.ceil(groups * 0.6))
