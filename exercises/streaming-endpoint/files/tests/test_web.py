from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from starlette.testclient import TestClient

from helpdesk.settings import Settings
from helpdesk.web import create_app

TICKET = {
    "id": "T-100",
    "subject": "Invoice shows the wrong VAT number",
    "body": "Our March invoice lists an old VAT number. Can you reissue it?",
    "customer_email": "ap@example.com",
    "status": "open",
    "created_at": "2024-03-04T09:30:00+00:00",
}


class FakeStream:
    """Stands in for the SDK's event stream: yields events with the given text deltas."""

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = list(pieces)

    def __aiter__(self) -> FakeStream:
        return self

    async def __anext__(self) -> Any:
        if not self.pieces:
            raise StopAsyncIteration
        delta = SimpleNamespace(content=self.pieces.pop(0))
        return SimpleNamespace(data=SimpleNamespace(choices=[SimpleNamespace(delta=delta)]))


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(TICKET) + "\n", encoding="utf-8")
    return path


def test_assist_streams_the_answer(
    settings: Settings, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def fake_stream_async(self: Any, **kwargs: Any) -> FakeStream:
        return FakeStream(["Hello", " there", "!"])

    monkeypatch.setattr("mistralai.client.chat.Chat.stream_async", fake_stream_async)
    client = TestClient(create_app(settings, export))

    response = client.post("/tickets/T-100/assist")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert "Hello" in response.text


def test_unknown_ticket_is_404(settings: Settings, export: Path) -> None:
    client = TestClient(create_app(settings, export))

    assert client.post("/tickets/T-999/assist").status_code == 404
