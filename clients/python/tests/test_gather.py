"""gather: rows at any indices, in the order asked, as one array (VMREAD)."""

from __future__ import annotations

import numpy as np
import pytest
import redis

import redmap
from conftest import calls


@pytest.fixture
def embeddings(r, server, key):
    """1,000 rows of 768 float32 in a raw file, mapped as rows."""
    values = np.random.default_rng(3).random((1000, 768)).astype("<f4")
    values.tofile(server.dir / f"{key}.f4")
    assert redmap.mmap(r, key, f"{key}.f4", np.float32, shape=768) == 1000
    return values


def test_gather_returns_the_rows_in_the_order_given_with_repeats(r, key, embeddings):
    indices = np.random.default_rng(5).integers(0, 1000, 256)
    indices[10] = indices[20]
    got = redmap.gather(r, key, indices)
    assert got.shape == (256, 768) and got.dtype == np.dtype("<f4")
    assert np.array_equal(got, embeddings[indices])
    assert np.array_equal(redmap.gather(r, key, [999, 0, 999]), embeddings[[999, 0, 999]])


def test_a_gather_is_one_vmread_in_one_round_trip(r, key, embeddings):
    before = calls(r, "vmread"), calls(r, "vshape")
    redmap.gather(r, key, range(0, 1000, 4))
    assert (calls(r, "vmread"), calls(r, "vshape")) == (before[0] + 1, before[1] + 1)


def test_negative_indices_count_from_the_end_as_in_numpy(r, key, embeddings):
    assert np.array_equal(redmap.gather(r, key, [-1, 0, -1000]), embeddings[[-1, 0, -1000]])


def test_a_gather_larger_than_a_chunk_is_several_vmreads_into_one_array(r, key, embeddings):
    indices = np.random.default_rng(9).integers(0, 1000, 300)
    indices[0] = -1  # a negative index: the shape is read first, then the rows in chunks
    before = calls(r, "vmread")
    got = redmap.gather(r, key, indices, chunk_bytes=7 * 768 * 4)
    assert np.array_equal(got, embeddings[indices])
    assert calls(r, "vmread") - before == 43  # 300 rows, 7 per chunk


def test_a_gather_over_proto_max_bulk_len_is_split_under_it(server, key, embeddings):
    admin = server.client()
    admin.config_set("proto-max-bulk-len", "1mb")
    try:
        r = server.client()  # a new pool asks the limit again
        indices = np.arange(999, -1, -1)  # 3 MB of rows
        got = redmap.gather(r, key, indices)
        assert np.array_equal(got, embeddings[::-1])
        assert np.array_equal(redmap.read(r, key), embeddings)
        r.close()
    finally:
        admin.config_set("proto-max-bulk-len", "512mb")
        admin.close()


def test_an_index_out_of_range_is_the_servers_error(r, key, embeddings):
    for indices in ([0, 1000], [-1001]):
        with pytest.raises(redis.ResponseError, match="^index exceeds size$"):
            redmap.gather(r, key, indices)
    assert np.array_equal(redmap.gather(r, key, [1]), embeddings[[1]])  # the connection is still in step


def test_indices_must_be_integers(r, key, embeddings):
    with pytest.raises(TypeError):
        redmap.gather(r, key, [1.5])
    with pytest.raises(TypeError):
        redmap.gather(r, key, [[1, 2]])


def test_no_indices_give_an_empty_array_of_the_row_shape(r, key, embeddings):
    got = redmap.gather(r, key, [])
    assert got.shape == (0, 768) and got.dtype == np.dtype("<f4")
