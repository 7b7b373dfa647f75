"""Logging for command-line tools: one format, secrets masked."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

HANDLER_NAME = "helpdesk"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_BEARER = re.compile(r"(?i)\b(bearer\s+)[\w.~+/=-]+")


class RedactSecrets(logging.Filter):
    """Replace known secret values and bearer tokens in every formatted message."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for secret in self._secrets:
            message = message.replace(secret, "[redacted]")
        record.msg = _BEARER.sub(r"\1[redacted]", message)
        record.args = None
        return True


def setup_logging(level: int = logging.INFO, secrets: Iterable[str] = ()) -> None:
    """Send log records to stderr in our format, masking SECRETS. Safe to call twice."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactSecrets(secrets))
    root.addHandler(handler)
    root.setLevel(level)
