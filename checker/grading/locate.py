"""Does a finding point at an issue's code: by location, or by naming its code?"""

import builtins
import keyword
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from checker.grading.model import SourceTree
from checker.grading.text import identifiers
from checker.key import Location
from checker.review import Finding

MIN_QUOTE = 8  # a quoted expression this long can point at its code unambiguously
LINE_SLACK = 3  # a location this many lines outside an issue's range still points at it
_BUILTIN_NAMES = frozenset(n for n in dir(builtins) if len(n) >= 8)  # RuntimeError, isinstance
RARE_BUILTIN_LINES = 2  # a builtin name on this few lines of a file points at them
COMMON_NAME_LINES = 8  # a name on more lines of its file than this points nowhere in particular
_NOT_DISTINCTIVE = {n.lower() for n in (*keyword.kwlist, *dir(builtins))} | {
    "self",
    "cls",
    "async",
    "await",
    "def",
}
_CODE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class Place:
    """Where a finding stands relative to some code.

    kind: "at" (its location is on or near the code), "reference" (it names code found
    there and gives no line), "named" (it cites a line elsewhere but names code found
    there), "elsewhere" (its location is somewhere else and it names nothing there),
    "none" (it gives no location and names nothing there), "any" (the key gives no
    location to compare with).
    """

    kind: str
    detail: str

    @property
    def points_at(self) -> bool:
        return self.kind in ("at", "reference", "named", "any")


_INLINE = re.compile(
    r"(?:(?P<path>[\w./-]+\.\w+):|\b(?:lines?|l\.|ll\.)\s?|\bL(?=\d)|(?<![\w./-]):(?=\d))"
    r"(?P<start>\d+)(?:\s*(?:-|\u2013|to)\s*L?(?P<end>\d+))?",
    re.IGNORECASE,
)


def _inline(finding: Finding) -> tuple[tuple[str | None, int, int], ...]:
    """Line references written inside the text: "line 170", "l.170", "L42", "kb.py:88", ":90"."""
    return _inline_refs(finding.body, finding.path)


_FILE_NAME = re.compile(r"[\w./-]+\.(?:py|md|toml|json|ya?ml|txt|cfg|ini)\b")


@lru_cache(maxsize=4096)
def _inline_refs(body: str, path: str | None) -> tuple[tuple[str | None, int, int], ...]:
    """Line references in BODY; a bare "lines 12-14" belongs to the file named last before it."""
    if not any(ch.isdigit() for ch in body):
        return ()
    named = [(m.start(), m.group(0)) for m in _FILE_NAME.finditer(body)] if path is None else []
    spans = []
    for match in _INLINE.finditer(body):
        start = int(match["start"])
        end = int(match["end"]) if match["end"] else start
        if end < start or end - start > 200:
            continue
        before = [name for at, name in named if at < match.start()]
        spans.append((match["path"] or (before[-1] if before else path), start, end))
    return tuple(spans)


def _same_file(path: str | None, location: Location, tree: SourceTree) -> bool:
    """Whether PATH, as a reviewer wrote it (maybe only its tail), is the location's file."""
    if path is None:
        return False
    written = path.lstrip("/")
    resolved = tree.resolve(written) or written
    return resolved == location.path or location.path.endswith("/" + written)


def _inline_at(finding: Finding, location: Location, tree: SourceTree) -> str | None:
    if location.start is None or location.end is None:
        return None
    for path, start, end in _inline(finding):
        if not _same_file(path, location, tree):
            continue
        if start <= location.end + LINE_SLACK and end >= location.start - LINE_SLACK:
            span = f"{location.start}-{location.end}"
            return f"its text cites {path}:{start}, at the issue's lines {span}"
    return None


def _at(finding: Finding, location: Location, tree: SourceTree) -> str | None:
    if finding.path is None or not _same_file(finding.path, location, tree):
        return None
    where = f"{finding.path}:{finding.line}" if finding.line else finding.path
    if location.start is None or finding.line is None:
        return f"{where} is the file of the issue"
    spans = [(finding.line, finding.end_line or finding.line), *finding.more_lines]
    for first, last in spans:
        if first <= location.end + LINE_SLACK and last >= location.start - LINE_SLACK:  # type: ignore[operator]
            where = f"{finding.path}:{first}"
            return f"{where} is at the issue's lines {location.start}-{location.end}"
    return None


def _names_near(location: Location, tree: SourceTree) -> set[str]:
    """Distinctive code names at LOCATION and of its enclosing functions (cached per tree)."""
    cached = tree.memo.get(("names", location))
    if isinstance(cached, set):
        return cached
    names = _compute_names_near(location, tree)
    tree.memo[("names", location)] = names
    return names


def _compute_names_near(location: Location, tree: SourceTree) -> set[str]:
    path = tree.resolve(location.path)
    if path is None or location.start is None or location.end is None:
        return set()
    names: set[str] = set()
    lines = [line for _, line in tree.excerpt(path, location.start, location.end)]
    for line in lines:
        names.update(_CODE_NAME.findall(line))
    counts = Counter(n for line in tree.files[path] for n in set(_CODE_NAME.findall(line)))
    rare = {n for n in names if counts[n] <= RARE_BUILTIN_LINES}
    names = {
        n
        for n in names
        if len(n) >= 4 and n.lower() not in _NOT_DISTINCTIVE and counts[n] <= COMMON_NAME_LINES
    }
    names.update(_BUILTIN_NAMES & rare)  # builtins that are rare in this file
    names.update(tree.enclosing_functions(path, location.start))
    return names


def _quoted_at(finding: Finding, location: Location, tree: SourceTree) -> str | None:
    """A code expression the finding quotes that stands at LOCATION and nowhere else in its file."""
    path = tree.resolve(location.path)
    if path is None or location.start is None or location.end is None:
        return None
    for span in _CODE_SPAN.findall(finding.body):
        quoted = " ".join(span.split())
        if len(quoted) < MIN_QUOTE or _CODE_NAME.fullmatch(quoted):
            continue  # a bare name is matched by name, with the care that needs
        lines = _lines_quoting(quoted, path, tree)
        if lines and all(
            location.start - LINE_SLACK <= n <= location.end + LINE_SLACK for n in lines
        ):
            return quoted
    return None


def _lines_quoting(quoted: str, path: str, tree: SourceTree) -> list[int]:
    """Lines of PATH that contain QUOTED, whitespace aside (cached per tree)."""
    cached = tree.memo.get(("quoted", path, quoted))
    if isinstance(cached, list):
        return cached
    found = [n for n, text in enumerate(tree.files[path], 1) if quoted in " ".join(text.split())]
    tree.memo[("quoted", path, quoted)] = found
    return found


def _names_at_citation(finding: Finding, tree: SourceTree) -> frozenset[str]:
    """Code names on the lines a finding cites, and of the functions around them.

    Naming them points at the cited lines, not elsewhere.
    """
    path = tree.resolve(finding.path) if finding.path else None
    if path is None or finding.line is None:
        return frozenset()
    key = ("cited", path, finding.line, finding.end_line)
    cached = tree.memo.get(key)
    if isinstance(cached, frozenset):
        return cached
    lines = tree.excerpt(path, finding.line, finding.end_line or finding.line)
    names = {name for _, line in lines for name in _CODE_NAME.findall(line)}
    names.update(tree.enclosing_functions(path, finding.line))  # the function it stands in
    found = frozenset(names)
    tree.memo[key] = found
    return found


def _as_written(named: list[str], mentioned: frozenset[str]) -> str:
    """NAMED as the finding wrote them: `time.sleep` rather than `sleep` and `time`."""
    whole = {m for m in mentioned if any(part in named for part in m.split("."))}
    widest = [n for n in whole if not any(n != o and n in o.split(".") for o in whole)]
    return ", ".join(f"`{n}`" for n in sorted(widest, key=lambda n: (-len(n), n))[:3])


def code_at(finding: Finding, locations: tuple[Location, ...], tree: SourceTree) -> str:
    """The path and the lines of code FINDING cites where it stands at LOCATIONS ("" if none).

    Only the lines the finding itself cites count, and only those within `LINE_SLACK` of
    a location: a finding one line above an issue is not pointing at the issue's code.
    """
    spans = list(_inline(finding))
    if finding.path is not None and finding.line is not None:
        spans.append((finding.path, finding.line, finding.end_line or finding.line))
        spans += [(finding.path, first, last) for first, last in finding.more_lines]
    parts: list[str] = []
    for location in locations:
        resolved = tree.resolve(location.path)
        if resolved is None or location.start is None or location.end is None:
            continue
        for path, first, last in spans:
            low = max(first, location.start - LINE_SLACK)
            high = min(last, location.end + LINE_SLACK)
            if low <= high and _same_file(path, location, tree):
                parts.append(location.path)
                parts += [line for _, line in tree.excerpt(resolved, low, high)]
    return "\n".join(parts)


def place(finding: Finding, locations: tuple[Location, ...], tree: SourceTree) -> Place:
    """The best way FINDING points at any of LOCATIONS."""
    if not locations:
        return Place("any", "the key gives no location")
    for location in locations:
        detail = _at(finding, location, tree) or _inline_at(finding, location, tree)
        if detail:
            return Place("at", detail)
    for location in locations:
        quoted = _quoted_at(finding, location, tree)
        if quoted and finding.path is None:
            return Place("reference", f"quotes `{quoted}`, code of the issue")
        if quoted:
            where = f"{finding.path}:{finding.line}" if finding.line else finding.path
            detail = f"{where} is not at the issue's lines, but it quotes `{quoted}` from there"
            return Place("named", detail)
    mentioned = identifiers(finding.body) - _names_at_citation(finding, tree)
    for location in locations:
        named = sorted(mentioned & _names_near(location, tree))
        if named:
            shown = _as_written(named, mentioned)
            if finding.path is None:
                return Place("reference", f"names {shown}, code of the issue")
            where = f"{finding.path}:{finding.line}" if finding.line else finding.path
            return Place(
                "named",
                f"{where} is not at the issue's lines, but it names {shown}, code of the issue",
            )
    if finding.path is not None:
        where = f"{finding.path}:{finding.line}" if finding.line else finding.path
        first = locations[0]
        span = f":{first.start}-{first.end}" if first.start else ""
        return Place("elsewhere", f"{where} is not where the issue is ({first.path}{span})")
    return Place("none", "gives no location")
