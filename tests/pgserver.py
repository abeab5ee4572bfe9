"""A throwaway PostgreSQL server on a temporary data directory, for tests and benchmarks.

``initdb`` and ``pg_ctl`` from Debian's postgresql package (or any on the PATH) start a server
that listens only on a unix socket in the temporary directory, on a free port number. PostgreSQL
refuses to run as root, so under root the server runs as the ``postgres`` system user (created
when missing).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url


def bindir() -> Path | None:
    """The folder of initdb and pg_ctl, or None when no PostgreSQL server is installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"],
            check=True,
        )
    return ["runuser", "-u", "postgres", "--", *command]


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running(binaries: Path) -> Iterator[str]:
    """Start a server; yield a URL template whose ``{db}`` is a database name."""
    folder = Path(tempfile.mkdtemp(prefix="trucewatch-pg-"))
    if os.geteuid() == 0:
        _as_server_user(["true"])  # the user exists from here on
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data)]
    try:
        initdb = [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
        _run(_as_server_user([*initdb, "-E", "UTF8", "--locale=C", "--no-sync"]))
        options = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=100"
        _run(_as_server_user([*pg_ctl, "-o", options, "-l", str(folder / "log"), "-w", "start"]))
        try:
            yield f"postgresql://postgres@/{{db}}?host={folder}&port={port}"
        finally:
            _run(_as_server_user([*pg_ctl, "-m", "immediate", "-w", "stop"]))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def restart(template: str) -> None:
    """Restart the server of ``template`` (as ``running`` started it): every connection to it
    is cut, as when an administrator restarts a team's server."""
    folder = make_url(template.format(db="postgres")).query["host"]
    binaries = bindir()
    assert binaries is not None, "a server is running, so its binaries exist"
    _run(_as_server_user([str(binaries / "pg_ctl"), "-D", f"{folder}/data", "-m", "fast", "-w", "restart"]))


def create_database(template: str, name: str) -> str:
    """Create database ``name`` on the server; its URL."""
    with psycopg.connect(template.format(db="postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return template.format(db=name)
