"""Domain model: support tickets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class TicketStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    SOLVED = "solved"


@dataclass(frozen=True, slots=True)
class Ticket:
    """A customer ticket as exported by the ticketing system."""

    id: str
    subject: str
    body: str
    customer_email: str
    status: TicketStatus
    created_at: datetime  # always timezone-aware

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Ticket:
        created_at = datetime.fromisoformat(str(data["created_at"]))
        if created_at.tzinfo is None:
            raise ValueError(f"ticket {data['id']}: created_at has no timezone")
        return cls(
            id=str(data["id"]),
            subject=str(data["subject"]),
            body=str(data["body"]),
            customer_email=str(data["customer_email"]),
            status=TicketStatus(data["status"]),
            created_at=created_at,
        )
