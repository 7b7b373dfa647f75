"""Locations: the `path:line` prefix that anchors a finding, in all its spellings.

Accepted at the start of a text (backticks around the path or the whole location are fine):
``path:42``, ``path:42-48``, ``path:42:5`` (column ignored), ``path:L42``, ``path#L42``,
``path#L42-L48``, ``path line 42``, ``path, lines 42-48``, ``path (line 42)``, ``path L42``,
followed by an optional separator (``:``, ``-``, en and em dashes, ``|``, ``,``). A path alone
(``app/batch.py:``) is a location without a line. Inside a file's section, a line alone
(``L42:``, ``line 42:``, ``42-48:``) points into that file.
"""

import re
from dataclasses import dataclass

KNOWN_EXTENSIONS = frozenset(
    {"py", "pyi", "md", "rst", "txt", "toml", "yaml", "yml", "json", "cfg", "ini", "env"}
    | {"lock", "in", "sh", "js", "ts", "html", "css", "sql", "csv", "xml", "ipynb"}
)
KNOWN_NAMES = frozenset({"Dockerfile", "Makefile", "Procfile"})

_PATH = r"(?P<path>(?:\.{1,2}[/\\])*[\w@~+][\w@~+.\-/\\]*)"
_RANGE_END = r"(?:[-\u2013]L?(?P<{0}>\d+))?"  # -48, -L48, en dash 48
_LINES = rf"""(?:
    :`?L?(?P<c1>\d+){_RANGE_END.format("c2")}(?::\d+)?        # :42  :42-48  :42:5
  | \#L(?P<h1>\d+){_RANGE_END.format("h2")}                    # #L42  #L42-L48
  | ,?\s*\(?\s*`?(?:lines?|ll?\.)\s*`?L?(?P<w1>\d+)            # line 42  (lines 42-48)
        (?:\s*(?:[-\u2013]|to)\s*L?(?P<w2>\d+))?`?\s*\)?
  | \s+`?L(?P<l1>\d+){_RANGE_END.format("l2")}                 # L42
)"""
_TAIL = r"""
    `?                                           # closing backtick
    (?=$|[\s:|,;.\-\u2013\u2014)])               # the location ends here
    (?P<sep>\s*(?:[:|,;]|[-\u2013\u2014]+|\.(?=\s|$))?\s*)   # optional separator
"""
_PATH_PREFIX = re.compile(rf"^\s*`?{_PATH}`?{_LINES}?{_TAIL}", re.IGNORECASE | re.VERBOSE)
_LINE_PREFIX = re.compile(
    rf"""^\s*`?(?:
        \#?L(?P<h1>\d+){_RANGE_END.format("h2")}                                  # L42
      | (?:lines?|ll?\.)\s*`?L?(?P<w1>\d+)(?:\s*(?:[-\u2013]|to)\s*L?(?P<w2>\d+))?  # line 42
      | (?P<c1>\d+){_RANGE_END.format("c2")}(?=`?\s*:)                            # 42:
    ){_TAIL}""",
    re.IGNORECASE | re.VERBOSE,
)
# further line references after a first one: `path:73-80, 107 — ...` (the first one counts)
_ONE_MORE = r"`?:?L?\d+(?:[-\u2013]L?\d+)?`?"
_MORE_LINES = re.compile(
    rf"^\s*{_ONE_MORE}(?:\s*,\s*{_ONE_MORE})*`?\s*(?:[:|;]|[-\u2013\u2014]+)?\s*"
)
_RANGE = re.compile(r"(\d+)(?:[-\u2013]L?(\d+))?")
_LINE_GROUPS = (("c1", "c2"), ("h1", "h2"), ("w1", "w2"), ("l1", "l2"))


@dataclass(frozen=True)
class Location:
    """Where a finding points: a file, optionally a line or an inclusive range of lines."""

    path: str | None
    line: int | None = None
    end_line: int | None = None
    more: tuple[tuple[int, int], ...] = ()  # further ranges: `path:56-61, :202, 243-252`


@dataclass(frozen=True)
class LocatedText:
    """A text split into the location at its start and the rest."""

    location: Location
    rest: str
    problems: tuple[str, ...] = ()


def normalise_path(path: str) -> str:
    """Forward slashes, no leading "./"."""
    path = path.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:].lstrip("/")
    return path


def looks_like_file(path: str, *, has_line: bool) -> bool:
    """True for `app/batch.py`, `README.md`; a path with a line may skip the extension."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if not name or not any(ch.isalnum() for ch in name):
        return False
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in KNOWN_EXTENSIONS or name in KNOWN_NAMES:
        return True
    return has_line and "/" in path.strip("/")


def check_span(line: int | None, end_line: int | None) -> tuple[int | None, int | None, list[str]]:
    """Drop line numbers below 1, swap a reversed range, and fold a one-line range."""
    problems: list[str] = []
    if line is not None and line < 1:
        problems.append(f"line {line} is not a positive line number; ignored")
        line = None
    if end_line is not None and end_line < 1:
        problems.append(f"end line {end_line} is not a positive line number; ignored")
        end_line = None
    if line is None:
        line, end_line = end_line, None
    if line is not None and end_line is not None and end_line < line:
        problems.append(f"line range {line}-{end_line} ends before it starts; swapped")
        line, end_line = end_line, line
    if end_line == line:
        end_line = None
    return line, end_line, problems


_PATH_INSIDE = re.compile(rf"(?<![\w/.])`?{_PATH}`?{_LINES}", re.IGNORECASE | re.VERBOSE)
TITLE_REACH = 160  # how far into a finding's first line a title's location may stand


def location_in_title(text: str) -> Location | None:
    """A location with a line number in the first line of TEXT, after a title.

    For the common style `**Title** (app/batch.py, line 42)` or `Title — app/batch.py:42`:
    the first file-and-line reference of the first line, within TITLE_REACH characters.
    """
    first_line = text.split("\n", 1)[0][:TITLE_REACH]
    for match in _PATH_INSIDE.finditer(first_line):
        line, last = _line_numbers(match)
        path = normalise_path(match["path"])
        if line is not None and looks_like_file(path, has_line=True) and "." in path:
            first, end, _ = check_span(line, last)
            return Location(path, first, end)
    return None


def split_location(text: str, context_path: str | None = None) -> LocatedText | None:
    """The location at the start of `text`, or None when it does not start with one.

    `context_path` is the file of the enclosing section: a bare line reference such as
    ``L42:`` points into it.
    """
    match = _PATH_PREFIX.match(text)
    if match is not None:
        path = normalise_path(match["path"])
        first, last = _line_numbers(match)
        rest = text[match.end() :]
        more: tuple[tuple[int, int], ...] = ()
        if first is not None and match["sep"].strip() == ",":
            extra = _MORE_LINES.match(rest)
            if extra is not None:
                more = tuple((int(a), int(b or a)) for a, b in _RANGE.findall(extra.group(0)))
                rest = rest[extra.end() :]
        separated = bool(match["sep"].strip()) or not rest
        anchored = first is not None or (separated and not rest[:1].isdigit())
        if anchored and looks_like_file(path, has_line=first is not None):
            located = _located(path, first, last, rest)
            if more:
                location = located.location
                located = LocatedText(
                    Location(location.path, location.line, location.end_line, more),
                    located.rest,
                    located.problems,
                )
            return located
    if context_path is not None:
        match = _LINE_PREFIX.match(text)
        if match is not None:
            first, last = _line_numbers(match)
            return _located(context_path, first, last, text[match.end() :])
    return None


def _line_numbers(match: re.Match[str]) -> tuple[int | None, int | None]:
    groups = match.groupdict()
    for start, end in _LINE_GROUPS:
        if groups.get(start) is not None:
            last = groups.get(end)
            return int(groups[start]), None if last is None else int(last)
    return None, None


def _located(path: str, first: int | None, last: int | None, rest: str) -> LocatedText:
    line, end_line, problems = check_span(first, last)
    return LocatedText(Location(path, line, end_line), rest.strip(), tuple(problems))
