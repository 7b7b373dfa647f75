"""Proofs for the `streaming-endpoint` exercise (the assist panel's SSE endpoint).

Each test builds the tree's web app (PR or fixed) and drives it in-process like a browser
would: an httpx client POSTs to ``http://helpdesk.test/tickets/{id}/assist``, a host the
mounted fake routes to the app, and reads the server-sent events as they arrive; closing
the response early is a browser going away. The app talks to the fake Mistral API
(``fake_mistral``) through the real mistralai SDK. Every test fails on the PR and passes on
the fix.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from checker.fakeapi import FakeMistral, Reply

T = TypeVar("T")

HOST = "helpdesk.test"
EU_HOST = "api.eu.mistral.ai"
TICKET = {
    "id": "T-4512",
    "subject": "Refund for a double charge",
    "body": "I was charged twice for the March plan on card ending 4242. "
    "Please refund one of the payments to my account.",
    "customer_email": "noor.haddad@example.com",
    "status": "open",
    "created_at": "2024-03-04T09:30:00+00:00",
}
REPLY = (
    "Hello Noor,\n\nthank you for telling us about the double charge. We have refunded "
    "one of the two payments; it will show on your statement within five days.\n\n"
    "Kind regards,\nThe Tidewater team"
)


# --- a browser, in-process ---------------------------------------------------------------


@dataclass
class Event:
    type: str
    data: str


def parse_events(body: str) -> list[Event]:
    """The events in BODY, parsed by the rules of the HTML standard's EventSource.

    Lines end at CR, LF or CRLF; an empty line dispatches the event when it has data; a line
    starting with ":" is a comment; other fields than ``event`` and ``data`` are ignored
    (a line without a colon is a field name with an empty value).
    """
    events: list[Event] = []
    kind = ""
    data: list[str] = []
    for line in re.split(r"\r\n|\r|\n", body):
        if not line:
            if data:
                events.append(Event(kind or "message", "\n".join(data)))
            kind, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            data.append(value)
        elif name == "event":
            kind = value
    return events


@dataclass
class Received:
    """What the browser got."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    ended: bool = False  # the server finished the response
    broken: str | None = None  # what cut the response off, if something did

    @property
    def events(self) -> list[Event]:
        return parse_events(self.body)

    @property
    def text(self) -> str:
        return "".join(e.data for e in self.events if e.type == "message")

    def summary(self) -> str:
        if self.broken:
            state = f"broken off by {self.broken}"
        elif not self.ended:
            state = "still open"
        else:
            state = "ended"
        kinds = [e.type for e in self.events]
        return f"response {state}; events {kinds[-6:]}"


async def post_assist(
    ticket_id: str = str(TICKET["id"]),
    *,
    deadline: float = 10.0,
    leave_after: int | None = None,
) -> Received:
    """POST to the assist endpoint and read the events for at most DEADLINE seconds.

    With LEAVE_AFTER, the browser goes away (closes the response) once it has that many
    text events.
    """
    received = Received()
    async with (
        httpx.AsyncClient(base_url=f"http://{HOST}") as http,
        http.stream("POST", f"/tickets/{ticket_id}/assist") as response,
    ):
        received.status = response.status_code
        received.headers = dict(response.headers)
        try:
            async with asyncio.timeout(deadline):
                async for text in response.aiter_text():
                    received.body += text
                    texts = [e for e in received.events if e.type == "message"]
                    if leave_after is not None and len(texts) >= leave_after:
                        return received
            received.ended = True
        except TimeoutError:
            pass
        except Exception as exc:  # the app raised while streaming: the response is cut
            received.broken = f"{type(exc).__name__}: {exc}"
    return received


def serve(fake: FakeMistral, tree_app: Any) -> None:
    fake.route(HOST, tree_app)


def write_export(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def make_settings(**overrides: Any) -> Any:
    """The tree's settings from the environment (MISTRAL_API_KEY is set by the fixture)."""
    from helpdesk.settings import load_settings

    values: dict[str, Any] = {"retry_initial_ms": 10, "retry_budget_ms": 500}
    values.update(overrides)
    return dataclasses.replace(load_settings(), **values)


def make_app(export: Path, **settings: Any) -> Any:
    from helpdesk.web import create_app

    return create_app(make_settings(**settings), export)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "export.jsonl", [TICKET])


@pytest.fixture
def app(fake_mistral: FakeMistral, export: Path) -> Any:
    """The tree's app with default settings, served at HOST."""
    web_app = make_app(export)
    serve(fake_mistral, web_app)
    return web_app


@pytest.fixture(scope="module", autouse=True)
def warm_up(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Pay the first-use costs (lazy imports in the SDK and Starlette) outside timed proofs."""
    fake = FakeMistral()
    export = write_export(tmp_path_factory.mktemp("warm-up") / "export.jsonl", [TICKET])
    with pytest.MonkeyPatch.context() as patch, fake.mount():
        patch.setenv("MISTRAL_API_KEY", "warm-up")
        serve(fake, make_app(export))
        asyncio.run(post_assist())


# --- error handling -------------------------------------------------------------------


@pytest.mark.issue("failure-hangs-the-stream")
def test_an_upstream_failure_ends_the_stream_with_an_error_event(
    fake_mistral: FakeMistral, export: Path
) -> None:
    # the model stalls after the first chunk for longer than the request timeout (200 ms)
    serve(fake_mistral, make_app(export, request_timeout_ms=200))
    fake_mistral.faults.stream_delay = 1.0
    got = asyncio.run(post_assist(deadline=2.5))
    assert got.ended and got.events and got.events[-1].type == "error", (
        f"the upstream read timed out after 0.2 s, but 2.5 s later the browser's {got.summary()}"
    )


# --- security -------------------------------------------------------------------------


@pytest.mark.issue("eu-region-overridden")
def test_ticket_text_is_only_sent_to_the_eu_endpoint(fake_mistral: FakeMistral, app: Any) -> None:
    assert make_settings().mistral_server == "eu"
    got = asyncio.run(post_assist())
    assert got.ended
    hosts = {r.headers.get("host", "") for r in fake_mistral.chat_requests}
    assert hosts == {EU_HOST}, f"the ticket was sent to {sorted(hosts)}"


@pytest.mark.issue("customer-data-in-logs")
def test_the_log_holds_no_customer_data(
    fake_mistral: FakeMistral, app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    fake_mistral.on_chat(lambda body: REPLY)
    with caplog.at_level(logging.DEBUG):
        got = asyncio.run(post_assist())
    assert got.ended
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("helpdesk")]
    personal = {
        "the customer's email": str(TICKET["customer_email"]),
        "the ticket's text": "card ending 4242",
        "the drafted reply": "double charge",
    }
    leaks = {
        label: next(m for m in messages if value in m)
        for label, value in personal.items()
        if any(value in m for m in messages)
    }
    assert not leaks, "the log contains " + "; ".join(
        f"{label} ({message[:70]!r})" for label, message in leaks.items()
    )


# --- async ----------------------------------------------------------------------------


@pytest.mark.issue("upstream-outlives-the-client")
def test_the_mistral_stream_stops_when_the_browser_goes_away(
    fake_mistral: FakeMistral, app: Any
) -> None:
    fake_mistral.on_chat(lambda body: " ".join(["word"] * 60))
    fake_mistral.faults.stream_delay = 0.05  # 3 s for the whole reply

    async def leave_early() -> tuple[Received, int]:
        got = await post_assist(leave_after=3)
        await asyncio.sleep(0.3)
        return got, fake_mistral.in_flight

    got, in_flight = asyncio.run(leave_early())
    assert len([e for e in got.events if e.type == "message"]) >= 3
    assert len(fake_mistral.chat_requests) == 1
    assert in_flight == 0, (
        "0.3 s after the browser went away, the Mistral stream it asked for is still "
        f"being generated and read ({in_flight} request in flight)"
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


@pytest.mark.issue("blocking-ticket-lookup")
def test_looking_up_a_ticket_does_not_freeze_the_event_loop(
    fake_mistral: FakeMistral, tmp_path: Path
) -> None:
    rows = [dict(TICKET, id=f"T-{n}") for n in range(40_000)] + [TICKET]
    serve(fake_mistral, make_app(write_export(tmp_path / "big.jsonl", rows)))
    asyncio.run(post_assist(deadline=10))  # a first click: the app may load the export now
    got, longest_gap = asyncio.run(_with_heartbeat(post_assist(deadline=10)))
    assert got.ended
    assert longest_gap < 0.15, (
        f"the event loop was frozen for {longest_gap:.2f}s while the ticket was looked up "
        "in an export of 40 001 tickets: every other stream stalled meanwhile"
    )


@pytest.mark.issue("half-written-export-fails-every-request")
def test_a_half_written_export_does_not_break_the_panel(
    fake_mistral: FakeMistral, app: Any, export: Path
) -> None:
    assert asyncio.run(post_assist()).ended  # the panel works
    # the ticketing system is rewriting the export: the line of a new ticket is half written
    new_line = json.dumps(dict(TICKET, id="T-4513"))
    export.write_text(json.dumps(TICKET) + "\n" + new_line[:40], encoding="utf-8")
    got = asyncio.run(post_assist())
    assert got.status == 200 and got.ended and got.events[-1].type == "done", (
        f"while a new ticket was being written to the export, asking for {TICKET['id']} (a "
        f"ticket that is fine) got HTTP {got.status}; {got.summary()}"
    )


# --- api usage ------------------------------------------------------------------------


@pytest.mark.issue("reasoning-chunks-break-the-reply")
def test_a_reasoning_model_reply_streams_its_text(fake_mistral: FakeMistral, app: Any) -> None:
    thinking = "The customer was charged twice and wants one payment back."
    fake_mistral.on_chat(lambda body: Reply(content=REPLY, thinking=thinking))
    got = asyncio.run(post_assist())
    assert got.ended and got.text == REPLY, (
        f"with thinking chunks in the stream the browser's {got.summary()}; text: {got.text[:80]!r}"
    )


LONG_REPLY = " ".join(["We are looking into the double charge."] * 80)  # 560 words


@pytest.mark.issue("finish-reason-ignored")
def test_a_cut_off_reply_is_not_reported_as_done(fake_mistral: FakeMistral, app: Any) -> None:
    fake_mistral.on_chat(lambda body: LONG_REPLY)  # the fake cuts it at max_tokens
    got = asyncio.run(post_assist())
    (upstream,) = fake_mistral.chat_requests
    assert upstream.body.get("max_tokens"), "the request sets no max_tokens"
    assert got.ended and got.events
    assert got.events[-1].type != "done", (
        f"the reply was cut off at max_tokens={upstream.body['max_tokens']}, "
        "and the stream ended with `done` as if it were complete"
    )


# --- correctness ----------------------------------------------------------------------


@pytest.mark.issue("newlines-break-sse-frames")
def test_line_breaks_in_the_reply_reach_the_browser(fake_mistral: FakeMistral, app: Any) -> None:
    fake_mistral.on_chat(lambda body: REPLY)
    got = asyncio.run(post_assist())
    assert got.ended
    assert got.text == REPLY, f"the browser got {got.text!r} for the reply {REPLY!r}"


# --- performance ----------------------------------------------------------------------


@pytest.mark.issue("proxy-buffers-the-stream")
def test_the_response_tells_proxies_not_to_buffer_it(fake_mistral: FakeMistral, app: Any) -> None:
    got = asyncio.run(post_assist())
    assert got.ended
    assert got.headers.get("x-accel-buffering") == "no", (
        f"no `X-Accel-Buffering: no` header; headers: {got.headers}"
    )
    assert "no-cache" in got.headers.get("cache-control", "")


# --- testing --------------------------------------------------------------------------


def run_tree_tests(tree: Path, test_file: str) -> int:
    """Run one of the tree's test files in this process (so under the mounted fake)."""
    return int(
        pytest.main(
            [
                str(tree / "tests" / test_file),
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


@pytest.mark.issue("region-test-weakened")
def test_the_tests_catch_a_client_that_ignores_the_region(
    fake_mistral: FakeMistral, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpdesk import llm
    from mistralai.client import Mistral

    def regionless(*args: Any, **kwargs: Any) -> Mistral:
        kwargs.pop("server", None)  # as if make_client forgot HELPDESK_MISTRAL_SERVER
        return Mistral(*args, **kwargs)

    monkeypatch.setattr(llm, "Mistral", regionless)
    assert run_tree_tests(tree, "test_llm.py") == pytest.ExitCode.TESTS_FAILED, (
        "tests/test_llm.py still passes when make_client ignores mistral_server"
    )
