#!/usr/bin/python3
"""Clients for the large-reply and large-request measurements (bench/special/large-replies).

  large.py readers PORT N RATE_MB SECONDS ARG...   N connections each send ARG... once, then read
                                       the reply at most RATE_MB MB/s each (a token bucket) for
                                       SECONDS; print the bytes read in all and how many
                                       connections the server closed
  large.py txloop PORT STOPFILE ARG...             until STOPFILE exists, send MULTI, ARG... (one
                                       command per ';'-separated group), EXEC and read the
                                       reply whole; touch STOPFILE.ready once the first EXEC has
                                       started; print the number of transactions
  large.py rate PORT SECONDS ARG...                 send ARG... one at a time on one connection for
                                       SECONDS (timed from the first reply); print replies per second
  large.py bigwrite PORT MB ROUNDS ARG...          send ARG... followed by one argument of MB
                                       megabytes, ROUNDS times; print the median seconds from the
                                       first byte sent to the reply
Only the standard library is used.
"""
import os
import selectors
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import resp  # noqa: E402


def readers(port, n, rate_mb, seconds, args):
    request = resp.Client.encode(*args)
    rate = rate_mb * 1e6
    selector = selectors.DefaultSelector()
    conns = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 10)
        s.sendall(request)
        s.setblocking(False)
        conns.append({"sock": s, "read": 0, "closed": False})
    start = time.perf_counter()
    buffer = bytearray(256 << 10)
    view = memoryview(buffer)
    while True:
        now = time.perf_counter()
        elapsed = now - start
        if elapsed >= seconds:
            break
        allowed = rate * elapsed
        waiting = [c for c in conns if not c["closed"] and c["read"] < allowed]
        for c in conns:
            try:
                selector.unregister(c["sock"])
            except KeyError:
                pass
        if not waiting:
            time.sleep(0.005)
            continue
        for c in waiting:
            selector.register(c["sock"], selectors.EVENT_READ, c)
        for key, _ in selector.select(timeout=0.05):
            c = key.data
            budget = int(min(len(buffer), allowed - c["read"]))
            if budget <= 0:
                continue
            try:
                got = c["sock"].recv_into(view[:budget])
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                got = 0
            if got == 0:
                c["closed"] = True
            c["read"] += got
    total = sum(c["read"] for c in conns)
    closed = sum(1 for c in conns if c["closed"])
    for c in conns:
        c["sock"].close()
    print("%d %d %.1f" % (total, closed, time.perf_counter() - start))
    return 0


def txloop(port, stopfile, args):
    commands = [group.split() for group in " ".join(args).split(";") if group.strip()]
    request = resp.Client.encode("MULTI") + b"".join(resp.Client.encode(*c) for c in commands) \
        + resp.Client.encode("EXEC")
    c = resp.Client(port)
    count = 0
    while not os.path.exists(stopfile):
        c.sock.sendall(request)
        for _ in range(len(commands) + 1):
            reply = c.read()
            if isinstance(reply, resp.RespError):
                raise reply
        header = c.reader.readline()
        if header != b"*%d\r\n" % len(commands):
            raise ConnectionError("unexpected EXEC reply %r" % header[:40])
        if count == 0:
            open(stopfile + ".ready", "w").close()
        for _ in commands:
            reply = c.read()
            if isinstance(reply, resp.RespError):
                raise reply
        count += 1
    c.close()
    print(count)
    return 0


def rate(port, seconds, args):
    request = resp.Client.encode(*args)
    size = resp.reply_size(port, *args)
    c = resp.Client(port)
    c.sock.sendall(request)
    c.read_bytes(size)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        c.sock.sendall(request)
        c.read_bytes(size)
        count += 1
    print("%.0f" % (count / (time.perf_counter() - start)))
    c.close()
    return 0


def bigwrite(port, megabytes, rounds, args):
    payload = os.urandom(1 << 20) * megabytes
    head = b"*%d\r\n" % (len(args) + 1) + b"".join(
        b"$%d\r\n%s\r\n" % (len(a.encode()), a.encode()) for a in args) + b"$%d\r\n" % len(payload)
    times = []
    c = resp.Client(port)
    for _ in range(rounds):
        t0 = time.perf_counter()
        c.sock.sendall(head)
        c.sock.sendall(payload)
        c.sock.sendall(b"\r\n")
        reply = c.read()
        if isinstance(reply, resp.RespError):
            raise reply
        times.append(time.perf_counter() - t0)
    c.close()
    print("%.3f" % statistics.median(times))
    return 0


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "readers":
        return readers(int(argv[2]), int(argv[3]), float(argv[4]), float(argv[5]), argv[6:])
    if cmd == "txloop":
        return txloop(int(argv[2]), argv[3], argv[4:])
    if cmd == "rate":
        return rate(int(argv[2]), float(argv[3]), argv[4:])
    if cmd == "bigwrite":
        return bigwrite(int(argv[2]), int(argv[3]), int(argv[4]), argv[5:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
