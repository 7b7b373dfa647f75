from __future__ import annotations

import logging

import pytest

from helpdesk.logs import RedactSecrets, setup_logging


def test_secrets_and_bearer_tokens_are_masked() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "key=%s header=%s", ("k-secret", "Bearer abc.def"), None
    )
    RedactSecrets(["k-secret"]).filter(record)
    assert record.getMessage() == "key=[redacted] header=Bearer [redacted]"


def test_setup_logging_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    try:
        setup_logging(secrets=["k-secret"])
        setup_logging(secrets=["k-secret"])
        logging.getLogger("helpdesk.test").warning("using %s", "k-secret")
    finally:
        root.handlers[:], root.level = before, level
    assert capsys.readouterr().err.count("using [redacted]") == 1
