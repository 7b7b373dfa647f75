"""The Starlette app: routes, error handlers and the gate that records and faults requests."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._endpoints import Endpoints, Hooks
from ._errors import error_response
from ._faults import Faults, check_arrival
from ._state import Ledger, RecordedRequest


class Gate:
    """ASGI middleware: logs every request, counts it in flight, applies auth and faults."""

    def __init__(self, app: ASGIApp, ledger: Ledger, get_faults: Callable[[], Faults]) -> None:
        self.app = app
        self.ledger = ledger
        self.get_faults = get_faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = await _read_body(receive)
        headers = _headers(scope)
        faults = self.get_faults()
        now = time.monotonic()
        record = RecordedRequest(scope["method"], scope["path"], headers, _json(raw), 0, now, 0.0)
        seq, busy = self.ledger.arrive(record)

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
            await send(message)

        try:
            rejection = _unauthorized(headers)
            if rejection is None:
                rejection = check_arrival(faults, self.ledger, seq, busy, len(raw), now)
            if faults.latency > 0:
                await asyncio.sleep(faults.latency)
            handler = self.app if rejection is None else rejection
            await handler(scope, _replay(raw, receive), recording_send)
        except asyncio.CancelledError:
            if record.status == 0:
                record.status = 499
            raise
        except BaseException:
            if record.status == 0:
                record.status = 500
            raise
        finally:
            record.ended = time.monotonic()
            self.ledger.depart()


def build_app(ledger: Ledger, get_faults: Callable[[], Faults], hooks: Hooks) -> Starlette:
    """The fake Mistral API as a Starlette app."""
    endpoints = Endpoints(hooks, get_faults)
    routes = [
        Route("/v1/chat/completions", endpoints.chat, methods=["POST"]),
        Route("/v1/embeddings", endpoints.embeddings, methods=["POST"]),
        Route("/v1/models", endpoints.models, methods=["GET"]),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(Gate, ledger=ledger, get_faults=get_faults)],
        exception_handlers={HTTPException: _http_error},
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    """404/405 and other routing errors in the API's error shape."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "Internal Server Error"
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else None
    return error_response(status, detail, "invalid_request_error", headers=headers)


def _unauthorized(headers: dict[str, str]) -> Response | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return None
    return error_response(401, "Unauthorized", "authentication_error")


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(raw: bytes, receive: Receive) -> Receive:
    """A receive channel that yields the already-read body, then the real channel."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    return replay


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in scope["headers"]:
        name, text = key.decode("latin-1").lower(), value.decode("latin-1")
        headers[name] = f"{headers[name]}, {text}" if name in headers else text
    return headers


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
