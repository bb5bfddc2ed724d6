"""Over TLS (redis-py's SSLConnection): the replies are received into the arrays through the TLS
socket as through a plain one."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import redis

import redmap
from servers import Server, free_port, remove, temp_dir


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl to make a certificate")
def test_reads_gathers_and_writes_over_tls():
    root = temp_dir("redmap-py-tls")
    server = None
    try:
        # A self-signed certificate for 127.0.0.1, its own CA; no client certificates asked for.
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout", str(root / "server.key"), "-out", str(root / "server.crt")],
                       check=True, capture_output=True)
        port = free_port()
        server = Server(root, "--tls-port", str(port), "--tls-cert-file", str(root / "server.crt"),
                        "--tls-key-file", str(root / "server.key"), "--tls-ca-cert-file", str(root / "server.crt"),
                        "--tls-auth-clients", "no")
        r = redis.Redis(host="127.0.0.1", port=port, ssl=True, ssl_ca_certs=str(root / "server.crt"))
        redmap.mmap(r, "emb", "emb.f4", np.float32, shape=256, writable=True)
        rows = np.random.default_rng(4).random((4000, 256), dtype=np.float32)  # 4 MB: many TLS records
        assert redmap.append(r, "emb", rows) == 4000
        assert np.array_equal(redmap.read(r, "emb"), rows)
        assert np.array_equal(redmap.read(r, "emb", 10, 3000, chunk_bytes=1 << 20), rows[10:3000])
        assert np.array_equal(redmap.gather(r, "emb", [3999, 0, 7]), rows[[3999, 0, 7]])
        r.close()
    finally:
        if server is not None:
            server.kill()
        remove(root)
