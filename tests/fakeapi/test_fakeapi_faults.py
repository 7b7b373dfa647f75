"""Faults: latency, concurrency limits, rate windows, injected failures, size limits."""

import asyncio
import itertools
import json
import time
from typing import Any

import httpx2
import pytest
from mistralai.client import Mistral, errors, models, utils

from checker.fakeapi import FakeMistral, Faults

USER: list[Any] = [{"role": "user", "content": "hello there"}]
MODEL = "mistral-small-latest"


async def _gather(client: Mistral, n: int) -> list[models.ChatCompletionResponse | BaseException]:
    calls = [client.chat.complete_async(model=MODEL, messages=USER) for _ in range(n)]
    return await asyncio.gather(*calls, return_exceptions=True)


def test_latency_and_peak_in_flight_with_concurrent_requests(
    client: Mistral, fake: FakeMistral
) -> None:
    fake.faults.latency = 0.2

    started = time.monotonic()
    results = asyncio.run(_gather(client, 5))
    elapsed = time.monotonic() - started

    assert all(isinstance(r, models.ChatCompletionResponse) for r in results)
    assert fake.peak_in_flight == 5
    assert fake.in_flight == 0
    assert 0.2 <= elapsed < 0.8
    assert all(r.ended - r.started >= 0.2 for r in fake.requests)


def test_sequential_requests_never_overlap(client: Mistral, fake: FakeMistral) -> None:
    fake.faults.latency = 0.01
    for _ in range(3):
        client.chat.complete(model=MODEL, messages=USER)

    assert fake.peak_in_flight == 1
    assert len(fake.requests) == 3


def test_max_in_flight_answers_429_with_retry_after(client: Mistral, fake: FakeMistral) -> None:
    fake.faults = Faults(latency=0.1, max_in_flight=2, retry_after=2)

    results = asyncio.run(_gather(client, 5))

    rejected = [r for r in results if isinstance(r, errors.SDKError)]
    assert len(rejected) == 3
    assert all(r.status_code == 429 and r.headers["retry-after"] == "2" for r in rejected)
    assert sorted(r.status for r in fake.requests) == [200, 200, 429, 429, 429]
    assert fake.peak_in_flight == 5


def test_requests_per_window(client: Mistral, fake: FakeMistral) -> None:
    fake.faults = Faults(requests_per_window=2, window_seconds=1.0)

    client.chat.complete(model=MODEL, messages=USER)
    client.chat.complete(model=MODEL, messages=USER)
    with pytest.raises(errors.SDKError) as caught:
        client.chat.complete(model=MODEL, messages=USER)

    assert caught.value.status_code == 429
    assert caught.value.headers["retry-after"] == "1"
    assert [r.status for r in fake.requests] == [200, 200, 429]


def test_requests_per_window_frees_up(client: Mistral, fake: FakeMistral) -> None:
    fake.faults = Faults(requests_per_window=1, window_seconds=0.2)

    client.chat.complete(model=MODEL, messages=USER)
    time.sleep(0.25)
    client.chat.complete(model=MODEL, messages=USER)

    assert [r.status for r in fake.requests] == [200, 200]


def test_fail_next_in_order_then_success(fake: FakeMistral) -> None:
    fake.faults.fail_next = [429, 503, 500]
    auth = {"authorization": "Bearer k"}

    with httpx2.Client(base_url="https://api.mistral.ai", headers=auth) as http:
        answers = [http.get("/v1/models") for _ in range(4)]

    assert [a.status_code for a in answers] == [429, 503, 500, 200]
    assert answers[0].headers["retry-after"] == "1"
    assert "retry-after" not in answers[1].headers
    assert answers[2].json()["object"] == "error"
    assert fake.faults.fail_next == []


def test_fail_every(fake: FakeMistral) -> None:
    fake.faults = Faults(fail_every=3, fail_status=502)
    auth = {"authorization": "Bearer k"}

    with httpx2.Client(base_url="https://api.mistral.ai", headers=auth) as http:
        statuses = [http.get("/v1/models").status_code for _ in range(7)]

    assert statuses == [200, 200, 502, 200, 200, 502, 200]


def test_max_request_bytes(client: Mistral, fake: FakeMistral) -> None:
    fake.faults.max_request_bytes = 200

    client.chat.complete(model=MODEL, messages=USER)
    with pytest.raises(errors.SDKError) as caught:
        long: list[Any] = [{"role": "user", "content": "word " * 100}]
        client.chat.complete(model=MODEL, messages=long)

    assert caught.value.status_code == 400
    body = json.loads(caught.value.body)
    assert body["type"] == "invalid_request_error"
    assert "too large" in body["message"]
    assert [r.status for r in fake.requests] == [200, 400]


def test_max_embedding_inputs(client: Mistral, fake: FakeMistral) -> None:
    fake.faults.max_embedding_inputs = 2

    client.embeddings.create(model="mistral-embed", inputs=["a", "b"])
    with pytest.raises(errors.SDKError) as caught:
        client.embeddings.create(model="mistral-embed", inputs=["a", "b", "c"])

    assert caught.value.status_code == 400
    body = json.loads(caught.value.body)
    assert body["code"] == "3210"
    assert body["message"] == "Too many inputs in request, split into more batches."


def test_sdk_retry_config_honours_retry_after(fake: FakeMistral) -> None:
    fake.faults = Faults(fail_next=[429, 429], retry_after=0.2)
    backoff = utils.BackoffStrategy(
        initial_interval=5000, max_interval=10000, exponent=2, max_elapsed_time=20000, jitter_ms=0
    )
    client = Mistral(api_key="test-key", retry_config=utils.RetryConfig("backoff", backoff, False))

    started = time.monotonic()
    res = client.chat.complete(model=MODEL, messages=USER)
    elapsed = time.monotonic() - started

    assert res.choices[0].finish_reason == "stop"
    assert [r.status for r in fake.requests] == [429, 429, 200]
    starts = [r.started for r in fake.requests]
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(starts))
    assert elapsed < 2.0


def test_sdk_retry_config_async_recovers_from_5xx(fake: FakeMistral) -> None:
    fake.faults.fail_next = [503, 502]
    backoff = utils.BackoffStrategy(
        initial_interval=10, max_interval=50, exponent=1.5, max_elapsed_time=5000, jitter_ms=0
    )
    client = Mistral(api_key="test-key", retry_config=utils.RetryConfig("backoff", backoff, False))

    async def main() -> models.ChatCompletionResponse:
        return await client.chat.complete_async(model=MODEL, messages=USER)

    assert asyncio.run(main()).choices[0].finish_reason == "stop"
    assert [r.status for r in fake.requests] == [503, 502, 200]


def test_client_read_timeout_against_latency(client: Mistral, fake: FakeMistral) -> None:
    fake.faults.latency = 1.0

    started = time.monotonic()
    with pytest.raises(httpx2.ReadTimeout):
        client.chat.complete(model=MODEL, messages=USER, timeout_ms=100)

    assert time.monotonic() - started < 0.6


def test_faults_can_change_live_and_reset_keeps_them(client: Mistral, fake: FakeMistral) -> None:
    client.chat.complete(model=MODEL, messages=USER)
    fake.faults = Faults(fail_every=1, fail_status=500)
    with pytest.raises(errors.SDKError):
        client.chat.complete(model=MODEL, messages=USER)

    fake.reset()

    assert fake.requests == []
    assert fake.peak_in_flight == 0
    assert fake.faults.fail_every == 1
