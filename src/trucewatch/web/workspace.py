"""The workspace that every request of one app shares, opened when first needed.

Reads run in parallel in Uvicorn's thread pool (each query takes its own connection); writes
go one at a time, since ingestion runs the NLP pipeline in this process and SQLite takes one
writer anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from fastapi import Request

from trucewatch.api import Trucewatch


class Workspace:
    """Opens the :class:`Trucewatch` workspace once, on first use, and closes it at shutdown."""

    def __init__(self, opener: Callable[[], Trucewatch]) -> None:
        self._opener = opener
        self._tw: Trucewatch | None = None
        self._opening = threading.Lock()
        self.writing = threading.Lock()

    def get(self) -> Trucewatch:
        """The open workspace (opening it, and so creating or migrating the database, on first use)."""
        if self._tw is None:
            with self._opening:
                if self._tw is None:
                    self._tw = self._opener()
        return self._tw

    def close(self) -> None:
        """Release the database, if it was opened."""
        with self._opening:
            if self._tw is not None:
                self._tw.close()
                self._tw = None


def workspace(request: Request) -> Trucewatch:
    """FastAPI dependency: the app's workspace."""
    holder: Workspace = request.app.state.workspace
    return holder.get()
