from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import httpx2

from helpdesk.models import Ticket, TicketStatus
from helpdesk.refund_agent import RefundAgent
from helpdesk.settings import Settings
from helpdesk.shop import ShopClient
from helpdesk.testing import StubChat, StubReply

TICKET = Ticket(
    id="T-2001",
    subject="Broken kettle",
    body="My kettle (order TW-10442) arrived with a cracked lid. I'd like my money back.",
    customer_email="noor@example.com",
    status=TicketStatus.OPEN,
    created_at=datetime(2024, 5, 2, 8, 15, tzinfo=UTC),
)

ORDER = {
    "id": "TW-10442",
    "customer_email": "noor@example.com",
    "status": "delivered",
    "currency": "EUR",
    "total_cents": 4900,
    "refunded_cents": 0,
    "placed_at": "2024-04-28T10:00:00+00:00",
}


def fake_shop(settings: Settings) -> ShopClient:
    def handle(request: httpx2.Request) -> httpx2.Response:
        if request.method == "POST":
            refund = {"id": "rf_1", "order_id": "TW-10442", "amount_cents": 4900, "reason": "x"}
            return httpx2.Response(201, json=refund)
        return httpx2.Response(200, json=ORDER)

    http = httpx2.AsyncClient(base_url="https://shop.test", transport=httpx2.MockTransport(handle))
    return ShopClient(settings, http=http)


def tool_call(call_id: str, name: str, **arguments: object) -> StubReply:
    call = {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments)},
    }
    return StubReply(None, "tool_calls", tool_calls=[call])


def test_refund_agent(stub: StubChat) -> None:
    settings = Settings(api_key="test-key", shop_token="shop-token")
    replies = iter(
        [
            tool_call("call_1", "get_order", order_id="TW-10442"),
            tool_call("call_2", "refund_order", order_id="TW-10442", amount_cents=4900, reason="x"),
            StubReply("Sorry about the kettle! We have refunded your order. The Tidewater team"),
        ]
    )
    stub.script = lambda request: next(replies)
    agent = RefundAgent(stub.client(), settings, fake_shop(settings))
    outcome = asyncio.run(agent.handle(TICKET))
    assert "refunded" in outcome.reply
    assert len(stub.requests) == 3
