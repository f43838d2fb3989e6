"""The Vercel target's other paths, through its methods against the fake Vercel: a stale record resolved by its
deployment id or its commit, what a run without a token or an upload folder says, and Vercel's missing lock."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from tests.fake_vercel import PROJECT_ID, TOKEN, FakeVercel
from vibe_action.errors import InputError
from vibe_action.hosts.protocol import Build, HostDeploy
from vibe_action.hosts.vercel.client import VercelClient, make_vercel
from vibe_action.hosts.vercel.target import VercelTarget
from vibe_action.ledger.records import Record
from vibe_action.redact import Secrets


def target(fake: FakeVercel, folder: Path | None, api: bool = True) -> VercelTarget:
    session = requests.Session()
    client = VercelClient(session, TOKEN, PROJECT_ID, None, Secrets(), fake.url, sleep=lambda _s: None) if api else None  # type: ignore[attr-defined]
    return VercelTarget(
        None,
        session,
        Secrets(),
        client,
        "--build-hook-url",
        confirm_timeout=5,
        poll_interval=0,
        sleep=lambda _s: None,
        upload_dir=folder,
        shown_dir="dist",
    )


def record(sha: str = "a" * 40, deploy_id: str | None = None) -> Record:
    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # the fake stamps with its own clock
    return Record(
        sha=sha,
        branch="main",
        time=started,
        status="in_progress",
        scores={"aime25": 80.0},
        environment="production",
        id="1",
        deploy_id=deploy_id,
    )


def test_a_stale_upload_record_is_resolved_by_its_id_or_by_its_commit(vercel: FakeVercel, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<h1>x</h1>")
    made = vercel._new({"target": "production", "meta": {"vibeGateSha": "a" * 40, "vibeGateKind": "production"}})
    here = target(vercel, dist)
    assert here.find(record(deploy_id=made["id"])).status == "unconfirmed"  # still building: not decided yet
    made["readyState"] = made["status"] = "READY"
    assert here.find(record(deploy_id=made["id"])).status == "success"
    by_commit = here.find(record())  # no id kept: found by the commit in its meta
    assert (by_commit.status, by_commit.deploy_id) == ("success", made["id"])
    assert here.find(record(sha="b" * 40)).status == "unconfirmed"
    made["readyState"] = made["status"] = "ERROR"
    assert here.find(record(deploy_id=made["id"])).status == "failure"


def test_without_access_or_a_folder_each_path_says_what_to_set(vercel: FakeVercel, tmp_path: Path) -> None:
    hookless = target(vercel, None, api=False)
    assert not hookless.capabilities.restore
    assert "Deploy Hook names no deployment" in hookless.find(record()).message
    assert "set upload.dir" in hookless.preview(Build("t", None, {})).message
    assert "only the API can roll back" in str(hookless.restore(record(deploy_id="dpl_1")))
    with pytest.raises(InputError, match="Deploy Hooks"):
        hookless.check()
    with pytest.raises(InputError, match="no deploy lock"):
        hookless.lock("dpl_1")
    with pytest.raises(InputError, match="no deploy lock"):
        hookless.unlock(HostDeploy("dpl_1", "ready", ""))
    no_token = target(vercel, tmp_path, api=False)
    assert "a fork gets no secrets" in no_token.preview(Build("t", None, {})).message
    with pytest.raises(InputError, match="needs Vercel API access"):
        no_token.check()
    api = target(vercel, None)
    assert "rebuild its commit" in str(api.restore(record()))
    assert "no deployment dpl_gone" in str(api.restore(record(deploy_id="dpl_gone")))
    assert api.published() is None  # nothing in production yet


def test_make_vercel_needs_both_the_token_and_the_project() -> None:
    assert make_vercel(requests.Session(), None, None, None, Secrets()) is None
    with pytest.raises(InputError, match="VERCEL_PROJECT_ID"):
        make_vercel(requests.Session(), TOKEN, None, None, Secrets())
    with pytest.raises(InputError, match="VERCEL_TOKEN"):
        make_vercel(requests.Session(), None, PROJECT_ID, None, Secrets())
