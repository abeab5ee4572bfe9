"""A large refresh's share of work, done by a process of its own beside the refreshing one: run
as the main module of a fresh Python by ``update._Shared``.

A fresh interpreter rather than a multiprocessing child. A forked child shares its parent's
pages, and each page the parent writes while the child lives is copied, the parent being busy
rebuilding: a run of 10,000 articles onto 30,000 peaked at 1,108 MB against 764. A spawned
child imports the caller's main module again, which runs a script without a ``__main__`` guard
a second time. This one costs some 90 MB and a second of a core to start.

It reads the database's address (URL, lock wait) from its standard input, then asks for a job
with a line on its standard output, reads it (a pickled function of the store) and does it,
and asks again, until its input ends.
"""

from __future__ import annotations

import pickle
import signal
import sys

from trucewatch.collector import collector_paused
from trucewatch.store import open_store


def main() -> None:
    """Do the jobs read from standard input, one at a time, each asked for on standard output."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is for the parent, which ends this one
    url, busy_timeout = pickle.load(sys.stdin.buffer)
    store = open_store(url, busy_timeout, migrate_schema=False)
    try:
        while True:
            sys.stdout.buffer.write(b"\n")
            sys.stdout.buffer.flush()
            try:
                job = pickle.load(sys.stdin.buffer)
            except EOFError:
                return
            with collector_paused():
                job(store)
    finally:
        store.close()


if __name__ == "__main__":
    main()
