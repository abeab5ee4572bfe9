"""Helpers of the web tests: a real Uvicorn server on 127.0.0.1, and scratch databases."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from .conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"
# The base URL of in-process clients: a server bound to loopback answers to loopback names only.
LOCAL = "http://127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` on a Uvicorn server on 127.0.0.1 and a free port, for as long as the block runs;
    yields the base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def scratch_copy(database: Path, folder: Path) -> Path:
    """A copy of ``database`` that a test may write to."""
    copy = folder / "scratch.db"
    shutil.copyfile(database, copy)
    return copy
