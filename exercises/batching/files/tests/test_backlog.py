from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from helpdesk.backlog import build_digest
from helpdesk.models import Ticket, TicketStatus
from helpdesk.settings import load_settings


def make_ticket(ticket_id: str, days_old: int, status: TicketStatus = TicketStatus.OPEN) -> Ticket:
    return Ticket(
        id=ticket_id,
        subject=f"Export failing ({ticket_id})",
        body="The nightly CSV export has failed since Monday with a timeout.",
        customer_email="ops@example.com",
        status=status,
        created_at=datetime.now(UTC) - timedelta(days=days_old),
    )


def test_build_digest() -> None:
    tickets = [
        make_ticket("T-1", days_old=30),
        make_ticket("T-2", days_old=10),
        make_ticket("T-3", days_old=2),
        make_ticket("T-4", days_old=40, status=TicketStatus.SOLVED),
    ]
    entries = asyncio.run(build_digest(tickets, load_settings()))
    assert len(entries) == 2
    assert {e.ticket_id for e in entries} == {"T-1", "T-2"}
