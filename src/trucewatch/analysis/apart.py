"""A refresh's ceasefire records, rebuilt by a process of their own while the refresh rebuilds
the rest: run as the main module of a fresh Python by ``update._ceasefires_rebuilt``.

A fresh interpreter rather than a multiprocessing child. A forked child shares its parent's
pages, and each page the parent writes while the child lives is copied, the parent being busy
rebuilding: a run of 10,000 articles onto 30,000 peaked at 1,108 MB against 764. A spawned
child imports the caller's main module again, which runs a script without a ``__main__`` guard
a second time. This one costs some 90 MB and a second of a core to start, and reads what to
rebuild (the database's address and each dyad's changes, pickled) from its standard input.
"""

from __future__ import annotations

import pickle
import signal
import sys

from trucewatch.analysis.update import write_ceasefires
from trucewatch.collector import collector_paused
from trucewatch.store import open_store


def main() -> None:
    """Rebuild the records of the dyads read from standard input."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is for the parent, which ends this one
    (url, busy_timeout), dyads = pickle.load(sys.stdin.buffer)
    store = open_store(url, busy_timeout, migrate_schema=False)
    try:
        with collector_paused():
            write_ceasefires(store, dyads)
    finally:
        store.close()


if __name__ == "__main__":
    main()
