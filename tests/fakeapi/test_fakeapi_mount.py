"""mount(): routing, refusing other hosts, blocking semantics, restoring transports."""

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import httpx2
import pytest
from mistralai.client import Mistral

from checker.fakeapi import FakeMistral

AUTH = {"authorization": "Bearer k"}
USER: list[Any] = [{"role": "user", "content": "hello there"}]
MODEL = "mistral-small-latest"


@pytest.mark.parametrize("lib", [httpx, httpx2], ids=["httpx", "httpx2"])
def test_other_hosts_are_refused(fake: FakeMistral, lib: Any) -> None:
    with lib.Client() as http, pytest.raises(lib.ConnectError, match=r"example\.com"):
        http.get("https://example.com/")

    async def main() -> None:
        async with lib.AsyncClient() as http:
            await http.get("http://localhost:8000/")

    with pytest.raises(lib.ConnectError, match="network disabled in prkit tests: localhost"):
        asyncio.run(main())
    assert fake.requests == []


@pytest.mark.parametrize("lib", [httpx, httpx2], ids=["httpx", "httpx2"])
def test_every_mistral_host_reaches_the_fake(fake: FakeMistral, lib: Any) -> None:
    hosts = ["api.mistral.ai", "api.eu.mistral.ai", "api.us.mistral.ai", "fake-mistral.test"]
    with lib.Client(headers=AUTH) as http:
        statuses = [http.get(f"https://{host}/v1/models").status_code for host in hosts]

    async def main() -> int:
        async with lib.AsyncClient(headers=AUTH) as http:
            return int((await http.get("http://fake-mistral.test/v1/models")).status_code)

    assert statuses == [200, 200, 200, 200]
    assert asyncio.run(main()) == 200
    assert len(fake.requests) == 5


def test_clients_created_before_the_mount_are_routed() -> None:
    fake = FakeMistral()
    early = httpx2.Client(headers=AUTH)
    sdk = Mistral(api_key="test-key")
    with fake.mount():
        assert early.get("https://api.mistral.ai/v1/models").status_code == 200
        sdk.models.list()
    early.close()
    assert len(fake.requests) == 2


def test_mount_restores_the_transports() -> None:
    def handlers() -> list[Callable[..., Any]]:
        return [
            httpx2.HTTPTransport.handle_request,
            httpx2.AsyncHTTPTransport.handle_async_request,
            httpx.HTTPTransport.handle_request,
            httpx.AsyncHTTPTransport.handle_async_request,
        ]

    before = handlers()
    fake = FakeMistral()
    with fake.mount():
        assert all(a is not b for a, b in zip(before, handlers(), strict=True))
        with FakeMistral().mount():
            pass
        assert all(a is not b for a, b in zip(before, handlers(), strict=True))
    assert all(a is b for a, b in zip(before, handlers(), strict=True))


def _ticks_during(call: Callable[[], Any]) -> int:
    """How often a 10 ms ticker ran on the event loop while ``call`` ran on it."""

    async def main() -> int:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0.02)
        before = ticks
        result = call()
        if asyncio.iscoroutine(result):
            await result
        during = ticks - before
        task.cancel()
        return during

    return asyncio.run(main())


def test_sync_call_inside_a_coroutine_blocks_the_event_loop(
    client: Mistral, fake: FakeMistral
) -> None:
    fake.faults.latency = 0.3

    blocked = _ticks_during(lambda: client.chat.complete(model=MODEL, messages=USER))
    free = _ticks_during(lambda: client.chat.complete_async(model=MODEL, messages=USER))

    assert blocked <= 1
    assert free >= 10


def test_closing_a_stream_early_leaves_nothing_in_flight(
    client: Mistral, fake: FakeMistral
) -> None:
    fake.on_chat(lambda body: " ".join(["word"] * 200))

    with client.chat.stream(model=MODEL, messages=USER) as stream:
        first = next(iter(stream))
    assert first.data.choices[0].delta.role == "assistant"

    deadline = time.monotonic() + 2
    while fake.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake.in_flight == 0
    assert fake.requests[0].status == 200


def test_hook_errors_propagate_to_the_caller(client: Mistral, fake: FakeMistral) -> None:
    def broken(body: dict[str, Any]) -> str:
        raise ValueError("bad script")

    fake.on_chat(broken)
    with pytest.raises(ValueError, match="bad script"):
        client.chat.complete(model=MODEL, messages=USER)

    assert fake.requests[0].status == 500
    assert fake.in_flight == 0


def test_sync_requests_from_threads_run_concurrently(client: Mistral, fake: FakeMistral) -> None:
    from concurrent.futures import ThreadPoolExecutor

    fake.faults.latency = 0.2
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: client.chat.complete(model=MODEL, messages=USER), range(4)))

    assert fake.peak_in_flight == 4
    assert time.monotonic() - started < 0.7
