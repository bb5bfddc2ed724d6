"""A RedisCluster client against a real redmap cluster (two shards of a master and a replica):
every call goes to the node that serves its key, follows -MOVED and -ASK while a slot moves, and
reads from replicas when the client is made to."""

from __future__ import annotations

from typing import Iterator, List

import numpy as np
import pytest
from redis.cluster import RedisCluster

import redmap
from conftest import calls
from servers import Cluster


@pytest.fixture
def rc(cluster: Cluster) -> Iterator[RedisCluster]:
    client = RedisCluster(host="127.0.0.1", port=cluster.masters[0])
    yield client
    client.close()


def keys_on_each_shard(rc: RedisCluster, cluster: Cluster, prefix: str) -> List[str]:
    """A key served by each master, in the masters' order."""
    found = {}
    for i in range(1000):
        key = f"{prefix}:{i}"
        port = rc.get_node_from_key(key).port
        found.setdefault(port, key)
        if len(found) == len(cluster.masters):
            return [found[port] for port in cluster.masters]
    raise AssertionError("no key for every shard")


def test_every_call_goes_to_the_node_that_serves_the_key(rc, cluster):
    for port, key in zip(cluster.masters, keys_on_each_shard(rc, cluster, "emb")):
        assert redmap.mmap(rc, key, f"{key}.f4", "<f4", shape=8, writable=True) == 0
        rows = np.random.default_rng(port).random((100, 8)).astype("<f4")
        assert redmap.append(rc, key, rows) == 100
        assert redmap.write(rc, key, 99, rows[:2]) == 2
        expected = np.concatenate([rows[:99], rows[:2]])
        assert np.array_equal(redmap.read(rc, key), expected)
        assert np.array_equal(redmap.gather(rc, key, [100, 0, -1]), expected[[100, 0, -1]])
        # The relative path is in the dir of the master that serves the key (and of its replica,
        # once it follows), and of no node of the other shard.
        holders = [node.port for node in cluster.nodes if (node.dir / f"{key}.f4").exists()]
        replica = cluster.replicas[cluster.masters.index(port)]
        assert port in holders and set(holders) <= {port, replica}
        on_disk = np.fromfile(cluster.node(port).dir / f"{key}.f4", dtype="<f4").reshape(-1, 8)
        assert np.array_equal(on_disk, expected)


def test_redis_py_routes_the_array_commands_by_their_key_from_COMMAND(rc, cluster):
    """redis-py's RedisCluster finds keys with COMMAND's key specs: VMREAD and VSHAPE must have them."""
    key = keys_on_each_shard(rc, cluster, "routed")[1]
    redmap.mmap(rc, key, f"{key}.i8", "<i8", writable=True)
    redmap.append(rc, key, np.arange(10, dtype="<i8"))
    for command in (["VMREAD", key, 1, 2], ["VSHAPE", key], ["VREAD", key, 0, 1], ["VWRITE", key, 0, b"x" * 8],
                    ["VTYPE", key], ["VSIZE", key], ["MMAP", key, "x"]):
        assert rc.determine_slot(*command) == rc.keyslot(key), command
    assert rc.execute_command("VSHAPE", key) == [10]
    assert np.frombuffer(rc.execute_command("VMREAD", key, 9, 0), "<i8").tolist() == [9, 0]


def test_a_moving_slot_is_followed_by_ask_then_moved(rc, cluster):
    source_port, target_port = cluster.masters
    key = keys_on_each_shard(rc, cluster, "moving")[0]
    slot = rc.keyslot(key)
    redmap.mmap(rc, key, f"{key}.f8", "<f8", writable=True)
    values = np.arange(1000, dtype="<f8")
    redmap.append(rc, key, values)
    source, target = cluster.node(source_port).client(), cluster.node(target_port).client()
    source_id, target_id = source.execute_command("CLUSTER", "MYID"), target.execute_command("CLUSTER", "MYID")

    # The slot half-moved: the key is on the target, which serves it to clients that say ASKING.
    assert target.execute_command("CLUSTER", "SETSLOT", slot, "IMPORTING", source_id)
    assert source.execute_command("CLUSTER", "SETSLOT", slot, "MIGRATING", target_id)
    assert source.execute_command("MIGRATE", "127.0.0.1", target_port, key, 0, 10000) == b"OK"
    asked = calls(target, "asking")
    assert np.array_equal(redmap.read(rc, key), values)
    assert np.array_equal(redmap.gather(rc, key, [5, 999]), values[[5, 999]])
    redmap.write(rc, key, 0, np.array([-1.0]))
    assert calls(target, "asking") > asked

    # The slot moved: the client's table is stale, -MOVED teaches it the new owner.
    for port in (target_port, source_port):
        cluster.node(port).client().execute_command("CLUSTER", "SETSLOT", slot, "NODE", target_id)
    values[0] = -1.0
    assert np.array_equal(redmap.read(rc, key), values)
    assert rc.get_node_from_key(key).port == target_port
    assert redmap.append(rc, key, np.array([1000.0])) == 1
    assert np.fromfile(cluster.node(target_port).dir / f"{key}.f8", "<f8")[-1] == 1000.0


def test_reads_go_to_replicas_when_the_client_reads_from_replicas(cluster):
    rc = RedisCluster(host="127.0.0.1", port=cluster.masters[0], read_from_replicas=True)
    key = keys_on_each_shard(rc, cluster, "replicated")[1]
    master, replica = cluster.masters[1], cluster.replicas[1]
    redmap.mmap(rc, key, f"{key}.u4", "<u4", writable=True)
    values = np.arange(5000, dtype="<u4")
    redmap.append(rc, key, values)  # writes go to the master
    assert cluster.node(master).client().execute_command("WAIT", 1, 10000) == 1
    replica_client = cluster.node(replica).client()
    before = calls(replica_client, "vread") + calls(replica_client, "vmread")
    for _ in range(4):
        assert np.array_equal(redmap.read(rc, key), values)
        assert np.array_equal(redmap.gather(rc, key, [4999, 1]), values[[4999, 1]])
    assert calls(replica_client, "vread") + calls(replica_client, "vmread") > before
    rc.close()
