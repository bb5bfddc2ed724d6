# redis-py finds the master through Sentinel, then uses redmap's array commands on it.
# REDMAP_SENTINELS lists the Sentinels as host:port,host:port (the test that runs this script
# starts them); the master is the one they monitor as "mymaster".
import os

import numpy as np
from redis.sentinel import Sentinel

sentinels = [(host, int(port)) for host, port in
             (address.rsplit(":", 1) for address in os.environ["REDMAP_SENTINELS"].split(","))]
sentinel = Sentinel(sentinels, socket_timeout=5)

# Where the master is now; after a failover, the promoted replica's address.
host, port = sentinel.discover_master("mymaster")
print(f"master at {host}:{port}")

# A client that asks the Sentinels again whenever its connection to the master breaks, so that
# it follows a failover. A relative path lives in the master's dir (and, on replicas, in theirs).
master = sentinel.master_for("mymaster", socket_timeout=5)
# MMAP replies how many elements the file already holds: start from none.
master.execute_command("MMAP", "prices", "prices.f8", "double", "WRITABLE")
master.execute_command("VCLEAR", "prices")
assert master.execute_command("VADD", "prices", 101.25, 99.5, 98.0) == 3
assert master.execute_command("VSET", "prices", 1, 100.5) == 1
assert master.execute_command("VGET", "prices", 1) == b"100.5"
prices = np.frombuffer(master.execute_command("VREAD", "prices", 0, 3), dtype="<f8")
assert prices.tolist() == [101.25, 100.5, 98.0]

# Reads may go to a replica (the master when there is none): replicas serve their own copy of
# the files, as up to date as replication has brought it.
replica = sentinel.slave_for("mymaster", socket_timeout=5)
print("a replica (or the master) has", replica.execute_command("VCOUNT", "prices"), "prices")
