"""The Sentinel and cluster examples of docs/python.md (its ```python sentinel and ```python
cluster blocks), run as they are against a real Sentinel and a real cluster. DocsExamplesTest
runs the page's plain ```python blocks against one server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from servers import ROOT, Sentinel, Server, remove, temp_dir

PAGE = ROOT / "docs" / "python.md"
SOURCES = Path(__file__).resolve().parents[1] / "src"


def block(language: str) -> str:
    """The one block of the page fenced as ```<language>."""
    blocks, current = [], None
    for line in PAGE.read_text().splitlines():
        if current is None and line == "```" + language:
            current = []
        elif current is not None and line == "```":
            blocks.append("\n".join(current) + "\n")
            current = None
        elif current is not None:
            current.append(line)
    assert len(blocks) == 1, f"docs/python.md has {len(blocks)} ```{language} blocks"
    return blocks[0]


def run(code: str, **environment: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(SOURCES), **environment)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not os.access(Sentinel.BINARY, os.X_OK), reason="no redis-sentinel (apt-get install redis-sentinel)")
def test_the_sentinel_example_runs():
    root = temp_dir("redmap-py-docs")
    (root / "master").mkdir()
    (root / "sentinel").mkdir()
    master = Server(root / "master")
    sentinel = None
    try:
        sentinel = Sentinel(root / "sentinel", "arrays", master.port)
        run(block("python sentinel"), REDMAP_SENTINEL_PORT=str(sentinel.port))
        assert (root / "master" / "prices.f8").stat().st_size == 16
    finally:
        if sentinel is not None:
            sentinel.kill()
        master.kill()
        remove(root)


def test_the_cluster_example_runs(cluster):
    run(block("python cluster"), REDMAP_CLUSTER_PORT=str(cluster.masters[0]))
    holders = {node.port for node in cluster.nodes if (node.dir / "sensor-2.f4").exists()}
    assert holders & set(cluster.masters) and len(holders & set(cluster.masters)) == 1
