"""Where each finding object starts in a JSON or YAML document (1-based lines).

Both functions expect a document that has already parsed; `key` names the member that
holds the list ("findings", "comments"), None for a bare top-level list.
"""

import json
import re
from bisect import bisect_right

_WHITESPACE = " \t\n\r"


def json_item_lines(text: str, key: str | None) -> list[int]:
    """The line on which each item of the findings list starts."""
    decoder = json.JSONDecoder()
    offsets: list[int] = []
    position = _skip(text, 0)
    if text[position] == "[":
        offsets = _array_offsets(text, position, decoder)
    else:  # an object: walk its members, decoding the values we do not need
        position = _skip(text, position + 1)
        while text[position] != "}":
            name, position = decoder.raw_decode(text, position)
            position = _skip(text, _skip(text, position) + 1)  # past the ':'
            if name == key and text[position] == "[":
                offsets = _array_offsets(text, position, decoder)
            _, position = decoder.raw_decode(text, position)
            position = _skip(text, position)
            if text[position] == ",":
                position = _skip(text, position + 1)
    newlines = [match.start() for match in re.finditer("\n", text)]
    return [bisect_right(newlines, offset) + 1 for offset in offsets]


def yaml_item_lines(text: str, key: str | None) -> list[int]:
    """The line on which each item of the findings list starts."""
    import yaml  # only YAML reviews pay for it

    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if isinstance(node, yaml.MappingNode):
        node = next((value for name, value in node.value if name.value == key), None)
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


def _array_offsets(text: str, position: int, decoder: json.JSONDecoder) -> list[int]:
    offsets: list[int] = []
    position = _skip(text, position + 1)
    while text[position] != "]":
        offsets.append(position)
        _, position = decoder.raw_decode(text, position)
        position = _skip(text, position)
        if text[position] == ",":
            position = _skip(text, position + 1)
    return offsets


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in _WHITESPACE:
        position += 1
    return position
