"""Streams: chunk pacing (``Faults.stream_delay``) and reasoning replies (``Reply.thinking``)."""

import asyncio
import itertools
import time
from typing import Any

import httpx2
import pytest
from mistralai.client import Mistral, models

from checker.fakeapi import FakeMistral, Reply

USER: list[Any] = [{"role": "user", "content": "Why is my invoice late"}]
MODEL = "mistral-small-latest"
THINKING = "The customer asks about a late invoice."
ANSWER = "Your invoice was sent today.\n\nBest regards"


def test_stream_delay_paces_the_chunks_after_the_role_chunk(
    client: Mistral, fake: FakeMistral
) -> None:
    fake.faults.stream_delay = 0.25  # wide margins: the suite runs on a busy 2-core machine
    fake.on_chat(lambda body: "one two three")

    async def arrivals() -> list[float]:
        started = time.monotonic()
        stream = await client.chat.stream_async(model=MODEL, messages=USER)
        return [time.monotonic() - started async for _ in stream]

    times = asyncio.run(arrivals())
    assert len(times) == 5  # role, three words, the final chunk
    assert times[0] < 0.2  # the role chunk is not delayed
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(gap >= 0.2 for gap in gaps), gaps
    assert fake.in_flight == 0


def test_a_stream_slower_than_the_read_timeout_times_out_mid_stream(
    client: Mistral, fake: FakeMistral
) -> None:
    fake.faults.stream_delay = 0.5

    async def read() -> list[models.CompletionEvent]:
        received: list[models.CompletionEvent] = []
        stream = await client.chat.stream_async(model=MODEL, messages=USER, timeout_ms=100)
        with pytest.raises(httpx2.ReadTimeout):
            async for event in stream:
                received.append(event)
        return received

    (role,) = asyncio.run(read())
    assert role.data.choices[0].delta.role == "assistant"


def test_closing_a_paced_stream_ends_the_request(client: Mistral, fake: FakeMistral) -> None:
    fake.faults.stream_delay = 0.2

    async def read_one_then_close() -> None:
        stream = await client.chat.stream_async(model=MODEL, messages=USER)
        async with stream:
            async for _ in stream:
                break
        await asyncio.sleep(0.05)

    started = time.monotonic()
    asyncio.run(read_one_then_close())
    assert time.monotonic() - started < 0.2
    (record,) = fake.chat_requests
    assert fake.in_flight == 0
    assert record.ended - record.started < 0.2


def test_reasoning_stream_sends_thinking_chunks_then_the_answer(
    client: Mistral, fake: FakeMistral
) -> None:
    fake.on_chat(lambda body: Reply(content=ANSWER, thinking=THINKING))

    events = list(client.chat.stream(model=MODEL, messages=USER))

    contents = [e.data.choices[0].delta.content for e in events]
    lists = [c for c in contents if isinstance(c, list)]
    assert len(lists) == len(THINKING.split())
    assert all(isinstance(c[0], models.ThinkChunk) for c in lists)
    thinking = "".join(
        part.text
        for chunks in lists
        for chunk in chunks
        if isinstance(chunk, models.ThinkChunk)
        for part in chunk.thinking
        if isinstance(part, models.TextChunk)
    )
    assert thinking == THINKING
    first_text = next(i for i, c in enumerate(contents) if isinstance(c, str) and c)
    assert all(not isinstance(c, list) for c in contents[first_text:])
    assert "".join(c for c in contents if isinstance(c, str)) == ANSWER
    last = events[-1].data
    assert last.choices[0].finish_reason == "stop"
    assert last.usage is not None
    assert last.usage.completion_tokens == len(THINKING.split()) + len(ANSWER.split())


def test_reasoning_reply_is_a_list_of_chunks_and_max_tokens_cuts_the_answer(
    client: Mistral, fake: FakeMistral
) -> None:
    fake.on_chat(lambda body: Reply(content=ANSWER, thinking=THINKING))

    res = client.chat.complete(model=MODEL, messages=USER, max_tokens=3)

    message = res.choices[0].message
    assert message is not None
    assert isinstance(message.content, list)
    think, text = message.content
    assert isinstance(think, models.ThinkChunk)
    assert isinstance(text, models.TextChunk)
    assert text.text == "Your invoice was"
    assert res.choices[0].finish_reason == "length"
