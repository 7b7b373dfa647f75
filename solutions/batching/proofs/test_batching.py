"""Proofs for the `batching` exercise (the weekly backlog digest).

Each test runs the tree's real code (PR or fixed) with the real mistralai SDK against the
in-process fake Mistral API (`fake_mistral`), and fails on the PR, passes on the fix.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from collections.abc import Awaitable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from checker.fakeapi import FakeMistral, Reply

T = TypeVar("T")

EU_HOST = "api.eu.mistral.ai"


def make_tickets(count: int) -> list[Any]:
    """COUNT open tickets, 10+ days old, listed newest first (the digest must sort them)."""
    from helpdesk.models import Ticket, TicketStatus

    now = datetime.now(UTC)
    tickets = [
        Ticket(
            id=f"T-{i}",
            subject=f"Invoice export broken for account {i}",
            body=f"Since the upgrade the invoice export for account {i} stops halfway. "
            "Our accountant needs the files by Friday.",
            customer_email=f"customer{i}@example.com",
            status=TicketStatus.OPEN,
            created_at=now - timedelta(days=10 + i),
        )
        for i in range(count)
    ]
    return tickets


def oldest_first(tickets: list[Any]) -> list[str]:
    return [t.id for t in sorted(tickets, key=lambda t: t.created_at)]


def make_settings(**overrides: Any) -> Any:
    """The tree's settings from the environment (MISTRAL_API_KEY is set by the fixture)."""
    from helpdesk.settings import load_settings

    values: dict[str, Any] = {"retry_initial_ms": 10, "max_concurrency": 4}
    values.update(overrides)
    return dataclasses.replace(load_settings(), **values)


def digest(tickets: list[Any], settings: Any) -> list[Any]:
    from helpdesk.backlog import build_digest

    return list(asyncio.run(build_digest(tickets, settings)))


@pytest.fixture(scope="module", autouse=True)
def warm_up_sdk() -> None:
    """Pay the SDK's first-use cost (lazy imports, TLS setup) outside the timed proofs."""
    from mistralai.client import Mistral

    async def one_request() -> None:
        async with Mistral(api_key="warm-up") as client:
            await client.chat.complete_async(
                model="mistral-small-latest", messages=[{"role": "user", "content": "hi"}]
            )

    with FakeMistral().mount():
        asyncio.run(one_request())


@pytest.fixture
def no_blocking_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Make time.sleep instant (records the delays) so retry loops cost no wall time."""
    delays: list[float] = []
    monkeypatch.setattr(time, "sleep", delays.append)
    return delays


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def run_tree_tests(tree: Path) -> int:
    """Run the tree's tests/test_backlog.py in this process (so under the mounted fake)."""
    return int(
        pytest.main(
            [
                str(tree / "tests" / "test_backlog.py"),
                "-q",
                "-p",
                "no:cacheprovider",
                "--import-mode=importlib",
                f"--rootdir={tree}",
                "-c",
                str(tree / "pyproject.toml"),
            ]
        )
    )


# --- async --------------------------------------------------------------------------


@pytest.mark.issue("semaphore-per-call")
def test_concurrency_is_capped_by_max_concurrency(fake_mistral: FakeMistral) -> None:
    fake_mistral.faults.latency = 0.5
    entries = digest(make_tickets(3), make_settings(max_concurrency=2))
    assert all(e.summary for e in entries)
    assert fake_mistral.peak_in_flight <= 2, (
        f"{fake_mistral.peak_in_flight} requests in flight with HELPDESK_MAX_CONCURRENCY=2"
    )


async def _with_heartbeat(work: Awaitable[T]) -> tuple[T, float]:
    """Await WORK while a 10 ms ticker runs; return its result and the ticker's longest gap."""
    loop = asyncio.get_running_loop()
    gaps: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:
        last = loop.time()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = loop.time()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(tick())
    try:
        result = await work
    finally:
        done.set()
        await ticker
    return result, max(gaps, default=0.0)


@pytest.mark.issue("blocking-sleep")
def test_backoff_does_not_freeze_the_event_loop(fake_mistral: FakeMistral) -> None:
    from helpdesk.backlog import build_digest

    fake_mistral.faults.latency = 0.05
    fake_mistral.faults.fail_next = [503]
    tickets = make_tickets(3)
    entries, longest_gap = asyncio.run(_with_heartbeat(build_digest(tickets, make_settings())))
    assert all(e.summary for e in entries), "the 503 should have been retried"
    assert longest_gap < 0.4, f"the event loop was frozen for {longest_gap:.2f}s during a retry"


# --- security -----------------------------------------------------------------------


@pytest.mark.issue("client-bypasses-factory")
def test_ticket_text_is_only_sent_to_the_configured_eu_endpoint(
    fake_mistral: FakeMistral,
) -> None:
    settings = make_settings()
    assert settings.mistral_server == "eu"
    digest(make_tickets(2), settings)
    hosts = {r.headers.get("host", "") for r in fake_mistral.chat_requests}
    assert hosts == {EU_HOST}, f"ticket text was sent to {sorted(hosts)}"


@pytest.mark.issue("api-key-in-report")
def test_report_does_not_contain_the_api_key(
    fake_mistral: FakeMistral,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    restore_logging: None,
) -> None:
    from helpdesk.backlog import main

    secret = "sk-proof-5f3c9e1d-do-not-publish"
    monkeypatch.setenv("MISTRAL_API_KEY", secret)
    export = tmp_path / "export.jsonl"
    rows = [
        {
            "id": t.id,
            "subject": t.subject,
            "body": t.body,
            "customer_email": t.customer_email,
            "status": "open",
            "created_at": t.created_at.isoformat(),
        }
        for t in make_tickets(2)
    ]
    export.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "digest.json"
    main([str(export), "-o", str(out)])
    report = out.read_text(encoding="utf-8")
    assert json.loads(report)["ticket_count"] == 2
    assert secret not in report, "the API key is written into the shareable digest.json"


# --- performance --------------------------------------------------------------------


@pytest.mark.issue("client-per-ticket")
def test_one_client_for_the_whole_run(
    fake_mistral: FakeMistral, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mistralai.client import Mistral

    created: list[object] = []
    original_init = Mistral.__init__

    def counting_init(self: Mistral, *args: Any, **kwargs: Any) -> None:
        created.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(Mistral, "__init__", counting_init)
    entries = digest(make_tickets(5), make_settings())
    assert len(entries) == 5
    assert len(created) == 1, f"{len(created)} Mistral clients built for 5 tickets"


# --- error handling -----------------------------------------------------------------


@pytest.mark.issue("retries-permanent-errors")
def test_permanent_errors_are_not_retried(
    fake_mistral: FakeMistral, no_blocking_sleep: list[float]
) -> None:
    fake_mistral.faults.fail_every = 1
    fake_mistral.faults.fail_status = 401
    entries = digest(make_tickets(2), make_settings())
    assert all(e.error and e.summary is None for e in entries)
    assert len(fake_mistral.chat_requests) == 2, (
        f"{len(fake_mistral.chat_requests)} requests for 2 tickets rejected with 401"
    )


@pytest.mark.issue("error-cause-lost")
def test_the_recorded_error_names_the_cause(
    fake_mistral: FakeMistral, no_blocking_sleep: list[float]
) -> None:
    fake_mistral.faults.fail_every = 1
    fake_mistral.faults.fail_status = 401
    (entry,) = digest(make_tickets(1), make_settings())
    assert entry.error is not None
    assert "401" in entry.error, f"the digest says only {entry.error!r}"


# --- api usage ----------------------------------------------------------------------


@pytest.mark.issue("ignores-retry-after")
def test_a_429_is_retried_only_after_retry_after(fake_mistral: FakeMistral) -> None:
    fake_mistral.faults.retry_after = 0.8
    fake_mistral.faults.fail_next = [429]
    (entry,) = digest(make_tickets(1), make_settings())
    assert entry.summary
    limited, retried = fake_mistral.chat_requests[:2]
    assert limited.status == 429
    waited = retried.started - limited.ended
    assert waited >= 0.75, f"retried {waited:.2f}s after a 429 that said Retry-After: 0.8"


LONG_SUMMARY = " ".join(
    ["The customer reports that the invoice export stops halfway through the file."] * 15
)


@pytest.mark.issue("ignores-finish-reason-length")
def test_a_cut_off_summary_is_not_reported_as_done(fake_mistral: FakeMistral) -> None:
    fake_mistral.on_chat(lambda body: LONG_SUMMARY)  # the fake cuts it at max_tokens
    (entry,) = digest(make_tickets(1), make_settings())
    assert fake_mistral.chat_requests[0].status == 200
    assert entry.summary is None and entry.error, (
        f"a reply cut off by max_tokens was kept as the summary: ...{str(entry.summary)[-40:]!r}"
    )


@pytest.mark.issue("content-not-always-text")
def test_a_reply_without_text_is_reported_as_a_failure(fake_mistral: FakeMistral) -> None:
    fake_mistral.on_chat(lambda body: Reply(content=None))
    (entry,) = digest(make_tickets(1), make_settings())
    assert entry.error is not None, f"entry without text and without error: {entry!r}"


# --- correctness --------------------------------------------------------------------


@pytest.mark.issue("results-out-of-order")
def test_digest_lists_tickets_oldest_first(fake_mistral: FakeMistral) -> None:
    fake_mistral.faults.latency = 0.02
    fake_mistral.faults.fail_next = [503]  # one ticket takes a retry, so it finishes last
    tickets = make_tickets(6)
    entries = digest(tickets, make_settings())
    assert [e.ticket_id for e in entries] == oldest_first(tickets)


# --- naming -------------------------------------------------------------------------


@pytest.mark.issue("env-var-without-prefix")
def test_summary_model_uses_the_helpdesk_prefix() -> None:
    from helpdesk.settings import load_settings

    env = {"MISTRAL_API_KEY": "k", "HELPDESK_SUMMARY_MODEL": "mistral-medium-latest"}
    assert load_settings(env).summary_model == "mistral-medium-latest"


# --- testing ------------------------------------------------------------------------


@pytest.mark.issue("test-calls-real-api")
def test_the_unit_test_does_not_call_the_api(fake_mistral: FakeMistral, tree: Path) -> None:
    assert run_tree_tests(tree) == 0
    sent = [f"{r.headers.get('host')}{r.path}" for r in fake_mistral.requests]
    assert sent == [], f"tests/test_backlog.py sent {len(sent)} requests to the Mistral API"


@pytest.mark.issue("test-asserts-too-little")
def test_the_unit_test_fails_when_summaries_fail(
    fake_mistral: FakeMistral, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpdesk import backlog

    async def broken_summarize(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("summaries are broken")

    monkeypatch.setattr(backlog, "summarize", broken_summarize)
    assert run_tree_tests(tree) == pytest.ExitCode.TESTS_FAILED, (
        "tests/test_backlog.py still passes when no ticket gets a summary"
    )
