"""Upload mode on Netlify (issue 31, first host): `upload: {dir}` sends the folder the workflow built, through the
API, on a deploy verdict only — the deploy recorded with its id before any file goes, the folder's digest in the
snapshot, and no second deploy when an answer is lost. The CLI runs as a workflow step would, against the fake
Netlify (tests/fake_netlify.py: the upload endpoints as netlify-cli meets them, every request checked against
the Swagger description)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from tests.actions_env import TOKEN
from tests.conftest import RESULTS, Workspace, native
from tests.fake_netlify import FakeNetlify
from tests.netlify_runs import FAST, deploy_commit, env
from vibe_action.app.wiring import deploy_id_of
from vibe_action.github.client import make_github
from vibe_action.ledger.github_deployments import GitHubLedger
from vibe_action.ledger.records import ALL_SNAPSHOTS, Outcome, Record

UPLOAD = FAST + "upload:\n  dir: dist\n"


def built(ws: Workspace, version: str = "v1") -> None:
    """What `npm run build` leaves in dist/ (and what it must not ship: dot-files, node_modules)."""
    ws.write("dist/index.html", f"<h1>demo {version}</h1>")
    ws.write("dist/assets/app.js", "console.log('demo')")
    ws.write("dist/.env", "SECRET=do-not-ship")
    ws.write("dist/node_modules/x/index.js", "x")


def test_a_deploy_verdict_uploads_the_built_folder_and_records_the_exact_deploy(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    built(workspace)
    sha, done = deploy_commit(workspace, netlify, 74.4, True, UPLOAD)
    assert done.code == 0, done.stdout + done.stderr
    assert netlify.hook_posts == []  # no build hook, no build on Netlify
    assert len(netlify.api("POST", "/deploys")) == 1
    deploy_id = netlify.deploys[0]["id"]  # (newest first)
    sent = sorted(seen.path.rsplit("/files", 1)[1] for seen in netlify.api("PUT", "/files/"))
    assert sent == ["/assets/app.js", "/index.html"]  # .env and node_modules never leave the runner
    statuses = [(line["status"], line.get("deploy_id")) for line in workspace.raw_ledger()]
    assert statuses == [("in_progress", None), ("in_progress", deploy_id), ("success", deploy_id)]  # id before files
    permalink = f"https://{deploy_id}--vibe-demo.netlify.app"
    assert workspace.raw_ledger()[1]["deploy_url"] == permalink  # how GitHub's ledger keeps the id: in the URL
    final = workspace.ledger_lines()[-1]
    assert final["deploy_url"] == f"https://{deploy_id}--vibe-demo.netlify.app"
    assert len(final["extra"]["upload_digest"]) == 64
    assert (final["extra"]["upload_files"], final["extra"]["netlify_deploy_id"]) == (2, deploy_id)
    assert netlify.published_id == deploy_id
    assert netlify.get(deploy_id)["title"] == f"aime25 74.4 @ {sha[:7]}"
    assert netlify.violations == []


def test_no_deploy_verdict_uploads_nothing(workspace: Workspace, netlify: FakeNetlify) -> None:
    built(workspace)
    deploy_commit(workspace, netlify, 74.4, True, UPLOAD)
    before = len(netlify.log)
    _, done = deploy_commit(workspace, netlify, 74.5, True, UPLOAD)  # +0.1: no gain worth a deploy
    assert "SKIP" in done.stdout, done.stdout + done.stderr
    assert [s for s in netlify.log[before:] if s.method in ("POST", "PUT")] == []


def test_the_cli_flag_overrides_the_config_and_a_folder_outside_the_repository_is_refused(
    workspace: Workspace, netlify: FakeNetlify, tmp_path: Path
) -> None:
    built(workspace)
    workspace.write("site/index.html", "<h1>from site/</h1>")
    _, done = deploy_commit(workspace, netlify, 74.4, True, UPLOAD, "--upload-dir", "site")
    assert done.code == 0, done.stdout + done.stderr
    assert [s.path.rsplit("/files", 1)[1] for s in netlify.api("PUT", "/files/")] == ["/index.html"]
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "index.html").write_text("x")
    _, refused = deploy_commit(workspace, netlify, 90.0, True, UPLOAD, "--upload-dir", str(outside))
    assert refused.code == 2
    assert "is outside the repository" in refused.stderr


def test_a_lost_create_answer_is_found_by_its_title_and_never_made_twice(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    built(workspace)
    netlify.create_answer_lost = 1  # Netlify made the deploy; the edge answered 502
    _, done = deploy_commit(workspace, netlify, 74.4, True, UPLOAD)
    assert done.code == 0, done.stdout + done.stderr
    assert len(netlify.api("POST", "/deploys")) == 1
    assert "its answer was lost; found by its title" in done.stdout + done.stderr
    assert workspace.ledger_lines()[-1]["status"] == "success"


def test_a_file_put_that_fails_once_is_retried_and_an_error_after_upload_is_a_failure(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    built(workspace)
    netlify.upload_faults = [503]
    _, done = deploy_commit(workspace, netlify, 74.4, True, UPLOAD)
    assert done.code == 0, done.stdout + done.stderr
    built(workspace, "v2")
    netlify.final_state, netlify.error_message = "error", "Failed to process the deploy's files"
    _, failed = deploy_commit(workspace, netlify, 80.0, True, UPLOAD)
    assert failed.code != 0
    assert workspace.ledger_lines()[-1]["status"] == "failure"
    assert "Failed to process the deploy's files" in failed.stdout + failed.stderr


def test_an_upload_left_mid_way_is_resolved_by_its_deploy_id_and_the_commit_deploys_again(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    """A run killed after recording the deploy's id but before its last file: the deploy never published. The
    next run, once the record is stale, finds it by its id, resolves it as a failure, and uploads anew."""
    built(workspace)
    workspace.write("config/deploy.yaml", UPLOAD)
    workspace.write(RESULTS, native(74.4))
    sha = workspace.commit("aime25 74.4", branch="main")
    stuck = netlify._new_deploy(f"aime25 74.4 @ {sha[:7]}", "", "production", netlify.clock(), "uploading")
    netlify.manifests[stuck["id"]], netlify.required[stuck["id"]] = {"/index.html": "0" * 40}, {"0" * 40}
    old = (datetime.now(timezone.utc) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    left = {"id": "abandoned0000001", "sha": sha, "branch": "main", "time": old, "environment": "production"}
    lines = [
        {**left, "status": "in_progress", "scores": {"aime25": 74.4}, "reasons": ["deploy"]},
        {**left, "status": "in_progress", "scores": {"aime25": 74.4}, "reasons": ["deploy", "uploading"]}
        | {"deploy_id": stuck["id"]},
    ]
    workspace.write(".vibe-deploy-gate/ledger.jsonl", "".join(json.dumps(line) + "\n" for line in lines))
    done = workspace.run(env=env(netlify))
    assert done.code == 0, done.stdout + done.stderr
    assert f"its upload stopped with deploy {stuck['id']} 'uploading' — never published" in done.stderr
    records = {}
    for line in workspace.ledger_lines():
        records[line["id"]] = line["status"]
    assert records["abandoned0000001"] == "failure"
    assert sorted(records.values()) == ["failure", "success"]
    assert netlify.published_id != stuck["id"]


def test_doctor_wants_netlifys_own_builds_off_in_upload_mode(workspace: Workspace, netlify: FakeNetlify) -> None:
    workspace.write("config/deploy.yaml", UPLOAD)
    netlify.stop_builds = False
    building = workspace.run("doctor", env=env(netlify))
    assert building.code == 1
    assert "Netlify's own builds are on" in building.stdout
    netlify.stop_builds = True  # what upload mode wants (in hook mode, doctor's first complaint)
    stopped = workspace.run("doctor", env=env(netlify))
    assert stopped.code == 0, stopped.stdout + stopped.stderr
    assert "builds are on" not in stopped.stdout


def test_a_pull_request_gets_a_preview_of_its_candidate_and_production_is_untouched(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    built(workspace)
    deploy_commit(workspace, netlify, 74.4, True, UPLOAD)  # what is live
    live, records = netlify.published_id, len(workspace.raw_ledger())
    built(workspace, "candidate")
    _, done = deploy_commit(workspace, netlify, 80.0, True, UPLOAD, "--event", "pull_request", "--preview", "--json")
    assert done.code == 0, done.stdout + done.stderr
    preview = done.json["preview_deploy"]
    draft = netlify.get(preview["deploy_id"])
    assert preview["url"] == draft["deploy_ssl_url"] == f"https://{draft['id']}--vibe-demo.netlify.app"
    assert (draft["context"], draft["state"]) == ("draft", "ready")
    assert netlify.published_id == live  # a preview never touches production
    assert len(workspace.raw_ledger()) == records  # and is no deploy in the ledger
    assert done.json["decision"] == "deploy"
    assert done.json["preview"] is True
    sent = netlify.api("PUT", f"/deploys/{draft['id']}/files/")
    assert [s.body for s in sent] == [b"<h1>demo candidate</h1>"]  # the one file that changed
    text = workspace.run("--event", "pull_request", "--preview", env=env(netlify))
    assert "try this candidate: https://" in text.stdout


def test_a_report_only_branch_gets_a_preview_and_a_run_without_a_token_says_why_not(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    built(workspace)
    workspace.write("config/deploy.yaml", UPLOAD + "preview: true\n")
    workspace.write(RESULTS, native(80.0))
    workspace.commit("an experiment", branch="experiment/longer-thinking")  # matches no deploying rule
    done = workspace.run("--json", env=env(netlify))
    assert done.code == 0, done.stdout + done.stderr
    assert done.json["report_only"] is True
    assert done.json["preview_deploy"]["url"].endswith("--vibe-demo.netlify.app")
    forked = workspace.run("--json", env={"VIBE_BUILD_HOOK_URL": netlify.hook_url})  # type: ignore[attr-defined]
    assert forked.json["preview_deploy"]["url"] is None
    assert "a pull request from a fork gets no secrets" in forked.json["preview_deploy"]["message"]
    dry = workspace.run("--json", "--dry-run", env=env(netlify))
    assert "preview_deploy" not in dry.json


def test_a_version_lasts_as_a_branch_deploy_of_the_same_folder(workspace: Workspace, netlify: FakeNetlify) -> None:
    """Netlify keeps the newest deploy of every branch: in upload mode the version's folder is uploaded once
    more with `branch: versions/v1` (netlify-cli's --alias) — no git branch to push, no build to run."""
    built(workspace)
    config = UPLOAD + 'versions:\n  branch_prefix: "versions/"\n'
    _, done = deploy_commit(workspace, netlify, 74.4, True, config)
    assert done.code == 0, done.stdout + done.stderr
    production, version = sorted(
        (d for d in netlify.deploys if d["title"].endswith(f"@ {workspace.git('rev-parse', 'HEAD')[:7]}")),
        key=lambda d: d["context"],
    )[::-1]
    assert (production["context"], version["context"], version["branch"]) == (
        "production",
        "branch-deploy",
        "versions/v1",
    )
    assert version["state"] == "ready"
    assert netlify.published_id == production["id"]
    final = workspace.ledger_lines()[-1]
    assert final["extra"]["version_url"] == "https://versions-v1--vibe-demo.netlify.app"
    assert final["extra"]["version_build"] == "started"
    assert len(netlify.api("PUT", "/files/")) == 2  # the version's files were all there: nothing sent again


def test_github_deployments_keep_an_uploads_deploy_id_while_it_is_in_progress(fake_github: Any) -> None:
    """GitHub's ledger reads a deploy's id from the URL of its newest status: the in_progress status an upload
    writes before its files carries the deploy's permalink, so a run that dies mid-upload leaves the id there."""
    repo = make_github(TOKEN, fake_github.url, write_spacing=0).get_repo(fake_github.repository)
    ledger = GitHubLedger(repo, "", datetime.now(timezone.utc), deploy_id_of=deploy_id_of)
    started = ledger.start(
        Record(sha="a" * 40, branch="main", time="2026-12-05T08:00:00Z", status="in_progress", scores={"x": 1.0})
    )
    permalink = "https://6750a1b2c3d4e5f6a7b8c9d0--vibe-demo.netlify.app"
    ledger.finish(started, Outcome("in_progress", "uploading to deploy 6750a1b2c3d4e5f6a7b8c9d0", permalink, "x"))
    fresh = GitHubLedger(repo, "", datetime.now(timezone.utc), deploy_id_of=deploy_id_of)
    (read,) = fresh.records("production", None, live=ALL_SNAPSHOTS)
    assert (read.status, read.deploy_id) == ("in_progress", "6750a1b2c3d4e5f6a7b8c9d0")


def test_a_create_that_failed_without_making_a_deploy_is_unconfirmed_and_sends_nothing(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    """The other way a 502 can go: the edge failed before the origin acted (nothing by that title appears).
    The gate cannot tell from the answer, so it makes nothing again and sends no file; the record counts as
    unconfirmed, as a build hook's unknown outcome does."""
    built(workspace)
    netlify.api_faults[("POST", "deploys")] = [(502, {})]
    _, done = deploy_commit(workspace, netlify, 74.4, True, UPLOAD)
    assert done.code != 0
    assert len(netlify.api("POST", "/deploys")) == 1
    assert netlify.api("PUT") == []
    assert workspace.ledger_lines()[-1]["status"] == "unconfirmed"
    assert "the deploy may have been made — not made again" in done.stdout + done.stderr


def test_the_repositorys_netlify_toml_goes_with_the_upload_as_netlify_cli_sends_it(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    """netlify-cli adds the site's config to the file digest as `netlify.toml` (hash-config.ts), so Netlify
    applies its [[redirects]] and [[headers]]; `_redirects` and `_headers` in the folder are files like any."""
    built(workspace)
    workspace.write("dist/_redirects", "/old /new 301\n")
    rules = '[[redirects]]\n  from = "/api/*"\n  to = "https://example.org/:splat"\n  status = 200\n'
    workspace.write("netlify.toml", rules)
    workspace.write("dist/netlify.toml", "# a stale copy in the folder: the repository's wins\n")
    _, done = deploy_commit(workspace, netlify, 74.4, True, UPLOAD)
    assert done.code == 0, done.stdout + done.stderr
    deploy_id = netlify.deploys[0]["id"]
    digest = netlify.manifests[deploy_id]
    assert set(digest) == {"/index.html", "/assets/app.js", "/_redirects", "/netlify.toml"}
    sent = {s.path.rsplit("/files", 1)[1]: s.body for s in netlify.api("PUT", "/files/")}
    assert sent["/netlify.toml"] == rules.encode()
    assert sent["/_redirects"] == b"/old /new 301\n"


def test_a_locked_production_blocks_the_upload_before_anything_is_sent(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    """A deploy locked in Netlify holds production (its auto-publishing is off): an upload would be built and
    never published, so the gate blocks, names the lock, and makes no deploy."""
    built(workspace)
    deploy_commit(workspace, netlify, 74.4, True, UPLOAD)
    live = netlify.published_id
    assert live is not None
    netlify.get(live)["locked"] = True  # someone locked it in Netlify's UI
    before = len(netlify.api("POST", "/deploys"))
    built(workspace, "v2")
    _, done = deploy_commit(workspace, netlify, 80.0, True, UPLOAD)
    assert done.code == 1, done.stdout + done.stderr
    assert "BLOCK" in done.stdout
    assert "locked" in done.stdout
    assert len(netlify.api("POST", "/deploys")) == before
    assert netlify.api("PUT", "/files/")[-1].body != b"<h1>demo v2</h1>"
