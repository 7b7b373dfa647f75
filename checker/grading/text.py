"""Text normalisation shared by the matchers: tokens, stems, statements, identifiers."""

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")
_TOKEN = re.compile(r"[a-z0-9]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])(\s+)(?=[A-Z`*\"'(\[])|\n\s*\n|\n(?=\s*[-*+]\s)")
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|incl|etc|vs|cf|approx|esp|resp)\.$", re.IGNORECASE)
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_IDENTIFIER = re.compile(
    r"\b[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+\b"  # dotted: time.sleep
    r"|\b[A-Za-z]*_[A-Za-z0-9_]+\b"  # snake_case with an underscore
    r"|\b[a-z]+[A-Z][A-Za-z0-9]*\b"  # camelCase
    r"|\b[A-Za-z_][A-Za-z0-9_]*(?=\()"  # call: gather(
)

# Words that carry no meaning for matching.
STOPWORDS = frozenset(
    """
    a an the and or but if then else of to in on at by for with from as is are was were
    be been being it its this that these those there here which who whom what when where
    why how not no nor so than too very can could should would may might must will shall
    do does did done has have had having i we you he she they them our your their my me
    us just also only all any each every some such into out up down over under again
    further once more most other same own about above below between through during
    before after while because until use using used uses
    """.split()
)


PRAISE = re.compile(
    r"^\W*(praise|nice|good|great|love|i like|thanks|thank you|well done|clean|neat|solid|"
    r"kudos|good call|props|lgtm|looks good|overall,? (?:this |it )?looks (?:good|great|"
    r"reasonable|fine|solid|nice))\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; identifiers are split on dots, underscores and punctuation."""
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True)
class Statement:
    """A sentence of a finding, with its tokens and whether it reads like prose."""

    text: str
    words: tuple[str, ...]
    is_keyword_list: bool


# Common English words; a long "sentence" with almost none of them is a list of terms.
_GLUE = frozenset(
    """the a an this that it its of to in on at by for with from as is are was be and or but
    not no so if when which because should would can will does there here we you they
    all any every each only also than then into per""".split()
)


MAX_SENTENCE_WORDS = 150  # nobody writes a sentence this long; a dump of terms does


def _is_keyword_list(sentence: str) -> bool:
    """A run of terms rather than a statement: gives no evidence.

    Either short comma-separated terms, or a long run of words with hardly any of the
    small words every English sentence has.
    """
    separators = sum(sentence.count(mark) for mark in (",", ";", "/", "|", " - "))
    if separators < 4 and len(sentence) < 100:
        return False  # too short and too few separators to be a list of terms
    words = tokens(sentence)
    if len(words) > MAX_SENTENCE_WORDS:
        return True
    if len(words) >= 25 and sum(w in _GLUE for w in words) / len(words) < 0.08:
        return True
    parts = [p for p in re.split(r"[,;/|]|\s+-\s+", sentence) if p.strip()]
    if len(parts) < 5:
        return False
    short = sum(1 for p in parts if len(tokens(p)) <= 3)
    return short / len(parts) >= 0.7


def _sentences(text: str) -> list[str]:
    """TEXT cut at sentence ends, but not after an abbreviation ("incl.", "e.g.")."""
    pieces: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        piece = text[start : end.start()]
        if end.group(1) is not None and _ABBREVIATION.search(piece):
            continue  # "e.g. The ..." goes on
        pieces.append(piece)
        start = end.end()
    pieces.append(text[start:])
    return pieces


def statements(text: str) -> list[Statement]:
    """Split a finding into sentences (and list items) for evidence windows."""
    found: list[Statement] = []
    for raw in _sentences(text):
        sentence = raw.strip()
        if not sentence:
            continue
        words = tuple(tokens(sentence))
        if words:
            found.append(Statement(sentence, words, _is_keyword_list(sentence)))
    return found


@lru_cache(maxsize=4096)
def identifiers(text: str) -> frozenset[str]:
    """Code names a finding mentions: `code spans`, dotted names, snake_case, camelCase, calls."""
    names: set[str] = set()
    for span in _CODE_SPAN.findall(text):
        names.update(m.group(0) for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_.]*", span))
    names.update(m.group(0) for m in _IDENTIFIER.finditer(text))
    expanded = set(names)
    for name in names:
        expanded.update(part for part in name.split(".") if part)
    return frozenset(n for n in expanded if len(n) >= 3)
