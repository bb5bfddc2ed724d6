"""write, append and mmap: numpy arrays checked against the key, then sent as raw bytes (VWRITE)
from the array's own memory (a copy only when the array is not C-contiguous).

Every check is made before the first write command goes out: the dtype must be the key's
exactly (no casting: a float64 array for a float32 key is refused, not converted), the shape must
be ``(k, *row)`` for the key's row shape, and the start must lie within the array or at its end.
"""

from __future__ import annotations

import os
import random
import time
from typing import Any, List, Sequence, Tuple, Union

import numpy as np
from redis.exceptions import WatchError

from .dtypes import redmap_type
from .errors import DtypeError, RangeError, ShapeError
from .layout import Layout, fetch_layout, layout_commands, read_layout
from .reading import CHUNK_BYTES, _bytes_of
from .routing import KeyT, on_key
from .wire import Exchange

ShapeLike = Union[None, int, Sequence[int]]
# Appends retried after another client changed the key between its count was read and EXEC.
_APPEND_ATTEMPTS = 100


def write(r: Any, key: KeyT, start: int, array: Any, *, chunk_bytes: int = CHUNK_BYTES) -> int:
    """Writes ``array`` (shape ``(k, *row)``, the key's dtype) at element ``start``; returns k.

    ``start`` may be negative (from the end) and may be the element count, which appends; rows
    past the end are appended. Arrays of more than ``chunk_bytes`` (or ``proto-max-bulk-len``)
    go as several VWRITEs, so a failure half-way (the connection lost) may leave the first
    chunks written.
    """
    data = np.asarray(array)

    def operation(exchange: Exchange) -> int:
        layout = fetch_layout(exchange, key)
        check_array(layout, data)
        at = start + layout.count if start < 0 else start
        if not 0 <= at <= layout.count:
            raise RangeError(f"start {start} is outside the {layout.count} elements of {key!r} "
                             f"(a write may start at 0..{layout.count})")
        return _write_chunks(exchange, key, layout, at, data, chunk_bytes)

    return on_key(r, key, operation)


def append(r: Any, key: KeyT, array: Any, *, chunk_bytes: int = CHUNK_BYTES) -> int:
    """Appends the rows of ``array`` (shape ``(k, *row)``, the key's dtype); returns k.

    Each chunk (``chunk_bytes``) is one transaction (WATCH, the count, MULTI, VWRITE at the
    count, EXEC), retried when another client changed the key meanwhile, so that concurrent
    appends never overwrite each other; another client's rows may land between two chunks.
    """
    data = np.asarray(array)
    written = position = 0
    while True:
        # The first chunk's transaction checks the whole array before anything is sent.
        def chunk(exchange: Exchange, at: int = position) -> Tuple[int, int]:
            return _append_chunk(exchange, key, data, at, chunk_bytes)

        count, rows = on_key(r, key, chunk)
        written += count
        position += rows
        if position >= len(data):
            return written


def _append_chunk(exchange: Exchange, key: KeyT, data: "np.ndarray[Any, Any]", position: int,
                  chunk_bytes: int) -> Tuple[int, int]:
    """Appends the rows of ``data`` from ``position`` that fit in one chunk: (written, rows)."""
    for attempt in range(_APPEND_ATTEMPTS):
        if attempt:
            # Another append won the race: back off for a random while (up to 20 ms), as optimistic
            # locking does, so that many appenders do not keep invalidating each other.
            time.sleep(random.uniform(0, min(0.02, 0.0005 * 2 ** attempt)))
        commands = layout_commands(exchange, key)
        exchange.send(("WATCH", key), *commands)
        exchange.discard()  # while the connection has a WATCH, it must not go back to the pool
        exchange.value()
        layout = read_layout(exchange, commands)
        check_array(layout, data)
        rows = layout.rows_per_chunk(chunk_bytes)
        piece = np.ascontiguousarray(data[position:position + rows])
        if len(piece) == 0:
            exchange.send(("UNWATCH",))
            exchange.value()
            exchange.keep()
            return 0, 0
        exchange.send(("MULTI",), ("VWRITE", key, layout.count, _bytes_of(piece)), ("EXEC",))
        exchange.value()
        queued = exchange.reply()
        result = exchange.reply()
        exchange.keep()  # EXEC forgot the WATCH
        if isinstance(queued, Exception):
            raise queued
        if isinstance(result, Exception):
            raise result
        if result is not None:
            if isinstance(result[0], Exception):
                raise result[0]
            return int(result[0]), len(piece)
    raise WatchError(f"{key!r} changed under {_APPEND_ATTEMPTS} appends in a row; nothing was appended by this chunk")


def mmap(r: Any, key: KeyT, path: Union[str, "os.PathLike[str]"], dtype: Any, shape: ShapeLike = None,
         writable: bool = False) -> int:
    """Maps the file at ``path`` (on the server; relative to its ``dir``) to ``key``: MMAP.

    ``dtype``: a numpy dtype (``'<f4'``, ``np.int64``, ``'S16'``), or None for a ``.npy`` file
    whose header says it. ``shape``: the shape of one element, as ``SHAPE`` takes it (``768``,
    ``(3, 4)``), or None for scalars (or a ``.npy`` file's own). Returns the element count.
    A dtype without a redmap type is refused here (DtypeError); the server's errors (a key
    already mapped otherwise, a missing read-only file...) pass through.
    """
    command: List[Any] = ["MMAP", key, os.fspath(path)]
    if dtype is not None:
        type_name, value_size = redmap_type(dtype)
        command.append(type_name)
        if value_size is not None:
            command.append(value_size)
    row = _row_shape(shape)
    if row:
        command += ["SHAPE", *row]
    if writable:
        command.append("WRITABLE")

    def operation(exchange: Exchange) -> int:
        exchange.send(tuple(command))
        return int(exchange.value())

    return on_key(r, key, operation)


def check_array(layout: Layout, data: "np.ndarray[Any, Any]") -> None:
    """Refuses an array whose dtype or shape is not the key's (DtypeError, ShapeError)."""
    if data.dtype != layout.dtype:
        raise DtypeError(f"the key holds {layout.dtype.str} ({layout.dtype.name}), the array is "
                         f"{data.dtype.str} ({data.dtype.name}): convert it with .astype({layout.dtype.str!r})")
    if data.shape[1:] != layout.row_shape or data.ndim != 1 + len(layout.row_shape):
        wanted = "(k, " + ", ".join(str(d) for d in layout.row_shape) + ")" if layout.row_shape else "(k,)"
        raise ShapeError(f"the key's elements have shape {layout.row_shape}: the array must have shape {wanted}, "
                         f"not {data.shape}")


def _write_chunks(exchange: Exchange, key: KeyT, layout: Layout, at: int, data: "np.ndarray[Any, Any]",
                  chunk_bytes: int) -> int:
    rows = layout.rows_per_chunk(chunk_bytes)
    written = 0
    for first in range(0, len(data), rows):
        piece = np.ascontiguousarray(data[first:first + rows])
        exchange.send(("VWRITE", key, at + first, _bytes_of(piece)))
        written += int(exchange.value())
    return written


def _row_shape(shape: ShapeLike) -> Tuple[int, ...]:
    if shape is None:
        return ()
    row = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d > 0 for d in row):
        raise ShapeError(f"a shape is positive integers, not {shape!r}")
    return tuple(int(d) for d in row)
