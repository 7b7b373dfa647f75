"""Conventional Comments labels and severity words.

A finding's severity comes from, in order: a severity decoration (``issue (blocking):``,
``issue (major):``; ``non-blocking`` says nothing), the label ``nitpick`` (or ``nit``), a
severity word at the start of the text (``**Major**:``, ``[blocker]``, ``(minor)``,
``Severity: major``, ``Nit -``), the default of the section it sits in, else None.
``praise`` never has a severity.

Severity synonyms, accepted wherever a severity is read (fields, words, headings):

=========  ============================================
blocker    blocker, blocking, critical, showstopper
major      major, high, important
minor      minor, medium, moderate, low
nit        nit, nitpick, trivial, cosmetic
=========  ============================================
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

LABELS = (
    "praise",
    "nitpick",
    "suggestion",
    "issue",
    "todo",
    "question",
    "thought",
    "chore",
    "note",
    "typo",
    "polish",
    "quibble",
)
_LABEL_ALIASES = {"nit": "nitpick"}

SEVERITY_SYNONYMS = {
    "blocker": "blocker",
    "blocking": "blocker",
    "critical": "blocker",
    "showstopper": "blocker",
    "major": "major",
    "high": "major",
    "important": "major",
    "minor": "minor",
    "medium": "minor",
    "moderate": "minor",
    "low": "minor",
    "nit": "nit",
    "nitpick": "nit",
    "trivial": "nit",
    "cosmetic": "nit",
}

_E = r"[*_]{0,3}"  # emphasis markers left in text that was not flattened
_LABEL = re.compile(
    rf"^\s*{_E}\s*(?P<tick>`)?(?P<label>{'|'.join([*LABELS, *_LABEL_ALIASES])})\s*"
    rf"(?:\((?P<decorations>[^()\n]*)\))?\s*{_E}\s*:(?(tick)`)\s*{_E}\s*",
    re.IGNORECASE,
)
_SEPARATOR = r"(?:[:|]|[-\u2013\u2014]+)"
_SEVERITY_PREFIXES = (
    # [blocker]  (minor)  [severity: major]
    rf"^\s*{_E}\s*[\[(]\s*(?:severity\s*[:=]?\s*)?(?P<word>[a-z-]+)\s*[\])]\s*{_E}\s*"
    rf"{_SEPARATOR}?\s*{_E}\s*",
    # Severity: major
    rf"^\s*{_E}\s*severity\s*{_E}\s*[:=\-\u2013\u2014]\s*{_E}\s*(?P<word>[a-z-]+)\b\s*{_E}\s*"
    rf"(?:[.,;]|{_SEPARATOR})?\s*{_E}\s*",
    # Major: ...  Blocker - ...  **Minor issue**: ...
    rf"^\s*{_E}\s*(?P<word>[a-z-]+)(?:\s+(?:issue|bug|problem|priority|severity|finding))?"
    rf"\s*{_E}\s*(?::|\s[-\u2013\u2014|]+|[-\u2013\u2014|]+\s)\s*{_E}\s*",
)
_SEVERITY_PREFIX = [re.compile(pattern, re.IGNORECASE) for pattern in _SEVERITY_PREFIXES]
_TITLE_NOUNS = r"issues?|comments?|findings?|problems?|bugs?|points?|things?|ones?|priority"
_SEVERITY_TITLE = re.compile(
    rf"^\s*(?:severity\s*[:\-]\s*)?(?P<word>[a-z-]+)(?:\s+(?:{_TITLE_NOUNS}))?\s*:?\s*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_NEGATIONS = frozenset({"no", "not", "non"})


def normalise_severity(word: str) -> str | None:
    """The severity a word names (``Blockers`` -> ``blocker``), or None."""
    key = word.strip().lower()
    if key not in SEVERITY_SYNONYMS and key.endswith("s"):
        key = key[:-1]
    return SEVERITY_SYNONYMS.get(key)


def heading_severity(text: str) -> str | None:
    """The default severity a section heading gives (``## Minor issues`` -> ``minor``).

    None when the heading names no severity or several different ones. ``blocking`` counts
    only as a title of its own (``## Blocking``, ``## Blocking issues``), not in a topic
    such as ``## Blocking calls``; a negated word (``## Non-blocking``) does not count.
    """
    words = _WORD.findall(text.lower())
    found = set()
    for position, word in enumerate(words):
        following = words[position + 1] if position + 1 < len(words) else None
        if position and words[position - 1] in _NEGATIONS:
            continue
        if (
            word == "blocking"
            and following is not None
            and not re.fullmatch(_TITLE_NOUNS, following)
        ):
            continue
        severity = normalise_severity(word)
        if severity is not None:
            found.add(severity)
    return found.pop() if len(found) == 1 else None


def severity_title(text: str) -> str | None:
    """The severity of a paragraph that is only a title, such as ``**Nits:**``, or None."""
    match = _SEVERITY_TITLE.match(text)
    return None if match is None else normalise_severity(match["word"])


@dataclass(frozen=True)
class Conventions:
    """The label, decorations and severity read from a finding's texts."""

    label: str | None
    decorations: tuple[str, ...]
    severity: str | None
    texts: tuple[str, ...]
    """The texts with the label and severity marks removed."""


def apply_conventions(
    texts: Sequence[str],
    default_severity: str | None = None,
    *,
    leading: int = 1,
    label: str | None = None,
    decorations: tuple[str, ...] = (),
) -> Conventions:
    """Read the Conventional Comments label and severity marks of a finding.

    Marks are looked for at the start of each of the first `leading` texts (a heading's
    title and the paragraph under it) and removed from them. A `label` given by the caller
    (a data field) wins over one written in the text.
    """
    found_label: str | None = None
    found_decorations: tuple[str, ...] = ()
    word_severity: str | None = None
    stripped = list(texts)
    for position in range(min(leading, len(stripped))):
        marks = _read_marks(stripped[position])
        stripped[position] = marks.rest.strip()
        if found_label is None:
            found_label, found_decorations = marks.label, marks.decorations
        word_severity = word_severity or marks.severity
    label = normalise_label(label) if label else found_label
    decorations = decorations or found_decorations
    severity = _resolve(label, decorations, word_severity, default_severity)
    return Conventions(label, decorations, severity, tuple(stripped))


def marks_length(text: str) -> int:
    """How many characters of `text` are label and severity marks (0 when none)."""
    marks = _read_marks(text)
    found = marks.label is not None or marks.severity is not None
    return len(text) - len(marks.rest) if found else 0


def normalise_label(label: str) -> str:
    """A label lower-cased, ``nit`` spelled ``nitpick``."""
    key = label.strip().lower()
    return _LABEL_ALIASES.get(key, key)


@dataclass(frozen=True)
class _Marks:
    label: str | None
    decorations: tuple[str, ...]
    severity: str | None
    rest: str


def _read_marks(text: str) -> _Marks:
    """Strip a label and a severity mark, in either order, from the start of `text`."""
    label: str | None = None
    decorations: tuple[str, ...] = ()
    severity: str | None = None
    while True:
        match = _LABEL.match(text) if label is None else None
        if match is not None:
            label = normalise_label(match["label"])
            decorations = _split_decorations(match["decorations"] or "")
            text = text[match.end() :]
            continue
        match = _severity_prefix(text) if severity is None else None
        if match is None:
            return _Marks(label, decorations, severity, text)
        severity = normalise_severity(match["word"])
        text = text[match.end() :]


def _severity_prefix(text: str) -> re.Match[str] | None:
    for pattern in _SEVERITY_PREFIX:
        match = pattern.match(text)
        if match is not None and normalise_severity(match["word"]) is not None:
            return match
    return None


def _split_decorations(text: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in text.split(",") if part.strip())


def _resolve(
    label: str | None, decorations: tuple[str, ...], word: str | None, default: str | None
) -> str | None:
    if label == "praise":
        return None
    for decoration in decorations:
        severity = normalise_severity(decoration)
        if severity is not None:
            return severity
    if label == "nitpick":
        return "nit"
    return word or default
