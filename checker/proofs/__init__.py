"""Proofs: pytest files that demonstrate each serious issue of an answer key."""
