"""`vibe-gate init`: look at a repository and write a commented `config/deploy.yaml` and a workflow for it.

It reads every results file it can find (every format the gate reads), the branch names in use, and writes
files that `vibe-gate validate` accepts: globs that match only readable files, the benchmarks found (guards on
all, a gain rule on the primary), branch rules for the branch families in use, and a workflow whose path
filters cover the globs. It writes what is missing and keeps what exists (the Quick start copies the workflow
first), saying which; `--force` rewrites both. It sends nothing anywhere.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from vibe_action import RELEASE, REPOSITORY
from vibe_action.app.run import load_inputs
from vibe_action.decide.plan import sampling_plan
from vibe_action.errors import InputError
from vibe_action.inputs.benchmarks import Benchmark
from vibe_action.inputs.formats import ReadOptions, detect, metric_keys
from vibe_action.inputs.gitinfo import ask_git
from vibe_action.inputs.globs import matches
from vibe_action.inputs.harness import evalchemy_measures, is_evalchemy, lighteval_task
from vibe_action.inputs.limits import MAX_JSON_RESULTS_BYTES
from vibe_action.inputs.results import read_results_file
from vibe_action.inputs.scales import RERUN_STDERR, STDERR_KIND_KEY

CONFIG_PATH = "config/deploy.yaml"
WORKFLOW_PATH = ".github/workflows/deploy-gate.yml"
SUFFIXES = (".json", ".jsonl", ".csv")
SKIPPED_FOLDERS = frozenset({".git", ".github", ".venv", "venv", "node_modules", "__pycache__", ".vibe-deploy-gate"})
MAX_CANDIDATES = 500
PREFERRED_PRIMARY = ("aime25", "aime24", "hmmt25", "gsm8k", "math500", "livecodebench_v6", "livecodebench")
PREFERRED_METRICS = ("exact_match", "acc_norm", "acc", "pass@1", "extractive_match", "em", "accuracy")
PREFERRED_FILTERS = ("none", "strict-match", "flexible-extract")
MDE_FACTOR = 2.486  # z at 95 % one-sided + z at 80 % power: the smallest gain a z test on two stderrs detects
BRANCH_FAMILIES = (
    ("release", "deploy: true"),
    ("hotfix", "deploy: true, min_gain: false, use_reserve: true"),
    ("experiment", "deploy: false"),
)


@dataclass(frozen=True)
class Found:
    """A results file the gate can read: where, in which format, with which benchmarks; what the noise test
    can do with each (`noise`), and the tasks that report several metrics or filters (`choices`)."""

    path: str
    kind: str
    benchmarks: tuple[str, ...]
    noise: Mapping[str, str] = field(default_factory=dict)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    floors: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # name -> (floor, today's score)


def scan(root: Path) -> list[Found]:
    """Every results file under `root` that reads cleanly, ungated (an ambiguous task is left out)."""
    found: list[Found] = []
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith("."))
        for name in sorted(files):
            if not name.endswith(SUFFIXES) or name in ("package.json", "package-lock.json", "tsconfig.json"):
                continue
            seen += 1
            if seen > MAX_CANDIDATES:
                return found
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            try:
                results = read_results_file(path, rel, "auto", ReadOptions(gated=()))
            except InputError:
                continue
            choices = several_metrics(path)
            if not results.benchmarks and results.notes and not choices:  # read past by design (LiveCodeBench's
                found.append(Found(rel, "passed over", ()))  # generations): a folder glob may match it
                continue
            if results.benchmarks or choices:
                kind = "per-item" if any(b.items for b in results.benchmarks.values()) else "aggregate"
                noise = {name: noise_note(bench) for name, bench in results.benchmarks.items()}
                floors = {
                    name: (floor, bench.score)
                    for name, bench in results.benchmarks.items()
                    if (floor := floor_below_noise(bench)) is not None
                }
                names = tuple(sorted({*results.benchmarks, *choices}))
                found.append(Found(rel, kind, names, noise, choices, floors))
    return found


FLOOR_SPREADS = 3  # a floor this many re-run standard errors under today's score: a re-run stays above it


def floor_below_noise(bench: Benchmark) -> float | None:
    """A floor under the band a re-run of the same model moves the score in, whole points down; None when the
    results give no spread (docs/configuration.md, "At the limit of the data: how often the gate is right").
    The spread of one run's score: per-item counts, the binomial spread of each problem's rate over its k
    attempts (at one attempt every observed rate is 0 or 1, so the aggregate rate's spread, which bounds it from
    above); aggregates, their standard error."""
    if bench.items is not None and bench.items.scores and not bench.items.continuous:
        rates = list(bench.items.scores.values())
        mean = sum(rates) / len(rates)
        scale = bench.score / mean if mean > 0 else 100.0
        k = max(bench.items.samples, 1)
        if k == 1:
            spread = math.sqrt(mean * (1 - mean) / len(rates))
        else:
            spread = math.sqrt(sum(p * (1 - p) / k for p in rates)) / len(rates)
        spread *= scale
    elif bench.stderr is not None:
        spread = bench.stderr
    else:
        return None
    floor = math.floor(bench.score - FLOOR_SPREADS * spread)
    return float(floor) if spread > 0 and floor > 0 else None


def noise_note(bench: Benchmark) -> str:
    """Which noise test this benchmark will get, and what it can detect, in one comment line."""
    if bench.items is not None:
        k = bench.items.samples
        one = " (exact McNemar at one sample)" if k == 1 else ""
        return f"noise: the re-run test on its {len(bench.items.scores)} problems x {k} samples decides{one}"
    if bench.stderr is not None and bench.settings.get(STDERR_KIND_KEY) == RERUN_STDERR:
        detects = MDE_FACTOR * math.sqrt(2.0) * bench.stderr
        return (
            f"noise: re-run stderr ±{bench.stderr:.2g} across {bench.samples_per_problem or 'several'} repeats only — "
            f"shown, not deciding (it detects ≥ {detects:.1f} points)"
        )
    if bench.stderr is not None:
        detects = MDE_FACTOR * math.sqrt(2.0) * bench.stderr
        return (
            f"noise: aggregate stderr ±{bench.stderr:.2g} only — shown, not deciding (it detects ≥ {detects:.1f} "
            "points); per-problem samples (lm-eval --log_samples) give a per-problem test that decides"
        )
    return "noise: no error bars — decided on the scores and the rules alone"


def several_metrics(path: Path) -> dict[str, tuple[str, ...]]:
    """Tasks of an lm-eval or lighteval results file that report several metrics or filters, each with its
    keys, the one init makes active first. Unreadable or other files: none."""
    try:
        if path.stat().st_size > MAX_JSON_RESULTS_BYTES:
            return {}  # a harness file with its generations: the reader chose its metric (or refused) already
        text = path.read_text(encoding="utf-8")
        kind = detect(path.name, text)
        data = json.loads(text) if kind in ("lm-eval", "lighteval") else None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    results = data.get("results") if isinstance(data, dict) else None
    found: dict[str, tuple[str, ...]] = {}
    for key, entry in (results or {}).items():
        task = lighteval_task(key) if kind == "lighteval" else key
        metrics = evalchemy_measures(entry) if isinstance(entry, dict) and is_evalchemy(entry) else entry
        keys = metric_keys(metrics) if isinstance(metrics, dict) else []  # (evalchemy's counts are no metrics)
        if task and len(keys) > 1:
            found[task] = tuple(sorted(keys, key=_preference))
    return found


def _preference(key: str) -> tuple[int, int, str]:
    metric, _, filt = key.partition(",")
    metric_rank = PREFERRED_METRICS.index(metric) if metric in PREFERRED_METRICS else len(PREFERRED_METRICS)
    filter_rank = PREFERRED_FILTERS.index(filt) if filt in PREFERRED_FILTERS else len(PREFERRED_FILTERS)
    return metric_rank, filter_rank, key


def globs_for(found: list[Found]) -> list[str]:
    """One glob per folder and extension when every file it matches is readable, else the files by name."""
    readable = {f.path for f in found}
    groups: dict[str, list[str]] = {}
    for item in found:
        folder, _, name = item.path.rpartition("/")
        suffix = name[name.rfind(".") :]
        groups.setdefault(f"{folder + '/' if folder else ''}*{suffix}", []).append(item.path)
    globs: list[str] = []
    for pattern, paths in sorted(groups.items()):
        siblings = _siblings(pattern, paths)
        globs += [pattern] if siblings <= readable else sorted(paths)
    return globs


def _siblings(pattern: str, paths: list[str]) -> set[str]:
    folder = Path(paths[0]).parent
    return (
        {
            (folder / name).as_posix() if folder.as_posix() != "." else name
            for name in os.listdir(folder)
            if matches(pattern, (folder / name).as_posix() if folder.as_posix() != "." else name)
        }
        if folder.exists()
        else set(paths)
    )


def branches(root: Path) -> tuple[str, list[str]]:
    """(the default branch, the branch families in use: release, hotfix, experiment)."""
    listing = ask_git(root, "branch", "-a", "--format=%(refname:short)")
    head = (ask_git(root, "symbolic-ref", "--short", "HEAD") or "").strip()
    if listing is None:
        return "main", []
    names = [line.split("/", 1)[-1] if line.startswith("origin/") else line for line in listing.split()]
    default = "master" if "master" in names and "main" not in names else "main"
    if head in ("main", "master"):
        default = head
    families = [family for family, _ in BRANCH_FAMILIES if any(n.startswith(f"{family}/") for n in names)]
    return default, families


def config_text(found: list[Found], default_branch: str, families: list[str]) -> str:
    names = sorted({name for item in found for name in item.benchmarks})
    primary = next((p for p in PREFERRED_PRIMARY if p in names), names[0])
    lines = [
        "# vibe-deploy-gate policy, written by `vibe-gate init`. Reference: docs/configuration.md.",
        "version: 1",
        "",
        "# Where the evaluation writes its results (globs, relative to the repository root).",
        "results:",
        *(f"  - {glob}" for glob in globs_for(found)),
        "",
        f"# The metric whose improvement earns a deploy (found: {', '.join(names)}).",
        f"primary: {primary}",
        "",
        "metrics:",
    ]
    noise = {name: note for item in found for name, note in item.noise.items()}
    floors = {name: floor for item in found for name, floor in item.floors.items()}
    choices = {name: keys for item in found for name, keys in item.choices.items()}
    for name in names:
        lines.append(f"  {_key(name)}:")
        if name in choices:
            active, *others = choices[name]
            lines.append(f"    metric: {active}   # the task reports several; the others:")
            lines += [f"    # metric: {other}" for other in others]
        if name == primary:
            lines += ['    min_gain: "2%"   # beat the deployed version by 2 %, and by more than noise']
            lines += ["    max_drop: 1      # guard: block a fall of more than 1 point that is beyond noise"]
            if name in floors:
                floor, today = floors[name]
                lines += [
                    f"    min: {floor:g}          # a floor, {FLOOR_SPREADS} re-run standard errors under today's "
                    f"{today:.4g}: a re-run stays above it"
                ]
            else:
                lines += ["    # min: 70        # a floor: never ship under this score (set it below the noise band)"]
        else:
            lines += ["    max_drop: 2      # guard: block a fall of more than 2 points that is beyond noise"]
        if name in noise:
            lines.append(f"    # {noise[name]}")
    lines += [
        "",
        "branches:            # first match wins; a branch that matches none only reports",
        f"  {default_branch}:",
    ]
    lines += ["    deploy: true"]
    for family, rule in BRANCH_FAMILIES:
        marker = "" if family in families else "# "
        lines.append(f'  {marker}"{family}/**": {{{rule}}}')
    hotfix = "hotfix" in families  # the reserve is for the hotfix rule: kept only when that rule is active
    lines += [
        "",
        "quota:",
        "  monthly_credits: 300      # Netlify Free: 300 credits a month",
        "  credits_per_deploy: 15    # a production deploy costs 15 credits",
        "  reserve: 2                # kept for the hotfix rule above"
        if hotfix
        else "  # reserve: 2              # keep deploys for a hotfix rule, once you add one above",
        "",
    ]
    return "\n".join(lines)


def _key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() else f'"{name}"'


def workflow_text(template: str, globs: Sequence[str], default_branch: str, families: list[str]) -> str:
    """The example workflow with this repository's path filters and branches."""
    paths = ", ".join(f'"{p}"' for p in [*globs, CONFIG_PATH])
    branch_list = ", ".join([default_branch, *(f'"{f}/**"' for f in families)])
    out = []
    for line in template.splitlines():
        stripped = line.strip()
        if stripped.startswith("paths:"):
            out.append(line[: line.index("paths:")] + f"paths: [{paths}]")
        elif stripped.startswith("branches:") and line.startswith("    branches"):
            out.append(line[: line.index("branches:")] + f"branches: [{branch_list}]")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def run_init(root: Path, template: str, force: bool, out: TextIO) -> int:
    """Write the config and the workflow that are missing (both with `force`), and say what to do next."""
    targets = [root / CONFIG_PATH, root / WORKFLOW_PATH]
    kept = [t for t in targets if t.exists() and not force]
    if len(kept) == len(targets):
        print(f"kept {CONFIG_PATH} and {WORKFLOW_PATH}: both exist (--force rewrites them)", file=out)
        return 0
    found = scan(root)
    if not found:
        raise InputError(
            f"no results file under {root} that the gate can read (JSON, JSONL or CSV from lm-evaluation-harness, "
            'lighteval, LiveCodeBench, OpenCompass, or {"benchmark": score}); commit one first'
        )
    default_branch, families = branches(root)
    texts = {
        targets[0]: config_text(found, default_branch, families),
        targets[1]: workflow_text(template, globs_for(found), default_branch, families),
    }
    written = []
    for target, text in texts.items():
        if target in kept:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target.relative_to(root).as_posix())
    _say_found(found, out)
    print(f"wrote {' and '.join(written)}", file=out)
    for target in kept:
        print(f"kept {target.relative_to(root).as_posix()}: it exists (--force rewrites it)", file=out)
    _say_plan(root, out)
    _say_next(out)
    return 0


def _say_plan(root: Path, out: TextIO) -> None:
    """What each benchmark can detect with the data found, and with more samples per problem (issue 32): said
    before the first gain is refused as noise, not after."""
    try:
        inputs = load_inputs(root, CONFIG_PATH, None)
    except InputError:
        return  # `vibe-gate validate` says what is wrong
    plans = sampling_plan(inputs.results.benchmarks, inputs.config.significance.confidence)
    if plans:
        print("what each benchmark can detect (sampling plan):", file=out)
        for plan in plans:
            print(f"  {plan.line()}", file=out)


def _say_found(found: list[Found], out: TextIO) -> None:
    print("found:", file=out)
    for item in found:
        if not item.benchmarks:
            print(f"  {item.path}  (passed over: no scores in it, as its harness writes it)", file=out)
            continue
        print(f"  {item.path}  ({item.kind}: {', '.join(item.benchmarks)})", file=out)
        for task, (active, *others) in item.choices.items():
            print(
                f"    {task} reports {', '.join([active, *others])}: wrote metric: {active} (change it there)", file=out
            )


def _say_next(out: TextIO) -> None:
    print("next:", file=out)
    print("  1. check the primary metric, floors and guards in config/deploy.yaml; run: vibe-gate validate", file=out)
    print("  2. the workflow builds the demo with `npm ci && npm run build` into dist/: put your build there", file=out)
    print(
        "  3. in GitHub: Settings → Secrets and variables → Actions → New secrets NETLIFY_AUTH_TOKEN and "
        'NETLIFY_SITE_ID (README, "Set up Netlify")',
        file=out,
    )
    print(
        f"  4. the workflow runs `uses: {REPOSITORY}@{RELEASE}`: if you install the action from a fork, put its "
        "owner there (and pin a release's commit SHA)",
        file=out,
    )
