#!/usr/bin/python3
"""Small helpers for the benchmark scripts: a minimal RESP2 client, data generation and checks.

Used as a module by the special measurements and as a command line by bench/lib/common.sh:
  resp.py check PORT ARG...            send one command; print a summary; exit 1 on an error reply
  resp.py errors PORT                  print INFO stats total_error_replies
  resp.py make-array PATH N SEED       write N little-endian doubles (prices: 2 decimals, 0..1000)
  resp.py list-load F8PATH KEY         print RESP RPUSH commands (for redis-cli --pipe) that build a
                                       Redis list holding the same values as text, as redmap shows them
  resp.py text F8PATH INDEX            print element INDEX as redmap's text
  resp.py indices N COUNT SEED         print COUNT random indices below N, space separated
  resp.py make-seq PATH N              write N doubles, element i = i * 0.5 (fast, checkable)
  resp.py vget-requests KEY N COUNT SEED   print COUNT RESP requests VGET KEY <random index below N>
  resp.py loop PORT STOPFILE CONNS ARG...  send ARG... over CONNS connections, one at a time each,
                                       until STOPFILE exists; touch STOPFILE.ready after the first
                                       reply; print the number of replies. ARG "@vmget N" stands for
                                       VMGET k with N random indices below N.
  resp.py ping PORT SECONDS            PING one at a time for SECONDS: print p50 p99 max (ms) and count
  resp.py vagg PORT KEY PATH ROUNDS    time VAGG KEY SUM against numpy's sum over a memmap of PATH
Only the standard library and numpy (for the data files) are used.
"""
import socket
import sys
import time


class RespError(Exception):
    pass


class Client:
    def __init__(self, port, host="127.0.0.1", timeout=300):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb", buffering=1 << 20)

    def close(self):
        try:
            self.reader.close()
            self.sock.close()
        except OSError:
            pass

    @staticmethod
    def encode(*args):
        parts = [b"*%d\r\n" % len(args)]
        for a in args:
            if not isinstance(a, bytes):
                a = str(a).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(parts)

    def send(self, *args):
        self.sock.sendall(self.encode(*args))

    def call(self, *args):
        """Sends one command and returns its parsed reply; raises RespError on an error reply."""
        self.send(*args)
        reply = self.read()
        if isinstance(reply, RespError):
            raise reply
        return reply

    def read(self):
        """Reads one reply. Errors are returned (not raised) as RespError, also inside arrays."""
        line = self.reader.readline()
        if not line:
            raise ConnectionError("connection closed by the server")
        kind, body = line[:1], line[1:-2]
        if kind == b"+":
            return body.decode()
        if kind == b"-":
            return RespError(body.decode(errors="replace"))
        if kind == b":":
            return int(body)
        if kind == b"$":
            n = int(body)
            if n < 0:
                return None
            data = self.reader.read(n + 2)
            return data[:-2]
        if kind == b"*":
            n = int(body)
            if n < 0:
                return None
            return [self.read() for _ in range(n)]
        raise ConnectionError("unexpected reply type %r" % line[:40])

    def read_bytes(self, n):
        """Reads exactly n raw bytes (to skip a reply of known size quickly)."""
        left = n
        while left > 0:
            chunk = self.reader.read1(min(left, 1 << 20))
            if not chunk:
                raise ConnectionError("connection closed by the server")
            left -= len(chunk)


def reply_size(port, *args):
    """Byte size of the reply to one command, counted with the parser (for Client.read_bytes)."""
    c = Client(port)
    c.send(*args)
    # Count bytes by walking the reply with a counting reader.
    total = 0

    def line():
        nonlocal total
        l = c.reader.readline()
        total += len(l)
        return l

    def walk():
        nonlocal total
        l = line()
        kind = l[:1]
        if kind == b"-":
            raise RespError(l[1:-2].decode())
        if kind == b"$":
            n = int(l[1:-2])
            if n >= 0:
                c.read_bytes(n + 2)
                total += n + 2
        elif kind == b"*":
            for _ in range(max(int(l[1:-2]), 0)):
                walk()

    walk()
    c.close()
    return total


def errors(port):
    info = Client(port).call("INFO", "stats").decode()
    for l in info.splitlines():
        if l.startswith("total_error_replies:"):
            return int(l.split(":")[1])
    return -1


def info_field(port, section, field):
    info = Client(port).call("INFO", section).decode()
    for l in info.splitlines():
        if l.startswith(field + ":"):
            return l.split(":", 1)[1].strip()
    return None


def text(v):
    """A double as redmap replies it (shortest round trip, no trailing .0), for plain-notation values."""
    s = repr(float(v))
    return s[:-2] if s.endswith(".0") else s


def make_array(path, n, seed, chunk=1 << 24):
    import numpy as np
    rng = np.random.default_rng(seed)
    with open(path, "wb") as f:
        left = n
        while left > 0:
            m = min(chunk, left)
            np.round(rng.random(m) * 1000, 2).astype("<f8").tofile(f)
            left -= m


def summary(reply):
    if isinstance(reply, list):
        errs = [r for r in reply if isinstance(r, RespError)]
        if errs:
            raise errs[0]
        head = " ".join(summary(r) for r in reply[:3])
        return "array of %d: %s%s" % (len(reply), head, " ..." if len(reply) > 3 else "")
    if isinstance(reply, bytes):
        if len(reply) > 40:
            return "bulk of %d bytes" % len(reply)
        return reply.decode(errors="replace")
    return repr(reply)


def main(argv):
    cmd = argv[1]
    if cmd == "check":
        c = Client(int(argv[2]))
        c.send(*argv[3:])
        reply = c.read()
        if isinstance(reply, RespError):
            print("error reply: %s" % reply)
            return 1
        try:
            print(summary(reply))
        except RespError as e:
            print("error reply in array: %s" % e)
            return 1
        return 0
    if cmd == "errors":
        print(errors(int(argv[2])))
        return 0
    if cmd == "make-array":
        make_array(argv[2], int(argv[3]), int(argv[4]))
        return 0
    if cmd == "list-load":
        import numpy as np
        values = np.fromfile(argv[2], dtype="<f8")
        key = argv[3].encode()
        out = sys.stdout.buffer
        for start in range(0, len(values), 1000):
            out.write(Client.encode(b"RPUSH", key, *[text(v).encode() for v in values[start:start + 1000]]))
        return 0
    if cmd == "text":
        import numpy as np
        print(text(np.memmap(argv[2], dtype="<f8", mode="r")[int(argv[3])]))
        return 0
    if cmd == "indices":
        import random
        r = random.Random(int(argv[4]))
        print(" ".join(str(r.randrange(int(argv[2]))) for _ in range(int(argv[3]))))
        return 0
    if cmd == "make-seq":
        import numpy as np
        n, chunk = int(argv[3]), 1 << 24
        with open(argv[2], "wb") as f:
            for start in range(0, n, chunk):
                (np.arange(start, min(n, start + chunk), dtype="<f8") * 0.5).tofile(f)
        return 0
    if cmd == "vget-requests":
        import numpy as np
        key, n, count = argv[2].encode(), int(argv[3]), int(argv[4])
        idx = np.random.default_rng(int(argv[5])).integers(0, n, count)
        out = sys.stdout.buffer
        for i in idx:
            out.write(Client.encode(b"VGET", key, str(int(i)).encode()))
        return 0
    if cmd == "loop":
        return loop(int(argv[2]), argv[3], int(argv[4]), argv[5:])
    if cmd == "ping":
        c = Client(int(argv[2]))
        request, lat = Client.encode("PING"), []
        end = time.perf_counter() + float(argv[3])
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            c.sock.sendall(request)
            if c.reader.readline() != b"+PONG\r\n":
                print("unexpected reply to PING", file=sys.stderr)
                return 1
            lat.append(time.perf_counter() - t0)
        lat.sort()
        pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
        print("%.3f %.3f %.3f %d" % (pick(0.5), pick(0.99), lat[-1] * 1000, len(lat)))
        return 0
    if cmd == "vagg":
        return vagg(int(argv[2]), argv[3], argv[4], int(argv[5]))
    print(__doc__, file=sys.stderr)
    return 2


def loop(port, stopfile, conns, args):
    import os
    import threading
    if args[0] == "@vmget":
        import numpy as np
        n = int(args[1])
        args = [b"VMGET", b"k"] + [str(int(i)).encode() for i in np.random.default_rng(3).integers(0, n, n)]
    request = Client.encode(*args)
    size = reply_size(port, *args)
    count = [0]
    lock = threading.Lock()

    def run():
        c = Client(port)
        while not os.path.exists(stopfile):
            c.sock.sendall(request)
            c.read_bytes(size)
            with lock:
                count[0] += 1
                if count[0] == 1:
                    open(stopfile + ".ready", "w").close()
        c.close()

    threads = [threading.Thread(target=run, daemon=True) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(count[0])
    return 0


def vagg(port, key, path, rounds):
    import numpy as np
    import statistics
    data = np.memmap(path, dtype="<f8", mode="r")
    c = Client(port)
    # warm up both (page cache, JIT)
    expected = float(data.sum())
    for _ in range(3):
        got = float(c.call("VAGG", key, "SUM"))
        data.sum()
    rel = abs(got - expected) / max(abs(expected), 1e-300)
    ratios, tn, tr = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        data.sum()
        t1 = time.perf_counter()
        c.call("VAGG", key, "SUM")
        t2 = time.perf_counter()
        tn.append(t1 - t0)
        tr.append(t2 - t1)
        ratios.append((t1 - t0) / (t2 - t1))
    gb = data.nbytes / 1e9
    print("numpy_ms %s" % " ".join("%.1f" % (t * 1000) for t in tn))
    print("redmap_ms %s" % " ".join("%.1f" % (t * 1000) for t in tr))
    print("numpy_gbs %.2f" % (gb / statistics.median(tn)))
    print("redmap_gbs %.2f" % (gb / statistics.median(tr)))
    print("ratio %.3f" % statistics.median(ratios))
    print("sum_numpy %r" % expected)
    print("sum_redmap %r" % got)
    print("sum_rel_diff %.3g" % rel)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
