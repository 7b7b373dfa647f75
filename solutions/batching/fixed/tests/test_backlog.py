from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from helpdesk import backlog
from helpdesk.backlog import build_digest, write_report
from helpdesk.models import Ticket, TicketStatus
from helpdesk.settings import Settings
from helpdesk.testing import StubChat, StubReply


def make_ticket(ticket_id: str, days_old: int, status: TicketStatus = TicketStatus.OPEN) -> Ticket:
    return Ticket(
        id=ticket_id,
        subject=f"Export failing ({ticket_id})",
        body=f"The nightly CSV export of {ticket_id} has failed since Monday with a timeout.",
        customer_email="ops@example.com",
        status=status,
        created_at=datetime.now(UTC) - timedelta(days=days_old),
    )


def summary_of(request: dict[str, Any]) -> str:
    subject = request["messages"][-1]["content"].splitlines()[0]
    return f"Summary of {subject}"


def test_build_digest_summarises_stale_open_tickets_oldest_first(
    stub: StubChat, settings: Settings
) -> None:
    stub.script = summary_of
    tickets = [
        make_ticket("T-2", days_old=10),
        make_ticket("T-1", days_old=30),
        make_ticket("T-3", days_old=2),
        make_ticket("T-4", days_old=40, status=TicketStatus.SOLVED),
    ]
    entries = asyncio.run(build_digest(tickets, settings, client=stub.client()))
    assert [(e.ticket_id, e.summary, e.error) for e in entries] == [
        ("T-1", "Summary of Subject: Export failing (T-1)", None),
        ("T-2", "Summary of Subject: Export failing (T-2)", None),
    ]
    assert all(r["model"] == settings.summary_model for r in stub.requests)


@pytest.mark.parametrize("reply", [StubReply("The customer cannot", "length"), StubReply(None)])
def test_unusable_replies_are_reported_as_errors(
    stub: StubChat, settings: Settings, reply: StubReply
) -> None:
    stub.script = lambda request: reply
    (entry,) = asyncio.run(build_digest([make_ticket("T-1", 9)], settings, client=stub.client()))
    assert entry.summary is None
    assert entry.error is not None and entry.error.startswith("ReplyError")


def test_one_failing_ticket_does_not_stop_the_digest(
    stub: StubChat, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_summarize = backlog.summarize

    async def flaky(client: Any, ticket: Ticket, settings: Settings) -> str:
        if ticket.id == "T-1":
            raise RuntimeError("boom")
        return await real_summarize(client, ticket, settings)

    monkeypatch.setattr(backlog, "summarize", flaky)
    tickets = [make_ticket("T-1", 20), make_ticket("T-2", 10)]
    entries = asyncio.run(build_digest(tickets, settings, client=stub.client()))
    assert [(e.ticket_id, e.error) for e in entries] == [
        ("T-1", "RuntimeError: boom"),
        ("T-2", None),
    ]


def test_report_does_not_contain_the_api_key(tmp_path: Path) -> None:
    settings = Settings(api_key="k-very-secret")
    entry = backlog.DigestEntry("T-1", "Export failing", 9, "Summary")
    write_report([entry], settings, tmp_path / "digest.json")
    text = (tmp_path / "digest.json").read_text(encoding="utf-8")
    assert "k-very-secret" not in text
    assert json.loads(text)["entries"][0]["ticket_id"] == "T-1"
