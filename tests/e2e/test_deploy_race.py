"""The race window between deciding and firing, made deterministic: another run's record lands right then."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import requests
from pytest_httpserver import HTTPServer

from tests.conftest import Workspace, native
from vibe_action.app.run import RunRequest, run_gate
from vibe_action.app.wiring import Services
from vibe_action.ledger.local import LocalLedger
from vibe_action.ledger.records import Record
from vibe_action.redact import Secrets

HOOK = "/build_hooks/race0000000000000000hook"


class RacingLedger(LocalLedger):
    """A real ledger file; when this run takes the lock, another run's record was written a moment earlier."""

    def __init__(self, path: Path, rival: Record) -> None:
        super().__init__(path)
        self.rival = rival

    def start(self, record: Record) -> Record:
        self.append(replace(self.rival, environment=record.environment))
        return super().start(record)


def request_for(ws: Workspace, sha: str, hook_url: str) -> RunRequest:
    return RunRequest(
        workspace=ws.path,
        config_path="config/deploy.yaml",
        sha=sha,
        branch="main",
        now=datetime.now(timezone.utc),
        hook_url=hook_url,
    )


def test_the_later_of_two_runs_for_one_commit_cancels_itself(workspace: Workspace, httpserver: HTTPServer) -> None:
    httpserver.expect_request(HOOK, method="POST").respond_with_data("", status=200)
    workspace.write("results/r.json", native(74.4))
    sha = workspace.commit("x", branch="main")
    rival = Record(
        sha=sha,
        branch="main",
        time=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),  # a live run, not an abandoned one
        status="in_progress",
        scores={"aime25": 74.4},
        id="other-run",
    )
    ledger = RacingLedger(workspace.path / "ledger.jsonl", rival)
    with requests.Session() as session:
        decision = run_gate(request_for(workspace, sha, httpserver.url_for(HOOK)), Services(ledger, session, Secrets()))
    assert decision.verdict == "skip"
    assert decision.reasons[0] == (
        f"not fired: another run is deploying commit {sha[:7]} (record other-run); "
        "run the gate again to decide against it"
    )
    assert len(httpserver.log) == 0
    records = LocalLedger(workspace.path / "ledger.jsonl").records()
    assert [(r.id == "other-run", r.status) for r in records] == [(True, "in_progress"), (False, "cancelled")]


def test_a_deploy_recorded_after_this_run_read_the_ledger_makes_it_stand_down(
    workspace: Workspace, httpserver: HTTPServer
) -> None:
    """Its baseline and quota count would be stale: it stands down rather than fire on old facts."""
    httpserver.expect_request(HOOK, method="POST").respond_with_data("", status=200)
    workspace.write("results/r.json", native(77.5))
    sha = workspace.commit("x", branch="main")
    newer = Record(
        sha="e" * 40,
        branch="main",
        time="2026-11-26T00:00:00Z",
        status="success",
        scores={"aime25": 77.0, "hmmt25": 50.4, "livecodebench_v6": 51.1},
        id="newer-live",
    )
    ledger = RacingLedger(workspace.path / "ledger.jsonl", newer)
    with requests.Session() as session:
        decision = run_gate(request_for(workspace, sha, httpserver.url_for(HOOK)), Services(ledger, session, Secrets()))
    assert decision.verdict == "skip"
    assert decision.reasons[0].startswith("not fired: commit eeeeeee was deployed (record newer-live) after this run")
    assert len(httpserver.log) == 0
    assert LocalLedger(workspace.path / "ledger.jsonl").records()[-1].status == "cancelled"


def test_a_rollback_that_went_live_meanwhile_is_decided_against(workspace: Workspace, httpserver: HTTPServer) -> None:
    """A rollback starts no build (no quota), so the run decides again against what is live now."""
    httpserver.expect_request(HOOK, method="POST").respond_with_data("", status=200)
    workspace.write("results/r.json", native(77.5))
    sha = workspace.commit("x", branch="main")
    restored = Record(
        sha="e" * 40,
        branch="main",
        time="2026-11-26T00:00:00Z",
        status="success",
        decision="rollback",
        scores={"aime25": 77.0, "hmmt25": 50.4, "livecodebench_v6": 51.1},
        id="rolled-back",
    )
    ledger = RacingLedger(workspace.path / "ledger.jsonl", restored)
    with requests.Session() as session:
        decision = run_gate(request_for(workspace, sha, httpserver.url_for(HOOK)), Services(ledger, session, Secrets()))
    assert decision.verdict == "skip"  # +0.5 over the restored 77.0 is below min_gain
    assert decision.baseline is not None
    assert decision.baseline.sha == "e" * 40
    assert "decided again: a newer snapshot went live meanwhile" in decision.reasons
    assert len(httpserver.log) == 0
    assert LocalLedger(workspace.path / "ledger.jsonl").records()[-1].status == "cancelled"
