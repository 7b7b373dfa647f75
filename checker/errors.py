"""Errors the command line turns into one clear line on stderr.

PrkitError
 └── UsageError        bad input or usage: exit code 2
"""


class PrkitError(Exception):
    """Base class for errors prkit reports to the user."""


class UsageError(PrkitError):
    """Bad input or usage; reported as one line on stderr with exit code 2."""
