"""One run of the gate: parse → decide → (fire → record). The I/O clients come in as arguments."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from vibe_action.app.carry import Carrier, carry_out
from vibe_action.app.recovery import resolve_stale, stale_check
from vibe_action.app.wiring import Comparisons, HostAccess, Services, target_for
from vibe_action.decide.decision import Decision
from vibe_action.decide.noise import Deployed, deployed_of, within_names_budget
from vibe_action.decide.policy import DEPLOY_EVENTS, PREVIEW_EVENTS, Baseline, Context, decide, environment_for
from vibe_action.errors import InputError, Problem
from vibe_action.hosts.protocol import Build
from vibe_action.inputs.config import Config, load_config
from vibe_action.inputs.limits import MAX_HOOK_BODY_BYTES, MAX_TITLE_LENGTH
from vibe_action.inputs.results import Results, Source, load_results
from vibe_action.ledger.extra import RecordExtra, ReportRow
from vibe_action.ledger.records import Record, baseline, deployed_shas, deploys_in_month, version_builds_in_month
from vibe_action.ledger.versions import next_number

__all__ = ["CannotBuildError", "Inputs", "RunRequest", "Services", "load_inputs", "run_gate"]


@dataclass(frozen=True)
class RunRequest:
    """Everything a run needs to know, already resolved from flags, environment and git."""

    workspace: Path
    config_path: str
    sha: str
    branch: str
    now: datetime
    results: Sequence[str] | None = None
    event: str = "push"
    dry_run: bool = False
    hook_url: str | None = None
    environment: str | None = None
    access: HostAccess = field(default_factory=HostAccess)  # the hosts' API access (none: the hook alone)
    upload_dir: str | None = None  # --upload-dir / the action's upload-dir: overrides deploy.yaml's upload.dir
    preview: bool | None = None  # --preview / the action's preview: overrides deploy.yaml's preview


class CannotBuildError(InputError):
    """The verdict is deploy but the host cannot be asked to build (no hook URL, no access): the front end shows
    the decision first, then this error; nothing was sent or recorded."""

    def __init__(self, message: str, decision: Decision) -> None:
        super().__init__(message)
        self.decision = decision


@dataclass(frozen=True)
class Inputs:
    config: Config
    results: Results


def load_inputs(workspace: Path, config_path: str, results: Sequence[str] | None) -> Inputs:
    """Config first (it names the result globs), then every results file; all problems at once."""
    config = load_config(workspace / config_path, display=config_path)
    sources = [Source(glob) for glob in results] if results else list(config.results)
    origin = "--results" if results else f"'results:' in {config_path}"
    loaded = load_results(sources, workspace, origin, config.tasks, config.gated, config.scales)
    return Inputs(config.with_directions({n: b.direction for n, b in loaded.benchmarks.items()}), loaded)


def upload_folder(config: Config, request: RunRequest) -> tuple[Path, str] | None:
    """The built folder to upload (`--upload-dir` over `upload.dir`) and how the user wrote it; None: no upload.
    It must be inside the repository: the config comes from the change being evaluated."""
    shown = request.upload_dir or config.upload.dir
    if not shown:
        return None
    root = request.workspace.resolve()
    folder = (root / shown).resolve()
    if not folder.is_relative_to(root):
        raise InputError(f"the upload folder {shown} is outside the repository; build the site into a folder in it")
    return folder, shown


def wants_preview(config: Config, request: RunRequest, decision: Decision) -> bool:
    """A preview is made on a pull request and on a branch that only reports, when asked for, never in a dry
    run; a deploy event on a deploying branch gets the deploy instead."""
    asked = config.preview if request.preview is None else request.preview
    return asked and not request.dry_run and (request.event in PREVIEW_EVENTS or decision.report_only)


def check_required(inputs: Inputs) -> None:
    """Every metric the policy needs is in some results file (else `run` would block): for `validate`. Each
    missing one is named at its line in the config."""
    found = inputs.results.benchmarks
    config = inputs.config
    missing = [rule for name, rule in config.metrics.items() if not rule.optional and name not in found]
    if missing:
        have = ", ".join(sorted(found)) or "nothing"
        raise InputError(
            [
                Problem(
                    config.file,
                    rule.line or 1,
                    1,
                    f"metrics.{rule.name}: in no results file (the results have: {have})",
                    hint="map a task with metrics.<name>.task, fix the results globs, or mark the metric optional",
                )
                for rule in missing
            ]
        )


def run_gate(request: RunRequest, services: Services, inputs: Inputs | None = None) -> Decision:
    """Decide; on a deploy verdict, start the build (with the ledger as the lock) and record the outcome. The
    inputs are read here unless the caller read them already (the CLI does, while git answers)."""
    inputs = inputs or load_inputs(request.workspace, request.config_path, request.results)
    environment = environment_for(inputs.config, request.branch, request.environment)
    config = inputs.config
    upload = upload_folder(config, request)
    target = target_for(config, request.hook_url, services, request.access, upload, request.workspace)
    stale = stale_check(request.now, target.stale_after())
    records, notes = resolve_stale(
        services.ledger.records(environment, request.sha),
        services.ledger,
        target.find,
        stale,
        write=not request.dry_run,
    )
    decision = decide_with(inputs, request, records, environment)
    comparison = 1
    if tested_gain(decision):  # the first comparison's level is the largest: only a test can spend more
        comparison, note = comparison_number(inputs, request, records, environment, services)
        notes = [*notes, *([note] if note else [])]
    decide_from = partial(decide_with, comparison=comparison)
    if comparison != 1:
        decision = decide_from(inputs, request, records, environment)
    lock = ""
    if decision.verdict == "deploy":  # only then can a lock change the verdict: one request, not every run
        found, note = target.production_lock(records, environment)
        lock = found.describe() if found else ""
        notes = [*notes, *([note] if note else [])]
        decision = decide_from(inputs, request, records, environment, lock) if lock else decision
    notes = [*inputs.results.notes, *notes]
    if notes:
        decision = decision.with_warnings(*notes)
    title = target.title(hook_title(config, inputs.results, request))
    if wants_preview(config, request, decision):  # the candidate's own build, to try, whatever the verdict
        candidate = {"sha": request.sha, "branch": request.branch}
        decision = decision.with_preview_deploy(target.preview(Build(f"{title} (preview)", None, candidate)))
    if not decision.should_fire or request.event not in DEPLOY_EVENTS:
        return decision
    unnamed = recorded_details(inputs.results)[1]
    if unnamed:  # said before the snapshot is written: later runs will name these problems by another run's ids
        decision = decision.with_warnings(
            f"the snapshot keeps only a hash of the item ids of {', '.join(unnamed)} (too many to keep in a ledger "
            "record); later comparisons name those problems by the other run's ids, or by position"
        )
    try:
        target.check()  # before anything is recorded: a deploy verdict with no way to build is an input error
    except InputError as exc:
        raise CannotBuildError(str(exc), decision) from None

    return carry_out(
        decision,
        snapshot_record(decision, inputs, request, title, next_number(records, environment)),
        Build(title, config.hook.branch, hook_body(inputs.results, request)),
        Carrier(services.ledger, target, services.secrets, services.wall_clock),
        lambda fresh: decide_from(inputs, request, fresh, environment, lock),  # the same comparison number
        seen=frozenset(r.id for r in records),
        stale=stale,
    )


def tested_gain(decision: Decision) -> bool:
    """Whether the primary's gain was tested against noise: only then does the comparison number matter."""
    return any(
        check.rule == "noise" and check.stats is not None
        for row in decision.metrics
        if row.primary
        for check in row.rules
    )


def comparison_number(
    inputs: Inputs, request: RunRequest, records: list[Record], environment: str, services: Services
) -> tuple[int, str]:
    """Which comparison with the live version this run is (1 for the first results change since it went live),
    and a note when it cannot be told. The count comes from the repository, not from the ledger: re-running the
    same commit gives the same number, and pull requests (other branches) spend nothing of the deploy branch's
    budget."""
    live = baseline(records, environment)
    if live is None or services.comparisons is None:
        return 1, ""
    query = Comparisons(
        live=live.sha,
        went_live=live.time,
        rolled_back=live.decision == "rollback",
        candidate=request.sha,
        paths=(*(source.path for source in inputs.config.results), request.config_path),
    )
    counted = services.comparisons(query)
    if counted is None:
        return 1, (
            f"could not count the results changes since {live.sha[:7]} went live (its commit is not in this "
            "checkout's history): the gain was judged as the first comparison with it"
        )
    return max(1, counted), ""


def decide_with(
    inputs: Inputs, request: RunRequest, records: list[Record], environment: str, lock: str = "", comparison: int = 1
) -> Decision:
    """The policy on these ledger records (and the production lock, described): the only place where ledger
    facts become policy context."""
    last = baseline(records, environment)
    context = Context(
        sha=request.sha,
        branch=request.branch,
        event=request.event,
        deploys_this_month=deploys_in_month(records, request.now),
        version_builds_this_month=version_builds_in_month(records, request.now.strftime("%Y-%m")),
        deployed_shas=deployed_shas(records, environment),
        dry_run=request.dry_run,
        environment=environment,
        production_lock=lock,
        comparison=comparison,
    )
    return decide(inputs.config, inputs.results, None if last is None else baseline_of(last), context)


def baseline_of(record: Record) -> Baseline:
    """The policy's view of a ledger record, with the per-benchmark details the record kept."""
    return Baseline(record.sha, record.scores, dict(record.extra.benchmarks))


def hook_title(config: Config, results: Results, request: RunRequest) -> str:
    """The build's title in the host's deploy list, from the config template."""
    score = results.benchmarks.get(config.primary)
    fields = {
        "primary": config.primary,
        "score": "?" if score is None else f"{round(score.score, 2):g}",
        "short_sha": request.sha[:7],
        "sha": request.sha,
        "branch": request.branch,
        "model": results.model.name if results.model else "",
    }
    title = " ".join(config.hook.title.format(**fields).split())  # one line, whatever a branch name holds
    return title if len(title) <= MAX_TITLE_LENGTH else title[: MAX_TITLE_LENGTH - 1] + "…"


def hook_body(results: Results, request: RunRequest) -> dict[str, Any]:
    """The hook's body, which the build can read: the evaluated commit and its scores."""
    body: dict[str, Any] = {"sha": request.sha, "branch": request.branch, "scores": results.scores()}
    if results.model:
        body["model"] = {"name": results.model.name, "revision": results.model.revision}
    size = len(json.dumps(body).encode("utf-8"))
    if size > MAX_HOOK_BODY_BYTES:  # cannot happen within the results limits; refuse rather than send it
        raise InputError(f"the build hook body would be {size:,} bytes; the limit is {MAX_HOOK_BODY_BYTES:,}")
    return body


def snapshot_record(
    decision: Decision, inputs: Inputs, request: RunRequest, title: str = "", number: int = 0
) -> Record:
    """The record of a deploy about to start; the ledger gives it its id and, later, its outcome. With
    lasting versions on, it carries the number it will have if it goes live, and that version's branch."""
    model = inputs.results.model
    versions = inputs.config.versions
    numbered = versions.enabled and bool(number)
    return Record(
        sha=request.sha,
        branch=request.branch,
        time=request.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        status="in_progress",
        scores=inputs.results.scores(),
        environment=decision.environment,
        decision=decision.verdict,
        reasons=decision.reasons,
        results_digest=inputs.results.digest,
        config_digest=inputs.config.digest,
        model=None if model is None else {"name": model.name, "revision": model.revision},
        extra=RecordExtra(
            month=request.now.strftime("%Y-%m"),
            title=title,  # how a later run finds this build on the host if this one never records it
            month_spent_before=decision.quota.used,
            # What a later paired test needs of this run: items digest, n, stderr, samples, settings.
            benchmarks=recorded_details(inputs.results)[0],
            report=report_rows(decision),  # the table of the PR comment, for the versions page
            version_number=number if numbered else None,
            version_branch=versions.branch(number) if numbered else None,
            month_version_builds_before=decision.quota.version_builds if numbered else None,
        ),
    )


def recorded_details(results: Results) -> tuple[dict[str, Deployed], tuple[str, ...]]:
    """What the snapshot keeps per benchmark for later runs, within the record's budget for item ids; and the
    benchmarks that keep only the hash of their ids."""
    return within_names_budget({name: deployed_of(b) for name, b in results.benchmarks.items()})


def report_rows(decision: Decision) -> tuple[ReportRow, ...]:
    """The decision's table as the record keeps it: metric, baseline, current, Δ, each rule's detail, passed."""
    return tuple(
        ReportRow(row.name, row.baseline, row.current, row.delta, tuple(c.detail for c in row.rules), row.passed)
        for row in decision.metrics
    )
