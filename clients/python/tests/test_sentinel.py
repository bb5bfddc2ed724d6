"""A Sentinel-managed client (redis-py's Sentinel.master_for) against redmap under Debian's
redis-sentinel: reads and writes reach the master, and find the new one after a failover."""

from __future__ import annotations

import os

import numpy as np
import pytest
import redis
from redis.sentinel import Sentinel as SentinelClient

import redmap
from servers import Sentinel, Server, poll, remove, temp_dir


@pytest.mark.skipif(not os.access(Sentinel.BINARY, os.X_OK), reason="no redis-sentinel (apt-get install redis-sentinel)")
def test_a_sentinel_managed_client_reads_writes_and_follows_a_failover():
    root = temp_dir("redmap-py-sentinel")
    (root / "master").mkdir()
    (root / "replica").mkdir()
    (root / "sentinel").mkdir()
    master = Server(root / "master")
    replica = Server(root / "replica", "--replicaof", "127.0.0.1", str(master.port))
    sentinel = None
    try:
        sentinel = Sentinel(root / "sentinel", "data", master.port)
        client = SentinelClient([("127.0.0.1", sentinel.port)]).master_for("data", socket_timeout=5)
        redmap.mmap(client, "emb", "emb.f4", "<f4", shape=16, writable=True)
        rows = np.random.default_rng(11).random((500, 16)).astype("<f4")
        assert redmap.append(client, "emb", rows) == 500
        assert np.array_equal(redmap.gather(client, "emb", [499, 3]), rows[[499, 3]])
        assert client.execute_command("WAIT", 1, 10000) == 1

        # Sentinel must know the replica (from the master's INFO) before the master is gone.
        watcher = redis.Redis(port=sentinel.port)
        poll("Sentinel to see the replica", lambda: watcher.sentinel_slaves("data") or None, log=sentinel.log)
        master.kill()  # kill -9: Sentinel promotes the replica
        promoted = poll("Sentinel to promote the replica", lambda: _master_port(sentinel, replica.port), timeout=60,
                        log=sentinel.log)
        assert promoted == replica.port

        def read_after_failover():
            try:
                return redmap.read(client, "emb")
            except redis.ConnectionError:
                return None  # the pooled connections to the old master fail once each
        assert np.array_equal(poll("a read from the new master", read_after_failover), rows)
        assert redmap.append(client, "emb", rows[:1]) == 1  # the new master takes writes
        assert np.fromfile(root / "replica" / "emb.f4", "<f4").reshape(-1, 16).shape == (501, 16)
    finally:
        for process in (sentinel, replica, master):
            if process is not None:
                process.kill()
        remove(root)


def _master_port(sentinel: Sentinel, wanted: int):
    host, port = redis.Redis(port=sentinel.port).sentinel_get_master_addr_by_name("data")
    return int(port) if int(port) == wanted else None
