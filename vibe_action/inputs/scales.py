"""Which scale a harness metric is on, from the metric's name — never from its value.

Harnesses write proportions as 0-1 (lm-eval's `acc` 0.7333, `bleu_acc` 0.3917) and other measures on their
own scale (`bleu_max` 20.3 BLEU points, `mcc` in [-1, 1], perplexities). The gate shows proportions as 0-100
(with their standard error) and leaves every other measure as written. Choosing by value would scale a
correlation of 0.2186 to 21.86 while leaving -0.0914 alone, and a proportion in a samples file but not in its
results file. A metric the table does not know, or whose scale depends on the task (`f1` is 0-100 in lm-eval's
squad and 0-1 in drop), is read as written with a note naming `metrics.<name>.scale`, which always wins.
"""

from __future__ import annotations

import re

PERCENT = 100.0
AS_WRITTEN = 1.0

# Proportions of items (or of samples), written as 0-1 by lm-evaluation-harness, lighteval, LiveCodeBench and
# the VibeThinker summary CSV.
PROPORTIONS = frozenset(
    {
        "acc",
        "acc_norm",
        "acc_mutual_info",
        "exact_match",
        "em",
        "quasi_exact_match",
        "prefix_exact_match",
        "extractive_match",
        "qem",
        "pem",
        "pqem",
        "accuracy",
        "mc1",
        "mc2",
        "contains",
        "bleu_acc",
        "rouge1_acc",
        "rouge2_acc",
        "rougeL_acc",
        "rougeLsum_acc",
    }
)
PROPORTION_PATTERN = re.compile(r"^(?:pass|maj|cons|avg|mean)@\d+(?:[:_].*)?$")  # pass@1, maj@64, pass@1:32_samples
# Measures with a scale of their own: points (BLEU, chrF, TER, ROUGE maxima and differences), correlations,
# errors, perplexities and bits.
OWN_SCALE = frozenset({"mcc", "pearson", "pearsonr", "spearman", "spearmanr", "bleu", "sacrebleu", "chrf", "ter"})
OWN_SCALE_PATTERN = re.compile(
    r"^(?:(?:bleu|rouge\w*|chrf|ter)_(?:max|diff)|.*perplexity|bits_per_\w+|mae|mse|rmse|brier_score)$"
)


def fixed_scale(metric: str) -> float | None:
    """100 for a proportion, 1 for a measure on its own scale, None when the name does not say."""
    base = metric.split(",", 1)[0].strip()
    if base in PROPORTIONS or PROPORTION_PATTERN.match(base):
        return PERCENT
    if base in OWN_SCALE or OWN_SCALE_PATTERN.match(base):
        return AS_WRITTEN
    return None


def scale_of(metric: str, configured: float | None) -> float | None:
    """The configured `scale:` when there is one, else the metric's fixed scale, else None (as written)."""
    return configured if configured is not None else fixed_scale(metric)


def unknown_scale_note(benchmark: str, metric: str, value: float, file: str) -> str:
    return (
        f"{file}: {benchmark}: metric '{metric}' has no fixed scale, so it is read as written ({value:g}); if it is "
        f"a proportion, set metrics.{benchmark}.scale: 100 in deploy.yaml (scale: 1 to keep it as it is)"
    )


# The unit a score is read in, kept with it (settings["unit"]) so that a baseline and a candidate in different
# units are never compared: percentage points, or the metric's own units. None: as written, not known.
UNIT_KEY = "unit"
PERCENT_UNIT = "percent"
OWN_UNIT = "own"


def unit_of(factor: float | None) -> str | None:
    if factor is None:
        return None
    return PERCENT_UNIT if factor == PERCENT else OWN_UNIT


def item_points(unit: str | None) -> float:
    """What one item's 0-1 value is worth in the score's units: a paired test's differences are scaled by it.
    Per-item values are fractions of samples solved, shown as 0-100, unless the unit is the metric's own."""
    return AS_WRITTEN if unit == OWN_UNIT else PERCENT
