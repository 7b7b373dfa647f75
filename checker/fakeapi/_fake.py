"""``FakeMistral``: the app, its request log, faults, scripting hooks and the mount."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.applications import Starlette
from starlette.types import ASGIApp

from ._app import build_app
from ._content import ChatHook, EmbeddingsHook
from ._endpoints import Hooks
from ._faults import Faults
from ._mount import MISTRAL_HOSTS, Mount
from ._state import Ledger, RecordedRequest

CHAT_PATH = "/v1/chat/completions"
EMBEDDINGS_PATH = "/v1/embeddings"


class FakeMistral:
    """An in-process fake of the Mistral API with a request log and configurable faults."""

    def __init__(self, faults: Faults | None = None) -> None:
        self.faults = faults if faults is not None else Faults()
        self._ledger = Ledger()
        self._hooks = Hooks()
        self._routes: dict[str, ASGIApp] = {}
        self.app: Starlette = build_app(self._ledger, lambda: self.faults, self._hooks)

    @contextmanager
    def mount(self) -> Iterator[FakeMistral]:
        """Send every httpx / httpx2 request for a Mistral host to this fake, requests for a
        routed host (``route``) to its app, and refuse every other host."""
        with Mount(self.app, self._routes):
            yield self

    def route(self, host: str, app: ASGIApp | None) -> None:
        """Serve HOST with APP (any ASGI app) while mounted; None removes the route.

        For the other services a proof needs, such as a fake help centre. Requests to a
        routed host go straight to its app: the fake does not log, authenticate or fault
        them, and a blocking client waits for them as it does for the fake's own answers.
        May be called before or during the mount. Mistral hosts cannot be rerouted.
        """
        if host in MISTRAL_HOSTS:
            raise ValueError(f"{host} is served by the fake Mistral API itself")
        if app is None:
            self._routes.pop(host, None)
        else:
            self._routes[host] = app

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request, in arrival order (a snapshot)."""
        return self._ledger.snapshot()

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Requests to ``/v1/chat/completions``."""
        return [r for r in self.requests if r.path == CHAT_PATH]

    @property
    def embedding_requests(self) -> list[RecordedRequest]:
        """Requests to ``/v1/embeddings``."""
        return [r for r in self.requests if r.path == EMBEDDINGS_PATH]

    @property
    def in_flight(self) -> int:
        """Requests being handled right now."""
        with self._ledger.lock:
            return self._ledger.in_flight

    @property
    def peak_in_flight(self) -> int:
        """Most requests handled at the same moment since creation or ``reset()``."""
        with self._ledger.lock:
            return self._ledger.peak_in_flight

    def reset(self) -> None:
        """Clear the log and the counters; faults and hooks stay."""
        self._ledger.reset()

    def on_chat(self, fn: ChatHook | None) -> ChatHook | None:
        """Script chat replies: ``fn(body) -> Reply | str | None`` (None: default reply).

        Returns ``fn``, so it also works as a decorator; pass None to remove the hook.
        """
        self._hooks.chat = fn
        return fn

    def on_embeddings(self, fn: EmbeddingsHook | None) -> EmbeddingsHook | None:
        """Script embeddings: ``fn(body) -> list[list[float]] | None`` (None: default)."""
        self._hooks.embeddings = fn
        return fn
