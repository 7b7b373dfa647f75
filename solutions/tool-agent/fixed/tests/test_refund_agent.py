from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest

from helpdesk.models import Ticket, TicketStatus
from helpdesk.refund_agent import MAX_STEPS, Outcome, RefundAgent
from helpdesk.settings import Settings
from helpdesk.shop import ShopClient
from helpdesk.testing import StubChat, StubReply

CUSTOMER = "noor@example.com"

TICKET = Ticket(
    id="T-2001",
    subject="Broken kettle",
    body="My kettle (order TW-10442) arrived with a cracked lid. I'd like my money back.",
    customer_email=CUSTOMER,
    status=TicketStatus.OPEN,
    created_at=datetime(2024, 5, 2, 8, 15, tzinfo=UTC),
)


def order(order_id: str, email: str = CUSTOMER, days_ago: int = 4, **fields: Any) -> dict[str, Any]:
    placed_at = datetime.now(UTC) - timedelta(days=days_ago)
    return {
        "id": order_id,
        "customer_email": email,
        "status": "delivered",
        "currency": "EUR",
        "total_cents": 4900,
        "refunded_cents": 0,
        "placed_at": placed_at.isoformat(),
    } | fields


class Shop:
    """The shop's admin API, in memory: ORDERS by id, and the refunds posted to it."""

    def __init__(self, *orders: dict[str, Any]) -> None:
        self.orders = {o["id"]: o for o in orders}
        self.refunds: list[dict[str, Any]] = []

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        parts = request.url.path.strip("/").split("/")
        found = self.orders.get(parts[2]) if parts[:2] == ["api", "orders"] else None
        if found is None:
            return httpx2.Response(404, json={"error": "not found"})
        if request.method == "POST":
            body = json.loads(request.content)
            refund = {"id": f"rf_{len(self.refunds) + 1}", "order_id": found["id"]} | body
            self.refunds.append(refund)
            return httpx2.Response(201, json=refund)
        return httpx2.Response(200, json=found)

    def client(self, settings: Settings) -> ShopClient:
        transport = httpx2.MockTransport(self.handle)
        return ShopClient(
            settings, http=httpx2.AsyncClient(base_url="https://shop.test", transport=transport)
        )


@pytest.fixture
def shop_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, shop_token="shop-token")


def call(call_id: str, name: str, **arguments: object) -> dict[str, Any]:
    function = {"name": name, "arguments": json.dumps(arguments)}
    return {"id": call_id, "type": "function", "function": function}


def calls(*tool_calls: dict[str, Any]) -> StubReply:
    return StubReply(None, "tool_calls", tool_calls=list(tool_calls))


def script(stub: StubChat, replies: list[StubReply]) -> None:
    answers: Iterator[StubReply] = iter(replies)
    stub.script = lambda request: next(answers)


def run(stub: StubChat, settings: Settings, shop: Shop, *tickets: Ticket) -> list[Outcome]:
    async def go() -> list[Outcome]:
        async with shop.client(settings) as shop_client:
            agent = RefundAgent(stub.client(), settings, shop_client)
            return [await agent.handle(ticket) for ticket in tickets]

    return asyncio.run(go())


def tool_results(request: dict[str, Any]) -> dict[str, Any]:
    """tool_call_id -> parsed result, for the tool messages of REQUEST."""
    return {
        m["tool_call_id"]: json.loads(m["content"])
        for m in request["messages"]
        if m["role"] == "tool"
    }


def test_refunds_the_customers_order_and_reports_it(
    stub: StubChat, shop_settings: Settings
) -> None:
    shop = Shop(order("TW-10442"))
    script(
        stub,
        [
            calls(call("aaaaaaaa1", "get_order", order_id="TW-10442")),
            calls(
                call(
                    "aaaaaaaa2",
                    "refund_order",
                    order_id="TW-10442",
                    amount_cents=4900,
                    reason="cracked lid",
                )
            ),
            StubReply("Sorry about the kettle! We have refunded your order. The Tidewater team"),
        ],
    )
    (outcome,) = run(stub, shop_settings, shop, TICKET)
    assert shop.refunds == [
        {"id": "rf_1", "order_id": "TW-10442", "amount_cents": 4900, "reason": "cracked lid"}
    ]
    assert outcome.refunds == shop.refunds
    assert outcome.reply is not None and outcome.reply.startswith("Sorry about the kettle")
    assert outcome.error is None
    assert tool_results(stub.requests[1])["aaaaaaaa1"]["refundable_cents"] == 4900
    assert tool_results(stub.requests[2])["aaaaaaaa2"]["status"] == "refunded"
    assert all(r["model"] == shop_settings.agent_model for r in stub.requests)


@pytest.mark.parametrize(
    ("orders", "amount"),
    [
        ([order("TW-10442", email="someone.else@example.com")], 4900),
        ([order("TW-10442")], 49000),
        ([order("TW-10442", refunded_cents=4900)], 4900),
        ([order("TW-10442")], 0),
        ([order("TW-10442", days_ago=45)], 4900),
    ],
    ids=["other-customer", "more-than-paid", "already-refunded", "zero", "outside-window"],
)
def test_refunds_outside_the_policy_are_refused(
    stub: StubChat, shop_settings: Settings, orders: list[dict[str, Any]], amount: int
) -> None:
    shop = Shop(*orders)
    script(
        stub,
        [
            calls(
                call(
                    "bbbbbbbb1",
                    "refund_order",
                    order_id="TW-10442",
                    amount_cents=amount,
                    reason="x",
                )
            ),
            StubReply("I have passed your request on to a colleague. The Tidewater team"),
        ],
    )
    (outcome,) = run(stub, shop_settings, shop, TICKET)
    assert shop.refunds == [] and outcome.refunds == []
    assert "error" in tool_results(stub.requests[1])["bbbbbbbb1"]


def test_every_parallel_tool_call_is_answered_under_its_id(
    stub: StubChat, shop_settings: Settings
) -> None:
    shop = Shop(order("TW-10442"), order("TW-10443"))
    script(
        stub,
        [
            calls(
                call("ccccccccc", "get_order", order_id="TW-10442"),
                call("ddddddddd", "get_order", order_id="TW-10443"),
            ),
            StubReply("Both orders are on their way. The Tidewater team"),
        ],
    )
    run(stub, shop_settings, shop, TICKET)
    results = tool_results(stub.requests[1])
    assert [results[i]["id"] for i in ("ccccccccc", "ddddddddd")] == ["TW-10442", "TW-10443"]


def test_tool_errors_go_back_to_the_model(stub: StubChat, shop_settings: Settings) -> None:
    script(
        stub,
        [
            calls(call("eeeeeeeee", "get_order", order_id="TW-99999")),
            StubReply(
                "I could not find that order: could you check the number? The Tidewater team"
            ),
        ],
    )
    (outcome,) = run(stub, shop_settings, Shop(), TICKET)
    assert outcome.error is None and outcome.reply is not None
    assert "no order TW-99999" in tool_results(stub.requests[1])["eeeeeeeee"]["error"]


def test_a_model_that_keeps_calling_tools_is_stopped(
    stub: StubChat, shop_settings: Settings
) -> None:
    stub.script = lambda request: calls(call("fffffffff", "get_order", order_id="TW-10442"))
    (outcome,) = run(stub, shop_settings, Shop(order("TW-10442")), TICKET)
    assert len(stub.requests) == MAX_STEPS
    assert outcome.reply is None and outcome.escalation_reason


def test_each_ticket_starts_a_fresh_conversation(stub: StubChat, shop_settings: Settings) -> None:
    other = dataclasses.replace(TICKET, id="T-2002", customer_email="bram@example.com")
    stub.script = lambda request: "Thanks, we are on it. The Tidewater team"
    run(stub, shop_settings, Shop(), TICKET, other)
    assert [len(r["messages"]) for r in stub.requests] == [2, 2]
    assert CUSTOMER not in json.dumps(stub.requests[1])
