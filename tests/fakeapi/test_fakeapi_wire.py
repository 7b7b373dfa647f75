"""The installed mistralai SDK parses every kind of response the fake gives."""

import asyncio
import json
import math
from typing import Any

import httpx2
import pytest
from mistralai.client import Mistral, errors, models

from checker.fakeapi import EMBEDDING_DIM, FakeMistral, Reply

USER: list[Any] = [
    {"role": "user", "content": "Explain why the sky looks blue on a clear summer day"}
]
EXPECTED = "Summary: Explain why the sky looks blue on a clear summer day"


def test_complete_returns_default_reply_and_usage(client: Mistral, fake: FakeMistral) -> None:
    res = client.chat.complete(model="mistral-small-latest", messages=USER)

    assert isinstance(res, models.ChatCompletionResponse)
    assert res.object == "chat.completion"
    assert res.model == "mistral-small-latest"
    choice = res.choices[0]
    assert choice.message is not None
    assert choice.message.role == "assistant"
    assert choice.message.content == EXPECTED
    assert choice.finish_reason == "stop"
    assert res.usage.prompt_tokens == 11
    assert res.usage.completion_tokens == 12
    assert res.usage.total_tokens == 23
    (record,) = fake.chat_requests
    assert record.status == 200
    assert record.body["messages"] == USER
    assert record.headers["authorization"] == "Bearer test-key"


def test_complete_async(client: Mistral) -> None:
    async def main() -> models.ChatCompletionResponse:
        return await client.chat.complete_async(model="mistral-large-latest", messages=USER)

    res = asyncio.run(main())
    assert res.choices[0].message is not None
    assert res.choices[0].message.content == EXPECTED


def _collect(events: list[models.CompletionEvent]) -> tuple[str, models.CompletionChunk]:
    text = "".join(
        str(e.data.choices[0].delta.content or "")
        for e in events
        if isinstance(e.data.choices[0].delta.content, str)
    )
    return text, events[-1].data


def test_stream_deltas_join_to_the_reply(client: Mistral) -> None:
    events = list(client.chat.stream(model="mistral-small-latest", messages=USER))

    text, last = _collect(events)
    assert text == EXPECTED
    assert len(events) > 3
    assert events[0].data.choices[0].delta.role == "assistant"
    assert all(e.data.choices[0].finish_reason is None for e in events[:-1])
    assert last.choices[0].finish_reason == "stop"
    assert last.usage is not None
    assert last.usage.completion_tokens == 12
    assert last.object == "chat.completion.chunk"


def test_stream_async(client: Mistral) -> None:
    async def main() -> list[models.CompletionEvent]:
        stream = await client.chat.stream_async(model="mistral-small-latest", messages=USER)
        return [event async for event in stream]

    text, last = _collect(asyncio.run(main()))
    assert text == EXPECTED
    assert last.choices[0].finish_reason == "stop"


def test_max_tokens_truncates_with_finish_reason_length(client: Mistral) -> None:
    res = client.chat.complete(model="mistral-small-latest", messages=USER, max_tokens=4)
    assert res.choices[0].message is not None
    assert res.choices[0].message.content == "Summary: Explain why the"
    assert res.choices[0].finish_reason == "length"
    assert res.usage.completion_tokens == 4

    events = list(client.chat.stream(model="mistral-small-latest", messages=USER, max_tokens=4))
    text, last = _collect(events)
    assert text == "Summary: Explain why the"
    assert last.choices[0].finish_reason == "length"


WEATHER_CALL = {
    "id": "call00001",
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
}


def test_tool_call_reply(client: Mistral, fake: FakeMistral) -> None:
    fake.on_chat(lambda body: Reply(content=None, tool_calls=[WEATHER_CALL]))

    res = client.chat.complete(model="mistral-small-latest", messages=USER)

    message = res.choices[0].message
    assert message is not None
    assert message.content is None
    assert isinstance(message.tool_calls, list)
    call = message.tool_calls[0]
    assert call.id == "call00001"
    assert call.function.name == "get_weather"
    assert json.loads(str(call.function.arguments)) == {"city": "Paris"}
    assert res.choices[0].finish_reason == "tool_calls"


def test_tool_call_in_stream_and_generated_id(client: Mistral, fake: FakeMistral) -> None:
    call = {"function": {"name": "lookup", "arguments": {"q": "blue sky"}}}
    fake.on_chat(lambda body: Reply(content=None, tool_calls=[call]))

    events = list(client.chat.stream(model="mistral-small-latest", messages=USER))

    last = events[-1].data.choices[0]
    assert last.finish_reason == "tool_calls"
    assert isinstance(last.delta.tool_calls, list)
    (tool_call,) = last.delta.tool_calls
    assert tool_call.function.name == "lookup"
    assert json.loads(str(tool_call.function.arguments)) == {"q": "blue sky"}
    assert tool_call.id is not None
    assert len(tool_call.id) == 9


def test_on_chat_string_and_fallback(client: Mistral, fake: FakeMistral) -> None:
    def script(body: dict[str, Any]) -> str | None:
        return "scripted answer" if "scripted" in body["messages"][-1]["content"] else None

    fake.on_chat(script)
    ask: list[Any] = [{"role": "user", "content": "scripted please"}]
    scripted = client.chat.complete(model="mistral-small-latest", messages=ask)
    default = client.chat.complete(model="mistral-small-latest", messages=USER)

    assert scripted.choices[0].message is not None
    assert scripted.choices[0].message.content == "scripted answer"
    assert default.choices[0].message is not None
    assert default.choices[0].message.content == EXPECTED


def test_embeddings_create_and_async(client: Mistral, fake: FakeMistral) -> None:
    res = client.embeddings.create(model="mistral-embed", inputs=["blue sky", "green grass"])

    assert isinstance(res, models.EmbeddingResponse)
    assert res.object == "list"
    assert [d.index for d in res.data] == [0, 1]
    vector = res.data[0].embedding
    assert vector is not None
    assert len(vector) == EMBEDDING_DIM
    assert math.isclose(math.sqrt(sum(v * v for v in vector)), 1.0, abs_tol=1e-4)
    assert res.usage.prompt_tokens == 4
    assert fake.embedding_requests[0].body["input"] == ["blue sky", "green grass"]

    async def main() -> models.EmbeddingResponse:
        return await client.embeddings.create_async(model="mistral-embed", inputs="blue sky")

    again = asyncio.run(main())
    assert again.data[0].embedding == vector


def test_models_list(client: Mistral) -> None:
    listing = client.models.list()

    assert listing.data is not None
    ids = {card.id for card in listing.data if isinstance(card, models.BaseModelCard)}
    assert {"mistral-small-latest", "mistral-large-latest", "mistral-embed"} <= ids


def test_validation_error_is_http_validation_error(client: Mistral) -> None:
    with pytest.raises(errors.HTTPValidationError) as caught:
        client.chat.complete(model="mistral-small-latest", messages=[])

    assert caught.value.status_code == 422
    assert caught.value.data.detail is not None
    assert caught.value.data.detail[0].loc == ["body", "messages"]


def test_missing_model_is_422_and_invalid_model_is_400(fake: FakeMistral) -> None:
    auth = {"authorization": "Bearer k"}
    with httpx2.Client(base_url="https://api.mistral.ai", headers=auth) as http:
        missing = http.post("/v1/chat/completions", json={"messages": USER})
        unknown = http.post("/v1/chat/completions", json={"model": "gpt-4", "messages": USER})
        broken = http.post("/v1/embeddings", content=b"{not json")

    assert missing.status_code == 422
    assert missing.json()["detail"][0] == {
        "type": "missing",
        "loc": ["body", "model"],
        "msg": "Field required",
        "input": {"messages": USER},
    }
    assert unknown.status_code == 400
    assert unknown.json() == {
        "object": "error",
        "message": "Invalid model: gpt-4",
        "type": "invalid_model",
        "param": None,
        "code": "1500",
    }
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["type"] == "json_invalid"


def test_last_role_must_be_user_or_tool(client: Mistral) -> None:
    history = [*USER, {"role": "assistant", "content": "It is Rayleigh scattering."}]
    with pytest.raises(errors.SDKError) as caught:
        client.chat.complete(model="mistral-small-latest", messages=history)

    assert caught.value.status_code == 400
    assert json.loads(caught.value.body)["type"] == "invalid_request_error"


def test_unauthorized_and_unknown_path(fake: FakeMistral) -> None:
    with httpx2.Client(base_url="https://api.mistral.ai") as http:
        anonymous = http.get("/v1/models")
        empty = http.get("/v1/models", headers={"authorization": "Bearer "})
        unknown = http.get("/v1/nope", headers={"authorization": "Bearer k"})

    assert anonymous.status_code == 401
    assert anonymous.json()["type"] == "authentication_error"
    assert empty.status_code == 401
    assert unknown.status_code == 404
    assert unknown.json()["object"] == "error"
    assert [r.status for r in fake.requests] == [401, 401, 404]


def test_errors_surface_as_sdk_errors_with_retry_after(client: Mistral, fake: FakeMistral) -> None:
    fake.faults.fail_next = [429, 503]

    with pytest.raises(errors.SDKError) as limited:
        client.chat.complete(model="mistral-small-latest", messages=USER)
    with pytest.raises(errors.SDKError) as unavailable:
        client.chat.complete(model="mistral-small-latest", messages=USER)

    assert limited.value.status_code == 429
    assert limited.value.headers["retry-after"] == "1"
    assert json.loads(limited.value.body) == {
        "object": "error",
        "message": "Rate limit exceeded",
        "type": "rate_limited",
        "param": None,
        "code": "1300",
    }
    assert unavailable.value.status_code == 503
    assert json.loads(unavailable.value.body)["type"] == "server_error"


def test_stream_errors_surface_as_sdk_errors(client: Mistral, fake: FakeMistral) -> None:
    fake.faults.fail_next = [500]

    with pytest.raises(errors.SDKError) as caught:
        client.chat.stream(model="mistral-small-latest", messages=USER)

    assert caught.value.status_code == 500
