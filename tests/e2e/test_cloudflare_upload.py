"""Upload mode on Cloudflare Pages (issue 31): Direct Upload as wrangler does it — an upload token, the asset
store's check-missing / upload / upsert-hashes, then the one deployment with its manifest — through the real CLI
against the fake Cloudflare (tests/fake_cloudflare.py: every body checked against the official SDK's types, each
file's key against its bytes)."""

from __future__ import annotations

import json

from tests.conftest import CONFIG, RESULTS, Workspace, native
from tests.fake_cloudflare import ACCOUNT, PROJECT, TOKEN, FakeCloudflare
from vibe_action.hosts.cloudflare.upload import (
    MAX_BUCKET_FILES,
    PagesFile,
    buckets,
    content_type,
    file_key,
)
from vibe_action.inputs.upload_folder import UploadFile

UPLOAD = CONFIG + (
    f"target: cloudflare-pages\ncloudflare:\n  project: {PROJECT}\n"
    "netlify:\n  poll_interval: 0\n  confirm_timeout: 5\nupload:\n  dir: dist\n"
)


def api_env(fake: FakeCloudflare) -> dict[str, str]:
    """Upload mode needs no hook URL: only the API (wrangler's variables)."""
    base = fake.url.rstrip("/")  # type: ignore[attr-defined]
    return {
        "VIBE_CLOUDFLARE_API_URL": base + "/client/v4",
        "CLOUDFLARE_API_TOKEN": TOKEN,
        "CLOUDFLARE_ACCOUNT_ID": ACCOUNT,
    }


def built(ws: Workspace, version: str = "v1") -> None:
    """A built site with Pages' special files, and what must never ship."""
    ws.write("dist/index.html", f"<h1>demo {version}</h1>")
    ws.write("dist/assets/app.js", "console.log('demo')")
    ws.write("dist/_headers", "/*\n  X-Frame-Options: DENY\n")
    ws.write("dist/_redirects", "/old /new 301\n")
    ws.write("dist/_routes.json", '{"version": 1, "include": ["/*"], "exclude": []}')
    ws.write("dist/functions/api.js", "export function onRequest() {}")
    ws.write("dist/.env", "SECRET=do-not-ship")


def deploy(ws: Workspace, fake: FakeCloudflare, score: float, *args: str, config: str = UPLOAD) -> tuple[str, object]:
    ws.write("config/deploy.yaml", config)
    ws.write(RESULTS, native(score))
    sha = ws.commit(f"aime25 {score}", branch="main")
    fake.head_sha = sha
    return sha, ws.run(*args, env=api_env(fake))


def test_known_keys_are_wranglers() -> None:
    """Keys computed by blake3-wasm 2.1.5 as wrangler's pages/hash.ts does (node, by hand, 2026-12-05)."""
    assert file_key(b"hello", "/index.html") == "a2b82584e50075886b08927390f2f573"
    assert file_key(bytes([0, 255, 10, 13]), "/LICENSE") == "2a65a856b11bc2ac40da45011c6f833b"
    assert content_type("/assets/app.js") == "application/javascript"
    assert content_type("/a.unknown-kind") == "application/octet-stream"


def test_buckets_stay_within_wranglers_bounds() -> None:
    def item(index: int, size: int) -> PagesFile:
        path = f"/f{index}"
        return PagesFile(path, UploadFile(path, None, size, "", ""), f"{index:032x}", "text/plain")  # type: ignore[arg-type]

    many = [item(i, 1) for i in range(MAX_BUCKET_FILES + 5)]
    assert [len(b) for b in buckets(many)] == [MAX_BUCKET_FILES, 5]
    large = [item(i, 15 * 1024 * 1024) for i in range(5)]
    sizes = [sum(f.item.size for f in b) for b in buckets(large)]
    assert all(size <= 40 * 1024 * 1024 for size in sizes)
    assert sum(sizes) == 5 * 15 * 1024 * 1024


def test_a_deploy_verdict_uploads_the_folder_and_records_the_deployment(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    built(workspace)
    sha, done = deploy(workspace, cloudflare, 74.4, "--json")
    assert done.code == 0, done.stdout + done.stderr  # type: ignore[attr-defined]
    assert cloudflare.hook_posts == []
    (made,) = cloudflare.created
    deployment = next(d for d in cloudflare.deployments if d["id"] == made["id"])
    assert (deployment["environment"], deployment["deployment_trigger"]["type"]) == ("production", "ad_hoc")
    assert deployment["deployment_trigger"]["metadata"]["commit_hash"] == sha
    served = cloudflare.served(made["id"])
    assert served == {"/index.html": b"<h1>demo v1</h1>", "/assets/app.js": b"console.log('demo')"}
    # _headers and _redirects go as form files, as wrangler sends them; _routes.json, functions/, .env never
    assert made["files"] == {"_headers": b"/*\n  X-Frame-Options: DENY\n", "_redirects": b"/old /new 301\n"}
    assert "branch" not in made["fields"]  # production: the project's production branch, as wrangler leaves it
    statuses = [(line["status"], line.get("deploy_id")) for line in workspace.raw_ledger()]
    assert statuses == [("in_progress", None), ("in_progress", made["id"]), ("success", made["id"])]
    final = workspace.ledger_lines()[-1]
    assert final["deploy_url"] == deployment["url"]
    assert len(final["extra"]["upload_digest"]) == 64
    out = done.json  # type: ignore[attr-defined]
    assert (out["outcome"]["deploy_id"], out["outcome"]["deploy_url"]) == (made["id"], deployment["url"])
    assert cloudflare.live()["id"] == made["id"]  # type: ignore[index]
    assert sorted(cloudflare.upserted) == sorted(set(made["manifest"].values()))
    assert "_routes.json left out" in done.stdout + done.stderr  # type: ignore[attr-defined]
    assert TOKEN not in done.stdout + done.stderr  # type: ignore[attr-defined]


def test_the_second_deploy_sends_only_what_changed(workspace: Workspace, cloudflare: FakeCloudflare) -> None:
    built(workspace)
    deploy(workspace, cloudflare, 74.4)
    posted = len(cloudflare.asset_posts)
    built(workspace, "v2")
    _, done = deploy(workspace, cloudflare, 80.0)
    assert done.code == 0, done.stdout + done.stderr  # type: ignore[attr-defined]
    uploads = [count for name, count in cloudflare.asset_posts[posted:] if name == "upload"]
    assert uploads == [1]  # index.html only: app.js is in the store already


def test_an_expired_upload_token_is_fetched_again_and_a_failed_bucket_sent_again(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    built(workspace)
    cloudflare.jwt_uses = 1  # good for check-missing only: the upload meets a 401 and fetches a new token
    cloudflare.upload_faults = [503]
    _, done = deploy(workspace, cloudflare, 74.4)
    assert done.code == 0, done.stdout + done.stderr  # type: ignore[attr-defined]
    tokens = [r for r in cloudflare.api_requests if r.path.endswith("/upload-token")]
    assert len(tokens) >= 2
    assert len(cloudflare.created) == 1
    assert workspace.ledger_lines()[-1]["status"] == "success"


def test_a_lost_create_answer_is_found_by_its_commit_and_never_made_twice(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    built(workspace)
    cloudflare.create_answer_lost = True  # Pages made the deployment; the edge answered 502
    _, done = deploy(workspace, cloudflare, 74.4)
    assert done.code == 0, done.stdout + done.stderr  # type: ignore[attr-defined]
    assert len(cloudflare.created) == 1
    assert "its answer was lost; found by its commit" in done.stdout + done.stderr  # type: ignore[attr-defined]
    assert workspace.ledger_lines()[-1]["status"] == "success"


def test_a_deployment_that_fails_after_the_upload_is_a_failure(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    built(workspace)
    cloudflare.final_status = "failure"
    _, done = deploy(workspace, cloudflare, 74.4)
    assert done.code == 3, done.stdout + done.stderr  # type: ignore[attr-defined]
    assert workspace.ledger_lines()[-1]["status"] == "failure"


def test_a_worker_is_refused_before_anything_is_recorded_or_sent(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    built(workspace)
    workspace.write("dist/_worker.js", "export default {}")
    _, done = deploy(workspace, cloudflare, 74.4)
    assert done.code == 2
    assert "_worker.js is a Worker" in done.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in done.stderr  # type: ignore[attr-defined]
    assert cloudflare.asset_posts == []
    assert cloudflare.created == []
    assert workspace.raw_ledger() == []


def test_a_pull_request_gets_a_preview_branch_and_production_is_untouched(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    built(workspace)
    deploy(workspace, cloudflare, 74.4)
    live, records = cloudflare.live()["id"], len(workspace.raw_ledger())  # type: ignore[index]
    built(workspace, "candidate")
    workspace.write(RESULTS, native(80.0))
    workspace.commit("candidate", branch="feature/longer-thinking")
    done = workspace.run("--event", "pull_request", "--preview", "--json", env=api_env(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    preview = done.json["preview_deploy"]
    made = cloudflare.created[-1]
    assert made["fields"]["branch"] == "preview/feature/longer-thinking"
    deployment = next(d for d in cloudflare.deployments if d["id"] == made["id"])
    assert deployment["environment"] == "preview"
    assert preview["url"] == deployment["url"]
    assert "preview-feature-longer-thinking.vibe-demo.pages.dev" in preview["message"]
    assert cloudflare.live()["id"] == live  # type: ignore[index]
    assert len(workspace.raw_ledger()) == records


def test_a_version_lasts_as_a_deployment_of_its_branch_sending_no_file_again(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    built(workspace)
    config = UPLOAD + 'versions:\n  branch_prefix: "versions/"\n'
    _, done = deploy(workspace, cloudflare, 74.4, "--json", config=config)
    assert done.code == 0, done.stdout + done.stderr  # type: ignore[attr-defined]
    production, version = cloudflare.created
    assert version["fields"]["branch"] == "versions/v1"
    assert version["manifest"] == production["manifest"]
    assert [n for n, _ in cloudflare.asset_posts].count("upload") == 1  # the files went once
    assert done.json["outcome"]["version_url"] == f"https://versions-v1.{PROJECT}.pages.dev"  # type: ignore[attr-defined]


def test_doctor_in_upload_mode_wants_no_git_builds_of_production(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    workspace.write("config/deploy.yaml", UPLOAD)
    cloudflare.production_deployments = True
    found = workspace.run("doctor", env=api_env(cloudflare))
    assert found.code == 1
    assert "use a Direct Upload project" in found.stdout
    cloudflare.production_deployments = False
    clean = workspace.run("doctor", env=api_env(cloudflare))
    assert clean.code == 0, clean.stdout + clean.stderr


def test_without_api_access_upload_mode_says_what_to_set(workspace: Workspace, cloudflare: FakeCloudflare) -> None:
    built(workspace)
    workspace.write("config/deploy.yaml", UPLOAD)
    workspace.write(RESULTS, native(74.4))
    workspace.commit("aime25", branch="main")
    done = workspace.run(env={"VIBE_CLOUDFLARE_API_URL": cloudflare.url + "client/v4"})  # type: ignore[attr-defined]
    assert done.code == 2
    assert "an upload needs Cloudflare API access" in done.stderr
    assert json.dumps(ACCOUNT) not in done.stderr
