"""Short articles generated from the example corpus, for tests that need a few hundred of them.

Each is two or three sentences of the examples, recombined, with its own outlet and date; a few
are the same story republished by another outlet (a near-duplicate), so that the groups of
reports are exercised too. The same seed gives the same articles.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path
from typing import Any

from trucewatch.ingest import read_sources
from trucewatch.model import Article

from .conftest import EXAMPLES

OUTLETS = ["Northwind Wire", "Harbour Post", "Levant Ledger", "Caspian Daily", "Meridian Desk"]


def sentences() -> list[str]:
    """The sentences of the example corpus that are long enough to say something."""
    texts = [a.text for a in read_sources([str(EXAMPLES)]) if isinstance(a, Article)]
    found = [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t)]
    return sorted({s for s in found if 12 <= len(s.split()) <= 45})


def records(count: int, seed: int = 1) -> list[dict[str, Any]]:
    """``count`` articles as JSON Lines records (text, title, outlet, published)."""
    rng = random.Random(seed)
    pool = sentences()
    out: list[dict[str, Any]] = []
    for n in range(count):
        published = dt.datetime(2025, 1, 1) + dt.timedelta(hours=rng.randint(0, 24 * 180))
        if out and rng.random() < 0.1:  # a story republished by another outlet
            base = rng.choice(out)
            text = base["text"] + f"\n\nThis story was republished by {OUTLETS[n % len(OUTLETS)]}."
        else:
            text = "\n\n".join(rng.sample(pool, k=rng.randint(2, 3)))
        out.append(
            {
                "text": text,
                "title": f"Report {n}",
                "outlet": OUTLETS[n % len(OUTLETS)],
                "published": published.isoformat() + "Z",
            }
        )
    return out


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write records as JSON Lines (ASCII, one a line)."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path
