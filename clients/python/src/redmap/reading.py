"""read and gather: VREAD and VMREAD replies received into one preallocated numpy array.

Copies: the kernel's socket buffer -> the array (``socket.recv_into``), except a reply's first
bytes that arrive with its header (at most 64 KiB per reply, copied once from the connection's
small buffer). No ``bytes`` object of the payload is ever made.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Sequence, Tuple, Union, cast

import numpy as np

from .layout import fetch_layout, layout_commands, read_layout
from .routing import KeyT, on_key
from .wire import Command, Exchange

# Bytes per VREAD / VMREAD reply (and per VWRITE): large enough that a round trip per chunk costs
# nothing, small enough to stay far below proto-max-bulk-len's default (512 MB).
CHUNK_BYTES = 64 * 1024 * 1024
# A gather of at most this many indices goes out with the key's VTYPE/VSHAPE in one round trip.
_ONE_TRIP_INDICES = 65536

Indices = Union[Sequence[int], "np.ndarray[Any, Any]"]


def read(r: Any, key: KeyT, start: int = 0, stop: Union[int, None] = None, *,
         chunk_bytes: int = CHUNK_BYTES) -> "np.ndarray[Any, Any]":
    """Elements ``start`` to ``stop`` (excluded) of ``key`` as an array of shape ``(n, *row)``.

    ``start`` and ``stop`` follow Python's slice rules: negative values count from the end, and
    out-of-range values are clipped (``read(r, k, -10)`` is the last ten elements). The dtype and
    row shape are the key's (VTYPE, VSHAPE). Reads of more than ``chunk_bytes`` (or the server's
    ``proto-max-bulk-len``) are several VREADs, two in flight at a time, each received straight
    into its part of the array; they are not one snapshot if other clients write meanwhile.
    """

    def operation(exchange: Exchange) -> "np.ndarray[Any, Any]":
        layout = fetch_layout(exchange, key)
        first, last, _ = slice(start, stop).indices(layout.count)
        out = np.empty((max(0, last - first),) + layout.row_shape, layout.dtype)
        rows = layout.rows_per_chunk(chunk_bytes)
        _receive(exchange, out, ((("VREAD", key, first + at, len(part)), at, len(part))
                                 for at, part in _chunks(out, rows)))
        return out

    return on_key(r, key, operation, readonly=True)


def gather(r: Any, key: KeyT, indices: Indices, *, chunk_bytes: int = CHUNK_BYTES) -> "np.ndarray[Any, Any]":
    """The elements (rows) of ``key`` at ``indices``, in that order, as an array ``(k, *row)``.

    At most 65,536 indices, none negative: one VMREAD, sent with the key's VTYPE and VSHAPE in
    one round trip, its reply received whole (up to ``proto-max-bulk-len``). Otherwise the shape
    comes first, then VMREADs of ``chunk_bytes`` each. Negative indices count from the end, as
    in numpy; an index out of range is the server's ``index exceeds size`` (``redis.ResponseError``).
    """
    wanted = _index_array(indices)

    def operation(exchange: Exchange) -> "np.ndarray[Any, Any]":
        one_trip = 0 < len(wanted) <= _ONE_TRIP_INDICES and int(wanted.min()) >= 0
        if one_trip:
            commands = layout_commands(exchange, key)
            exchange.send(*commands, ("VMREAD", key, *wanted.tolist()))
            try:
                layout = read_layout(exchange, commands)
            except BaseException:
                exchange.reply()  # VMREAD's, so that the connection stays usable
                raise
            out = np.empty((len(wanted),) + layout.row_shape, layout.dtype)
            if out.nbytes <= layout.bulk_limit:
                exchange.bulk_into(_bytes_of(out))
                return out
            exchange.reply()  # refused as too large: gathered in chunks below
            chosen = wanted
        else:
            layout = fetch_layout(exchange, key)
            out = np.empty((len(wanted),) + layout.row_shape, layout.dtype)
            chosen = np.where(wanted < 0, wanted + layout.count, wanted)
        rows = layout.rows_per_chunk(chunk_bytes)
        _receive(exchange, out, ((("VMREAD", key, *chosen[at:at + len(part)].tolist()), at, len(part))
                                 for at, part in _chunks(out, rows)))
        return out

    return on_key(r, key, operation, readonly=True)


def _index_array(indices: Indices) -> "np.ndarray[Any, Any]":
    array = np.asarray(indices)
    if array.size == 0:
        return np.empty(0, np.int64)
    if array.ndim != 1:
        raise TypeError(f"indices must be a 1-D sequence of integers, not an array of shape {array.shape}")
    if array.dtype.kind not in "iu":
        raise TypeError(f"indices must be integers, not {array.dtype}")
    return array.astype(np.int64, copy=False)


def _chunks(out: "np.ndarray[Any, Any]", rows: int) -> Iterable[Tuple[int, "np.ndarray[Any, Any]"]]:
    """(first row, rows) of ``out`` in pieces of at most ``rows`` rows."""
    for at in range(0, len(out), rows):
        yield at, out[at:at + rows]


def _bytes_of(array: "np.ndarray[Any, Any]") -> memoryview:
    """The bytes of a C-contiguous array, writable, without a copy."""
    return memoryview(cast(Any, array.reshape(-1).view(np.uint8)))


def _receive(exchange: Exchange, out: "np.ndarray[Any, Any]", requests: Iterable[Tuple[Command, int, int]]) -> None:
    """Sends each request (command, first row, rows) and receives its reply into those rows of
    ``out``, keeping two requests in flight so that the server streams the next chunk while this
    one is received."""
    view = _bytes_of(out)
    row_bytes = out.itemsize * int(np.prod(out.shape[1:], dtype=np.int64))
    in_flight: List[Tuple[int, int]] = []
    for command, at, rows in requests:
        exchange.send(command)
        in_flight.append((at, rows))
        if len(in_flight) == 2:
            done_at, done_rows = in_flight.pop(0)
            exchange.bulk_into(view[done_at * row_bytes:(done_at + done_rows) * row_bytes])
    for done_at, done_rows in in_flight:
        exchange.bulk_into(view[done_at * row_bytes:(done_at + done_rows) * row_bytes])

