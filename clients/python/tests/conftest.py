"""Fixtures: a redmap server for the session (the built jar, see servers.py), a fresh redis-py
client per test, a key name per test, and the helpers the tests share. The package is imported
from ../src, as installed by `pip install ./clients/python`."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Iterator

import pytest
import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import Cluster, Server, remove, temp_dir  # noqa: E402


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    dir = temp_dir("redmap-py")
    process = Server(dir)
    yield process
    process.kill()
    remove(dir)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """Two shards of a master and a replica (test_cluster.py, the cluster example of docs/python.md)."""
    root = temp_dir("redmap-py-cluster")
    nodes = Cluster(root)
    yield nodes
    nodes.close()
    remove(root)


@pytest.fixture
def r(server: Server) -> Iterator["redis.Redis[bytes]"]:
    client = server.client()
    yield client
    client.close()


@pytest.fixture
def key(request: pytest.FixtureRequest) -> str:
    """A key (and file name) of this test's own."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)


def calls(r: "redis.Redis[bytes]", command: str) -> int:
    """How many times the server ran ``command`` (INFO commandstats)."""
    stats = r.info("commandstats").get(f"cmdstat_{command.lower()}")
    return int(stats["calls"]) if stats else 0
