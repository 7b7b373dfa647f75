"""Backend of the assist panel: streams a suggested reply into the ticket view.

Run it with ``python -m helpdesk.web export.jsonl [--port 8000]``. The ticket view POSTs to
``/tickets/{id}/assist`` and shows the answer while it is written; the README describes
the events.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from pathlib import Path
from typing import TypeVar

import uvicorn
from mistralai.client import Mistral
from mistralai.client.errors import MistralError
from mistralai.client.models import CompletionChunk, TextChunk
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from helpdesk.llm import make_client
from helpdesk.logs import setup_logging
from helpdesk.models import Ticket
from helpdesk.replies import REPLY_MAX_TOKENS, build_messages
from helpdesk.settings import Settings, load_settings
from helpdesk.store import load_tickets

logger = logging.getLogger(__name__)

T = TypeVar("T")

# nginx closes a proxied connection after 60 s without data
KEEPALIVE_SECONDS = 15.0
KEEPALIVE = ": keep-alive\n\n"  # an SSE comment: clients ignore it
# no caching; and nginx must pass each event on at once instead of buffering the response
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class TicketIndex:
    """The tickets of a JSONL export by id, re-read in a worker thread when the file changes.

    The ticketing system rewrites the export while the server runs: when the new version
    cannot be read (a line half written, the file missing for a moment), the last good index
    keeps serving, and the file is read again at the next request.
    """

    def __init__(self, export: Path) -> None:
        self.export = export
        self._version: tuple[int, int] | None = None  # of the last good read
        self._tickets: dict[str, Ticket] = {}
        self._lock = asyncio.Lock()

    async def get(self, ticket_id: str) -> Ticket | None:
        async with self._lock:
            try:
                stat = await asyncio.to_thread(self.export.stat)
                version = (stat.st_mtime_ns, stat.st_size)
                if version != self._version:
                    tickets = await asyncio.to_thread(load_tickets, self.export)
                    self._tickets = {ticket.id: ticket for ticket in tickets}
                    self._version = version
            except (OSError, ValueError) as exc:
                if self._version is None:
                    raise  # never read: nothing to serve
                logger.warning("Ticket export unreadable, keeping the last good one: %s", exc)
        return self._tickets.get(ticket_id)


def sse(data: str, event: str | None = None) -> str:
    """One server-sent event.

    Every line of DATA gets its own ``data:`` field; the client joins them with "\\n", so
    line breaks in the text survive instead of ending the event early.
    """
    fields = [f"event: {event}"] if event else []
    fields += [f"data: {line}" for line in _LINE_BREAK.split(data)]
    return "\n".join(fields) + "\n\n"


def sse_json(event: str, payload: dict[str, object]) -> str:
    return sse(json.dumps(payload), event=event)


def delta_text(content: object) -> str:
    """The text of a streamed delta.

    ``content`` may be unset, None, a string, or a list of chunks (reasoning models stream
    their reasoning as "thinking" chunks first); only text is kept, as in ``reply_text``.
    """
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(chunk.text for chunk in content if isinstance(chunk, TextChunk))
    return ""


async def reply_chunks(
    client: Mistral, settings: Settings, ticket: Ticket
) -> AsyncGenerator[CompletionChunk, None]:
    """The chunks of the model's streamed reply to TICKET.

    Closing this generator, or cancelling it while it waits, closes the HTTP response: that
    is how the API learns that nobody reads the rest of the reply.
    """
    stream = await client.chat.stream_async(
        model=settings.chat_model,
        messages=build_messages(ticket),
        max_tokens=REPLY_MAX_TOKENS,
        temperature=0.3,
    )
    async with stream:
        async for event in stream:
            yield event.data


async def _next(items: AsyncIterator[T]) -> T:
    return await anext(items)


async def with_keepalive(
    items: AsyncGenerator[T, None], interval: float
) -> AsyncGenerator[T | None, None]:
    """ITEMS, with a None whenever INTERVAL seconds pass without one.

    The next item is awaited in a task, so that timing out to send a keep-alive does not
    cancel the read. When this generator ends for any reason (ITEMS exhausted or failed,
    or this generator closed or cancelled because the client went away), a read still in
    progress is cancelled and ITEMS is closed.
    """
    pending: asyncio.Task[T] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.create_task(_next(items))
            done, _ = await asyncio.wait({pending}, timeout=interval)
            if not done:
                yield None
                continue
            finished, pending = pending, None
            try:
                item = finished.result()  # re-raises what reading ITEMS raised
            except StopAsyncIteration:
                return
            yield item
    finally:
        if pending is not None and not pending.done():
            pending.cancel()  # cancelling the read closes ITEMS
        else:
            await items.aclose()


def _describe(exc: Exception) -> str:
    """What went wrong, for the log: the kind of error and the status, never the content."""
    if isinstance(exc, MistralError):
        return f"{type(exc).__name__} (HTTP {exc.status_code})"
    return type(exc).__name__


async def assist_events(client: Mistral, settings: Settings, ticket: Ticket) -> AsyncIterator[str]:
    """The reply to TICKET as server-sent events (see the README).

    Text events, then ``event: done`` for a complete reply, or ``event: error`` when the
    reply failed, was cut off (finish_reason "length") or is empty. Keep-alive comments are
    sent while the model is busy.
    """
    finish_reason: str | None = None
    characters = 0
    try:
        async with aclosing(
            with_keepalive(reply_chunks(client, settings, ticket), KEEPALIVE_SECONDS)
        ) as chunks:
            async for chunk in chunks:
                if chunk is None:
                    yield KEEPALIVE
                    continue
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                text = delta_text(choice.delta.content)
                if text:
                    characters += len(text)
                    yield sse(text)
                if choice.finish_reason is not None:
                    finish_reason = choice.finish_reason
    except Exception as exc:
        logger.warning("Assist for ticket %s failed: %s", ticket.id, _describe(exc))
        message = "The assistant is not available right now. Please try again."
        yield sse_json("error", {"reason": "unavailable", "message": message})
        return
    logger.info(
        "Assist for ticket %s: %d characters, finish_reason=%s",
        ticket.id,
        characters,
        finish_reason,
    )
    if finish_reason == "stop" and characters:
        yield sse_json("done", {"finish_reason": finish_reason})
        return
    reason = "empty" if finish_reason == "stop" else finish_reason or "incomplete"
    if reason == "length":
        message = "The reply was cut off at the length limit: shorten or complete it."
    else:
        message = "The assistant did not produce a usable reply. Please try again."
    yield sse_json("error", {"reason": reason, "message": message})


def create_app(settings: Settings, export: Path, *, client: Mistral | None = None) -> Starlette:
    """The web app, answering from the tickets in EXPORT (a JSONL export).

    One Mistral client serves every request: CLIENT, or one built by ``make_client``.
    """
    tickets = TicketIndex(export)
    mistral = client if client is not None else make_client(settings)

    async def assist(request: Request) -> Response:
        ticket_id = request.path_params["ticket_id"]
        ticket = await tickets.get(ticket_id)
        if ticket is None:
            return JSONResponse({"error": f"no ticket {ticket_id}"}, status_code=404)
        logger.info("Assist requested for ticket %s", ticket.id)
        return StreamingResponse(
            assist_events(mistral, settings, ticket),
            media_type="text/event-stream",
            headers=SSE_HEADERS,
        )

    return Starlette(routes=[Route("/tickets/{ticket_id}/assist", assist, methods=["POST"])])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the assist panel backend.")
    parser.add_argument("tickets", type=Path, help="JSONL export of the ticket queue")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)

    settings = load_settings()
    setup_logging(secrets=[settings.api_key])
    uvicorn.run(create_app(settings, args.tickets), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
