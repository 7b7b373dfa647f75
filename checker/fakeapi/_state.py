"""The request log and the in-flight counters, shared by every thread and event loop."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any


@dataclass
class RecordedRequest:
    """One request as the fake saw it.

    ``status`` is 0 and ``ended`` is 0.0 while the request is still being handled; status
    500 means the app raised, 499 that its handling was cancelled before it answered.
    """

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int
    started: float
    ended: float


class Ledger:
    """Thread-safe request log, in-flight gauge and rate-window bookkeeping.

    ``lock`` guards every field; the fault policy in ``_faults`` takes it to make its
    decisions atomic with the arrival of a request.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.log: list[RecordedRequest] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self.arrivals = 0
        self.window: deque[float] = deque()

    def arrive(self, record: RecordedRequest) -> tuple[int, int]:
        """Log a request and count it in flight; returns (1-based arrival number, busy before)."""
        with self.lock:
            self.log.append(record)
            self.arrivals += 1
            busy = self.in_flight
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            return self.arrivals, busy

    def depart(self) -> None:
        """Mark one request as finished."""
        with self.lock:
            self.in_flight -= 1

    def snapshot(self) -> list[RecordedRequest]:
        """Copy of the log, in arrival order."""
        with self.lock:
            return list(self.log)

    def reset(self) -> None:
        """Forget the log and the counters; requests still in flight stay counted."""
        with self.lock:
            self.log.clear()
            self.peak_in_flight = self.in_flight
            self.arrivals = 0
            self.window.clear()
