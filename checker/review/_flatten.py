"""Markdown to plain text, on markdown-it-py's syntax tree.

Emphasis, links and images keep their text; inline code keeps its backticks so that
identifiers stay recognisable; code blocks keep their content; HTML comments and tags go.
"""

import html
import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def markdown_parser() -> MarkdownIt:
    """CommonMark with GitHub's tables and strikethrough."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def parse_tree(text: str) -> SyntaxTreeNode:
    """The block structure of a Markdown document."""
    return SyntaxTreeNode(markdown_parser().parse(text))


def markdown_to_text(text: str) -> str:
    """A whole Markdown document as plain text, blocks separated by a blank line."""
    blocks = (flatten(node) for node in parse_tree(text).children)
    return "\n\n".join(block for block in blocks if block)


def flatten(node: SyntaxTreeNode) -> str:
    """The plain text of a block or inline node."""
    kind = node.type
    if kind in ("text", "text_special"):
        return node.content
    if kind == "code_inline":
        return f"{node.markup}{node.content}{node.markup}"
    if kind == "softbreak":
        return " "
    if kind == "hardbreak":
        return "\n"
    if kind in ("html_inline", "hr"):
        return ""
    if kind in ("fence", "code_block"):
        return node.content.rstrip("\n")
    if kind == "html_block":
        return strip_html(node.content)
    parts = [flatten(child) for child in node.children]
    if kind == "inline":
        return "".join(parts).strip()
    if not node.block:  # emphasis, links, images, strikethrough
        return "".join(parts)
    separator = " | " if kind == "tr" else "\n"
    return separator.join(part for part in parts if part)


def strip_html(text: str) -> str:
    """Text of raw HTML: comments (even unclosed) and tags removed, entities decoded."""
    text = _TAG.sub("", _COMMENT.sub("", text))
    lines = (line.strip() for line in html.unescape(text).splitlines())
    return "\n".join(line for line in lines if line)


def has_unclosed_comment(text: str) -> bool:
    """True when an HTML comment opens in `text` and never closes."""
    return "<!--" in re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
