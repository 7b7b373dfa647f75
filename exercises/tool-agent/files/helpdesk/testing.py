"""Test doubles: real Mistral clients whose HTTP calls are answered in-process.

A test scripts the replies, hands ``stub.client()`` to the code under test and then
inspects ``stub.requests`` (the JSON bodies the code sent). Nothing leaves the process.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
from mistralai.client import Mistral

STUB_SERVER_URL = "https://mistral.stub"


@dataclass(frozen=True)
class StubReply:
    """A scripted answer: ``content`` None means a reply without text.

    ``tool_calls`` use the API's shape: ``{"id", "type": "function", "function": {"name",
    "arguments"}}`` with ``arguments`` a JSON string; set ``finish_reason="tool_calls"``.
    """

    content: str | None
    finish_reason: str = "stop"
    tool_calls: list[dict[str, Any]] | None = None


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
                "message": {
                    "role": "assistant",
                    "content": reply.content,
                    "tool_calls": reply.tool_calls,
                },
            }
        ],
    }


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
