"""Refund assistant: Mistral function calling over the Refunds queue.

The model reads a ticket, looks up the order, refunds it or escalates to a human, and
drafts the reply. Usage: python -m helpdesk.refund_agent refunds.jsonl -o outcomes.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mistralai.client import Mistral
from mistralai.client.models import SystemMessage, ToolMessage, UserMessage

from helpdesk.llm import make_client, reply_text
from helpdesk.logs import setup_logging
from helpdesk.models import Ticket, TicketStatus
from helpdesk.settings import Settings, load_settings
from helpdesk.shop import ShopClient
from helpdesk.store import load_tickets

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = """\
You are the refund assistant of Tidewater's support team. For each ticket:
- Look up the order the customer mentions with get_order before doing anything else.
- Only refund orders that belong to the customer who wrote the ticket.
- Never refund more than the customer paid for the order.
- Orders placed more than 30 days ago, unclear requests and angry customers: escalate.
When you are done, write the reply to the customer and sign it 'The Tidewater team'."""

TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "get_order",
            "description": "Look up an order by its id, for example TW-10442.",
            "parameters": {
                "type": "object",
                "properties": {"order_id": {"type": "string"}},
                "required": ["order_id"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "refund_order",
            "description": "Refund an order, fully or partially.",
            "parameters": {
                "type": "object",
                "properties": {
                    "order_id": {"type": "string"},
                    "amount_cents": {"type": "integer", "description": "Amount in cents."},
                    "reason": {"type": "string", "description": "One line, for finance."},
                },
                "required": ["order_id", "amount_cents", "reason"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "escalate",
            "description": "Hand the ticket over to a human agent.",
            "parameters": {
                "type": "object",
                "properties": {"reason": {"type": "string"}},
                "required": ["reason"],
            },
        },
    },
]


@dataclass
class Outcome:
    ticket_id: str
    reply: str = ""
    refunds: list[dict[str, Any]] = field(default_factory=list)
    escalated: str | None = None


class RefundAgent:
    """Works through refund tickets: the model picks the tools, we run them."""

    def __init__(self, client: Mistral, settings: Settings, shop: ShopClient) -> None:
        self.client = client
        self.settings = settings
        self.shop = shop
        self.messages: list[Any] = [SystemMessage(content=SYSTEM_PROMPT)]

    async def handle(self, ticket: Ticket) -> Outcome:
        outcome = Outcome(ticket_id=ticket.id)
        self.messages.append(
            UserMessage(
                content=f"From: {ticket.customer_email}\nSubject: {ticket.subject}\n\n{ticket.body}"
            )
        )
        while True:
            response = await self.client.chat.complete_async(
                model=self.settings.agent_model,
                messages=self.messages,
                tools=TOOLS,
                tool_choice="auto",
                temperature=0.0,
            )
            message = response.choices[0].message
            self.messages.append(message)
            if not message.tool_calls:
                outcome.reply = reply_text(response)
                return outcome

            call = message.tool_calls[0]
            args = json.loads(call.function.arguments)
            logger.info("Ticket %s: calling %s(%s)", ticket.id, call.function.name, args)
            result = await self.run_tool(call.function.name, args, outcome)
            self.messages.append(
                ToolMessage(
                    tool_call_id=call.id, name=call.function.name, content=json.dumps(result)
                )
            )

    async def run_tool(self, name: str, args: dict[str, Any], outcome: Outcome) -> dict[str, Any]:
        if name == "get_order":
            order = await self.shop.get_order(args["order_id"])
            return asdict(order)
        if name == "refund_order":
            refund = await self.shop.refund(args["order_id"], args["amount_cents"], args["reason"])
            outcome.refunds.append(asdict(refund))
            return {"status": "refunded", "refund_id": refund.id}
        if name == "escalate":
            outcome.escalated = args["reason"]
            return {"status": "escalated"}
        raise ValueError(f"unknown tool {name!r}")


async def process_queue(tickets: list[Ticket], settings: Settings) -> list[Outcome]:
    async with make_client(settings) as client, ShopClient(settings) as shop:
        agent = RefundAgent(client, settings, shop)
        outcomes = []
        for ticket in tickets:
            outcomes.append(await agent.handle(ticket))
            logger.info("Ticket %s done", ticket.id)
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
    outcomes = asyncio.run(process_queue(tickets, settings))
    lines = [json.dumps(asdict(o), ensure_ascii=False) for o in outcomes]
    args.output.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    logger.info("Wrote %d outcomes to %s", len(outcomes), args.output)


if __name__ == "__main__":
    main()
