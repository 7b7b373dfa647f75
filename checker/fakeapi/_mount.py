"""Route every httpx / httpx2 client to the fake while mounted, and block other hosts.

Hosts other than the Mistral ones can be given an ASGI app of their own (``routes``,
e.g. a fake help centre a proof needs); every remaining host is refused.

The transports' ``handle_request`` / ``handle_async_request`` are patched on the classes,
so clients created before the mount are covered too. Blocking clients run the app on a
background loop while the calling thread waits (a sync call inside a coroutine blocks
that event loop, as in production); async clients run it on their own loop. The read
timeout of the request is honoured and raises the library's ``ReadTimeout``.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx
import httpx2
from starlette.types import ASGIApp

from ._bridge import AsyncExchange, LoopThread, SyncExchange, build_scope

MISTRAL_HOSTS = frozenset(
    {"api.mistral.ai", "api.eu.mistral.ai", "api.us.mistral.ai", "fake-mistral.test"}
)
_MISSING = object()


class _SyncBody:
    def __init__(self, exchange: SyncExchange, timed_out: Callable[[], Exception]) -> None:
        self._exchange = exchange
        self._timed_out = timed_out

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._exchange.chunks()
        except TimeoutError:
            raise self._timed_out() from None

    def close(self) -> None:
        self._exchange.close()


class _AsyncBody:
    def __init__(self, exchange: AsyncExchange, timed_out: Callable[[], Exception]) -> None:
        self._exchange = exchange
        self._timed_out = timed_out

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._exchange.chunks():
                yield chunk
        except TimeoutError:
            raise self._timed_out() from None

    async def aclose(self) -> None:
        self._exchange.close()


class _Httpx2SyncBody(_SyncBody, httpx2.SyncByteStream):
    pass


class _Httpx2AsyncBody(_AsyncBody, httpx2.AsyncByteStream):
    pass


class _HttpxSyncBody(_SyncBody, httpx.SyncByteStream):
    pass


class _HttpxAsyncBody(_AsyncBody, httpx.AsyncByteStream):
    pass


@dataclass(frozen=True)
class _Lib:
    """The classes of one HTTP client library (httpx or httpx2)."""

    sync_transport: type[Any]
    async_transport: type[Any]
    response: type[Any]
    connect_error: Callable[..., Exception]
    read_timeout: Callable[..., Exception]
    sync_body: type[_SyncBody]
    async_body: type[_AsyncBody]


_LIBS = (
    _Lib(
        httpx2.HTTPTransport,
        httpx2.AsyncHTTPTransport,
        httpx2.Response,
        httpx2.ConnectError,
        httpx2.ReadTimeout,
        _Httpx2SyncBody,
        _Httpx2AsyncBody,
    ),
    _Lib(
        httpx.HTTPTransport,
        httpx.AsyncHTTPTransport,
        httpx.Response,
        httpx.ConnectError,
        httpx.ReadTimeout,
        _HttpxSyncBody,
        _HttpxAsyncBody,
    ),
)


class Mount:
    """Context manager that routes Mistral hosts to ``app``, the hosts of ``routes`` to their
    own apps (read at each request, so it may change while mounted), and refuses the rest."""

    def __init__(self, app: ASGIApp, routes: Mapping[str, ASGIApp] | None = None) -> None:
        self.app = app
        self.routes: Mapping[str, ASGIApp] = routes if routes is not None else {}
        self._saved: list[tuple[type[Any], str, object]] = []
        self._loop: LoopThread | None = None
        self._loop_lock = threading.Lock()

    def __enter__(self) -> Mount:
        for lib in _LIBS:
            self._patch(lib.sync_transport, "handle_request", self._sync_handler(lib))
            self._patch(lib.async_transport, "handle_async_request", self._async_handler(lib))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        while self._saved:
            cls, name, previous = self._saved.pop()
            if previous is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, previous)
        with self._loop_lock:
            loop, self._loop = self._loop, None
        if loop is not None:
            loop.stop()

    def _patch(self, cls: type[Any], name: str, handler: Callable[..., Any]) -> None:
        self._saved.append((cls, name, cls.__dict__.get(name, _MISSING)))
        setattr(cls, name, handler)

    def _loop_thread(self) -> LoopThread:
        with self._loop_lock:
            if self._loop is None:
                self._loop = LoopThread()
            return self._loop

    def _app_for(self, lib: _Lib, request: Any) -> ASGIApp:
        """The app serving the request's host; other hosts get the library's ConnectError."""
        host = request.url.host
        if host in MISTRAL_HOSTS:
            return self.app
        routed = self.routes.get(host)
        if routed is None:
            raise lib.connect_error(f"network disabled in prkit tests: {host}", request=request)
        return routed

    def _sync_handler(self, lib: _Lib) -> Callable[[Any, Any], Any]:
        def handle_request(transport: Any, request: Any) -> Any:
            app = self._app_for(lib, request)
            body = request.read()
            loop = self._loop_thread()
            if loop.is_current():
                raise RuntimeError("a blocking request to the fake from inside the fake itself")
            scope = build_scope(request)
            exchange = SyncExchange(loop.loop, app, scope, body, _timeout(request))
            try:
                status, headers = exchange.start()
            except TimeoutError:
                raise _timed_out(lib, request) from None
            stream = lib.sync_body(exchange, lambda: _timed_out(lib, request))
            return lib.response(status, headers=headers, stream=stream)

        return handle_request

    def _async_handler(self, lib: _Lib) -> Callable[[Any, Any], Any]:
        async def handle_async_request(transport: Any, request: Any) -> Any:
            app = self._app_for(lib, request)
            body = await request.aread()
            exchange = AsyncExchange(app, build_scope(request), body, _timeout(request))
            try:
                status, headers = await exchange.start()
            except TimeoutError:
                raise _timed_out(lib, request) from None
            stream = lib.async_body(exchange, lambda: _timed_out(lib, request))
            return lib.response(status, headers=headers, stream=stream)

        return handle_async_request


def _timed_out(lib: _Lib, request: Any) -> Exception:
    return lib.read_timeout("timed out", request=request)


def _timeout(request: Any) -> float | None:
    timeouts = request.extensions.get("timeout") or {}
    read = timeouts.get("read")
    return float(read) if read is not None else None
