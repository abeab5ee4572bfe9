"""trucewatch: news articles about conflicts and ceasefires, turned into sourced records.

The Python API is :func:`open` (a workspace over a database) and :func:`records` (results as
plain dicts); see :mod:`trucewatch.api`.
"""

from trucewatch.api import Extraction, IngestReport, Trucewatch, extract, open, records
from trucewatch.errors import TrucewatchError

__version__ = "0.1.0"
__all__ = [
    "Extraction",
    "IngestReport",
    "Trucewatch",
    "TrucewatchError",
    "__version__",
    "extract",
    "open",
    "records",
]
