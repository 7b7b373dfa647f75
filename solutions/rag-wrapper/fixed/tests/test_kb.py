from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from helpdesk import kb
from helpdesk.kb import (
    CHUNK_SIZE,
    NOT_FOUND,
    Article,
    Chunk,
    Index,
    answer,
    build_index,
    chunk_text,
    rank,
)
from helpdesk.llm import ReplyError
from helpdesk.settings import Settings
from helpdesk.testing import StubChat, StubReply

FILLER = "Tidewater keeps this page up to date for every plan. " * 30
EXPORT = Article(1, "Exporting invoices", "https://help.test/1", "Invoice export: " + FILLER)
TWO_FA = Article(2, "Two-factor login", "https://help.test/2", "Two-factor codes: " + FILLER)


def topic_vector(text: str) -> list[float]:
    """A toy embedding: one axis per topic the text names; texts naming none of them get
    the third axis if they mention Tidewater, else the fourth."""
    lowered = text.lower()
    topics = [float(topic in lowered) for topic in ("invoice", "two-factor")]
    if any(topics):
        return [*topics, 0.0, 0.0]
    return [0.0, 0.0, 1.0, 0.0] if "tidewater" in lowered else [0.0, 0.0, 0.0, 1.0]


def stub_for(script: Any = None) -> StubChat:
    return StubChat(script or (lambda request: "Use Billing > Export [1]."), embed=topic_vector)


def index_of(stub: StubChat, tmp_path: Path, *articles: Article) -> Index:
    return asyncio.run(build_index(stub.client(), list(articles), tmp_path / "cache.json"))


def test_chunk_text_keeps_short_texts_and_the_tail() -> None:
    assert chunk_text("Codes expire after 30 seconds.") == ["Codes expire after 30 seconds."]
    text = FILLER * 3 + "The last step is to click Save."
    chunks = chunk_text(text)
    assert chunks[-1].endswith("The last step is to click Save.")
    assert all(len(chunk) <= CHUNK_SIZE for chunk in chunks)
    words = set(text.split())
    assert all(set(chunk.split()) <= words for chunk in chunks), "a word was cut in two"


def test_rank_orders_by_score_after_filtering() -> None:
    chunks = [Chunk(i, f"t{i}", f"u{i}", f"text {i}") for i in range(4)]
    vectors = [[0.0, 1.0], [1.0, 0.0], [0.6, 0.8], [0.8, 0.6]]
    hits = rank(Index(chunks, vectors), [1.0, 0.0], k=2)
    assert [(hit.chunk.article_id, round(hit.score, 2)) for hit in hits] == [(1, 1.0), (3, 0.8)]


def test_build_index_reuses_the_cache(tmp_path: Path) -> None:
    stub = stub_for()
    index_of(stub, tmp_path, EXPORT, TWO_FA)
    embedded = len(stub.requests)
    index_of(stub, tmp_path, EXPORT, TWO_FA)
    assert embedded >= 1
    assert len(stub.requests) == embedded, "the second build embedded the chunks again"


def test_build_index_embeds_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kb, "EMBED_BATCH_SIZE", 2)
    stub = stub_for()
    index = index_of(stub, tmp_path, EXPORT, TWO_FA)
    assert len(index.chunks) > 2
    assert all(len(request["input"]) <= 2 for request in stub.requests)


def test_answer_cites_the_articles_it_was_given(settings: Settings, tmp_path: Path) -> None:
    stub = stub_for()
    index = index_of(stub, tmp_path, EXPORT, TWO_FA)
    result = asyncio.run(answer(stub.client(), settings, index, "How do I export an invoice?"))
    assert result.text == "Use Billing > Export [1]."
    assert [source.url for source in result.sources] == [EXPORT.url]
    chat = stub.requests[-1]
    assert chat["model"] == settings.chat_model
    system, user = chat["messages"]
    assert "Invoice export" not in system["content"]
    assert "[1] Exporting invoices" in user["content"]


def test_answer_without_relevant_articles_does_not_ask_the_model(
    settings: Settings, tmp_path: Path
) -> None:
    stub = stub_for()
    index = index_of(stub, tmp_path, EXPORT)
    result = asyncio.run(answer(stub.client(), settings, index, "Can I pay in bitcoin?"))
    assert (result.text, result.sources) == (NOT_FOUND, [])
    assert all("messages" not in request for request in stub.requests)


def test_answer_refuses_a_cut_off_reply(settings: Settings, tmp_path: Path) -> None:
    stub = stub_for(lambda request: StubReply("Open Billing and", "length"))
    index = index_of(stub, tmp_path, EXPORT)
    with pytest.raises(ReplyError):
        asyncio.run(answer(stub.client(), settings, index, "How do I export an invoice?"))
