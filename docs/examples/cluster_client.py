# redis-py's RedisCluster routes redmap's array commands by their key, over every shard.
# REDMAP_CLUSTER names one node as host:port (the test that runs this script starts the cluster);
# the client learns the others from it (CLUSTER SLOTS).
import os

import numpy as np
from redis.cluster import RedisCluster

host, port = os.environ["REDMAP_CLUSTER"].rsplit(":", 1)
cluster = RedisCluster(host=host, port=int(port))

# The first argument after the command name is the key: RedisCluster sends each command to the
# node that serves the key's slot, and follows -MOVED and -ASK while slots move.
for day in range(3):
    key = f"orders:{day}"
    cluster.execute_command("MMAP", key, f"orders-{day}.i8", "int64", "WRITABLE")
    cluster.execute_command("VCLEAR", key)
    cluster.execute_command("VADD", key, 10 * day, 10 * day + 1)
    counts = np.frombuffer(cluster.execute_command("VREAD", key, 0, 2), dtype="<i8")
    assert counts.tolist() == [10 * day, 10 * day + 1]

for day in range(3):
    node = cluster.get_node_from_key(f"orders:{day}")
    print(f"orders:{day} is served by {node.host}:{node.port}")
