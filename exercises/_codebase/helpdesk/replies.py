"""Drafted first replies: a starting point an agent edits before sending."""

from __future__ import annotations

from mistralai.client import Mistral
from mistralai.client.models import SystemMessage, UserMessage

from helpdesk.llm import reply_text
from helpdesk.models import Ticket
from helpdesk.settings import Settings

REPLY_MAX_TOKENS = 400

SYSTEM_PROMPT = (
    "You are a support agent at Tidewater. Draft a friendly, concise first reply to the "
    "customer's ticket. Do not promise refunds or dates. Sign as 'The Tidewater team'."
)


def build_messages(ticket: Ticket) -> list[SystemMessage | UserMessage]:
    return [
        SystemMessage(content=SYSTEM_PROMPT),
        UserMessage(content=f"Subject: {ticket.subject}\n\n{ticket.body}"),
    ]


async def draft_reply(client: Mistral, settings: Settings, ticket: Ticket) -> str:
    """A first reply to TICKET, written by the chat model (raises ReplyError if unusable)."""
    response = await client.chat.complete_async(
        model=settings.chat_model,
        messages=build_messages(ticket),
        max_tokens=REPLY_MAX_TOKENS,
        temperature=0.3,
    )
    return reply_text(response)
