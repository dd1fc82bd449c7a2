"""The one error a query raises: something the user asked for cannot be answered as given."""

from __future__ import annotations

__all__ = ["QueryError"]


class QueryError(Exception):
    """A note, link or revision that cannot be used; the message says what to do instead."""
