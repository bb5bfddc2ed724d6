"""read: slices of the key as arrays of its dtype and shape, checked against numpy's own view
of the same file."""

from __future__ import annotations

import numpy as np
import pytest
import redis

import redmap


def rows_key(r, server, key, count, row=(4,), dtype="<f4"):
    """A writable key with ``count`` rows of random values, and those values as numpy has them."""
    redmap.mmap(r, key, f"{key}.bin", dtype, shape=row, writable=True)
    values = (np.random.default_rng(7).random((count,) + row) * 1000).astype(dtype)
    assert redmap.append(r, key, values) == count
    on_disk = np.fromfile(server.dir / f"{key}.bin", dtype=dtype).reshape((-1,) + row)
    assert np.array_equal(on_disk, values)
    return values


@pytest.mark.parametrize("start, stop", [(0, None), (3, 7), (-4, None), (-4, -1), (8, 3), (0, 100), (-100, 2),
                                         (10, None), (5, 5)])
def test_read_follows_python_slice_rules(r, server, key, start, stop):
    values = rows_key(r, server, key, 10)
    got = redmap.read(r, key, start, stop)
    assert got.dtype == np.dtype("<f4")
    assert got.shape == values[start:stop].shape
    assert np.array_equal(got, values[start:stop])


def test_a_read_of_many_chunks_fills_one_array_in_order(r, server, key):
    values = rows_key(r, server, key, 1000, row=(3,), dtype="<i8")
    # 7 rows of 24 bytes per VREAD: 143 chunks, the last one partial.
    got = redmap.read(r, key, 1, None, chunk_bytes=7 * 24)
    assert np.array_equal(got, values[1:])
    # A chunk smaller than a row still reads one row at a time.
    assert np.array_equal(redmap.read(r, key, 990, chunk_bytes=1), values[990:])


def test_scalar_keys_read_as_one_dimensional_arrays(r, server, key):
    path = server.dir / f"{key}.u2"
    np.arange(50_000, dtype="<u2").tofile(path)
    assert redmap.mmap(r, key, path, np.uint16) == 50_000
    got = redmap.read(r, key)
    assert got.shape == (50_000,) and got.dtype == np.dtype("<u2")
    assert np.array_equal(got, np.arange(50_000, dtype="<u2"))
    assert redmap.read(r, key, -2).tolist() == [49_998, 49_999]


def test_an_empty_key_reads_as_an_empty_array_of_its_shape(r, key):
    redmap.mmap(r, key, f"{key}.f8", "<f8", shape=(2, 5), writable=True)
    got = redmap.read(r, key)
    assert got.shape == (0, 2, 5) and got.dtype == np.dtype("<f8")


def test_a_large_read_is_received_whole(r, server, key):
    path = server.dir / f"{key}.f8"
    values = np.random.default_rng(1).random(3_000_000)
    values.astype("<f8").tofile(path)  # 24 MB: one VREAD, streamed by the server
    redmap.mmap(r, key, path, "<f8")
    assert np.array_equal(redmap.read(r, key), values)
    assert np.array_equal(redmap.read(r, key, chunk_bytes=5_000_000), values)


def test_reading_a_missing_key_is_the_servers_error(r, key):
    with pytest.raises(redis.ResponseError, match="^You must do MMAP first$"):
        redmap.read(r, key)
    assert r.ping()  # the connection is still in step

