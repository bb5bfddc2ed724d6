"""The client-side refusals: raised before any command that would change the array is sent.

Errors that the server replies pass through as redis-py raises them (``redis.ResponseError`` and
its subclasses), with the server's text.
"""


class RedmapError(Exception):
    """Base of the errors this package raises by itself."""


class DtypeError(RedmapError, ValueError):
    """An array's dtype is not the key's, or a dtype has no redmap type (or the reverse)."""


class ShapeError(RedmapError, ValueError):
    """An array's shape is not ``(k, *row)`` for the key's row shape."""


class RangeError(RedmapError, IndexError):
    """A start index outside the array (a write may start at most at the element count)."""
