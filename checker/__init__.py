"""prkit: practice pull-request reviews and grade them against an answer key."""

__all__ = ["__version__"]

__version__ = "0.1.0"
