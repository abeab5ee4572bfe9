"""Jobs for the tests of a refresh shared with a process beside it (analysis/update._Shared).

A job is a function of the store, pickled and sent to that process, which imports this module
to run it: it lives here rather than in a test module, which would bring pytest and the test
fixtures into the other process.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import sqlalchemy as sa

from trucewatch.store import Store
from trucewatch.store.schema import event_reports

# A job waiting for the other process gives up after this long: a failed test, not a hung one.
PATIENCE = 60.0


def note_process(store: Store, log: Path, until_both: bool) -> None:
    """Append this process's id to ``log``; with ``until_both``, then wait until the other
    process has noted its own, so that both do some of the jobs however slowly one starts."""
    me = str(os.getpid())
    with log.open("a", encoding="utf-8") as f:
        f.write(me + "\n")
    deadline = time.monotonic() + PATIENCE
    while until_both and set(log.read_text(encoding="utf-8").split()) <= {me}:
        if time.monotonic() > deadline:
            raise AssertionError(f"no other process did a job within {PATIENCE} s")
        time.sleep(0.05)


def fail_beside(store: Store, parent: int) -> None:
    """Fail in any process but ``parent``."""
    if os.getpid() != parent:
        raise RuntimeError("a job failing in the process beside the refresh")


def until_reports_stored(store: Store) -> None:
    """Wait until some other process has stored event reports."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        with store.engine.connect() as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(event_reports)).scalar():
                return
        time.sleep(0.05)
    raise AssertionError(f"no other process stored event reports within {PATIENCE} s")
