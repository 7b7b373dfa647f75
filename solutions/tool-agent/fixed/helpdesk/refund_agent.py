"""Refund assistant: Mistral function calling over the Refunds queue.

The model reads a ticket, looks up the order, refunds it or escalates to a human, and
drafts the reply. Usage: python -m helpdesk.refund_agent refunds.jsonl -o outcomes.jsonl

The model chooses the tools, the code decides what they may do: a tool only sees and
refunds orders of the customer who wrote the ticket, never more than is left to refund and
only within the refund window, whatever the ticket text or the model says.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mistralai.client import Mistral
from mistralai.client.models import (
    AssistantMessage,
    Function,
    SystemMessage,
    Tool,
    ToolCall,
    ToolMessage,
    UserMessage,
)

from helpdesk.llm import make_client, reply_text
from helpdesk.logs import setup_logging
from helpdesk.models import Ticket, TicketStatus
from helpdesk.settings import Settings, load_settings
from helpdesk.shop import Order, OrderNotFound, ShopClient, ShopError
from helpdesk.store import load_tickets

logger = logging.getLogger(__name__)

MAX_STEPS = 8  # model calls per ticket; a ticket needs three or four
REFUND_WINDOW = timedelta(days=30)

SYSTEM_PROMPT = """\
You are the refund assistant of Tidewater's support team. Today is {today}. For each ticket:
- Look up the order the customer mentions with get_order before doing anything else.
- Only refund orders that belong to the customer who wrote the ticket.
- Never refund more than the customer paid for the order.
- Orders placed more than 30 days ago, unclear requests and angry customers: escalate.
A tool result with an "error" field means nothing was done. When you are done, write the
reply to the customer and sign it 'The Tidewater team'."""

TOOLS = [
    Tool(
        function=Function(
            name="get_order",
            description="Look up one of the customer's orders by its id, for example TW-10442.",
            parameters={
                "type": "object",
                "properties": {"order_id": {"type": "string"}},
                "required": ["order_id"],
            },
        )
    ),
    Tool(
        function=Function(
            name="refund_order",
            description="Refund one of the customer's orders, fully or partially.",
            parameters={
                "type": "object",
                "properties": {
                    "order_id": {"type": "string"},
                    "amount_cents": {"type": "integer", "description": "Amount in cents."},
                    "reason": {"type": "string", "description": "One line, for finance."},
                },
                "required": ["order_id", "amount_cents", "reason"],
            },
        )
    ),
    Tool(
        function=Function(
            name="escalate",
            description="Hand the ticket over to a human agent.",
            parameters={
                "type": "object",
                "properties": {"reason": {"type": "string"}},
                "required": ["reason"],
            },
        )
    ),
]

Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage


@dataclass
class Outcome:
    ticket_id: str
    reply: str | None = None
    refunds: list[dict[str, Any]] = field(default_factory=list)
    escalation_reason: str | None = None
    error: str | None = None


class ToolError(Exception):
    """A tool call that cannot be carried out; the message goes back to the model."""


def parse_arguments(arguments: dict[str, Any] | str) -> dict[str, Any]:
    """The arguments of a tool call: the SDK types them as a JSON string or a dict."""
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except json.JSONDecodeError as exc:
            raise ToolError(f"the arguments are not valid JSON: {exc}") from None
    if not isinstance(arguments, dict):
        raise ToolError("the arguments must be a JSON object")
    return arguments


def _str_arg(args: dict[str, Any], name: str) -> str:
    value = args.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ToolError(f"{name} must be a non-empty string")
    return value.strip()


def _int_arg(args: dict[str, Any], name: str) -> int:
    value = args.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ToolError(f"{name} must be an integer")
    return value


def order_view(order: Order, now: datetime) -> dict[str, Any]:
    """What the model sees of an order."""
    return {
        "id": order.id,
        "status": order.status,
        "currency": order.currency,
        "total_cents": order.total_cents,
        "refundable_cents": order.total_cents - order.refunded_cents,
        "placed_at": order.placed_at.isoformat(),
        "days_since_order": (now - order.placed_at).days,
    }


class RefundAgent:
    """Handles refund tickets one at a time: the model picks the tools, we run them.

    Every ticket gets a conversation of its own; nothing is carried over between tickets.
    """

    def __init__(self, client: Mistral, settings: Settings, shop: ShopClient) -> None:
        self.client = client
        self.settings = settings
        self.shop = shop

    async def handle(self, ticket: Ticket) -> Outcome:
        """The outcome of TICKET; a failure is recorded in it, with the refunds already made."""
        outcome = Outcome(ticket_id=ticket.id)
        try:
            await self._converse(ticket, outcome)
        except Exception as exc:
            logger.exception("Ticket %s failed", ticket.id)
            outcome.error = f"{type(exc).__name__}: {exc}"
        return outcome

    async def _converse(self, ticket: Ticket, outcome: Outcome) -> None:
        now = datetime.now(UTC)
        messages: list[Message] = [
            SystemMessage(content=SYSTEM_PROMPT.format(today=now.date().isoformat())),
            UserMessage(
                content=f"From: {ticket.customer_email}\nSubject: {ticket.subject}\n\n{ticket.body}"
            ),
        ]
        for _ in range(MAX_STEPS):
            response = await self.client.chat.complete_async(
                model=self.settings.agent_model,
                messages=messages,
                tools=TOOLS,
                tool_choice="auto",
                temperature=0.0,
            )
            message = response.choices[0].message if response.choices else None
            if message is None or not message.tool_calls:
                outcome.reply = reply_text(response)
                return
            messages.append(message)
            # Every tool call gets its result, in order, under its own id.
            for call in message.tool_calls:
                result = await self._run_tool(ticket, call, outcome, now)
                messages.append(
                    ToolMessage(
                        tool_call_id=call.id, name=call.function.name, content=json.dumps(result)
                    )
                )
        logger.warning("Ticket %s: no answer after %d model calls", ticket.id, MAX_STEPS)
        outcome.escalation_reason = f"the assistant did not finish within {MAX_STEPS} steps"

    async def _run_tool(
        self, ticket: Ticket, call: ToolCall, outcome: Outcome, now: datetime
    ) -> dict[str, Any]:
        name = call.function.name
        try:
            args = parse_arguments(call.function.arguments)
            logger.info("Ticket %s: %s(%s)", ticket.id, name, args)
            if name == "get_order":
                order = await self._customer_order(ticket, _str_arg(args, "order_id"))
                return order_view(order, now)
            if name == "refund_order":
                return await self._refund(ticket, args, outcome, now)
            if name == "escalate":
                outcome.escalation_reason = _str_arg(args, "reason")
                return {"status": "escalated"}
            raise ToolError(f"there is no tool called {name!r}")
        except (ToolError, ShopError) as exc:
            logger.info("Ticket %s: %s failed: %s", ticket.id, name, exc)
            return {"error": str(exc)}

    async def _customer_order(self, ticket: Ticket, order_id: str) -> Order:
        """ORDER_ID if it belongs to the ticket's customer; other orders do not exist here."""
        not_found = ToolError(f"the customer has no order {order_id}")
        try:
            order = await self.shop.get_order(order_id)
        except OrderNotFound:
            raise not_found from None
        if order.customer_email.casefold() != ticket.customer_email.casefold():
            logger.warning("Ticket %s asked about another customer's order %s", ticket.id, order_id)
            raise not_found
        return order

    async def _refund(
        self, ticket: Ticket, args: dict[str, Any], outcome: Outcome, now: datetime
    ) -> dict[str, Any]:
        order = await self._customer_order(ticket, _str_arg(args, "order_id"))
        amount = _int_arg(args, "amount_cents")
        reason = _str_arg(args, "reason")
        refundable = order.total_cents - order.refunded_cents
        if not 0 < amount <= refundable:
            raise ToolError(
                f"amount_cents must be between 1 and {refundable}, what is left to refund"
            )
        if now - order.placed_at > REFUND_WINDOW:
            raise ToolError("the order is outside the 30-day refund window: escalate instead")
        refund = await self.shop.refund(order.id, amount, reason)
        outcome.refunds.append(asdict(refund))
        return {"status": "refunded", "refund_id": refund.id, "amount_cents": amount}


async def process_queue(
    tickets: list[Ticket], settings: Settings, done: Callable[[Outcome], None]
) -> list[Outcome]:
    """Handle TICKETS one after the other, calling DONE with each outcome as it is known.

    One at a time on purpose: two tickets about the same order must not race their refunds.
    """
    outcomes: list[Outcome] = []
    async with make_client(settings) as client, ShopClient(settings) as shop:
        agent = RefundAgent(client, settings, shop)
        for ticket in tickets:
            outcome = await agent.handle(ticket)
            done(outcome)
            outcomes.append(outcome)
    return outcomes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Work through the Refunds queue with Mistral.")
    parser.add_argument("tickets", type=Path, help="JSONL export of the Refunds queue")
    parser.add_argument("-o", "--output", type=Path, default=Path("outcomes.jsonl"))
    parser.add_argument("--ticket", help="only handle this ticket id")
    args = parser.parse_args(argv)

    settings = load_settings()
    setup_logging(secrets=[settings.api_key, settings.shop_token])

    tickets = [
        t
        for t in load_tickets(args.tickets)
        if t.status == TicketStatus.OPEN and args.ticket in (None, t.id)
    ]
    logger.info("Handling %d refund tickets", len(tickets))
    # Each outcome is written as soon as its ticket is done: refunds are real money, so
    # what was refunded must be on record even if a later ticket or the run fails.
    with args.output.open("w", encoding="utf-8") as out:

        def write(outcome: Outcome) -> None:
            out.write(json.dumps(asdict(outcome), ensure_ascii=False) + "\n")
            out.flush()

        outcomes = asyncio.run(process_queue(tickets, settings, write))
    failed = sum(1 for o in outcomes if o.error)
    logger.info("Wrote %d outcomes (%d failed) to %s", len(outcomes), failed, args.output)


if __name__ == "__main__":
    main()
