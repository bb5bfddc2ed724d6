"""write and append: arrays checked against the key, then written as raw bytes; a refused array
sends no write command at all."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import redis

import redmap
from conftest import calls


@pytest.fixture
def rows(r, server, key):
    """A writable key of rows of 3 int32, holding 5 rows."""
    assert redmap.mmap(r, key, f"{key}.i4", "<i4", shape=3, writable=True) == 0
    values = np.arange(15, dtype="<i4").reshape(5, 3)
    assert redmap.append(r, key, values) == 5
    return values


def on_disk(server, key):
    return np.fromfile(server.dir / f"{key}.i4", dtype="<i4").reshape(-1, 3)


def test_write_overwrites_and_appends_past_the_end(r, server, key, rows):
    new = np.array([[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]], dtype="<i4")
    assert redmap.write(r, key, 3, new) == 3
    expected = np.concatenate([rows[:3], new])
    assert np.array_equal(on_disk(server, key), expected)
    assert np.array_equal(redmap.read(r, key), expected)


def test_a_negative_start_counts_from_the_end(r, server, key, rows):
    redmap.write(r, key, -1, np.array([[7, 7, 7]], dtype="<i4"))
    assert on_disk(server, key)[-1].tolist() == [7, 7, 7]
    assert len(on_disk(server, key)) == 5


def test_a_write_of_many_chunks_writes_every_row(r, server, key, rows):
    values = np.arange(3000, dtype="<i4").reshape(1000, 3)
    before = calls(r, "vwrite")
    assert redmap.write(r, key, 5, values, chunk_bytes=12 * 64) == 1000
    assert calls(r, "vwrite") - before == 16  # 1000 rows, 64 per chunk
    assert np.array_equal(on_disk(server, key), np.concatenate([rows, values]))


def test_a_non_contiguous_array_is_written_as_its_values(r, server, key, rows):
    big = np.arange(60, dtype="<i4").reshape(5, 12)
    strided = big[::2, ::4]  # shape (3, 3), not contiguous
    redmap.write(r, key, 0, strided)
    assert np.array_equal(on_disk(server, key)[:3], strided)


@pytest.mark.parametrize("array, error, message", [
    (np.zeros((2, 3), dtype="<i8"), redmap.DtypeError, r"the key holds <i4 \(int32\), the array is <i8 \(int64\)"),
    (np.zeros((2, 3), dtype="<f4"), redmap.DtypeError, "astype"),
    (np.zeros((2, 3), dtype=">i4"), redmap.DtypeError, ">i4"),
    ([[1, 2, 3]], redmap.DtypeError, "int64"),  # a list is an int64 array: no silent cast
    (np.zeros((2, 4), dtype="<i4"), redmap.ShapeError, r"must have shape \(k, 3\), not \(2, 4\)"),
    (np.zeros(3, dtype="<i4"), redmap.ShapeError, r"not \(3,\)"),
    (np.zeros((1, 1, 3), dtype="<i4"), redmap.ShapeError, r"not \(1, 1, 3\)"),
])
def test_a_wrong_dtype_or_shape_is_refused_before_any_write_is_sent(r, server, key, rows, array, error, message):
    before = calls(r, "vwrite"), calls(r, "multi")
    for attempt in (lambda: redmap.write(r, key, 0, array), lambda: redmap.append(r, key, array)):
        with pytest.raises(error, match=message):
            attempt()
    assert (calls(r, "vwrite"), calls(r, "multi")) == before
    assert np.array_equal(on_disk(server, key), rows)
    assert issubclass(error, ValueError)


@pytest.mark.parametrize("start", [6, 100, -6])
def test_a_start_outside_the_array_is_refused_before_any_write_is_sent(r, server, key, rows, start):
    before = calls(r, "vwrite")
    with pytest.raises(redmap.RangeError, match=f"start {start} is outside the 5 elements"):
        redmap.write(r, key, start, rows[:1])
    assert calls(r, "vwrite") == before
    assert isinstance(redmap.RangeError("x"), IndexError)


def test_a_write_to_a_read_only_key_is_the_servers_error(r, server, key, rows):
    r.delete(key)
    redmap.mmap(r, key, f"{key}.i4", "<i4", shape=3)
    for attempt in (lambda: redmap.write(r, key, 0, rows[:1]), lambda: redmap.append(r, key, rows[:1])):
        with pytest.raises(redis.ResponseError, match="^The file is not writable$"):
            attempt()
    assert np.array_equal(on_disk(server, key), rows)
    assert r.ping()


def test_append_of_many_chunks_appends_every_row(r, server, key, rows):
    values = np.arange(3000, dtype="<i4").reshape(1000, 3)
    assert redmap.append(r, key, values, chunk_bytes=12 * 100) == 1000
    assert np.array_equal(on_disk(server, key), np.concatenate([rows, values]))


def test_an_empty_append_is_checked_and_appends_nothing(r, server, key, rows):
    assert redmap.append(r, key, np.zeros((0, 3), dtype="<i4")) == 0
    with pytest.raises(redmap.ShapeError):
        redmap.append(r, key, np.zeros((0, 4), dtype="<i4"))
    assert np.array_equal(on_disk(server, key), rows)


def test_concurrent_appends_never_overwrite_each_other(server, key, rows):
    """Eight threads append 50 single rows each: every row lands once (WATCH/MULTI/EXEC retried)."""
    r = server.client()
    threads = []
    for t in range(8):
        def run(t: int = t) -> None:
            for i in range(50):
                redmap.append(r, key, np.array([[t, i, t * 1000 + i]], dtype="<i4"))
        threads.append(threading.Thread(target=run))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    appended = on_disk(server, key)[5:]
    assert len(appended) == 400
    assert sorted(appended[:, 2].tolist()) == sorted(t * 1000 + i for t in range(8) for i in range(50))
    for t in range(8):  # each thread's rows in its own order
        mine = appended[appended[:, 0] == t]
        assert mine[:, 1].tolist() == list(range(50))
    r.close()
