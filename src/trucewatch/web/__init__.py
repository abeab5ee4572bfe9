"""The web face of trucewatch: a REST API under /api and a server-rendered dashboard.

Both are thin over :mod:`trucewatch.api`: routes parse and check parameters, call the
workspace, and render JSON, HTML, CSV or a Plotly figure. ``trucewatch serve`` runs
:func:`create_app` on Uvicorn.
"""

from trucewatch.web.app import create_app

__all__ = ["create_app"]
