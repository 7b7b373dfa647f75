"""Findings of a Markdown review, read from markdown-it-py's syntax tree.

- A heading, list item or paragraph that starts with a location (see `_locations`)
  anchors a finding. A heading with a line location opens a section: its title and the
  blocks under it, up to the next heading or list, form one finding. A list that follows
  directly, or whose items name no location of their own, inherits the heading's location.
  A paragraph holding nothing but a location (``**app/batch.py:42**``) acts as such a heading.
- A heading (or paragraph) holding only a file path gives that path to everything under it;
  a list item holding only a file path and a nested list does the same for the nested items.
- A heading that states a problem (``### The semaphore limits nothing``,
  ``### 2. Blocker: ...``, ``### app/llm.py: ...``; see `_states_a_problem`) also opens a
  section: its paragraphs, code blocks and a list introduced by a paragraph ending in a
  colon form one finding. A paragraph there that holds or starts with a location gives it
  to the section, or, once the section has text, starts a finding of its own.
- Other headings are titles; one naming a severity (``## Nits``) gives it to the findings
  under it, as does a title paragraph such as ``**Blockers:**``.
- Elsewhere, each top-level list item and each paragraph is a finding; a code block or
  block quote belongs to the finding before it. Horizontal rules separate findings, HTML
  comments are ignored, and a finding left without text is dropped.
"""

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field

from markdown_it.tree import SyntaxTreeNode

from checker.review._conventions import (
    apply_conventions,
    heading_severity,
    marks_length,
    severity_title,
)
from checker.review._flatten import flatten, has_unclosed_comment, parse_tree
from checker.review._locations import LocatedText, Location, location_in_title, split_location
from checker.review._model import Finding

_LISTS = ("bullet_list", "ordered_list")
_ATTACHED = ("fence", "code_block", "blockquote")
_PSEUDO_LEVEL = 7  # a title paragraph: below every real heading
_NUMBERING = re.compile(r"\s*(?:\d+[.)]|#\d+)\s+")
TITLE_WORDS = 3  # a heading this long that names no severity states a problem
SEVERE_TITLE_WORDS = 5  # ... and one this long does even with a severity word in it


@dataclass
class _Draft:
    """A finding being assembled from consecutive blocks."""

    location: Location | None
    default_severity: str | None
    first_line: int
    last_line: int
    texts: list[str]
    leading: int = 1
    """How many of `texts` may start with a label or severity mark."""
    located_here: bool = False
    """The location was written in this finding (not inherited, not a section's)."""
    titled: bool = False
    """Opened by a heading that states a problem; its first text is that heading."""

    def add(self, node: SyntaxTreeNode, text: str) -> None:
        self.texts.append(text)
        self.last_line = max(self.last_line, _lines(node)[1])


@dataclass(frozen=True)
class _Section:
    """What a heading (or title paragraph) gives to the findings under it."""

    level: int
    severity: str | None = None
    path: str | None = None


@dataclass
class _Walker:
    """Turns the top-level blocks of a document into drafts, in file order."""

    drafts: list[_Draft] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    sections: list[_Section] = field(default_factory=list)
    section_location: Location | None = None
    section_fresh: bool = False
    titled: _Draft | None = None  # the finding a problem-stating heading opened
    group: _Draft | None = None
    last: _Draft | None = None

    @property
    def default_severity(self) -> str | None:
        return next((s.severity for s in reversed(self.sections) if s.severity), None)

    @property
    def context_path(self) -> str | None:
        if self.section_location is not None:
            return self.section_location.path
        return self._titles_path()

    def _titles_path(self) -> str | None:
        return next((s.path for s in reversed(self.sections) if s.path), None)

    def block(self, node: SyntaxTreeNode) -> None:
        if node.type == "heading":
            self._heading(node)
        elif node.type in _LISTS:
            self._list(node)
        elif node.type == "hr":
            self.group = self.last = None
        elif node.type in _ATTACHED:
            self._attached(node)
        elif node.type != "html_block" or flatten(node):
            self._paragraph(node)

    def _heading(self, node: SyntaxTreeNode) -> None:
        text = flatten(node)
        level = int(node.tag[1:])
        self._enter_section(level)
        numbering = _NUMBERING.match(text)
        unnumbered = text[numbering.end() if numbering else 0 :]
        located = _locate(unnumbered, self.context_path)
        if located is None:
            self.sections.append(_Section(level, heading_severity(text)))
            if level > 1 and _states_a_problem(unnumbered):
                self._open_title(node, text, None)
        elif located.location.line is None:
            self._note(node, located)
            path = located.location.path
            self.sections.append(_Section(level, heading_severity(located.rest), path))
            if level > 1 and _states_a_problem(located.rest):
                self._open_title(node, located.rest, located.location)
        else:
            self.sections.append(_Section(level))
            self._open_location(node, located)

    def _open_title(self, node: SyntaxTreeNode, text: str, location: Location | None) -> None:
        """A heading that states a problem: its finding holds the paragraphs under it."""
        draft = self._draft(node, location, [text])
        draft.titled = True
        self.titled = self.group = self.last = draft

    def _locate_title(self, titled: _Draft, node: SyntaxTreeNode, located: LocatedText) -> None:
        """A location written under a problem heading becomes its finding's location."""
        self._note(node, located)
        titled.location, titled.located_here = located.location, True

    def _enter_section(self, level: int) -> None:
        self.group = self.last = self.section_location = self.titled = None
        while self.sections and self.sections[-1].level >= level:
            self.sections.pop()

    def _open_location(self, node: SyntaxTreeNode, located: LocatedText) -> None:
        texts = [located.rest] if located.rest else []
        draft = self._draft(node, located.location, texts)
        draft.leading = 2 if located.rest else 1
        self._note(node, located)
        self.section_location, self.section_fresh = located.location, True
        self.group = self.last = draft

    def _paragraph(self, node: SyntaxTreeNode) -> None:
        text = flatten(node)
        located = _locate(text, self.context_path)
        if located is not None and not located.rest:
            titled = self.titled
            if titled is not None and titled is self.group and titled.location is None:
                self._locate_title(titled, node, located)  # `app/batch.py` under the heading
                return
            self._title_paragraph(node, located)
            return
        severity = severity_title(text) if located is None else None
        if severity is not None and self.section_location is None:
            self._enter_section(_PSEUDO_LEVEL)
            self.sections.append(_Section(_PSEUDO_LEVEL, severity))
            return
        self.section_fresh = False
        titled = self.titled
        if titled is not None and located is not None:
            if titled.location is None and len(titled.texts) == 1:
                self._locate_title(titled, node, located)
                titled.add(node, located.rest)
                return
            self.titled = self.group = None  # a located paragraph starts its own finding
        if self.group is not None:
            self.group.add(node, text)
            return
        self._start(node, text, located)

    def _title_paragraph(self, node: SyntaxTreeNode, located: LocatedText) -> None:
        self._enter_section(_PSEUDO_LEVEL)
        if located.location.line is None:
            self._note(node, located)
            self.sections.append(_Section(_PSEUDO_LEVEL, path=located.location.path))
        else:
            self.sections.append(_Section(_PSEUDO_LEVEL))
            self._open_location(node, located)

    def _attached(self, node: SyntaxTreeNode) -> None:
        text = flatten(node)
        self.section_fresh = False
        target = self.group or self.last
        if target is not None:
            target.add(node, text)
            return
        located = _locate(text, self.context_path) if node.type == "blockquote" else None
        self._start(node, text, located)

    def _start(self, node: SyntaxTreeNode, text: str, located: LocatedText | None) -> None:
        """A finding of its own; in a location section, later paragraphs join it."""
        if located is not None:
            self._note(node, located)
            draft = self._draft(node, located.location, [located.rest], located_here=True)
        else:
            draft = self._draft(node, self._inherited_location(), [text])
        self.last = draft
        if self.section_location is not None:
            self.group = draft

    def _inherited_location(self, *, section: bool = True) -> Location | None:
        if section and self.section_location is not None:
            return self.section_location
        path = self._titles_path()
        return None if path is None else Location(path)

    def _list(self, node: SyntaxTreeNode) -> None:
        titled = self._introducing(node)
        if titled is not None:
            titled.add(node, flatten(node))
            return
        self.group = None
        context = self.context_path
        located = [_item_location(item, context) for item in node.children]
        inherit = self.section_fresh or not any(located)
        inherited = self._inherited_location(section=inherit)
        for item, item_located in zip(node.children, located, strict=True):
            self._item(item, item_located, inherited, context)
        if not inherit:
            self.section_location = None
        self.section_fresh = False

    def _introducing(self, node: SyntaxTreeNode) -> _Draft | None:
        """The problem heading's finding, if its last words ("...:") introduce the list NODE."""
        titled = self.titled
        if titled is None or titled is not self.group:
            return None
        if not titled.texts[-1].rstrip().endswith(":"):
            return None
        if any(_item_location(item, self.context_path) for item in node.children):
            return None
        return titled

    def _item(
        self,
        item: SyntaxTreeNode,
        located: LocatedText | None,
        inherited: Location | None,
        context: str | None,
    ) -> None:
        children = item.children
        texts = [flatten(child) for child in children]
        if located is None:
            self.last = self._draft(item, inherited, texts)
            return
        self._note(item, located)
        path = located.location.path
        if located.location.line is None and not located.rest and _holds_one_list(item):
            for sub in children[1].children:
                self._item(sub, _item_location(sub, path), Location(path), path)
            return
        texts[0] = located.rest
        self.last = self._draft(item, located.location, texts, located_here=True)

    def _draft(
        self,
        node: SyntaxTreeNode,
        location: Location | None,
        texts: list[str],
        *,
        located_here: bool = False,
    ) -> _Draft:
        first, last = _lines(node)
        draft = _Draft(
            location, self.default_severity, first, last, texts, located_here=located_here
        )
        self.drafts.append(draft)
        return draft

    def _note(self, node: SyntaxTreeNode, located: LocatedText) -> None:
        line = _lines(node)[0] + 1
        self.problems.extend((line, problem) for problem in located.problems)


def parse_markdown(text: str, filename: str) -> tuple[list[Finding], list[str]]:
    """The findings of a Markdown review and the warnings met on the way."""
    tree = parse_tree(text)
    walker = _Walker()
    for node in tree.children:
        walker.block(node)
    problems = list(walker.problems)
    problems.extend(_unclosed_comments(tree))
    source = text.splitlines()
    findings: list[Finding] = []
    for draft in walker.drafts:
        if draft.titled and len(draft.texts) == 1:
            continue  # a problem-stating heading with nothing under it is only a title
        finding = _finish(draft, len(findings), source)
        if finding is not None:
            findings.append(finding)
        elif draft.located_here:
            problems.append((draft.first_line + 1, "a location with no comment text; skipped"))
    problems.sort(key=lambda problem: problem[0])
    return findings, [f"{filename}:{line}: {message}" for line, message in problems]


_HEADING_LABEL = re.compile(r"^\s*[\w ]{1,24}(?:\s*\([\w ,-]{1,24}\))?\s*:\s+")


def _states_a_problem(heading: str) -> bool:
    """Whether a heading states a problem rather than naming a section.

    ``### Blocker: the semaphore limits nothing``, ``### The semaphore limits nothing`` and
    ``### The new setting overrides the region (blocking)`` do; ``## Minor issues``,
    ``## Security`` and ``## Blockers`` do not.
    """
    label = _HEADING_LABEL.match(heading)
    title = heading[label.end() :] if label else heading
    words = len(title.split())
    if words < TITLE_WORDS:
        return False
    return label is not None or heading_severity(heading) is None or words >= SEVERE_TITLE_WORDS


def _finish(draft: _Draft, index: int, source: list[str]) -> Finding | None:
    conventions = apply_conventions(draft.texts, draft.default_severity, leading=draft.leading)
    body = "\n\n".join(text for text in conventions.texts if text).strip()
    if not body:
        return None
    location = draft.location or Location(None)
    raw = textwrap.dedent("\n".join(source[draft.first_line : draft.last_line])).strip()
    return Finding(
        index=index,
        body=body,
        path=location.path,
        line=location.line,
        end_line=location.end_line,
        more_lines=location.more,
        severity=conventions.severity,
        label=conventions.label,
        decorations=conventions.decorations,
        source_line=draft.first_line + 1,
        raw=raw,
    )


_SHORT_LEAD = re.compile(r"^\s*(?:[\[(]?[*_]{0,2}[A-Za-z?]{1,12}[*_]{0,2}[\])]?:?\s+){1,2}")


def _locate(text: str, context: str | None) -> LocatedText | None:
    """The location at the start of `text`, also after a label or severity mark, which stays.

    Also after one or two short words of the reviewer's own (`bug`, `Q:`), when the
    location that follows names a line.
    """
    located = split_location(text, context)
    marks = 0 if located is not None else marks_length(text)
    if marks:
        after = split_location(text[marks:], context)
        if after is not None:
            rest = f"{text[:marks].strip()} {after.rest}".strip()
            return LocatedText(after.location, rest, after.problems)
    if located is None and (lead := _SHORT_LEAD.match(text)):
        after = split_location(text[lead.end() :], None)
        if after is not None and after.location.line is not None:
            rest = f"{lead.group(0).strip()} {after.rest}".strip()
            return LocatedText(after.location, rest, after.problems)
    if located is None and (titled := location_in_title(text)) is not None:
        return LocatedText(titled, text)
    return located


def _item_location(item: SyntaxTreeNode, context: str | None) -> LocatedText | None:
    children = item.children
    if not children or children[0].type != "paragraph":
        return None
    return _locate(flatten(children[0]), context)


def _holds_one_list(item: SyntaxTreeNode) -> bool:
    return len(item.children) == 2 and item.children[1].type in _LISTS


def _lines(node: SyntaxTreeNode) -> tuple[int, int]:
    start, end = node.map or (0, 0)
    return start, end


def _unclosed_comments(tree: SyntaxTreeNode) -> Iterable[tuple[int, str]]:
    for node in tree.walk():
        if node.type == "html_block" and has_unclosed_comment(node.content):
            yield _lines(node)[0] + 1, "HTML comment never closed (no -->): the rest is ignored"
