"""Configurable faults and the policy that turns them into error responses."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from starlette.responses import Response

from ._errors import error_response, rate_limited, status_error
from ._state import Ledger


@dataclass
class Faults:
    """Faults applied to every request; mutable at any time (``fake.faults.latency = 0.2``).

    * ``latency``: seconds slept on the app's loop before answering (any answer).
    * ``stream_delay``: seconds between two chunks of a streamed chat completion (after
      the first, the role chunk, which is sent at once), like a model producing tokens.
    * ``max_in_flight``: a request arriving while this many are in flight gets 429.
    * ``requests_per_window``: more accepted requests than this within the sliding
      ``window_seconds`` get 429, ``Retry-After`` = seconds until a slot frees (>= 1).
    * ``retry_after``: ``Retry-After`` of other 429s ("1" for 1.0, "0.2" for 0.2).
    * ``fail_next``: statuses answered to the next requests in order, popped one each.
    * ``fail_every``: every Nth request (1-based, all requests) gets ``fail_status``.
    * ``max_request_bytes``: larger bodies get 400 ``invalid_request_error``.
    * ``max_embedding_inputs``: embeddings with more inputs get 400, code "3210".

    At arrival, after authentication, the checks run in the order max_request_bytes,
    max_in_flight, requests_per_window, fail_next, fail_every; ``max_embedding_inputs``
    is checked by the endpoint. Rejected and faulted requests are still recorded and
    count as in flight.
    """

    latency: float = 0.0
    stream_delay: float = 0.0
    max_in_flight: int | None = None
    requests_per_window: int | None = None
    window_seconds: float = 1.0
    retry_after: float = 1.0
    fail_next: list[int] = field(default_factory=list)
    fail_every: int | None = None
    fail_status: int = 503
    max_request_bytes: int | None = None
    max_embedding_inputs: int | None = None


def check_arrival(
    faults: Faults, ledger: Ledger, seq: int, busy: int, body_size: int, now: float
) -> Response | None:
    """The fault response for a request that just arrived, or None to serve it.

    ``seq`` is its 1-based arrival number, ``busy`` the requests in flight before it.
    Order: body size, max_in_flight, requests_per_window, fail_next, fail_every.
    """
    limit = faults.max_request_bytes
    if limit is not None and body_size > limit:
        return error_response(
            400,
            f"Request body too large: {body_size} bytes exceeds the limit of {limit} bytes.",
            "invalid_request_error",
        )
    if faults.max_in_flight is not None and busy >= faults.max_in_flight:
        return rate_limited(faults.retry_after)
    with ledger.lock:
        window_full = _window_wait(faults, ledger, now)
        if window_full is not None:
            return rate_limited(window_full)
        if faults.fail_next:
            return status_error(faults.fail_next.pop(0), faults.retry_after)
    if faults.fail_every and seq % faults.fail_every == 0:
        return status_error(faults.fail_status, faults.retry_after)
    return None


def _window_wait(faults: Faults, ledger: Ledger, now: float) -> int | None:
    """Seconds until the sliding window frees a slot, or None after admitting ``now``."""
    limit = faults.requests_per_window
    if limit is None:
        return None
    horizon = now - faults.window_seconds
    while ledger.window and ledger.window[0] <= horizon:
        ledger.window.popleft()
    if len(ledger.window) >= limit:
        oldest = ledger.window[0] if ledger.window else now
        return max(1, math.ceil(oldest + faults.window_seconds - now))
    ledger.window.append(now)
    return None
