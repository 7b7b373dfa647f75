from __future__ import annotations

import pytest

from helpdesk.kb import CHUNK_SIZE, chunk_text, cosine

ARTICLE = (
    "To export your invoices, open Billing > Invoices, select the months you need and "
    "click Export. You can choose CSV for spreadsheets or PDF for your records. "
) * 20


def test_chunk_text_respects_chunk_size() -> None:
    chunks = chunk_text(ARTICLE)
    assert len(chunks) > 1
    assert all(len(chunk) <= CHUNK_SIZE for chunk in chunks)


def test_chunks_overlap() -> None:
    first, second = chunk_text(ARTICLE)[:2]
    assert first[-100:] in second


def test_cosine() -> None:
    assert cosine([0.3, 0.4, 0.5], [0.3, 0.4, 0.5]) == pytest.approx(1.0)
    assert cosine([1.0, 0.0], [0.0, 1.0]) == 0.0
