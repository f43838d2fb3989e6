"""The commands other than `run`, written once for both front ends: validate, history, page, rollback, unlock,
prune and doctor.

The CLI (`commands.py`) and the action (`action_commands.py`) differ only in what they hand in — the ledger (a
local file, GitHub Deployments), the host access, how options are named in messages — and in how they show the
`Answer`: the terminal and `--json`, or the log, the step outputs, the report file and the job summary. The
environment is `policy.environment_for`'s, for every command.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from vibe_action.app import prune as pruning
from vibe_action.app.rollback import Rebuild, rollback
from vibe_action.app.run import check_required, load_inputs
from vibe_action.app.unlock import unlock
from vibe_action.app.wiring import HostAccess, Services, links_for, repository_warning, require, target_for
from vibe_action.decide.plan import sampling_plan
from vibe_action.decide.policy import environment_for
from vibe_action.errors import InputError
from vibe_action.hosts.protocol import DeployTarget
from vibe_action.inputs.benchmarks import Benchmark
from vibe_action.inputs.config import Config, load_config
from vibe_action.inputs.scales import OWN_UNIT, PERCENT_UNIT, UNIT_KEY
from vibe_action.ledger.records import ALL_SNAPSHOTS, Ledger, Record
from vibe_action.ledger.versions import History, build_history
from vibe_action.render.escape import markdown_code_block
from vibe_action.render.page.history import history_markdown, history_text, rows
from vibe_action.render.page.publish import build_site, write_site


@dataclass(frozen=True)
class Desk:
    """What a command works with, whichever front end: the repository and its config file's name, the ledger,
    the run's I/O and host access, the clock, and the environment and hook URL when given."""

    workspace: Path
    config_path: str
    ledger: Ledger
    services: Services
    access: HostAccess
    now: datetime
    environment: str | None = None
    hook_url: str | None = None


@dataclass(frozen=True)
class Answer:
    """What a command found or did, for any front end to show."""

    command: str
    text: str  # the terminal's (and the log's) lines
    reason: str  # one line: the `reason` output
    markdown: str = ""  # the report's body; the text in a code block when empty
    found: int = 0  # doctor's findings (the CLI exits 1, the action warns)
    record: Record | None = None  # what a rollback recorded
    data: Any = None  # what --json prints
    warnings: tuple[str, ...] = field(default=())
    heading: str = ""  # the report's heading, when more than the command's name

    @property
    def report(self) -> str:
        """The markdown report: a heading and the body (untrusted text in a code block)."""
        body = self.markdown or markdown_code_block(self.text)
        return f"### vibe-deploy-gate: {self.heading or self.command}\n\n{body}"


def config_or_none(desk: Desk) -> Config | None:
    """The config when the file exists (a broken one is an error); None when there is none."""
    path = desk.workspace / desk.config_path
    return load_config(path, display=desk.config_path) if path.exists() else None


def versions_of(records: Sequence[Record], config: Config | None, environment: str, now: datetime) -> History:
    """The environment's versions, with the host's URL rules (retention, lasting URLs)."""

    return build_history(records, environment, now, links_for(config))


def validate(workspace: Path, config_path: str, results: Sequence[str] | None) -> Answer:
    """The config and the results, read as `run` reads them, and every metric the policy needs found. The
    notes `run` would give about the results (a scale it could not tell, the run it chose) are its warnings,
    and each benchmark says the scale it was read on."""
    inputs = load_inputs(workspace, config_path, results)
    check_required(inputs)
    config, found = inputs.config, inputs.results
    problem = repository_warning(config, workspace)
    warnings = (*found.notes, *((problem,) if problem else ()))
    text = (
        f"ok: {config_path} ({len(config.metrics)} metrics, primary {config.primary}); {len(found.files)} "
        f"results file(s): {', '.join(found.files)} ({len(found.benchmarks)} benchmarks)"
    )
    lines = [f"  {name}: {bench.score:g} — {read_as(bench)}" for name, bench in sorted(found.benchmarks.items())]
    plans = sampling_plan(found.benchmarks, config.significance.confidence)
    if plans:  # before a gain is refused as noise: what each benchmark can see, and with more samples
        lines += ["what each benchmark can detect (sampling plan):", *(f"  {plan.line()}" for plan in plans)]
    data = {
        "valid": True,
        "config": config_path,
        "metrics": list(config.metrics),
        "results": list(found.files),
        "benchmarks": found.scores(),
        "scales": {
            name: {"unit": bench.settings.get(UNIT_KEY), "factor": bench.factor, "read_as": read_as(bench)}
            for name, bench in found.benchmarks.items()
        },
        "sampling_plan": [plan.to_json() for plan in plans],
        **({"warnings": list(warnings)} if warnings else {}),
    }
    return Answer(
        "valid", "\n".join([text, *lines]), "config and results are valid", "", 0, None, data, tuple(warnings)
    )


def read_as(bench: Benchmark) -> str:
    """How a benchmark's score was read, in words: `percentage points (lighteval: …)`, or as written."""
    unit = bench.settings.get(UNIT_KEY)
    if unit == PERCENT_UNIT:
        shown = "percentage points"
    elif unit == OWN_UNIT:
        shown = "the metric's own units"
    else:
        return "as written (scale unknown: metrics.<name>.scale says)"
    return f"{shown} ({bench.read_as})" if bench.read_as else shown


def history(desk: Desk, limit: int = 0, wide: bool = True) -> Answer:
    """The versions as the page shows them: a text table, a markdown table, and the records for --json."""

    config = None
    with contextlib.suppress(InputError):  # no (valid) config: every score is shown
        config = config_or_none(desk)
    environment = environment_for(config, override=desk.environment)
    records = [r for r in desk.ledger.records(environment, None, live=ALL_SNAPSHOTS) if r.environment == environment]
    shown = records[-limit:] if limit > 0 else records
    found = rows(records, [versions_of(records, config, environment, desk.now)])[: len(shown)]
    primary = config.primary if config else None
    text = history_text(found, primary, wide=wide).rstrip("\n")
    if len(shown) < len(records):
        text += f"\n… {len(records) - len(shown)} older snapshot(s); --limit 0 shows them all"
    reason = f"{len(records)} snapshot(s) in {environment}"
    markdown = history_markdown(found, primary)
    data = [r.to_json() for r in shown]
    return Answer("history", text, reason, markdown, data=data, heading=f"history ({environment})")


def page(desk: Desk, out: Path, repo_url: str | None, title: str = "", shown_out: str = "") -> Answer:
    """The versions site of the environment, written into `out` (whole files, replaced at once)."""

    config = config_or_none(desk)
    environment = environment_for(config, override=desk.environment)
    records = desk.ledger.records(environment, None, live=ALL_SNAPSHOTS)
    versions, files = build_site(records, config, environment, desk.now, repo_url, title, links_for(config))
    written = write_site(out, files)
    text = (
        f"wrote {written} page(s) to {shown_out or out}: {len(versions.numbered())} version(s) of {environment}; "
        f"open {Path(shown_out or out) / 'index.html'}"
    )
    data = {"command": "page", "written": written, "versions": len(versions.numbered()), "out": str(shown_out or out)}
    return Answer("page", text, text, f"{text}\n", data=data, heading="versions page")


def _host(desk: Desk, command: str) -> tuple[Config, str, DeployTarget]:
    """The config, the environment and the host for a command that works on the host; refused plainly when the
    host cannot do it."""
    config = load_config(desk.workspace / desk.config_path, display=desk.config_path)
    shown = config.upload.dir
    upload = (desk.workspace / shown, shown) if shown else None  # upload mode: the host's deploys are the API's
    target = target_for(config, desk.hook_url, desk.services, desk.access, upload, desk.workspace)
    require(target, config, command)
    return config, environment_for(config, override=desk.environment), target


def roll_back(desk: Desk, to: str, lock: bool = True) -> Answer:
    config, environment, target = _host(desk, "rollback")
    rebuild = Rebuild(desk.services.wall_clock, config.quota.limit)
    record = rollback(desk.ledger, target, environment, to, lock, desk.now, rebuild)
    message = record.reasons[-1]
    live = f"\nlive: {record.deploy_url}" if record.deploy_url else ""
    return Answer("rollback", f"{message}{live}", message, "", 0, record, record.to_json())


def release(desk: Desk) -> Answer:
    """`unlock`."""

    _, environment, target = _host(desk, "unlock")
    text = unlock(desk.ledger, target, environment, desk.now)
    return Answer("unlock", text, text, data={"command": "unlock", "report": text})


def prune(desk: Desk, apply: bool, keep: int | None = None) -> Answer:
    config, environment, target = _host(desk, "prune")
    text = pruning.prune(target, desk.ledger, environment, config, apply, desk.now, keep)
    return Answer("prune", text, text.splitlines()[0], data={"command": "prune", "report": text, "found": 0})


def doctor(desk: Desk) -> Answer:
    config, environment, target = _host(desk, "doctor")
    records = [r for r in desk.ledger.records(environment, None, live=ALL_SNAPSHOTS) if r.deploy_id or r.deploy_url]
    text, found = target.doctor(records, config, desk.workspace)
    data = {"command": "doctor", "report": text, "found": found}
    return Answer("doctor", text, text.splitlines()[0], "", found, None, data)
