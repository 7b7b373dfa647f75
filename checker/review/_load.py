"""Reading a review file and telling its format from its content.

JSON is recognised by its opening ``{"`` or ``[{`` (or a .json name), YAML only when it
parses to a findings document (or the name ends in .yaml/.yml), Markdown otherwise. A
.md name never reads as YAML or as JSON of the wrong shape.
"""

import json
import re
from pathlib import Path, PurePath

from checker.errors import UsageError
from checker.review._markdown import parse_markdown
from checker.review._model import ParsedReview
from checker.review._positions import json_item_lines, yaml_item_lines
from checker.review._structured import find_items, findings_from_items, is_findings_document

_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
_YAML_SUFFIXES = frozenset({".yaml", ".yml"})
_MEANT_AS_JSON = re.compile(r"\s*(?:\{\s*(?:[\"}]|$)|\[\s*(?:[{\]]|$))")


def parse_review(path: Path | str) -> ParsedReview:
    """Parse the review file at `path`; UsageError (one line naming the file) if unusable."""
    path = Path(path)
    name = str(path)
    if path.is_dir():
        raise UsageError(f"{name}: is a directory, not a review file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{name}: no such review file") from None
    except OSError as error:
        raise UsageError(f"{name}: cannot read the review file ({error.strerror})") from None
    if b"\x00" in data:
        raise UsageError(_binary(name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UsageError(
            f"{name}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x}); save the review"
            " as UTF-8"
        ) from None
    return parse_review_text(text, name)


def parse_review_text(text: str, filename: str = "<review>") -> ParsedReview:
    """Parse a review given as text; `filename` names it in messages and breaks format ties."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise UsageError(_binary(filename))
    suffix = PurePath(filename).suffix.lower()
    if not text.strip():
        formats = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
        return ParsedReview((), formats.get(suffix, "markdown"), ())
    document = _read_document(text, filename, suffix)
    if document is None:
        findings, warnings = parse_markdown(text, filename)
        return ParsedReview(tuple(findings), "markdown", tuple(warnings))
    syntax, data = document
    items = find_items(data, filename)
    locate = json_item_lines if syntax == "json" else yaml_item_lines
    lines = locate(text, items.key)
    if len(lines) != len(items.objects):  # cannot happen for a document that parsed
        lines = [1] * len(items.objects)
    findings, warnings = findings_from_items(items, lines, filename)
    return ParsedReview(tuple(findings), "github" if items.github else syntax, tuple(warnings))


def _read_document(text: str, filename: str, suffix: str) -> tuple[str, object] | None:
    """("json" | "yaml", data) for a structured review, None for Markdown."""
    if suffix == ".json":
        return "json", _load_json(text, filename)
    if text.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            if _MEANT_AS_JSON.match(text) and suffix not in _MARKDOWN_SUFFIXES | _YAML_SUFFIXES:
                _load_json(text, filename)  # raises, naming the line
        else:
            if suffix not in _MARKDOWN_SUFFIXES or _has_findings_shape(data):
                return "json", data
            return None
    if suffix in _YAML_SUFFIXES:
        return "yaml", _load_yaml(text, filename)
    if suffix in _MARKDOWN_SUFFIXES:
        return None
    import yaml  # only reviews that may be YAML pay for it

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return ("yaml", data) if is_findings_document(data) else None


def _has_findings_shape(data: object) -> bool:
    """A list of objects that all have a text body (JSON found in a Markdown-named file)."""
    try:
        items = find_items(data, "")
    except UsageError:
        return False
    return all(
        isinstance(item, dict) and isinstance(item.get("body"), str) for item in items.objects
    )


def _load_json(text: str, filename: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{filename}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}"
        ) from None


def _load_yaml(text: str, filename: str) -> object:
    import yaml  # only YAML reviews pay for it

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = filename
        problem = str(error)
        if isinstance(error, yaml.MarkedYAMLError):
            problem = error.problem or problem
            if error.problem_mark is not None:
                where = f"{filename}:{error.problem_mark.line + 1}"
        raise UsageError(" ".join(f"{where}: invalid YAML: {problem}".split())) from None


def _binary(name: str) -> str:
    return f"{name}: binary file (contains NUL bytes); a review is Markdown, JSON or YAML text"
