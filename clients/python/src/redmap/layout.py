"""What a key holds, as the client needs it to size arrays: dtype, row shape, element count,
and the largest reply or argument the server takes (``proto-max-bulk-len``).

One round trip: VTYPE, VSIZE and VSHAPE go in one write, with ``CONFIG GET proto-max-bulk-len``
the first time a server is asked (its answer is kept per connection pool).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, List, Tuple

import numpy as np

from .dtypes import numpy_dtype
from .wire import Command, Exchange

# Redis's default proto-max-bulk-len: assumed when CONFIG GET is not allowed (an ACL user).
DEFAULT_BULK_LIMIT = 512 * 1024 * 1024
_bulk_limits: "weakref.WeakKeyDictionary[Any, int]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Layout:
    dtype: "np.dtype[Any]"
    row_shape: Tuple[int, ...]
    count: int
    bulk_limit: int

    @property
    def row_bytes(self) -> int:
        return self.dtype.itemsize * int(np.prod(self.row_shape, dtype=np.int64))

    def rows_per_chunk(self, chunk_bytes: int) -> int:
        """Rows in one request or reply: ``chunk_bytes`` and the server's limit, at least one row."""
        return max(1, min(chunk_bytes, self.bulk_limit) // max(1, self.row_bytes))


def layout_commands(exchange: Exchange, key: Any) -> List[Command]:
    """The commands whose replies :func:`read_layout` reads, in order."""
    commands: List[Command] = [("VTYPE", key), ("VSIZE", key), ("VSHAPE", key)]
    if exchange.pool not in _bulk_limits:
        commands.append(("CONFIG", "GET", "proto-max-bulk-len"))
    return commands


def read_layout(exchange: Exchange, commands: List[Command]) -> Layout:
    """Reads the replies of :func:`layout_commands`; raises the first error among them."""
    replies = [exchange.reply() for _ in commands]
    if len(commands) == 4:
        _bulk_limits[exchange.pool] = _bulk_limit(replies.pop())
    for reply in replies:
        if isinstance(reply, Exception):
            raise reply
    type_name, value_size, shape = replies
    dtype = numpy_dtype(type_name.decode(), int(value_size))
    return Layout(dtype, tuple(int(d) for d in shape[1:]), int(shape[0]), _bulk_limits[exchange.pool])


def fetch_layout(exchange: Exchange, key: Any) -> Layout:
    commands = layout_commands(exchange, key)
    exchange.send(*commands)
    return read_layout(exchange, commands)


def _bulk_limit(reply: Any) -> int:
    """proto-max-bulk-len from CONFIG GET's reply (a pair, or a map in RESP3)."""
    if isinstance(reply, dict):
        reply = [item for pair in reply.items() for item in pair]
    if isinstance(reply, list) and len(reply) == 2:
        return int(reply[1])
    return DEFAULT_BULK_LIMIT
