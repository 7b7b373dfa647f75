from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from helpdesk.settings import Settings
from helpdesk.testing import StubChat, StubReply
from helpdesk.web import create_app, sse, with_keepalive

TICKET = {
    "id": "T-100",
    "subject": "Invoice shows the wrong VAT number",
    "body": "Our March invoice lists an old VAT number. Can you reissue it?",
    "customer_email": "ap@example.com",
    "status": "open",
    "created_at": "2024-03-04T09:30:00+00:00",
}
REPLY = "Hello,\n\nwe will reissue the invoice today.\n\nThe Tidewater team"


def parse_events(body: str) -> list[tuple[str, str]]:
    """(type, data) of each server-sent event in BODY, parsed as a browser's EventSource does."""
    events: list[tuple[str, str]] = []
    kind = ""
    data: list[str] = []
    for line in re.split(r"\r\n|\r|\n", body):
        if not line:
            if data:
                events.append((kind or "message", "\n".join(data)))
            kind, data = "", []
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            data.append(value)
        elif name == "event":
            kind = value
    return events


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(TICKET) + "\n", encoding="utf-8")
    return path


def assist(settings: Settings, export: Path, stub: StubChat) -> tuple[Any, list[tuple[str, str]]]:
    http = TestClient(create_app(settings, export, client=stub.client()))
    response = http.post("/tickets/T-100/assist")
    return response, parse_events(response.text)


def text_of(events: list[tuple[str, str]]) -> str:
    return "".join(data for kind, data in events if kind == "message")


def test_assist_streams_the_reply_then_done(
    settings: Settings, export: Path, stub: StubChat
) -> None:
    stub.script = lambda request: REPLY
    response, events = assist(settings, export, stub)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["x-accel-buffering"] == "no"
    assert text_of(events) == REPLY
    assert events[-1] == ("done", '{"finish_reason": "stop"}')
    (request,) = stub.requests
    assert request["stream"] is True
    assert request["model"] == settings.chat_model
    assert "old VAT number" in request["messages"][-1]["content"]


def test_reasoning_is_not_part_of_the_reply(
    settings: Settings, export: Path, stub: StubChat
) -> None:
    stub.script = lambda request: StubReply(REPLY, thinking="The customer wants a new invoice.")
    _, events = assist(settings, export, stub)

    assert text_of(events) == REPLY
    assert events[-1][0] == "done"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [(StubReply("Hello, we will", "length"), "length"), (StubReply(None), "empty")],
)
def test_a_cut_off_or_empty_reply_ends_with_an_error(
    settings: Settings, export: Path, stub: StubChat, reply: StubReply, reason: str
) -> None:
    stub.script = lambda request: reply
    _, events = assist(settings, export, stub)

    kind, data = events[-1]
    assert kind == "error"
    assert json.loads(data)["reason"] == reason


def test_an_upstream_failure_ends_with_an_error(
    settings: Settings, export: Path, stub: StubChat
) -> None:
    def unreachable(request: dict[str, Any]) -> str:
        raise httpx2.ConnectError("connection refused")

    stub.script = unreachable
    response, events = assist(settings, export, stub)

    assert response.status_code == 200
    assert [kind for kind, _ in events] == ["error"]


def test_unknown_ticket_is_404(settings: Settings, export: Path, stub: StubChat) -> None:
    http = TestClient(create_app(settings, export, client=stub.client()))

    assert http.post("/tickets/T-999/assist").status_code == 404
    assert stub.requests == []


def test_the_log_holds_no_customer_data(
    settings: Settings, export: Path, stub: StubChat, caplog: pytest.LogCaptureFixture
) -> None:
    stub.script = lambda request: REPLY
    with caplog.at_level(logging.DEBUG, logger="helpdesk"):
        assist(settings, export, stub)

    logged = caplog.text
    assert "T-100" in logged
    assert TICKET["customer_email"] not in logged
    assert "VAT" not in logged
    assert "reissue" not in logged


def test_sse_keeps_line_breaks_inside_one_event() -> None:
    assert sse("one\ntwo\r\n", event="x") == "event: x\ndata: one\ndata: two\ndata: \n\n"
    assert parse_events(sse("a\n\nb")) == [("message", "a\n\nb")]


def slow_numbers(closed: list[bool], count: int = 3) -> AsyncGenerator[int, None]:
    async def numbers() -> AsyncGenerator[int, None]:
        try:
            for n in range(count):
                await asyncio.sleep(0.05)
                yield n
        finally:
            closed.append(True)

    return numbers()


def test_keepalives_fill_the_silences_between_items() -> None:
    closed: list[bool] = []

    async def collect() -> list[int | None]:
        return [item async for item in with_keepalive(slow_numbers(closed), 0.01)]

    items = asyncio.run(collect())
    assert [item for item in items if item is not None] == [0, 1, 2]
    assert None in items
    assert closed == [True]


def test_leaving_during_a_keepalive_stops_the_source() -> None:
    closed: list[bool] = []

    async def leave_at_the_first_keepalive() -> None:
        stream = with_keepalive(slow_numbers(closed, count=100), 0.01)
        assert await anext(stream) is None
        await stream.aclose()
        await asyncio.sleep(0.01)

    asyncio.run(leave_at_the_first_keepalive())
    assert closed == [True]


def test_a_half_written_export_keeps_the_last_good_index(
    settings: Settings, export: Path, stub: StubChat
) -> None:
    http = TestClient(create_app(settings, export, client=stub.client()))
    assert http.post("/tickets/T-100/assist").status_code == 200

    new_line = json.dumps(dict(TICKET, id="T-101"))
    export.write_text(json.dumps(TICKET) + "\n" + new_line[:30], encoding="utf-8")
    assert http.post("/tickets/T-100/assist").status_code == 200

    export.write_text(json.dumps(TICKET) + "\n" + new_line + "\n", encoding="utf-8")
    assert http.post("/tickets/T-101/assist").status_code == 200
