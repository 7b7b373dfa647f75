"""Test doubles: real Mistral clients whose HTTP calls are answered in-process.

A test scripts the replies, hands ``stub.client()`` to the code under test and then
inspects ``stub.requests`` (the JSON bodies the code sent). Nothing leaves the process.
Requests with ``"stream": true`` are answered with server-sent events, as the API does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
from mistralai.client import Mistral

STUB_SERVER_URL = "https://mistral.stub"
_WORD = re.compile(r"\s*\S+(?:\s+$)?")  # a word, the spaces before it (and at the end)


@dataclass(frozen=True)
class StubReply:
    """A scripted answer: ``content`` None means a reply without text.

    ``thinking`` is a reasoning model's reasoning: streamed first, as deltas whose
    ``content`` is a list holding a "thinking" chunk, as the API sends it.
    """

    content: str | None
    finish_reason: str = "stop"
    thinking: str | None = None


Script = Callable[[dict[str, Any]], "str | StubReply"]


def chat_completion(request: dict[str, Any], reply: StubReply) -> dict[str, Any]:
    """A chat completion body in the API's wire format."""
    return {
        "id": "stub-completion",
        "object": "chat.completion",
        "model": request.get("model", "stub"),
        "created": 0,
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "choices": [
            {
                "index": 0,
                "finish_reason": reply.finish_reason,
                "message": {"role": "assistant", "content": reply.content, "tool_calls": None},
            }
        ],
    }


def stream_events(request: dict[str, Any], reply: StubReply) -> bytes:
    """A streamed chat completion in the API's wire format: a role chunk, one chunk per
    word (the thinking first), a last chunk with the finish reason, then ``[DONE]``."""

    def event(delta: dict[str, Any], finish_reason: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish_reason}
        chunk = {
            "id": "stub-completion",
            "object": "chat.completion.chunk",
            "model": request.get("model", "stub"),
            "created": 0,
            "choices": [choice],
        }
        return f"data: {json.dumps(chunk)}\n\n"

    events = [event({"role": "assistant", "content": ""})]
    for word in _WORD.findall(reply.thinking or ""):
        thinking = [{"type": "thinking", "thinking": [{"type": "text", "text": word}]}]
        events.append(event({"content": thinking}))
    for word in _WORD.findall(reply.content or ""):
        events.append(event({"content": word}))
    events.append(event({"content": ""}, reply.finish_reason))
    events.append("data: [DONE]\n\n")
    return "".join(events).encode()


class StubChat:
    """Answers ``POST /v1/chat/completions`` with SCRIPT(request body); records the bodies."""

    def __init__(self, script: Script | None = None) -> None:
        self.script: Script = script or (lambda request: "stub reply")
        self.requests: list[dict[str, Any]] = []

    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path != "/v1/chat/completions":
            return httpx2.Response(404, json={"object": "error", "message": "Not Found"})
        body: dict[str, Any] = json.loads(request.content)
        self.requests.append(body)
        answer = self.script(body)
        reply = answer if isinstance(answer, StubReply) else StubReply(answer)
        if body.get("stream"):
            headers = {"content-type": "text/event-stream"}
            return httpx2.Response(200, headers=headers, content=stream_events(body, reply))
        return httpx2.Response(200, json=chat_completion(body, reply))

    def client(self) -> Mistral:
        """A Mistral client that talks only to this stub."""
        transport = httpx2.MockTransport(self._handle)
        return Mistral(
            api_key="test-key",
            server_url=STUB_SERVER_URL,
            async_client=httpx2.AsyncClient(transport=transport),
            client=httpx2.Client(transport=transport),
        )
