"""Which scale a harness metric is on: the harness's own convention decides — never the value.

Harnesses differ, and within one harness the convention is what a user can predict:
- **lighteval** writes every sample-level metric as the mean of per-sample values in [0, 1] — `acc`,
  `extractive_match`, `math_pass@1:1_samples`, `pass@k:k=1&n=1`, `avg@k_with_k`, `prompt_level_loose_acc` and any
  custom metric. All are shown as 0-100 (with their standard error), except the few lighteval metrics known not
  to be proportions (corpus BLEU, chrF and TER, perplexities, bits per byte, BLEURT, MCC, string distances,
  summarisation statistics: `LIGHTEVAL_OWN_SCALE`), which stay as written.
- **lm-evaluation-harness** leaves the scale to each task. Proportions by name (`acc`, `exact_match`, `pass@k`,
  `bleu_acc`, …) are 0-1; `f1` and `exact` are 0-1 too (drop, coqa, mc_taco) except in the SQuAD tasks, which
  write percentages already (SQuAD's official script); measures with a scale of their own (`bleu_max`, `mcc`,
  perplexities) stay as written. A name the table does not know is read as written, with a note.
- **evalchemy** writes accuracies as fractions (`accuracy_avg`, `accuracy`, `*_accuracy`, `pass@k`).
`metrics.<name>.scale` in deploy.yaml (100 or 1) overrides any of these. Choosing by value instead would scale a
correlation of 0.2186 to 21.86 while leaving -0.0914 alone, and a proportion in a samples file but not in its
results file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERCENT = 100.0
AS_WRITTEN = 1.0

# The unit a score is read in, kept with it (settings["unit"]) so that a baseline and a candidate in different
# units are never compared: percentage points, or the metric's own units. None: as written, not known.
UNIT_KEY = "unit"
PERCENT_UNIT = "percent"
OWN_UNIT = "own"
# A standard error across repeated runs of the same problems (evalchemy's), kept with it (settings["stderr_kind"])
# so that it answers the re-run question and is never set against an across-problem one.
STDERR_KIND_KEY = "stderr_kind"
RERUN_STDERR = "rerun"

LM_EVAL = "lm-eval"
LIGHTEVAL = "lighteval"
EVALCHEMY = "evalchemy"


@dataclass(frozen=True)
class Scale:
    """How a value as written becomes the score the gate shows: multiplied by `factor`, in `unit`."""

    factor: float
    unit: str
    why: str = ""  # the convention that decided, as `validate` and `run` print it


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
# lighteval's metrics that are not means of per-sample values in [0, 1] (src/lighteval/metrics/metrics.py:
# corpus-level translation scores on 0-100, perplexities, BLEURT's unbounded score, MCC, the copyright task's
# string distances and the summarisation statistics).
LIGHTEVAL_OWN_SCALE = frozenset(
    {
        "bleu",
        "chrf",
        "chrf++",
        "ter",
        "ppl",
        "bits_per_byte",
        "byte_perplexity",
        "word_perplexity",
        "bleurt",
        "mcc",
        "longest_common_prefix_length",
        "edit_distance",
        "summarization_coverage",
        "summarization_density",
        "summarization_compression",
    }
)
# lm-eval's SQuAD tasks write f1 and exact as percentages (SQuAD's official evaluation script); every other
# task that writes them (drop, coqa, mc_taco) writes fractions.
SQUAD_METRIC = re.compile(r"^(?:(?:HasAns|NoAns|best)_)?(?:f1|exact)$")
FRACTION_ELSEWHERE = frozenset({"f1", "exact"})


def _base(metric: str) -> str:
    """The metric's name without lm-eval's filter (`exact_match,flexible-extract`)."""
    return metric.split(",", 1)[0].strip()


def _by_name(base: str) -> Scale | None:
    if base in PROPORTIONS or PROPORTION_PATTERN.match(base):
        return Scale(PERCENT, PERCENT_UNIT, "a proportion, written 0-1")
    if base in OWN_SCALE or OWN_SCALE_PATTERN.match(base):
        return Scale(AS_WRITTEN, OWN_UNIT, "a measure on its own scale")
    return None


def harness_scale(metric: str, harness: str = LM_EVAL, task: str = "") -> Scale | None:
    """The scale the harness's convention gives `metric` of `task`; None when the convention does not say."""
    base = _base(metric)
    if harness == LIGHTEVAL:
        name = base.split(":", 1)[0]
        if name in LIGHTEVAL_OWN_SCALE or base in OWN_SCALE or OWN_SCALE_PATTERN.match(name):
            return Scale(AS_WRITTEN, OWN_UNIT, "lighteval: a measure on its own scale")
        return Scale(PERCENT, PERCENT_UNIT, "lighteval: a mean of per-sample values, written 0-1")
    named = _by_name(base)
    if harness == EVALCHEMY and ("accuracy" in base or (named is not None and named.unit == PERCENT_UNIT)):
        return Scale(PERCENT, PERCENT_UNIT, "evalchemy: an accuracy, written 0-1")
    if harness == LM_EVAL and SQUAD_METRIC.match(base):
        if task.lower().startswith("squad"):
            return Scale(AS_WRITTEN, PERCENT_UNIT, "lm-eval SQuAD: written 0-100")
        if base in FRACTION_ELSEWHERE:
            return Scale(PERCENT, PERCENT_UNIT, "lm-eval: a proportion, written 0-1")
    return named


def fixed_scale(metric: str) -> float | None:
    """100 for a proportion, 1 for a measure on its own scale, None when the name does not say."""
    found = _by_name(_base(metric))
    return None if found is None else found.factor


def configured_scale(configured: float) -> Scale:
    """`metrics.<name>.scale` from deploy.yaml: 100 reads a fraction as 0-100, 1 keeps the value as written."""
    if configured == PERCENT:
        return Scale(PERCENT, PERCENT_UNIT, "metrics.<name>.scale: 100")
    return Scale(configured, OWN_UNIT, f"metrics.<name>.scale: {configured:g}")


def scale_of(metric: str, configured: float | None, harness: str = LM_EVAL, task: str = "") -> Scale | None:
    """The configured `scale:` when there is one, else the harness's convention, else None (as written)."""
    return configured_scale(configured) if configured is not None else harness_scale(metric, harness, task)


def unknown_scale_note(benchmark: str, metric: str, value: float, file: str) -> str:
    return (
        f"{file}: {benchmark}: metric '{metric}' has no fixed scale, so it is read as written ({value:g}); if it is "
        f"a proportion, set metrics.{benchmark}.scale: 100 in deploy.yaml (scale: 1 to keep it as it is)"
    )


def unit_of(factor: float | None) -> str | None:
    if factor is None:
        return None
    return PERCENT_UNIT if factor == PERCENT else OWN_UNIT


def item_points(unit: str | None) -> float:
    """What one item's 0-1 value is worth in the score's units: a paired test's differences are scaled by it.
    Per-item values are fractions of samples solved, shown as 0-100, unless the unit is the metric's own."""
    return AS_WRITTEN if unit == OWN_UNIT else PERCENT
