"""Reading ticket exports (one JSON object per line)."""

from __future__ import annotations

import json
from pathlib import Path

from helpdesk.models import Ticket


def load_tickets(path: Path) -> list[Ticket]:
    """Every ticket in the JSONL export at PATH, in file order; blank lines are skipped."""
    tickets: list[Ticket] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                tickets.append(Ticket.from_dict(json.loads(line)))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}:{number}: bad ticket: {exc}") from exc
    return tickets
