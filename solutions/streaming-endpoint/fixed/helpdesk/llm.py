"""The one place that builds Mistral clients and reads their replies."""

from __future__ import annotations

from mistralai.client import Mistral
from mistralai.client.models import ChatCompletionResponse, TextChunk
from mistralai.client.utils import BackoffStrategy, RetryConfig

from helpdesk.settings import Settings

RETRY_MAX_INTERVAL_MS = 10_000
RETRY_JITTER_MS = 250


class ReplyError(Exception):
    """The model answered, but not with text we can use (cut off, empty, ...)."""


def retry_config(settings: Settings) -> RetryConfig:
    """Exponential backoff with jitter for transient failures.

    For chat completions the SDK retries 429, 500, 502, 503 and 504 (and, here,
    connection errors and timeouts); when the response carries ``Retry-After`` or
    ``retry-after-ms`` it waits exactly that long instead of the computed backoff.
    """
    backoff = BackoffStrategy(
        initial_interval=settings.retry_initial_ms,
        max_interval=RETRY_MAX_INTERVAL_MS,
        exponent=2.0,
        max_elapsed_time=settings.retry_budget_ms,
        jitter_ms=RETRY_JITTER_MS,
    )
    return RetryConfig("backoff", backoff, retry_connection_errors=True)


def make_client(settings: Settings) -> Mistral:
    """A Mistral client for our region, with our timeout and retry policy.

    Build one per process or batch job and share it: it owns the connection pool.
    Use it as ``async with make_client(settings) as client:`` to close it when done.
    """
    return Mistral(
        api_key=settings.api_key,
        server=settings.mistral_server,
        server_url=settings.mistral_url,  # None: the server of mistral_server
        timeout_ms=settings.request_timeout_ms,
        retry_config=retry_config(settings),
    )


def reply_text(response: ChatCompletionResponse) -> str:
    """The text of the first choice, stripped.

    Raises ReplyError when the answer did not finish normally (``finish_reason`` is
    ``"length"`` when ``max_tokens`` cut it short) or holds no text. ``content`` may be
    a string, None, or a list of chunks (reasoning models add "thinking" chunks);
    only text chunks are kept.
    """
    if not response.choices:
        raise ReplyError("the response has no choices")
    choice = response.choices[0]
    if choice.finish_reason != "stop":
        raise ReplyError(f"the reply did not finish (finish_reason={choice.finish_reason})")
    content = choice.message.content if choice.message is not None else None
    if isinstance(content, str):
        text = content
    elif isinstance(content, list):
        text = "".join(chunk.text for chunk in content if isinstance(chunk, TextChunk))
    else:
        text = ""
    if not text.strip():
        raise ReplyError("the reply has no text")
    return text.strip()
