"""Start-up: what a process pays before its first article.

Every command, every worker of ``ingest --workers`` and every Dask worker starts by importing
trucewatch and getting its structures (the actor catalogue, the lexicon, the gazetteer) and
spaCy's pipeline. Each step is timed in a fresh Python process, so that nothing one step loaded
is there for the next, ``--runs`` times; the median is printed, in wall and CPU seconds:

- ``import``: ``import trucewatch.cli``, the libraries included;
- ``gazetteer build``: ``Gazetteer.load()`` from the data files (the catalogue read first, as
  it is not the gazetteer's cost), what a process pays when the build cache lacks it;
- ``gazetteer from cache``: ``cached_gazetteer()`` read back from a warm build cache;
- ``pipeline from cache``: a whole ``Pipeline`` (spaCy's model, the matchers, every structure)
  from a warm build cache: a worker's start;
- ``trucewatch --help``: the command line's own start.

Run: ``python benchmarks/startup.py [--runs 5]``. The build cache is the user's
(``TRUCEWATCH_CACHE_DIR`` if set); it is filled first, so the cached rows are warm.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

# Each step: Python run in a fresh process, which prints its wall and CPU seconds as JSON; the
# CPU of the processes it runs (``trucewatch --help``) counts too.
TIMED = """
import json, resource, time
def cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
{setup}
wall, used = time.perf_counter(), cpu()
{step}
print(json.dumps([time.perf_counter() - wall, cpu() - used]))
"""

STEPS: dict[str, tuple[str, str]] = {
    "import": ("", "import trucewatch.cli"),
    "gazetteer build": (
        "from trucewatch.actors.catalogue import cached_catalogue\n"
        "from trucewatch.events.place import Gazetteer\n"
        "cached_catalogue()",
        "Gazetteer.load()",
    ),
    "gazetteer from cache": (
        "from trucewatch.events.place import cached_gazetteer",
        "cached_gazetteer()",
    ),
    "pipeline from cache": (
        "from trucewatch.config import Settings\nfrom trucewatch.pipeline import Pipeline",
        "Pipeline(Settings())",
    ),
    "trucewatch --help": (
        "import subprocess, sys",
        "subprocess.run([sys.executable, '-m', 'trucewatch', '--help'], capture_output=True, check=True)",
    ),
}


def timed_step(setup: str, step: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``step`` in a fresh process, after ``setup``."""
    done = subprocess.run(
        [sys.executable, "-c", TIMED.format(setup=setup, step=step)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu = json.loads(done.stdout.splitlines()[-1])
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="times each step is timed (the median is shown)")
    args = parser.parse_args()
    timed_step(*STEPS["pipeline from cache"])  # fills the build cache, so the cached rows are warm
    print(f"{'step':<24}{'wall s':>8}{'CPU s':>8}")
    for name, code in STEPS.items():
        times = [timed_step(*code) for _ in range(args.runs)]
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        print(f"{name:<24}{wall:>8.2f}{cpu:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
