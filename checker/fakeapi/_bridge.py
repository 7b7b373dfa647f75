"""Run an ASGI app in-process for one HTTP exchange, from async or blocking client code.

The app's messages are forwarded as events: ``start`` (status, headers), ``body`` chunks,
then ``end`` once the app has returned, or ``error`` with the exception it raised. Waiting
for the app to return means the fake's bookkeeping is complete when the client has read
the body. A client closing the response is delivered to the app as ``http.disconnect``.
Timeouts surface as ``TimeoutError``; the server side keeps running, as a real one would.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from starlette.types import ASGIApp, Message, Scope

Event = tuple[str, Any]
Headers = list[tuple[bytes, bytes]]

_running: set[asyncio.Task[None]] = set()


def build_scope(request: Any) -> Scope:
    """ASGI HTTP scope for an httpx / httpx2 request."""
    url = request.url
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "headers": [(k.lower(), v) for k, v in request.headers.raw],
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?")[0],
        "query_string": url.query,
        "server": (url.host, url.port),
        "client": ("127.0.0.1", 50000),
        "root_path": "",
    }


async def _exchange(
    app: ASGIApp,
    scope: Scope,
    body: bytes,
    emit: Callable[[Event], None],
    disconnected: asyncio.Event,
) -> None:
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            emit(("start", (message["status"], list(message.get("headers", [])))))
        elif message["type"] == "http.response.body" and message.get("body"):
            emit(("body", bytes(message["body"])))

    try:
        await app(scope, receive, send)
    except asyncio.CancelledError:
        emit(("error", ConnectionResetError("the fake Mistral API was stopped")))
        raise
    except Exception as exc:
        emit(("error", exc))
    else:
        emit(("end", None))


def _start(event: Event) -> tuple[int, Headers]:
    kind, value = event
    if kind == "error":
        raise value
    if kind != "start":
        raise RuntimeError("the ASGI app returned without sending a response")
    status, headers = value
    return status, headers


class AsyncExchange:
    """An exchange running as a task on the caller's event loop."""

    def __init__(self, app: ASGIApp, scope: Scope, body: bytes, timeout: float | None) -> None:
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._disconnected = asyncio.Event()
        self._timeout = timeout
        task = asyncio.ensure_future(
            _exchange(app, scope, body, self._queue.put_nowait, self._disconnected)
        )
        _running.add(task)
        task.add_done_callback(_running.discard)

    async def start(self) -> tuple[int, Headers]:
        """Wait for the response status and headers."""
        return _start(await self._next())

    async def chunks(self) -> AsyncIterator[bytes]:
        """Body chunks until the app returns; re-raises what the app raised."""
        while True:
            kind, value = await self._next()
            if kind == "body":
                yield value
            elif kind == "error":
                raise value
            elif kind == "end":
                return

    def close(self) -> None:
        """Tell the app the client went away."""
        self._disconnected.set()

    async def _next(self) -> Event:
        try:
            return await asyncio.wait_for(self._queue.get(), self._timeout)
        except BaseException:
            self.close()
            raise


class SyncExchange:
    """An exchange running on a background loop while the calling thread blocks."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        app: ASGIApp,
        scope: Scope,
        body: bytes,
        timeout: float | None,
    ) -> None:
        self._queue: queue.Queue[Event] = queue.Queue()
        self._loop = loop
        self._disconnected = asyncio.Event()
        self._timeout = timeout
        coroutine = _exchange(app, scope, body, self._queue.put, self._disconnected)
        asyncio.run_coroutine_threadsafe(coroutine, loop)

    def start(self) -> tuple[int, Headers]:
        """Block until the response status and headers arrive."""
        return _start(self._next())

    def chunks(self) -> Iterator[bytes]:
        """Body chunks until the app returns; re-raises what the app raised."""
        while True:
            kind, value = self._next()
            if kind == "body":
                yield value
            elif kind == "error":
                raise value
            elif kind == "end":
                return

    def close(self) -> None:
        """Tell the app the client went away."""
        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._disconnected.set)

    def _next(self) -> Event:
        try:
            return self._queue.get(timeout=self._timeout)
        except queue.Empty:
            self.close()
            raise TimeoutError from None


class LoopThread:
    """A daemon thread running an event loop for blocking clients."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="prkit-fakeapi", daemon=True)
        self._thread.start()

    def is_current(self) -> bool:
        """True when called from the loop's own thread."""
        return threading.current_thread() is self._thread

    def stop(self) -> None:
        """Cancel what is still running, stop the loop and close it."""
        asyncio.run_coroutine_threadsafe(_cancel_all(), self.loop).result(timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()


async def _cancel_all() -> None:
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
