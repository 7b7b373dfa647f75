"""``FakeMistral``: the app, its request log, faults, scripting hooks and the mount."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.applications import Starlette

from ._app import build_app
from ._content import ChatHook, EmbeddingsHook
from ._endpoints import Hooks
from ._faults import Faults
from ._mount import Mount
from ._state import Ledger, RecordedRequest

CHAT_PATH = "/v1/chat/completions"
EMBEDDINGS_PATH = "/v1/embeddings"


class FakeMistral:
    """An in-process fake of the Mistral API with a request log and configurable faults."""

    def __init__(self, faults: Faults | None = None) -> None:
        self.faults = faults if faults is not None else Faults()
        self._ledger = Ledger()
        self._hooks = Hooks()
        self.app: Starlette = build_app(self._ledger, lambda: self.faults, self._hooks)

    @contextmanager
    def mount(self) -> Iterator[FakeMistral]:
        """Send every httpx / httpx2 request for a Mistral host to this fake; refuse others."""
        with Mount(self.app):
            yield self

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
