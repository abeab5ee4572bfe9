"""Measuring trucewatch: recall on the hand-annotated seed articles, agreement with ACLED's coding.

The pipeline is not imported here: each evaluation takes a ``run`` callable that turns inputs
into events, which the caller (the CLI or the Python API) supplies, so the scoring can be tested
on events built by hand.
"""

from trucewatch.evaluation.acled import AcledReport, evaluate_acled
from trucewatch.evaluation.metrics import Ratio, macro_f1, same_place
from trucewatch.evaluation.seeds import SeedReport, evaluate_seeds

__all__ = ["AcledReport", "Ratio", "SeedReport", "evaluate_acled", "evaluate_seeds", "macro_f1", "same_place"]
