"""Versions that last, end to end: the CLI in a temporary repository with a bare `origin`, against the fake
Netlify (which deletes deploys past its retention, as Netlify does).

- a confirmed production deploy creates `versions/vN` on the remote at the evaluated commit and fires the hook
  once more with `trigger_branch=versions/vN`; the ledger records the lasting URL;
- a rollback to a version whose deploy Netlify deleted rebuilds it: one POST whose body carries its sha, counted,
  confirmed and locked; with the quota used up, or with no hook, it refuses and says why;
- `doctor` says when Netlify would not build the version branches.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import RESULTS, Workspace, native
from tests.fake_github import FakeGitHub
from tests.fake_netlify import SITE_NAME, FakeNetlify
from tests.netlify_runs import FAST, env, no_secret

VERSIONS = FAST + "versions:\n  branch_prefix: versions/\n"


@pytest.fixture
def origin(workspace: Workspace, tmp_path: Path) -> Path:
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    workspace.git("remote", "add", "origin", str(bare))
    return bare


def remote_branches(bare: Path) -> dict[str, str]:
    out = subprocess.run(
        ["git", "-C", str(bare), "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split(" ", 1) for line in out.splitlines())


def deploy(ws: Workspace, netlify: FakeNetlify, score: float, config: str = VERSIONS) -> tuple[str, dict[str, object]]:
    ws.write("config/deploy.yaml", config)
    ws.write(RESULTS, native(score))
    sha = ws.commit(f"aime25 {score}", branch="main")
    netlify.head_sha = sha
    done = ws.run("--json", env=env(netlify))
    assert done.code == 0, done.stdout + done.stderr
    return sha, done.json


def test_a_confirmed_deploy_gets_a_lasting_branch_built_once(
    workspace: Workspace, netlify: FakeNetlify, origin: Path
) -> None:
    first, data = deploy(workspace, netlify, 74.4)
    second, _ = deploy(workspace, netlify, 78.0)
    posts = netlify.hook_posts
    assert len(posts) == 4  # production + version branch, twice
    assert [p.query.get("trigger_branch") for p in posts] == [None, "versions/v1", None, "versions/v2"]
    assert json.loads(posts[1].body)["sha"] == first
    assert json.loads(posts[1].body)["version"] == 1
    assert remote_branches(origin) == {"versions/v1": first, "versions/v2": second}
    lasting = f"https://versions-v1--{SITE_NAME}.netlify.app"
    assert data["outcome"]["version_url"] == lasting
    records = {r["id"]: r for r in workspace.ledger_lines()}  # the latest state of each record
    (v1,) = [r for r in records.values() if r["sha"] == first]
    assert v1["status"] == "success"
    assert v1["extra"]["version_number"] == 1
    assert v1["extra"]["version_url"] == lasting
    assert f"--{SITE_NAME}.netlify.app" in v1["deploy_url"]  # the permalink is kept too
    history = workspace.run("history", "--limit", "0")
    assert re.search(rf"\bv1 +{first[:7]}", history.stdout)
    assert lasting in history.stdout
    markdown = workspace.run("history", "--markdown").stdout
    assert "| v2 | " in markdown
    assert "**live**" in markdown
    no_secret(netlify, workspace)


def test_a_version_branch_at_another_commit_is_never_moved(
    workspace: Workspace, netlify: FakeNetlify, origin: Path
) -> None:
    workspace.write("README.md", "x")
    other = workspace.commit("unrelated", branch="main")
    workspace.git("push", "-q", "origin", f"{other}:refs/heads/versions/v1")
    sha, data = deploy(workspace, netlify, 74.4)
    assert data["deployed"] is True  # the production deploy stands
    assert len(netlify.hook_posts) == 1  # no branch build
    assert remote_branches(origin)["versions/v1"] == other
    assert any("no lasting URL for this version" in w and "never moved" in w for w in data["outcome"]["warnings"])
    (record,) = list({r["id"]: r for r in workspace.ledger_lines()}.values())
    assert record["extra"]["version_build"] == "failed"
    assert record["reasons"][-1].startswith("lasting version failed: ")
    assert record["sha"] == sha


def test_versions_off_fires_once(workspace: Workspace, netlify: FakeNetlify, origin: Path) -> None:
    deploy(workspace, netlify, 74.4, FAST)
    assert len(netlify.hook_posts) == 1
    assert remote_branches(origin) == {}


def _age_ledger(ws: Workspace, days: int) -> None:
    """Make every record `days` older, as if the history had been made weeks ago."""
    path = ws.path / ".vibe-deploy-gate" / "ledger.jsonl"
    lines = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        when = datetime.strptime(record["time"], "%Y-%m-%dT%H:%M:%SZ") - timedelta(days=days)
        record["time"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")


def _age_deploys(netlify: FakeNetlify, days: int) -> None:
    for deploy in netlify.deploys:
        created = datetime.strptime(deploy["created_at"], "%Y-%m-%dT%H:%M:%S.000Z") - timedelta(days=days)
        deploy["created_at"] = created.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_rollback_to_a_version_netlify_deleted_rebuilds_it_once(workspace: Workspace, netlify: FakeNetlify) -> None:
    first, _ = deploy(workspace, netlify, 74.4, FAST)
    second, _ = deploy(workspace, netlify, 78.0, FAST)
    first_deploy = next(r["deploy_id"] for r in workspace.ledger_lines() if r["sha"] == first)
    _age_deploys(netlify, 45)
    _age_ledger(workspace, 45)
    netlify.retention_days = 30
    netlify.exact_commit_recipe = True
    page_before = workspace.run("history", "--limit", "0").stdout
    assert "expired" in page_before  # v1's permalink is past Netlify's 30 days
    posts_before = len(netlify.hook_posts)
    done = workspace.run("rollback", "--to", "v1", env=env(netlify))
    assert done.code == 0, done.stdout + done.stderr
    assert first_deploy in netlify.expired
    rebuilds = netlify.hook_posts[posts_before:]
    assert len(rebuilds) == 1
    body = json.loads(rebuilds[0].body)
    assert body["sha"] == first
    assert body["rollback_to"] == f"v1 ({first[:7]})"
    newest = netlify.deploys[0]
    assert newest["commit_ref"] == first
    assert newest["locked"] is True
    assert netlify.published_id == newest["id"]
    assert f"rolled back from {second[:7]} to v1 ({first[:7]}): rebuilt as Netlify deploy {newest['id']}" in done.stdout
    assert "HTTP 404" in done.stdout
    final = workspace.ledger_lines()[-1]
    assert (final["decision"], final["status"], final["extra"]["rebuilt"]) == ("rollback", "success", True)
    history = workspace.run("history", "--limit", "0").stdout
    assert "rollback → v1 (rebuilt)" in history
    assert "live (rolled back to)" in history
    no_secret(netlify, workspace, done)


def test_rollback_rebuild_counts_against_the_quota(workspace: Workspace, netlify: FakeNetlify) -> None:
    config = FAST.replace("monthly_deploys: 20\n  reserve: 2", "monthly_deploys: 2")
    deploy(workspace, netlify, 74.4, config)
    deploy(workspace, netlify, 78.0, config)
    netlify.deploys.clear()  # Netlify lost them all
    netlify.published_id = None
    done = workspace.run("rollback", "--to", "v1", env=env(netlify))
    assert done.code == 2
    assert "the quota is used up (2/2 builds this month)" in done.stderr
    assert len(netlify.hook_posts) == 2
    assert workspace.ledger_lines()[-1]["decision"] == "deploy"


def test_rollback_without_hook_or_token_says_what_is_missing(workspace: Workspace, netlify: FakeNetlify) -> None:
    deploy(workspace, netlify, 74.4, FAST)
    deploy(workspace, netlify, 78.0, FAST)
    done = workspace.run("rollback", "--previous")
    assert done.code == 2
    assert "there is no Netlify token, and only the API can restore a deploy" in done.stderr
    assert (
        "it cannot be rebuilt: no build hook URL is set: set --build-hook-url (or VIBE_BUILD_HOOK_URL)" in done.stderr
    )
    assert len(netlify.hook_posts) == 2


def test_rollback_without_a_token_rebuilds_through_the_hook(workspace: Workspace, netlify: FakeNetlify) -> None:
    first, _ = deploy(workspace, netlify, 74.4, FAST)
    deploy(workspace, netlify, 78.0, FAST)
    done = workspace.run("rollback", "--to", first[:7], env=env(netlify, api=False))
    assert done.code == 0, done.stderr
    assert len(netlify.hook_posts) == 3
    assert json.loads(netlify.hook_posts[-1].body)["sha"] == first
    assert "cannot wait for the build or lock it" in done.stdout


@pytest.mark.usefixtures("origin")
def test_doctor_says_when_version_branches_would_not_build(workspace: Workspace, netlify: FakeNetlify) -> None:
    deploy(workspace, netlify, 74.4)
    done = workspace.run("doctor", env=env(netlify))
    assert done.code == 1
    assert "the lasting version branches (versions/v1, v2, …) would not be built" in done.stdout
    assert "set Branch deploys to 'All'" in done.stdout
    netlify.allowed_branches = []
    assert workspace.run("doctor", env=env(netlify)).code == 0


@pytest.mark.usefixtures("origin")
def test_the_page_command_writes_the_site_from_the_ledger(workspace: Workspace, netlify: FakeNetlify) -> None:
    first, _ = deploy(workspace, netlify, 74.4)
    second, _ = deploy(workspace, netlify, 78.0)
    out = workspace.path / "public" / "versions"
    github = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/r"}
    done = workspace.run("page", "--out", str(out), env=github)
    assert done.code == 0, done.stderr
    assert "2 version(s) of production" in done.stdout
    index = (out / "index.html").read_text()
    assert f'href="https://github.com/o/r/commit/{second}"' in index
    assert f"https://versions-v2--{SITE_NAME}.netlify.app" in index
    v1 = (out / "v1.html").read_text()
    assert "compare with the live version (v2)" in v1
    assert f"https://github.com/o/r/compare/{first}...{second}" in v1
    assert '<table class="decision">' in v1  # the PR comment's table, as the run kept it
    assert "✅" in v1
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "v1.html", "v2.html"]


def test_page_into_an_unwritable_folder_is_invalid_input(workspace: Workspace, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = workspace.run("page", "--out", str(blocker / "sub"))
    assert done.code == 2
    assert "cannot write the pages there" in done.stderr
    assert "Traceback" not in done.stderr


def test_version_builds_are_counted_at_their_price(workspace: Workspace, netlify: FakeNetlify, origin: Path) -> None:
    quota = "monthly_credits: 60\n  credits_per_deploy: 15"
    priced = VERSIONS.replace("monthly_deploys: 20\n  reserve: 2", quota) + "  credits_per_build: 15\n"
    deploy(workspace, netlify, 74.4, priced)
    _, data = deploy(workspace, netlify, 78.0, priced)
    assert data["quota"]["line"].startswith("1/4 deploys used this month (30/60 credits)")  # before this deploy
    assert "; 1 version branch build (15 credits)" in data["quota"]["line"]
    workspace.write(RESULTS, native(82.0))
    workspace.commit("aime25 82")
    blocked = workspace.run("--json", env=env(netlify))
    assert blocked.code == 1, blocked.json["quota"]  # 2 deploys and 2 branch builds: 60 of 60 credits
    assert blocked.json["reasons"][0].startswith("quota used up: 2/4 deploys used this month (60/60 credits)")
    free = VERSIONS.replace("monthly_deploys: 20\n  reserve: 2", quota)
    workspace.write("config/deploy.yaml", free)
    workspace.commit("branch builds are free")
    assert workspace.run(env=env(netlify)).code == 0
    assert len(remote_branches(origin)) == 3


def test_the_page_from_github_deployments_of_a_public_repository_needs_no_token(
    workspace: Workspace, fake_github: FakeGitHub
) -> None:
    for index in range(4):
        fake_github.seed_deployment(f"{index + 1:040x}", {"aime25": 74.0 + index}, ["success", "inactive"])
    out = workspace.path / "site"
    done = workspace.run(
        "page", "--github-repo", fake_github.repository, "--out", str(out), env={"GITHUB_API_URL": fake_github.url}
    )
    assert done.code == 0, done.stderr
    assert "4 version(s) of production" in done.stdout
    assert {s.token for s in fake_github.log} == {""}  # no token sent
    assert len(fake_github.requests("GET", "/statuses")) == 4  # one listing, then each deployment's status
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "v1.html", "v2.html", "v3.html", "v4.html"]
    bad = workspace.run("page", "--github-repo", "not a repo", "--out", str(out))
    assert bad.code == 2
    assert "give it as owner/name" in bad.stderr


def test_two_page_runs_into_one_folder_leave_whole_pages(workspace: Workspace, netlify: FakeNetlify) -> None:
    for score in (74.4, 78.0, 80.0):
        deploy(workspace, netlify, score, FAST)
    out = workspace.path / "site"
    command = [sys.executable, "-m", "vibe_action", "page", "--out", str(out)]
    runs = [
        subprocess.Popen(command, cwd=workspace.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)
    ]
    for run in runs:
        _, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "v1.html", "v2.html", "v3.html"]  # no leftovers
    for page in out.iterdir():
        assert page.read_text().rstrip().endswith("</html>")


@pytest.mark.usefixtures("origin")
def test_prune_never_deletes_the_lasting_version_deploys_nor_a_branch_head(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    for score in (74.4, 76.0, 78.0, 80.0):
        deploy(workspace, netlify, score, VERSIONS + "retention:\n  keep: 1\n  grace_days: 0\n")
    lasting = [d["id"] for d in netlify.deploys if d["branch"].startswith("versions/")]
    assert len(lasting) == 4
    netlify.seed(2, context="branch-deploy", title="feature preview", age_days=60)  # on main's branch name
    done = workspace.run("prune", "--keep", "1", "--apply", env=env(netlify))
    assert done.code == 0, done.stdout + done.stderr
    deleted = {s.path.rsplit("/", 1)[-1] for s in netlify.api("DELETE")}
    assert deleted, done.stdout  # older production snapshots go
    assert not deleted & set(lasting)
    assert all(any(d["id"] == ident for d in netlify.deploys) for ident in lasting)
    assert "lasting version branch versions/v1" in done.stdout


@pytest.mark.parametrize("keep", ["0", "-1"])
def test_prune_refuses_a_keep_below_one(workspace: Workspace, netlify: FakeNetlify, keep: str) -> None:
    deploy(workspace, netlify, 74.4, FAST)
    done = workspace.run("prune", "--keep", keep, "--apply", env=env(netlify))
    assert done.code == 2
    assert f"argument --keep: must be at least 1 (got {keep})" in done.stderr
    assert netlify.api("DELETE") == []
