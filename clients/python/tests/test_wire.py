"""The connection driven by hand (redmap.wire.Exchange) against a real server: replies of every
size across its buffer's edges, and connections given back to redis-py's pool in step, or
dropped when they are not."""

from __future__ import annotations

import numpy as np
import pytest
import redis

import redmap
from redmap.wire import Exchange


def test_many_small_replies_across_the_buffers_edges(r):
    words = [b"w%05d" % i + b"." * (i % 97) for i in range(5000)]  # about 270 KB of replies
    with Exchange(r) as exchange:
        exchange.send(*[("ECHO", word) for word in words])
        assert [exchange.value() for _ in words] == words


def test_replies_larger_than_the_buffer(r):
    payload = bytes(range(256)) * 1000  # 256 KB: a bulk string, and as an argument sent from its memory
    with Exchange(r) as exchange:
        exchange.send(("ECHO", payload), ("ECHO", memoryview(payload)), ("PING",))
        assert exchange.value() == payload
        out = bytearray(len(payload))
        exchange.bulk_into(memoryview(out))
        assert out == payload
        assert exchange.value() == b"PONG"


def test_integers_arrays_and_nil(r, key):
    redmap.mmap(r, key, f"{key}.f4", "<f4", shape=(2, 3), writable=True)
    with Exchange(r) as exchange:
        exchange.send(("VSHAPE", key), ("VCOUNT", key), ("CONFIG", "GET", "no-such-option"), ("VPOP", key))
        assert [exchange.value() for _ in range(4)] == [[0, 2, 3], 0, [], None]


def test_an_error_reply_leaves_the_connection_in_step_and_in_the_pool(r, key):
    connection = r.client_id()
    with pytest.raises(redis.ResponseError, match="^You must do MMAP first$"):
        redmap.gather(r, key, [0])  # VMREAD's reply read after the layout's errors
    r.execute_command("MMAP", key, f"{key}.bf16", "bfloat16", "WRITABLE")
    with pytest.raises(redmap.DtypeError):
        redmap.gather(r, key, [0])
    assert r.client_id() == connection


def test_a_reply_of_another_size_than_expected_drops_the_connection(r, key):
    connection = r.client_id()
    redmap.mmap(r, key, f"{key}.f8", "<f8", writable=True)
    redmap.append(r, key, np.arange(4.0))
    with Exchange(r) as exchange:
        exchange.send(("VREAD", key, 0, 4))
        with pytest.raises(redmap.ShapeError, match="the reply has 32 bytes where 24 were expected"):
            exchange.bulk_into(memoryview(bytearray(24)))
    assert r.client_id() != connection  # a fresh connection: the old one was left mid-reply
    assert redmap.read(r, key).tolist() == [0.0, 1.0, 2.0, 3.0]


def test_a_watch_left_by_a_failed_append_does_not_go_back_to_the_pool(r, key):
    connection = r.client_id()
    redmap.mmap(r, key, f"{key}.f8", "<f8", writable=True)
    with pytest.raises(redmap.DtypeError):
        redmap.append(r, key, np.arange(3, dtype="<f4"))  # refused after WATCH
    assert r.client_id() != connection
    assert redmap.append(r, key, np.arange(3.0)) == 3
    after = r.client_id()
    assert redmap.append(r, key, np.arange(3.0)) == 3
    assert r.client_id() == after  # after EXEC the connection is kept


def test_a_client_that_decodes_replies_works_too(server, key):
    """The package reads its replies itself: decode_responses does not reach the array bytes."""
    text = redis.Redis(port=server.port, decode_responses=True)
    redmap.mmap(text, key, f"{key}.u1", np.uint8, shape=4, writable=True)
    rows = np.array([[0xff, 0xfe, 0x80, 0], [1, 2, 3, 4]], dtype=np.uint8)  # not UTF-8
    redmap.append(text, key, rows)
    assert np.array_equal(redmap.read(text, key), rows)
    assert np.array_equal(redmap.gather(text, key, [1, 0]), rows[[1, 0]])
    assert text.execute_command("VTYPE", key) == "uint8"
    text.close()
