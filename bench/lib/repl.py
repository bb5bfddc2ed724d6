#!/usr/bin/python3
"""Replication helpers for bench/special/replication (redmap and redis-server alike):
  repl.py sync REPLICA_PORT MASTER_PORT TIMEOUT
      send REPLICAOF 127.0.0.1 MASTER_PORT to the replica, then INFO replication every 50 ms until
      master_link_status:up; print the seconds from sending REPLICAOF to the first "up" seen.
      Exit 1 (with the last INFO fields on stderr) when it is not up within TIMEOUT seconds.
  repl.py caught-up MASTER_PORT REPLICA_PORT TIMEOUT
      wait until the replica's slave_repl_offset reaches the master's master_repl_offset (read
      once, at the start) and its link is up; print the seconds it took. Exit 1 on timeout.
  repl.py detach REPLICA_PORT
      REPLICAOF NO ONE (the replica keeps its data and becomes a master of its own).
  repl.py redis-load PORT PATH NKEYS SIZE
      SET key:<i> to bytes [i*SIZE, (i+1)*SIZE) of PATH for i < NKEYS (pipelines of 16); check DBSIZE.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resp import Client, RespError  # noqa: E402


def info(c, section="replication"):
    fields = {}
    for line in c.call("INFO", section).decode().splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            fields[k] = v.strip()
    return fields


def sync(replica_port, master_port, timeout):
    c = Client(replica_port)
    t0 = time.perf_counter()
    c.call("REPLICAOF", "127.0.0.1", str(master_port))
    fields = {}
    while time.perf_counter() - t0 < timeout:
        fields = info(c)
        if fields.get("master_link_status") == "up":
            print("%.3f" % (time.perf_counter() - t0))
            return 0
        time.sleep(0.05)
    print("not up after %d s: %s" % (timeout, {k: v for k, v in fields.items() if k.startswith("master_")}),
          file=sys.stderr)
    return 1


def caught_up(master_port, replica_port, timeout):
    m, r = Client(master_port), Client(replica_port)
    target = int(info(m)["master_repl_offset"])
    t0 = time.perf_counter()
    fields = {}
    while time.perf_counter() - t0 < timeout:
        fields = info(r)
        if fields.get("master_link_status") == "up" and int(fields.get("slave_repl_offset", -1)) >= target:
            print("%.3f" % (time.perf_counter() - t0))
            return 0
        time.sleep(0.05)
    print("the replica has not reached offset %d after %d s: link %s, slave_repl_offset %s"
          % (target, timeout, fields.get("master_link_status"), fields.get("slave_repl_offset")), file=sys.stderr)
    return 1


def redis_load(port, path, nkeys, size):
    c = Client(port)
    with open(path, "rb") as f:
        for start in range(0, nkeys, 16):
            batch = range(start, min(nkeys, start + 16))
            for i in batch:
                f.seek(i * size)
                data = f.read(size)
                if len(data) != size:
                    raise SystemExit("%s is shorter than %d bytes" % (path, nkeys * size))
                c.send("SET", "key:%d" % i, data)
            for _ in batch:
                reply = c.read()
                if isinstance(reply, RespError):
                    raise SystemExit("SET failed: %s" % reply)
    n = c.call("DBSIZE")
    if n != nkeys:
        raise SystemExit("DBSIZE is %s, not %d" % (n, nkeys))
    return 0


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "sync":
        return sync(int(argv[2]), int(argv[3]), float(argv[4]))
    if cmd == "caught-up":
        return caught_up(int(argv[2]), int(argv[3]), float(argv[4]))
    if cmd == "detach":
        Client(int(argv[2])).call("REPLICAOF", "NO", "ONE")
        return 0
    if cmd == "redis-load":
        return redis_load(int(argv[2]), argv[3], int(argv[4]), int(argv[5]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
