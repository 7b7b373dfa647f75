"""Backend of the assist panel: streams a suggested reply into the ticket view.

Run it with ``python -m helpdesk.web export.jsonl [--port 8000]``. The ticket view POSTs to
``/tickets/{id}/assist`` and shows the answer while it is written: every server-sent event
is the next piece of the reply, ``event: done`` ends it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import uvicorn
from mistralai.client import Mistral
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

# nginx closes a proxied connection after 60 s without data
KEEPALIVE_SECONDS = 15
KEEPALIVE = ": keep-alive\n\n"


def find_ticket(export: Path, ticket_id: str) -> Ticket | None:
    """The ticket with TICKET_ID, read from the export each time so new tickets show up."""
    for ticket in load_tickets(export):
        if ticket.id == ticket_id:
            return ticket
    return None


def sse(data: str, event: str | None = None) -> str:
    """One server-sent event."""
    if event:
        return f"event: {event}\ndata: {data}\n\n"
    return f"data: {data}\n\n"


async def read_answer(
    client: Mistral, settings: Settings, ticket: Ticket, queue: asyncio.Queue[str | None]
) -> None:
    """Stream the model's reply to TICKET into QUEUE, piece by piece, then None."""
    stream = await client.chat.stream_async(
        model=settings.chat_model,
        messages=build_messages(ticket),
        max_tokens=REPLY_MAX_TOKENS,
        temperature=0.3,
    )
    async for event in stream:
        delta = event.data.choices[0].delta
        if delta.content:
            await queue.put(delta.content)
    await queue.put(None)


async def assist_events(client: Mistral, settings: Settings, ticket: Ticket) -> AsyncIterator[str]:
    """The reply to TICKET as server-sent events, with keep-alives while the model is busy."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    reader = asyncio.create_task(read_answer(client, settings, ticket, queue))
    answer = ""
    while True:
        try:
            piece = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
        except asyncio.TimeoutError:
            yield KEEPALIVE
            continue
        if piece is None:
            break
        answer += piece
        yield sse(piece)
    await reader
    logger.info("Assist for ticket %s done: %s", ticket.id, answer)
    yield sse("[DONE]", event="done")


async def assist(request: Request) -> Response:
    state = request.app.state
    id = request.path_params["id"]
    ticket = find_ticket(state.export, id)
    if ticket is None:
        return JSONResponse({"error": f"no ticket {id}"}, status_code=404)
    logger.info("Assist requested for ticket %s (%s)", ticket.id, ticket.customer_email)
    return StreamingResponse(
        assist_events(state.client, state.settings, ticket), media_type="text/event-stream"
    )


def create_app(settings: Settings, export: Path) -> Starlette:
    """The web app, answering from the tickets in EXPORT (a JSONL export)."""
    app = Starlette(routes=[Route("/tickets/{id}/assist", assist, methods=["POST"])])
    app.state.settings = settings
    app.state.export = export
    app.state.client = make_client(settings)
    return app


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
