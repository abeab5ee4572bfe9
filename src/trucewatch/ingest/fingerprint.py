"""An article's fingerprint: the MinHash of its word shingles and that MinHash's LSH band keys.

Near-duplicate articles (wire copy republished) are found by these (analysis/duplicates.py).
A fingerprint is a function of the text alone, so it is taken where the text is parsed: with
``--workers`` or Dask that is a worker, not the process that stores the articles and rebuilds
the derived rows, the one that a long run waits on at its end (signing 9,968 articles took
some 4 s of that process's CPU in a 40 to 45 s rebuild onto 29,975 stored articles).
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from trucewatch.model import Fingerprint

if TYPE_CHECKING:
    from datasketch import MinHash

# Words per shingle, MinHash permutations, and the estimated Jaccard similarity at which two
# articles count as copies of one text. Chosen together: a wire story republished with its own
# headline, standfirst or last paragraph stays above 0.6; two stories that share a quoted
# paragraph or two (common in follow-ups) stay well below.
SHINGLE_WORDS = 3
NUM_PERM = 64
THRESHOLD = 0.6
# datasketch's hashing scheme, named so that stored signatures stay comparable across versions.
SCHEME = "affine32"
_WORDS = re.compile(r"\w+")


@cache
def lsh_shape() -> tuple[int, int, MinHash]:
    """LSH bands and rows for THRESHOLD (datasketch's optimum), and a MinHash whose
    permutations every signature reuses.

    datasketch is imported here, by the first signature: with SciPy it takes a second, which a
    command that only reads the database would pay at start-up."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r, MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)


def signature(text: str) -> np.ndarray:
    """The MinHash of ``text``'s word shingles (case and punctuation ignored)."""
    words = _WORDS.findall(text.casefold())
    size = min(SHINGLE_WORDS, len(words)) or 1
    shingles = {" ".join(words[i : i + size]).encode("utf-8") for i in range(max(1, len(words) - size + 1))}
    from datasketch import MinHash  # see lsh_shape

    _, _, template = lsh_shape()
    minhash = MinHash(num_perm=NUM_PERM, seed=1, permutations=template.permutations, scheme=SCHEME)
    minhash.update_batch(sorted(shingles))
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


def band_keys(hashvalues: np.ndarray) -> tuple[str, ...]:
    """The LSH band keys of a signature: articles sharing one are candidate near-duplicates."""
    bands, rows, _ = lsh_shape()
    keys = (bytes([b]) + hashvalues[b * rows : (b + 1) * rows].tobytes() for b in range(bands))
    return tuple(hashlib.blake2b(key, digest_size=8).hexdigest() for key in keys)


def fingerprint(text: str) -> Fingerprint:
    """``text``'s signature, as stored, with its band keys."""
    values = signature(text)
    return Fingerprint(values.tobytes(), band_keys(values))
