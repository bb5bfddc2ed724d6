"""Shared by bench/ha/failover-drill and bench/ha/partition: the server build, redmap nodes and
redis-sentinels as child processes (optionally inside a network namespace), waits with deadlines,
and loud failures that name the step and the logs to read.

Every process is started by this module and stopped by pid (SIGTERM, then SIGKILL) at exit.
"""
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import redis

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SENTINEL_BIN = "/usr/bin/redis-sentinel"
PROG = "bench/ha"


class Failed(Exception):
    """A step that did not do what it must: the message says what, and where the logs are."""


class CliError(Failed):
    """redis-cli could not run a command (no connection yet, a timeout): "not yet" in wait_until."""


def log(message):
    print(f"[{PROG} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def step(name):
    """Runs a step; any failure inside is re-raised as Failed naming the step."""
    log(name + "...")
    try:
        yield
    except Failed as e:
        raise Failed(f"{name}: {e}") from e
    except (redis.RedisError, OSError, subprocess.SubprocessError, ValueError) as e:
        raise Failed(f"{name}: {type(e).__name__}: {e}") from e


def wait_until(what, timeout, probe, context=lambda: ""):
    """Calls probe() every 50 ms until it returns a true value, which is returned. Exceptions
    count as "not yet". On timeout: Failed with the last answer or error and context()."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = probe()
            if last:
                return last
        except (CliError, redis.RedisError, OSError, subprocess.SubprocessError, ValueError, IndexError, KeyError) as e:
            last = e
        if time.monotonic() > deadline:
            extra = context()
            raise Failed(f"still not {what} after {timeout:g} s (last answer: {last!r})" + (f"\n{extra}" if extra else ""))
        time.sleep(0.05)


def tail(path, lines=25):
    try:
        with open(path, errors="replace") as f:
            text = f.read().splitlines()
    except OSError as e:
        return f"(cannot read {path}: {e})"
    return f"--- last {min(lines, len(text))} lines of {path}:\n" + "\n".join(text[-lines:])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_server(server=None):
    """The redmap-server launcher: --server's, or bench's private snapshot build of this checkout
    (bench/lib/common.sh's build_snapshot, so that builds of the working tree cannot disturb a run)."""
    if server:
        if not os.access(server, os.X_OK):
            raise Failed(f"--server {server} is not an executable")
        return os.path.abspath(server)
    with step("building a snapshot of redmap (bench/lib/common.sh)"):
        out = subprocess.run(["bash", "-c", f'. "{ROOT}/bench/lib/common.sh" && build_snapshot && echo "$SNAP"'],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise Failed(f"the build failed (exit {out.returncode}):\n{out.stderr[-3000:]}")
        launcher = os.path.join(out.stdout.strip().splitlines()[-1], "bin", "redmap-server")
        if not os.access(launcher, os.X_OK):
            raise Failed(f"no launcher at {launcher}")
        return launcher


def require(binary, package):
    if not (os.access(binary, os.X_OK) or any(os.access(os.path.join(d, binary), os.X_OK)
                                               for d in os.environ.get("PATH", "").split(":"))):
        raise Failed(f"{binary} is missing (apt-get install {package})")


def netns_prefix(netns):
    return ["ip", "netns", "exec", netns] if netns else []


class Processes:
    """Every child process of a run, stopped by pid at exit (never by name)."""

    def __init__(self):
        self.children = []

    def start(self, argv, logfile, netns=None, env=None):
        # 'ip netns exec' execs the command in place: the pid is the server's own.
        out = open(logfile, "ab")
        process = subprocess.Popen(netns_prefix(netns) + argv, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        out.close()
        self.children.append(process)
        return process

    def stop_all(self):
        for process in self.children:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.children:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                process.wait()


class Node:
    """A redmap server with its own dir and config file (CONFIG REWRITE writes into it, as a
    Sentinel failover does), restartable on the same port and dir, as a machine's server is."""

    def __init__(self, processes, server, name, workdir, host, port, settings, netns=None):
        self.processes, self.server, self.name = processes, server, name
        self.host, self.port, self.netns = host, port, netns
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "redmap.conf")
        self.logfile = os.path.join(self.dir, "redmap.log")
        with open(self.config, "w") as f:
            f.write(f"# {name}, written by {PROG}; CONFIG REWRITE (Sentinel's failover) rewrites it\n")
            f.write(f"port {port}\nbind {host}\ndir {self.dir}\n")
            for line in settings:
                f.write(line + "\n")
        self.process = None

    def start(self, *args):
        """Starts the server (args are more --name value words, e.g. --replicaof HOST PORT) and
        waits for PING; a server that exits or never answers fails with its log."""
        env = dict(os.environ, REDMAP_HEAP=os.environ.get("REDMAP_HEAP", "256m"))
        self.process = self.processes.start([self.server, self.config, *args], self.logfile, self.netns, env)
        wait_until(f"answering PING ({self.name}, {self.host}:{self.port})", 90,
                   lambda: self._alive() and self.ping(), lambda: tail(self.logfile))
        return self

    def ping(self):
        return self.cli("PING", timeout=2) == "PONG" if self.netns else self.client(timeout=1).ping()

    def _alive(self):
        if self.process.poll() is not None:
            raise Failed(f"{self.name} exited with {self.process.returncode} at start\n{tail(self.logfile)}")
        return True

    def kill9(self):
        self.process.kill()  # SIGKILL
        self.process.wait()

    def client(self, timeout=5):
        if self.netns:
            raise Failed("a node inside a namespace is reached with cli(), not a client of this namespace")
        return redis.Redis(self.host, self.port, socket_timeout=timeout, socket_connect_timeout=timeout)

    def cli(self, *words, timeout=10):
        """redis-cli in the node's namespace: the reply's text (errors too, as redis-cli prints them)."""
        out = subprocess.run(netns_prefix(self.netns) + ["timeout", str(timeout), "redis-cli", "-h", self.host,
                                                          "-p", str(self.port), *map(str, words)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise CliError(f"redis-cli {' '.join(map(str, words))} on {self.name}: exit {out.returncode} {out.stderr.strip()}")
        return out.stdout.strip()


class SentinelNode:
    """Debian's redis-sentinel with a generated, writable sentinel.conf in its own directory."""

    def __init__(self, processes, name, workdir, host, port, master_host, master_port, quorum, down_after_ms,
                 failover_timeout_ms=10000, netns=None):
        self.processes, self.name, self.host, self.port, self.netns = processes, name, host, port, netns
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "sentinel.conf")
        self.logfile = os.path.join(self.dir, "sentinel.log")
        with open(self.config, "w") as f:
            f.write(f"# {name}, written by {PROG}; Sentinel rewrites it\n"
                    f"port {port}\nbind {host}\ndaemonize no\nprotected-mode no\n"
                    f"dir {self.dir}\nlogfile {self.logfile}\n"
                    f"sentinel monitor mymaster {master_host} {master_port} {quorum}\n"
                    f"sentinel down-after-milliseconds mymaster {down_after_ms}\n"
                    f"sentinel failover-timeout mymaster {failover_timeout_ms}\n"
                    f"sentinel parallel-syncs mymaster 1\n")
        self.process = None

    def start(self):
        require(SENTINEL_BIN, "redis-sentinel")
        self.process = self.processes.start([SENTINEL_BIN, self.config], os.path.join(self.dir, "stdout.log"),
                                            self.netns)

        def ready():
            if self.process.poll() is not None:
                raise Failed(f"{self.name} exited with {self.process.returncode}\n{tail(self.logfile)}")
            return self.cli("PING") == "PONG"

        wait_until(f"answering PING ({self.name})", 30, ready, lambda: tail(self.logfile))
        return self

    def cli(self, *words, timeout=10):
        out = subprocess.run(netns_prefix(self.netns) + ["timeout", str(timeout), "redis-cli", "-h", self.host,
                                                          "-p", str(self.port), *map(str, words)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            raise CliError(f"redis-cli {' '.join(map(str, words))} on {self.name}: exit {out.returncode} {out.stderr.strip()}")
        return out.stdout.strip()

    def master(self):
        """SENTINEL MASTER mymaster as a dict (flags, num-slaves, num-other-sentinels, ...)."""
        lines = self.cli("SENTINEL", "MASTER", "mymaster").splitlines()
        return dict(zip(lines[0::2], lines[1::2]))

    def flags(self):
        return set(self.master()["flags"].split(","))

    def master_address(self):
        lines = self.cli("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster").splitlines()
        return (lines[0], int(lines[1])) if len(lines) == 2 else None

    def replicas(self):
        """SENTINEL REPLICAS mymaster: one dict per replica. redis-cli prints the maps flattened,
        name value name value..., each replica's starting with its "name" field."""
        lines = self.cli("SENTINEL", "REPLICAS", "mymaster").splitlines()
        replicas, entry = [], []
        for key, value in zip(lines[0::2], lines[1::2]):
            if key == "name" and entry:
                replicas.append(dict(entry))
                entry = []
            entry.append((key, value))
        if entry:
            replicas.append(dict(entry))
        return replicas


def workdir():
    return tempfile.mkdtemp(prefix="redmap-ha.")


def percentile(values, p):
    """The p-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]
