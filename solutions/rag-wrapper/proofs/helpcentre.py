"""Test helpers for the `rag-wrapper` proofs (not a test file).

* ``HelpCentre``: a fake of Tidewater's help-centre API, an ASGI app the proofs route
  ``help.tidewater.example`` to with ``FakeMistral.route``. ``GET /api/articles`` answers
  ``{"articles": [...], "next_page": <absolute URL or null>}``, at most ``page_size``
  articles a page whatever ``per_page`` asks, and an error page for the pages in ``fail``.
* ``topic_vector``: a scripted embedding (``FakeMistral.on_embeddings``) that puts texts
  mentioning a marker word on that marker's axes, so a proof fixes the similarity scores.
"""

from __future__ import annotations

import math
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from checker.fakeapi import EMBEDDING_DIM, embed_text

HOST = "help.tidewater.example"
BASE_URL = f"https://{HOST}"

FILLER = (
    "Tidewater keeps this page current for every plan and region. Screens may look "
    "slightly different on mobile devices, but the menus have the same names. "
)


def body(lead: str, length: int = 1100) -> str:
    """An article body: LEAD, then neutral filler up to about LENGTH characters."""
    text = lead.strip() + " "
    while len(text) < length:
        text += FILLER
    return text.strip()


def article(number: int, title: str, text: str) -> dict[str, Any]:
    """An article as the help-centre API returns it."""
    return {
        "id": 360000 + number,
        "title": title,
        "url": f"{BASE_URL}/articles/{360000 + number}",
        "body": text,
    }


class HelpCentre:
    """The fake help-centre API; ``requests`` lists the URLs it was asked for."""

    def __init__(self, articles: list[dict[str, Any]], page_size: int = 2) -> None:
        self.articles = articles
        self.page_size = page_size
        self.fail: dict[int, int] = {}  # page number -> HTTP status answered instead
        self.requests: list[str] = []
        self.app = Starlette(routes=[Route("/api/articles", self._list)])

    async def _list(self, request: Request) -> JSONResponse:
        self.requests.append(str(request.url))
        page = int(request.query_params.get("page", "1"))
        per_page = min(int(request.query_params.get("per_page", "30")), self.page_size)
        if page in self.fail:
            status = self.fail[page]
            return JSONResponse({"error": HTTPStatus(status).phrase}, status_code=status)
        start = (page - 1) * per_page
        more = start + per_page < len(self.articles)
        next_page = f"{BASE_URL}/api/articles?page={page + 1}&per_page={per_page}"
        return JSONResponse(
            {
                "articles": self.articles[start : start + per_page],
                "next_page": next_page if more else None,
            }
        )


# Marker word -> {axis: weight}. Axes 0-9 are reserved for markers.
MARKERS: dict[str, dict[int, float]] = {
    "zephyr": {0: 1.0},
    "quartz": {0: 1.0, 1: 0.6},
}


def topic_vector(text: str) -> list[float]:
    """Unit vector on the marker axes when TEXT names a marker; otherwise the fake's own
    bag-of-words vector without those axes, so it scores about 0 against marker texts."""
    lowered = text.lower()
    vector = [0.0] * EMBEDDING_DIM
    for word, axes in MARKERS.items():
        if word in lowered:
            for axis, weight in axes.items():
                vector[axis] += weight
    if not any(vector):
        vector = [0.0] * 10 + embed_text(text)[10:]
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


def topic_embeddings(request_body: dict[str, Any]) -> list[list[float]]:
    """``FakeMistral.on_embeddings`` hook: ``topic_vector`` of every input."""
    inputs = request_body["input"]
    return [topic_vector(text) for text in ([inputs] if isinstance(inputs, str) else inputs)]
