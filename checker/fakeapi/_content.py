"""Deterministic content: chat replies, token counts, tool calls and embeddings.

Tokens are whitespace-separated words. The default chat reply is
``"Summary: " + the first 12 words of the last user message`` (see ``default_reply``).
Embeddings are 1024-dimensional hashed bags of lower-cased words (a few English stop
words are skipped when others remain), L2-normalised, so texts sharing words score a
higher cosine similarity.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

EMBEDDING_DIM = 1024
SUMMARY_WORDS = 12

_STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "in", "is", "it"}
    | {"of", "on", "or", "that", "the", "this", "to", "was", "what", "which", "who", "with"}
)
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\S+")


@dataclass
class Reply:
    """A scripted assistant reply; ``tool_calls`` use the API's shape.

    ``thinking`` is the reasoning of a reasoning model (Magistral, or ``reasoning_effort``):
    the answer's ``content`` is then a list of chunks, ``[{"type": "thinking", "thinking":
    [{"type": "text", "text": ...}]}, {"type": "text", "text": ...}]``, and a stream sends
    the reasoning first, each delta's ``content`` a list holding one thinking chunk, then the
    answer as string deltas (the shape api.mistral.ai streams, BerriAI/litellm#16272,
    symfony/ai#2424). ``max_tokens`` truncates the answer only.

    Each tool call is ``{"id", "type": "function", "function": {"name", "arguments": str}}``;
    a missing ``id`` is generated and a dict ``arguments`` is JSON-encoded. With tool calls
    and the default ``finish_reason``, the fake answers ``"tool_calls"`` like the real API.
    """

    content: str | None = ""
    finish_reason: str = "stop"
    tool_calls: list[dict[str, Any]] | None = None
    thinking: str | None = None


ChatHook = Callable[[dict[str, Any]], "Reply | str | None"]
EmbeddingsHook = Callable[[dict[str, Any]], "list[list[float]] | None"]


def count_tokens(text: str | None) -> int:
    """Number of whitespace-separated words."""
    return len(text.split()) if text else 0


def message_text(message: Any) -> str:
    """The text of a chat message: string content or the text of its text chunks."""
    if not isinstance(message, dict):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [c.get("text") for c in content if isinstance(c, dict)]
        return " ".join(t for t in texts if isinstance(t, str))
    return ""


def prompt_tokens(messages: list[Any]) -> int:
    """Words in all messages."""
    return sum(count_tokens(message_text(m)) for m in messages)


def default_reply(messages: list[Any]) -> str:
    """``"Summary: "`` followed by the first 12 words of the last user message."""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            words = message_text(message).split()[:SUMMARY_WORDS]
            if words:
                return "Summary: " + " ".join(words)
            break
    return "Summary: (no user message)"


def truncate(content: str, max_tokens: int) -> tuple[str, bool]:
    """Cut ``content`` after ``max_tokens`` words; True when something was cut."""
    tokens = list(_TOKEN.finditer(content))
    if len(tokens) <= max_tokens:
        return content, False
    if max_tokens <= 0:
        return "", True
    return content[: tokens[max_tokens - 1].end()], True


def as_reply(result: Reply | str | None, messages: list[Any]) -> Reply:
    """Normalise a chat hook's answer; None means the default reply."""
    if result is None:
        return Reply(content=default_reply(messages))
    if isinstance(result, str):
        return Reply(content=result)
    return Reply(result.content, result.finish_reason, result.tool_calls, result.thinking)


def normalise_tool_calls(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tool calls in the wire shape, with ids, indexes and string arguments."""
    out: list[dict[str, Any]] = []
    for index, call in enumerate(calls):
        function = dict(call.get("function") or {})
        arguments = function.get("arguments", "{}")
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments)
        function["arguments"] = arguments
        name = str(function.get("name", ""))
        call_id = call.get("id") or _tool_call_id(name, arguments, index)
        out.append(
            {"id": call_id, "type": call.get("type", "function"), "function": function}
            | {"index": call.get("index", index)}
        )
    return out


def _tool_call_id(name: str, arguments: str, index: int) -> str:
    """A 9-character alphanumeric id like the real API's, derived from the call."""
    digest = hashlib.sha256(f"{index}:{name}:{arguments}".encode()).digest()
    alphabet = string.ascii_letters + string.digits
    return "".join(alphabet[b % len(alphabet)] for b in digest[:9])


def embed_text(text: str) -> list[float]:
    """Deterministic unit vector of dimension 1024 from the words of ``text``."""
    words = _WORD.findall(text.lower())
    kept = [w for w in words if w not in _STOP_WORDS] or words or [text]
    vector = [0.0] * EMBEDDING_DIM
    for word in kept:
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        vector[int.from_bytes(digest, "big") % EMBEDDING_DIM] += 1.0
    norm = math.sqrt(sum(v * v for v in vector))
    return [round(v / norm, 6) for v in vector]
