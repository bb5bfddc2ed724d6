"""Real processes for the tests: redmap servers (the built jar), Debian's redis-sentinel, and a
declared-topology redmap cluster, each on free loopback ports with its own directory, killed
(by the pid started here) and deleted afterwards. The Java tests' fixtures (ServerProcess,
SentinelProcess, ClusterProcesses) do the same from JUnit.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Optional, TypeVar

import redis

ROOT = Path(__file__).resolve().parents[3]
READY = re.compile(rb"Running mode=\w+, port=(\d+)")
START_TIMEOUT = 60.0
T = TypeVar("T")


def java() -> str:
    """The JDK's java: $JAVA_HOME when bin/test set it, else what bin/find-java finds."""
    home = os.environ.get("JAVA_HOME")
    if not home or not Path(home, "bin", "java").exists():
        home = subprocess.run([str(ROOT / "bin" / "find-java")], check=True, capture_output=True,
                              text=True).stdout.strip()
    return str(Path(home, "bin", "java"))


def jar() -> Path:
    """The server jar: $REDMAP_JAR (bin/test passes its build's), else target/redmap.jar."""
    path = Path(os.environ.get("REDMAP_JAR", ROOT / "target" / "redmap.jar"))
    if not path.exists():
        raise RuntimeError(f"no server jar at {path}: build it (mvn package) or set REDMAP_JAR")
    return path


def poll(what: str, probe: Callable[[], Optional[T]], timeout: float = START_TIMEOUT,
         log: Callable[[], str] = lambda: "") -> T:
    """Calls ``probe`` until it returns something other than None (errors count as None)."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            result = probe()
            if result is not None:
                return result
        except (redis.RedisError, OSError) as e:
            last = e
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} (last error: {last}){log()}")


class Server:
    """A redmap server process (the jar) on ``dir``; ``port`` 0 lets it choose one."""

    def __init__(self, dir: Path, *options: str, port: int = 0, config: Optional[Path] = None,
                 wait: bool = True) -> None:
        self.dir = dir
        self.log_file = dir / "redmap.log"
        command = [java(), "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                   "-Xmx256m", "-Dio.netty.tryReflectionSetAccessible=true", "-jar", str(jar())]
        if config is not None:
            command.append(str(config))
        command += ["--port", str(port), "--bind", "127.0.0.1", "--dir", str(dir), *options]
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(command, cwd=dir, stdout=log, stderr=subprocess.STDOUT)
        self.port = port
        if wait:
            self.await_ready()

    def await_ready(self) -> None:
        try:
            self.port = int(poll(f"redmap on {self.dir} to start", self._ready_port, log=self.log))
        except BaseException:
            self.kill()
            raise

    def _ready_port(self) -> Optional[bytes]:
        if self.process.poll() is not None:
            raise AssertionError(f"redmap exited with {self.process.returncode}{self.log()}")
        match = READY.search(self.log_file.read_bytes())
        return match.group(1) if match else None

    def log(self) -> str:
        return f"\n--- log of redmap on {self.dir} ---\n" + self.log_file.read_text(errors="replace")

    def client(self) -> "redis.Redis[bytes]":
        return redis.Redis(port=self.port)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(30)


class Sentinel:
    """Debian's redis-sentinel watching one master as ``name`` (quorum 1, down after 1 s)."""

    BINARY = "/usr/bin/redis-sentinel"

    def __init__(self, dir: Path, name: str, master_port: int) -> None:
        self.dir = dir
        self.port = free_port()
        config = dir / "sentinel.conf"
        config.write_text("\n".join([
            f"port {self.port}", "bind 127.0.0.1", "daemonize no", f"dir {dir}", f"logfile {dir / 'sentinel.log'}",
            f"sentinel monitor {name} 127.0.0.1 {master_port} 1",
            f"sentinel down-after-milliseconds {name} 1000",
            f"sentinel failover-timeout {name} 10000",
            f"sentinel parallel-syncs {name} 1", ""]))
        self.process = subprocess.Popen([self.BINARY, str(config)], cwd=dir, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT)
        probe = redis.Redis(port=self.port)
        poll("Sentinel to see its master", lambda: probe.sentinel_master(name) or None, log=self.log)

    def log(self) -> str:
        path = self.dir / "sentinel.log"
        return "\n--- Sentinel's log ---\n" + (path.read_text(errors="replace") if path.exists() else "")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(30)


class Cluster:
    """A redmap cluster: ``shards`` masters with a replica each, slots split evenly, declared in one
    topology file that every node's config includes (docs/cluster.md)."""

    SLOTS = 16384

    def __init__(self, root: Path, shards: int = 2) -> None:
        self.root = root
        ports = free_ports(2 * shards)
        self.masters, self.replicas = ports[:shards], ports[shards:]
        lines = ["cluster-enabled yes"]
        for i in range(shards):
            first, last = i * self.SLOTS // shards, (i + 1) * self.SLOTS // shards - 1
            lines.append(f"cluster-shard {chr(ord('a') + i)} {first}-{last} "
                         f"127.0.0.1:{self.masters[i]} 127.0.0.1:{self.replicas[i]}")
        (root / "topology.conf").write_text("\n".join(lines) + "\n")
        self.nodes: List[Server] = []
        try:
            # Started side by side: a JVM start mostly waits.
            for port in ports:
                node_dir = root / f"node-{port}"
                node_dir.mkdir()
                config = node_dir / "redmap.conf"
                config.write_text(f"include ../topology.conf\nport {port}\n")
                self.nodes.append(Server(node_dir, port=port, config=config, wait=False))
            for node in self.nodes:
                node.await_ready()
            for port in self.replicas:
                poll(f"the replica on {port} to sync", lambda port=port: self._link_up(port), log=self.logs)
        except BaseException:
            self.close()
            raise

    def _link_up(self, port: int) -> Optional[bool]:
        info = redis.Redis(port=port).info("replication")
        return True if info.get("master_link_status") == "up" else None

    def node(self, port: int) -> Server:
        return next(node for node in self.nodes if node.port == port)

    def logs(self) -> str:
        return "".join(node.log() for node in self.nodes)

    def close(self) -> None:
        for node in self.nodes:
            node.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_ports(count: int) -> List[int]:
    """Free loopback ports below 30000: a cluster node's bus port (port + 10000) must be a port too."""
    ports: List[int] = []
    candidate = random.randrange(20000, 29000)
    while len(ports) < count:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
                ports.append(candidate)
            except OSError:
                pass
        candidate += 1
    return ports


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)

