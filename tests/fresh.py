"""Python code run in a fresh interpreter, and which of the parsing libraries it imported.

What only reads the database (a listing, an export, the web server) must not import what
parses: spaCy, datasketch, Dask and trafilatura are most of a process's start-up
(benchmarks/startup.py). A fresh interpreter shows what a command really imports, which the
test session, having imported everything already, cannot.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

PARSING_LIBRARIES = ("spacy", "datasketch", "dask", "distributed", "trafilatura")

# ``code`` runs inside the try, so the report is printed (last, on standard error) even when it
# ends with SystemExit, as a command line does.
WRAPPED = """\
import json, sys
try:
{code}
finally:
    print(json.dumps([m for m in {libraries!r} if m in sys.modules]), file=sys.stderr)
"""


def run_fresh(code: str, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run ``code`` with ``args`` as ``sys.argv[1:]``; the finished process, and the parsing
    libraries it had imported when it ended.

    ``code`` may use ``json`` and ``sys`` without importing them: the wrapper imports them to
    print its report, and neither is a parsing library, so they hide nothing the check looks for."""
    program = WRAPPED.format(code=textwrap.indent(code, "    "), libraries=PARSING_LIBRARIES)
    proc = subprocess.run(
        [sys.executable, "-c", program, *args], capture_output=True, text=True, check=False, timeout=120
    )
    loaded: list[str] = json.loads(proc.stderr.splitlines()[-1])
    return proc, loaded
