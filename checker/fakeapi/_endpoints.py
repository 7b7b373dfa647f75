"""The API endpoints: chat completions (JSON and SSE), embeddings and the model list."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from ._catalog import CHAT_MODELS, EMBEDDING_MODELS, model_list
from ._content import (
    ChatHook,
    EmbeddingsHook,
    as_reply,
    count_tokens,
    embed_text,
    normalise_tool_calls,
    prompt_tokens,
    truncate,
)
from ._errors import error_response, validation_error
from ._faults import Faults
from ._validation import parse_body, validate_chat, validate_embeddings

_PIECE = re.compile(r"\s*\S+")


@dataclass
class Hooks:
    """Scripting hooks set with ``FakeMistral.on_chat`` / ``on_embeddings``."""

    chat: ChatHook | None = None
    embeddings: EmbeddingsHook | None = None


@dataclass
class _Completion:
    content: str | None
    tool_calls: list[dict[str, Any]] | None
    finish_reason: str
    usage: dict[str, int]
    thinking: str | None = None


class Endpoints:
    """Request handlers; ``get_faults`` is read per request so faults can change live."""

    def __init__(self, hooks: Hooks, get_faults: Callable[[], Faults]) -> None:
        self.hooks = hooks
        self.get_faults = get_faults

    async def models(self, request: Request) -> Response:
        """``GET /v1/models``."""
        return JSONResponse(model_list())

    async def chat(self, request: Request) -> Response:
        """``POST /v1/chat/completions``; SSE when ``"stream": true``."""
        body, errors = parse_body(await request.body())
        errors = errors or validate_chat(body)
        if errors:
            return validation_error(errors)
        model, messages = body["model"], body["messages"]
        if model not in CHAT_MODELS:
            return _invalid_model(model)
        last = messages[-1]
        if last["role"] not in ("user", "tool") and not (
            last["role"] == "assistant" and last.get("prefix") is True
        ):
            msg = (
                "Expected last role User or Tool (or Assistant with prefix True) for serving"
                f" but got {last['role']}"
            )
            return error_response(400, msg, "invalid_request_error")
        completion = self._complete(body, messages)
        if body.get("stream"):
            delay = self.get_faults().stream_delay
            return StreamingResponse(_sse(model, completion, delay), media_type="text/event-stream")
        content: Any = completion.content
        if completion.thinking is not None:
            content = [_thinking_chunk(completion.thinking)]
            if completion.content is not None:
                content.append({"type": "text", "text": completion.content})
        message = {
            "role": "assistant",
            "content": content,
            "tool_calls": completion.tool_calls,
            "prefix": False,
        }
        choice = {"index": 0, "message": message, "finish_reason": completion.finish_reason}
        return JSONResponse(
            {
                "id": uuid.uuid4().hex,
                "object": "chat.completion",
                "model": model,
                "created": int(time.time()),
                "choices": [choice],
                "usage": completion.usage,
            }
        )

    async def embeddings(self, request: Request) -> Response:
        """``POST /v1/embeddings``."""
        body, errors = parse_body(await request.body())
        errors = errors or validate_embeddings(body)
        if errors:
            return validation_error(errors)
        model = body["model"]
        if model not in EMBEDDING_MODELS:
            return _invalid_model(model)
        inputs: list[str] = [body["input"]] if isinstance(body["input"], str) else body["input"]
        limit = self.get_faults().max_embedding_inputs
        if limit is not None and len(inputs) > limit:
            msg = "Too many inputs in request, split into more batches."
            return error_response(400, msg, "invalid_request_prompt", "3210")
        vectors = self.hooks.embeddings(body) if self.hooks.embeddings else None
        if vectors is None:
            vectors = [embed_text(text) for text in inputs]
        tokens = sum(count_tokens(text) for text in inputs)
        data = [{"object": "embedding", "embedding": v, "index": i} for i, v in enumerate(vectors)]
        usage = {"prompt_tokens": tokens, "completion_tokens": 0, "total_tokens": tokens}
        return JSONResponse(
            {"id": uuid.uuid4().hex, "object": "list", "model": model, "data": data, "usage": usage}
        )

    def _complete(self, body: dict[str, Any], messages: list[Any]) -> _Completion:
        reply = as_reply(self.hooks.chat(body) if self.hooks.chat else None, messages)
        content, truncated = reply.content, False
        max_tokens = body.get("max_tokens")
        if content is not None and max_tokens is not None:
            content, truncated = truncate(content, max_tokens)
        calls = normalise_tool_calls(reply.tool_calls) if reply.tool_calls else None
        finish = reply.finish_reason
        if truncated:
            finish = "length"
        elif calls and finish == "stop":
            finish = "tool_calls"
        produced = count_tokens(content) + sum(
            count_tokens(c["function"]["arguments"]) for c in calls or []
        )
        produced += count_tokens(reply.thinking)
        prompt = prompt_tokens(messages)
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": produced,
            "total_tokens": prompt + produced,
        }
        return _Completion(content, calls, finish, usage, reply.thinking)


def _thinking_chunk(text: str) -> dict[str, Any]:
    return {"type": "thinking", "thinking": [{"type": "text", "text": text}]}


def _pieces(text: str) -> list[str]:
    """TEXT cut into words, each with the whitespace before it (the rest at the end)."""
    pieces: list[str] = _PIECE.findall(text)
    tail = text[len("".join(pieces)) :]
    return [*pieces, tail] if tail else pieces


async def _sse(model: str, completion: _Completion, delay: float = 0.0) -> AsyncIterator[str]:
    """Role chunk, one chunk per word (thinking first), a final chunk with finish_reason and
    usage, [DONE]; DELAY seconds before each chunk after the role chunk."""
    base = {
        "id": uuid.uuid4().hex,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        payload = base | {"choices": [choice]} | extra
        return f"data: {json.dumps(payload, separators=(',', ':'))}\n\n"

    yield event({"role": "assistant", "content": ""})
    for piece in _pieces(completion.thinking or ""):
        await asyncio.sleep(delay)
        yield event({"content": [_thinking_chunk(piece)]})
    for piece in _pieces(completion.content or ""):
        await asyncio.sleep(delay)
        yield event({"content": piece})
    last: dict[str, Any] = {"content": ""}
    if completion.tool_calls:
        last["tool_calls"] = completion.tool_calls
    if delay:
        await asyncio.sleep(delay)
    yield event(last, completion.finish_reason, usage=completion.usage)
    yield "data: [DONE]\n\n"


def _invalid_model(model: Any) -> Response:
    return error_response(400, f"Invalid model: {model}", "invalid_model", "1500")
