"""Weekly backlog digest: a short summary of every open ticket older than a week.

Usage: python -m helpdesk.backlog export.jsonl -o digest.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mistralai.client import Mistral
from mistralai.client.models import SystemMessage, UserMessage

from helpdesk.llm import make_client, reply_text
from helpdesk.logs import setup_logging
from helpdesk.models import Ticket, TicketStatus
from helpdesk.settings import Settings, load_settings
from helpdesk.store import load_tickets

logger = logging.getLogger(__name__)

SUMMARY_MAX_TOKENS = 120
SUMMARY_TEMPERATURE = 0.2

SYSTEM_PROMPT = (
    "You summarise customer support tickets for the weekly triage meeting. Answer with "
    "one or two plain sentences: what the customer needs and what is blocking them."
)

# Settings that are safe to publish with a report (never the API key).
REPORTED_SETTINGS = ("summary_model", "mistral_server", "max_concurrency")


@dataclass(frozen=True)
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


async def summarize(client: Mistral, ticket: Ticket, settings: Settings) -> str:
    """One or two sentences about TICKET.

    The shared client retries 429/5xx (honouring Retry-After) and applies the timeout;
    reply_text raises ReplyError for a cut-off or empty reply.
    """
    response = await client.chat.complete_async(
        model=settings.summary_model,
        messages=build_messages(ticket),
        max_tokens=SUMMARY_MAX_TOKENS,
        temperature=SUMMARY_TEMPERATURE,
    )
    return reply_text(response)


async def build_digest(
    tickets: list[Ticket],
    settings: Settings,
    min_age_days: int = 7,
    *,
    client: Mistral | None = None,
) -> list[DigestEntry]:
    """Summaries of the open tickets older than MIN_AGE_DAYS, oldest first.

    At most ``settings.max_concurrency`` requests are in flight. A ticket that cannot be
    summarised gets an entry with ``error`` set instead of failing the whole digest.
    """
    now = datetime.now(UTC)
    cutoff = now - timedelta(days=min_age_days)
    stale = sorted(
        (t for t in tickets if t.status == TicketStatus.OPEN and t.created_at <= cutoff),
        key=lambda t: t.created_at,
    )
    logger.info("Summarising %d of %d tickets", len(stale), len(tickets))
    if client is not None:
        return await _summarize_all(client, stale, settings, now)
    async with make_client(settings) as shared:
        return await _summarize_all(shared, stale, settings, now)


async def _summarize_all(
    client: Mistral, stale: list[Ticket], settings: Settings, now: datetime
) -> list[DigestEntry]:
    semaphore = asyncio.Semaphore(settings.max_concurrency)
    done = 0

    async def entry_for(ticket: Ticket) -> DigestEntry:
        nonlocal done
        age_days = (now - ticket.created_at).days
        async with semaphore:
            try:
                summary = await summarize(client, ticket, settings)
            except Exception as exc:
                logger.exception("No summary for ticket %s", ticket.id)
                error = f"{type(exc).__name__}: {exc}"
                return DigestEntry(ticket.id, ticket.subject, age_days, summary=None, error=error)
        done += 1
        if done % 25 == 0:
            logger.info("%d/%d tickets summarised", done, len(stale))
        return DigestEntry(ticket.id, ticket.subject, age_days, summary=summary)

    # gather returns the results in the order of its arguments: oldest ticket first.
    return list(await asyncio.gather(*(entry_for(t) for t in stale)))


def write_report(
    entries: list[DigestEntry], settings: Settings, path: Path, min_age_days: int = 7
) -> None:
    config: dict[str, object] = {name: getattr(settings, name) for name in REPORTED_SETTINGS}
    config |= {
        "min_age_days": min_age_days,
        "max_tokens": SUMMARY_MAX_TOKENS,
        "temperature": SUMMARY_TEMPERATURE,
    }
    report = {
        "generated_at": datetime.now(UTC).isoformat(),
        "config": config,
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
    write_report(entries, settings, args.output, args.min_age_days)
    logger.info("Wrote %d entries to %s", len(entries), args.output)


if __name__ == "__main__":
    main()
