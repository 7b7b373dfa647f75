"""Weekly backlog digest: a short summary of every open ticket older than a week.

Usage: python -m helpdesk.backlog export.jsonl -o digest.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mistralai.client import Mistral
from mistralai.client.models import SystemMessage, UserMessage

from helpdesk.logs import setup_logging
from helpdesk.models import Ticket, TicketStatus
from helpdesk.settings import Settings, load_settings
from helpdesk.store import load_tickets

logger = logging.getLogger(__name__)

SUMMARY_MAX_TOKENS = 120
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 0.5

SYSTEM_PROMPT = (
    "You summarise customer support tickets for the weekly triage meeting. Answer with "
    "one or two plain sentences: what the customer needs and what is blocking them."
)


@dataclass
class DigestEntry:
    ticket_id: str
    subject: str
    age_days: int
    summary: str | None
    error: str | None = None


def build_messages(ticket: Ticket) -> list[SystemMessage | UserMessage]:
    return [
        SystemMessage(content=SYSTEM_PROMPT),
        UserMessage(content=f"Subject: {ticket.subject}\n\n{ticket.body}"),
    ]


async def summarize(ticket: Ticket, settings: Settings) -> str:
    client = Mistral(api_key=settings.api_key)
    semaphore = asyncio.Semaphore(settings.max_concurrency)
    async with semaphore:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                response = await client.chat.complete_async(
                    model=settings.summary_model,
                    messages=build_messages(ticket),
                    max_tokens=SUMMARY_MAX_TOKENS,
                    temperature=0.2,
                )
                return response.choices[0].message.content
            except Exception as exc:
                logger.warning(f"Attempt {attempt}/{MAX_ATTEMPTS} failed for {ticket.id}: {exc}")
                if attempt < MAX_ATTEMPTS:
                    time.sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
    raise RuntimeError(f"Giving up on ticket {ticket.id} after {MAX_ATTEMPTS} attempts")


async def digest_entry(ticket: Ticket, settings: Settings, now: datetime) -> DigestEntry:
    age_days = (now - ticket.created_at).days
    try:
        summary = await summarize(ticket, settings)
    except Exception as exc:
        logger.exception("No summary for ticket %s", ticket.id)
        return DigestEntry(ticket.id, ticket.subject, age_days, summary=None, error=str(exc))
    return DigestEntry(ticket.id, ticket.subject, age_days, summary=summary)


async def build_digest(
    tickets: list[Ticket], settings: Settings, min_age_days: int = 7
) -> list[DigestEntry]:
    now = datetime.now(UTC)
    cutoff = now - timedelta(days=min_age_days)
    stale = sorted(
        (t for t in tickets if t.status == TicketStatus.OPEN and t.created_at <= cutoff),
        key=lambda t: t.created_at,
    )
    logger.info("Summarising %d of %d tickets", len(stale), len(tickets))

    entries: list[DigestEntry] = []
    for next_done in asyncio.as_completed([digest_entry(t, settings, now) for t in stale]):
        entries.append(await next_done)
        if len(entries) % 25 == 0:
            logger.info("%d/%d tickets summarised", len(entries), len(stale))
    return entries


def write_report(entries: list[DigestEntry], settings: Settings, path: Path) -> None:
    report = {
        "generated_at": datetime.now(UTC).isoformat(),
        "config": asdict(settings),
        "ticket_count": len(entries),
        "failed_count": sum(1 for e in entries if e.error),
        "entries": [asdict(e) for e in entries],
    }
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Summarise stale open tickets for triage.")
    parser.add_argument("tickets", type=Path, help="JSONL export of the ticket queue")
    parser.add_argument("-o", "--output", type=Path, default=Path("digest.json"))
    parser.add_argument("--min-age-days", type=int, default=7)
    args = parser.parse_args(argv)

    settings = load_settings()
    setup_logging(secrets=[settings.api_key])
    logger.info("Starting backlog digest with %s", settings)

    tickets = load_tickets(args.tickets)
    entries = asyncio.run(build_digest(tickets, settings, args.min_age_days))
    write_report(entries, settings, args.output)
    logger.info("Wrote %d entries to %s", len(entries), args.output)


if __name__ == "__main__":
    main()
