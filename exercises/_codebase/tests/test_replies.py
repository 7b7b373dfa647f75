from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from helpdesk.llm import ReplyError
from helpdesk.models import Ticket, TicketStatus
from helpdesk.replies import draft_reply
from helpdesk.settings import Settings
from helpdesk.testing import StubChat, StubReply

TICKET = Ticket(
    id="T-100",
    subject="Invoice shows the wrong VAT number",
    body="Our March invoice lists an old VAT number. Can you reissue it?",
    customer_email="ap@example.com",
    status=TicketStatus.OPEN,
    created_at=datetime(2024, 3, 4, 9, 30, tzinfo=UTC),
)


def test_draft_reply_sends_the_ticket_and_returns_the_text(
    stub: StubChat, settings: Settings
) -> None:
    stub.script = lambda request: "Thanks for flagging this, we will reissue it."
    text = asyncio.run(draft_reply(stub.client(), settings, TICKET))
    assert text == "Thanks for flagging this, we will reissue it."
    (request,) = stub.requests
    assert request["model"] == settings.chat_model
    assert "old VAT number" in request["messages"][-1]["content"]


def test_draft_reply_refuses_a_cut_off_reply(stub: StubChat, settings: Settings) -> None:
    stub.script = lambda request: StubReply("Thanks for flagging this, we", "length")
    with pytest.raises(ReplyError):
        asyncio.run(draft_reply(stub.client(), settings, TICKET))
