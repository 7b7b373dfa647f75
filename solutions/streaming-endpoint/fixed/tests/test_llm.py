from __future__ import annotations

import pytest
from mistralai.client.models import ChatCompletionResponse

from helpdesk.llm import ReplyError, make_client, reply_text
from helpdesk.settings import Settings, load_settings
from helpdesk.testing import StubReply, chat_completion


def response(content: object, finish_reason: str = "stop") -> ChatCompletionResponse:
    body = chat_completion({"model": "m"}, StubReply(None, finish_reason))
    body["choices"][0]["message"]["content"] = content
    return ChatCompletionResponse.model_validate(body)


def test_reply_text_strips_string_content() -> None:
    assert reply_text(response("  Hello there.\n")) == "Hello there."


def test_reply_text_keeps_only_text_chunks() -> None:
    chunks = [
        {"type": "thinking", "thinking": [{"type": "text", "text": "hmm"}]},
        {"type": "text", "text": "The answer."},
    ]
    assert reply_text(response(chunks)) == "The answer."


@pytest.mark.parametrize(
    ("content", "finish_reason"),
    [("Half a sent", "length"), (None, "stop"), ("   ", "stop"), ("x", "error")],
)
def test_reply_text_rejects_unusable_replies(content: object, finish_reason: str) -> None:
    with pytest.raises(ReplyError):
        reply_text(response(content, finish_reason))


def test_make_client_uses_the_configured_region_and_policy() -> None:
    settings = Settings(api_key="k", mistral_server="eu", request_timeout_ms=1234)
    config = make_client(settings).sdk_configuration
    assert config.get_server_details()[0] == "https://api.eu.mistral.ai"
    assert config.timeout_ms == 1234
    assert config.retry_config.strategy == "backoff"  # type: ignore[union-attr]


def test_the_default_settings_keep_customer_data_in_the_eu() -> None:
    config = make_client(load_settings({"MISTRAL_API_KEY": "k"})).sdk_configuration
    assert config.get_server_details()[0] == "https://api.eu.mistral.ai"


def test_a_mistral_url_replaces_the_region_for_a_local_mock() -> None:
    settings = Settings(api_key="k", mistral_url="http://127.0.0.1:8089")
    assert make_client(settings).sdk_configuration.get_server_details()[0] == (
        "http://127.0.0.1:8089"
    )
