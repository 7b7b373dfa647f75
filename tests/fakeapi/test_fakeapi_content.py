"""Deterministic content: replies, token counts, embeddings; serve() refuses non-loopback."""

import math
from typing import Any

import pytest
from mistralai.client import Mistral

from checker.fakeapi import FakeMistral, default_reply, embed_text, serve

MODEL = "mistral-small-latest"


def _reply(client: Mistral, messages: list[Any]) -> str:
    res = client.chat.complete(model=MODEL, messages=messages)
    assert res.choices[0].message is not None
    return str(res.choices[0].message.content)


def test_same_request_same_content(client: Mistral) -> None:
    ask: list[Any] = [{"role": "user", "content": "List three uses of baking soda"}]
    other: list[Any] = [{"role": "user", "content": "Name a river in Spain"}]

    assert _reply(client, ask) == _reply(client, ask)
    assert _reply(client, ask) != _reply(client, other)
    assert _reply(client, ask) == default_reply(ask)


def test_default_reply_uses_the_last_user_message() -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "first question"},
        {"role": "assistant", "content": "first answer"},
        {"role": "user", "content": [{"type": "text", "text": "second question here"}]},
    ]
    long = [{"role": "user", "content": " ".join(f"w{i}" for i in range(30))}]

    assert default_reply(messages) == "Summary: second question here"
    assert default_reply(long) == "Summary: " + " ".join(f"w{i}" for i in range(12))


def test_prompt_tokens_count_words_in_all_messages(client: Mistral) -> None:
    messages: list[Any] = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "one two three four"},
    ]
    res = client.chat.complete(model=MODEL, messages=messages)

    assert res.usage.prompt_tokens == 7


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_embeddings_of_similar_texts_score_higher(client: Mistral) -> None:
    texts = [
        "How do I reset my account password?",
        "Steps to reset a forgotten account password",
        "Best pizza toppings for a summer party",
    ]
    res = client.embeddings.create(model="mistral-embed", inputs=texts)
    query, related, unrelated = (d.embedding or [] for d in res.data)

    assert _cosine(query, related) > 0.5
    assert _cosine(query, related) > _cosine(query, unrelated) + 0.3
    assert query == embed_text(texts[0])
    assert math.isclose(_cosine(query, query), 1.0, abs_tol=1e-4)


def test_on_embeddings_hook(client: Mistral, fake: FakeMistral) -> None:
    fake.on_embeddings(lambda body: [[1.0, 0.0]] if body["input"] == ["x"] else None)

    scripted = client.embeddings.create(model="mistral-embed", inputs=["x"])
    default = client.embeddings.create(model="mistral-embed", inputs=["y"])

    assert scripted.data[0].embedding == [1.0, 0.0]
    assert default.data[0].embedding == embed_text("y")


def test_serve_refuses_non_loopback_hosts() -> None:
    with pytest.raises(ValueError, match="loopback"):
        serve(host="0.0.0.0")
