"""`target: cloudflare-pages` end to end through the real CLI (issue 20): the project's deploy hook starts the
build, the Pages API (a local fake whose every answer is checked against the official SDK's types) confirms it
and gives the permalink; a push the project built by itself is never taken for the gate's build."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.conftest import CONFIG, Workspace, native
from tests.fake_cloudflare import ACCOUNT, HOOK_ID, HOOK_PATH, PROJECT, TOKEN, FakeCloudflare

PAGES = CONFIG + (
    f"target: cloudflare-pages\ncloudflare:\n  project: {PROJECT}\n"
    "netlify:\n  poll_interval: 0\n  confirm_timeout: 5\nhook:\n  timeout: 2\n"
)


def env_for(fake: FakeCloudflare, token: bool = True) -> dict[str, str]:
    base = fake.url.rstrip("/")  # type: ignore[attr-defined]
    env = {"VIBE_BUILD_HOOK_URL": base + HOOK_PATH, "VIBE_CLOUDFLARE_API_URL": base + "/client/v4"}
    if token:
        env.update(CLOUDFLARE_API_TOKEN=TOKEN, CLOUDFLARE_ACCOUNT_ID=ACCOUNT)
    return env


def committed(workspace: Workspace, fake: FakeCloudflare, score: float = 74.4) -> str:
    workspace.write("config/deploy.yaml", PAGES)
    workspace.write("results/r.json", native(score))
    sha = workspace.commit(f"aime25 {score}", branch="main")
    fake.head_sha = sha
    return sha


@pytest.mark.parametrize("answer", ["id", "empty"])  # what a Pages hook answers is undocumented
def test_the_hooks_deployment_is_confirmed_and_its_permalink_recorded(
    workspace: Workspace, cloudflare: FakeCloudflare, answer: str
) -> None:
    cloudflare.hook_answer = answer
    sha = committed(workspace, cloudflare)
    push = cloudflare.push()  # the project's own build of the same push: listed, never the gate's
    done = workspace.run("--json", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    assert len(cloudflare.hook_posts) == 1
    (mine,) = [d for d in cloudflare.deployments if d["deployment_trigger"]["type"] == "deploy_hook"]
    assert done.json["outcome"]["deploy_id"] == mine["id"] != push["id"]
    assert done.json["outcome"]["deploy_url"] == mine["url"]
    (record,) = workspace.ledger_lines()
    assert (record["status"], record["deploy_url"], record["deploy_id"]) == ("success", mine["url"], mine["id"])
    assert record["extra"]["commit_ref"] == sha
    assert TOKEN not in done.stdout + done.stderr
    assert HOOK_ID not in done.stdout + done.stderr
    assert all(r.args.get("per_page") == "25" for r in cloudflare.api_requests if r.path.endswith("/deployments"))


def test_a_failed_deployment_is_recorded_as_a_failure(workspace: Workspace, cloudflare: FakeCloudflare) -> None:
    cloudflare.final_status = "failure"
    committed(workspace, cloudflare)
    done = workspace.run(env=env_for(cloudflare))
    assert done.code == 3, done.stdout + done.stderr
    assert "failed at deploy" in done.stdout
    assert [r["status"] for r in workspace.ledger_lines()] == ["failure"]


def test_without_a_token_the_hook_fires_and_nothing_is_looked_up(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    committed(workspace, cloudflare)
    done = workspace.run(env=env_for(cloudflare, token=False))
    assert done.code == 0, done.stdout + done.stderr
    assert len(cloudflare.hook_posts) == 1
    assert cloudflare.api_requests == []
    (record,) = workspace.ledger_lines()
    assert (record["status"], record["deploy_url"]) == ("success", None)


def test_a_wrong_token_is_named_and_the_build_still_counts(workspace: Workspace, cloudflare: FakeCloudflare) -> None:
    committed(workspace, cloudflare)
    env = {**env_for(cloudflare), "CLOUDFLARE_API_TOKEN": "wrong"}
    done = workspace.run(env=env)
    assert "Authentication error (code 10000)" in done.stdout + done.stderr
    assert "Pages: Read" in done.stdout + done.stderr
    assert len(cloudflare.hook_posts) == 1
    assert [r["status"] for r in workspace.ledger_lines()] in (["success"], ["unconfirmed"])
    assert workspace.run(env=env).code in (0, 3)
    assert len(cloudflare.hook_posts) == 1  # never fired twice


def test_a_token_without_an_account_is_an_input_error_before_anything_is_sent(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    committed(workspace, cloudflare)
    env = {k: v for k, v in env_for(cloudflare).items() if k != "CLOUDFLARE_ACCOUNT_ID"}
    done = workspace.run(env=env)
    assert done.code == 2
    assert "--cloudflare-account-id (or CLOUDFLARE_ACCOUNT_ID) is missing" in done.stderr
    assert cloudflare.hook_posts == []
    assert workspace.raw_ledger() == []


def deployed(workspace: Workspace, fake: FakeCloudflare, score: float, token: bool = True) -> dict[str, Any]:
    """One deserving commit deployed through the hook; the deployment it made."""
    committed(workspace, fake, score)
    done = workspace.run(env=env_for(fake, token))
    assert done.code == 0, done.stdout + done.stderr
    return fake.deployments[0]


def test_rollback_rolls_production_back_and_the_ledger_holds_the_lock_until_unlock(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    first = deployed(workspace, cloudflare, 74.4)
    deployed(workspace, cloudflare, 78.0)
    hooks = len(cloudflare.hook_posts)
    done = workspace.run("rollback", "--to", "v1", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    assert f"rolled Cloudflare Pages production back to deployment {first['id']}" in done.stdout
    assert "locked it in the ledger" in done.stdout
    assert f"live: {first['url']}" in done.stdout
    assert cloudflare.canonical == first["id"]
    assert len(cloudflare.hook_posts) == hooks  # a rollback builds nothing
    rollback = workspace.ledger_lines()[-1]
    assert (rollback["decision"], rollback["status"], rollback["extra"]["locked"]) == ("rollback", "success", True)
    committed(workspace, cloudflare, 82.0)
    blocked = workspace.run(env=env_for(cloudflare))
    assert blocked.code == 1, blocked.stdout + blocked.stderr
    assert "production is locked on v1" in blocked.stdout
    assert len(cloudflare.hook_posts) == hooks
    unlocked = workspace.run("unlock", env=env_for(cloudflare))
    assert unlocked.code == 0, unlocked.stdout + unlocked.stderr
    assert unlocked.stdout.startswith(f"unlocked v1 ({first['deployment_trigger']['metadata']['commit_hash'][:7]})")
    assert workspace.run("unlock", env=env_for(cloudflare)).stdout.startswith("nothing to unlock")
    assert workspace.run(env=env_for(cloudflare)).code == 0
    assert len(cloudflare.hook_posts) == hooks + 1


def test_a_rollback_answered_with_a_new_deployment_records_that_one_as_live(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    """What the rollback answers is undocumented: a new deployment made live is recorded as the gate's, so doctor
    does not take it for a build outside the gate and prune keeps it as the published one."""
    cloudflare.rollback_answer = "new"
    first = deployed(workspace, cloudflare, 74.4)
    deployed(workspace, cloudflare, 78.0)
    done = workspace.run("rollback", "--to", "v1", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    made = cloudflare.deployments[0]
    assert made["id"] != first["id"]
    assert cloudflare.canonical == made["id"]
    assert f"back to deployment {first['id']} (now served as {made['id']})" in done.stdout
    rollback = workspace.ledger_lines()[-1]
    assert (rollback["deploy_id"], rollback["deploy_url"]) == (made["id"], made["url"])
    doctor = workspace.run("doctor", env=env_for(cloudflare))
    assert doctor.code == 0, doctor.stdout  # the new deployment is the gate's rollback
    plan = workspace.run("prune", env=env_for(cloudflare))
    assert f"{made['id']}" in next(line for line in plan.stdout.splitlines() if "published (live)" in line)


def test_a_version_deployed_without_a_token_is_found_by_its_commit_and_rolled_back(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    first = deployed(workspace, cloudflare, 74.4, token=False)
    cloudflare.finish(first)  # it went on building while no one looked
    deployed(workspace, cloudflare, 78.0, token=False)
    assert [r["deploy_id"] for r in workspace.ledger_lines()] == [None, None]
    done = workspace.run("rollback", "--previous", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    assert cloudflare.canonical == first["id"]


def test_a_deleted_deployment_is_rebuilt_through_the_hook_and_confirmed(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    first = deployed(workspace, cloudflare, 74.4)
    deployed(workspace, cloudflare, 78.0)
    cloudflare.deployments.remove(first)  # deleted in the dashboard
    cloudflare.deleted.append(first["id"])
    done = workspace.run("rollback", "--to", "v1", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    assert f"has no deployment {first['id']} any more" in done.stdout
    rebuilt = cloudflare.deployments[0]
    assert f"rebuilt as Cloudflare Pages deploy {rebuilt['id']}" in done.stdout
    assert json.loads(cloudflare.hook_posts[-1].get_data())["rollback_to"].startswith("v1 (")
    record = workspace.ledger_lines()[-1]
    assert (record["status"], record["deploy_id"], record["extra"]["rebuilt"]) == ("success", rebuilt["id"], True)


def test_prune_deletes_old_deployments_and_never_forces_an_aliased_or_the_live_one(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    workspace.write("config/deploy.yaml", PAGES + "retention:\n  keep: 1\n  grace_days: 0\n")
    for score in (74.4, 76.0, 78.0):
        deployed(workspace, cloudflare, score)
        workspace.write("config/deploy.yaml", PAGES + "retention:\n  keep: 1\n  grace_days: 0\n")
    push = cloudflare.push()  # a push the project built by itself: production serves it now
    cloudflare.finish(push)
    preview = cloudflare.branch_push("feature/x", "f" * 40)
    cloudflare.finish(preview)
    live = cloudflare.live()
    assert live is push
    plan = workspace.run("prune", env=env_for(cloudflare))
    assert plan.code == 0, plan.stdout + plan.stderr
    assert "plan only; run with --apply to delete" in plan.stdout
    assert cloudflare.deleted == []
    done = workspace.run("prune", "--apply", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    assert live["id"] not in cloudflare.deleted
    assert preview["id"] not in cloudflare.deleted  # it serves the feature/x alias
    assert f"serves its alias {preview['aliases'][0]}" in plan.stdout
    assert len(cloudflare.deleted) == 2  # the two older snapshots; the newest is kept (keep: 1)
    assert all("force" not in r.args for r in cloudflare.api_requests)
    pruned = [r for r in workspace.ledger_lines() if r["status"] == "pruned"]
    assert len(pruned) == 2


def test_an_alias_that_appears_after_the_plan_keeps_the_deployment(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    """Listings lag: the plan may not show an alias Pages already gave; its refusal (8000035) is reported."""
    old = cloudflare.branch_push("feature/x", "f" * 40)
    old["aliases"] = None  # listed without the alias it has
    cloudflare.finish(old)
    deployed(workspace, cloudflare, 74.4)
    workspace.write("config/deploy.yaml", PAGES + "retention:\n  grace_days: 0\n")
    real = cloudflare._delete

    def refuse_once(found: dict[str, Any], request: Any) -> Any:
        found["aliases"] = ["https://feature-x.vibe-demo.pages.dev"]
        return real(found, request)

    cloudflare._delete = refuse_once  # type: ignore[method-assign]
    done = workspace.run("prune", "--apply", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    assert "it has an alias now (Cloudflare code 8000035)" in done.stdout
    assert cloudflare.deleted == []


def test_doctor_names_pushes_that_build_production_by_themselves(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    deployed(workspace, cloudflare, 74.4)
    quiet = workspace.run("doctor", env=env_for(cloudflare))
    assert quiet.code == 0, quiet.stdout + quiet.stderr
    assert quiet.stdout.startswith("doctor: no production deploy outside the gate among the last 1")
    cloudflare.production_deployments = True
    push = cloudflare.push()
    cloudflare.finish(push)
    done = workspace.run("doctor", env=env_for(cloudflare))
    assert done.code == 1, done.stdout + done.stderr
    assert "1 production deployment(s) among the last 2 did not come from the gate" in done.stdout
    assert push["id"] in done.stdout
    assert "builds every push to main branch into production by itself" in done.stdout
    workspace.write("config/deploy.yaml", PAGES + "versions:\n  branch_prefix: versions/\n")
    cloudflare.preview_setting = "none"
    assert "would not build the lasting version branches" in workspace.run("doctor", env=env_for(cloudflare)).stdout


def test_a_version_gets_its_branch_alias_as_lasting_url(
    workspace: Workspace, cloudflare: FakeCloudflare, tmp_path: Any
) -> None:
    bare = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    workspace.git("remote", "add", "origin", str(bare))
    workspace.write("results/r.json", native(74.4))
    config = PAGES + "versions:\n  branch_prefix: versions/\n"
    workspace.write("config/deploy.yaml", config)
    sha = workspace.commit("aime25 74.4", branch="main")
    cloudflare.head_sha = sha
    done = workspace.run("--json", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    assert done.json["outcome"]["version_url"] == f"https://versions-v1.{PROJECT}.pages.dev"
    pushed = subprocess.run(
        ["git", "-C", str(bare), "rev-parse", "refs/heads/versions/v1"], capture_output=True, text=True, check=True
    )
    assert pushed.stdout.strip() == sha
    assert len(cloudflare.hook_posts) == 1  # the branch builds by itself: no second POST
    preview = cloudflare.branch_push("versions/v1", sha)  # what the Git integration does with that push
    assert preview["aliases"] == [done.json["outcome"]["version_url"]]
    history = workspace.run("history", env=env_for(cloudflare))
    assert f"https://versions-v1.{PROJECT}.pages.dev" in history.stdout


def test_the_fakes_answers_are_what_the_sdk_parses(cloudflare: FakeCloudflare) -> None:
    """Guard the guard: a deployment the SDK would refuse is caught as a violation."""
    broken: dict[str, Any] = {"id": "x", "environment": "staging"}
    cloudflare._answer(broken)
    assert cloudflare.violations
    cloudflare.violations.clear()
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    for query in ({"per_page": "25", "sort": "new"}, {"env": "staging"}):  # a key, then a value, the SDK lacks
        cloudflare._list(Request(EnvironBuilder(path="/deployments", query_string=query).get_environ()))
        assert len(cloudflare.violations) == 1, query
        cloudflare.violations.clear()


def test_a_502_after_the_origin_started_the_build_is_found_not_fired_again(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    cloudflare.hook_faults = [(502, True)]  # the edge timed out; the origin had started the build
    committed(workspace, cloudflare)
    done = workspace.run("--json", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    assert done.json["outcome"]["hook_state"] == "unknown"
    assert len(cloudflare.hook_posts) == 1  # a 5xx is never retried
    (record,) = workspace.ledger_lines()
    assert record["status"] == "success"
    assert record["deploy_id"] == cloudflare.deployments[0]["id"]


def test_a_503_that_started_nothing_is_unconfirmed_and_never_fired_again(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    cloudflare.hook_faults = [(503, False)]
    committed(workspace, cloudflare)
    env = env_for(cloudflare)
    done = workspace.run(env=env)
    assert done.code == 3, done.stdout + done.stderr
    assert [r["status"] for r in workspace.ledger_lines()] == ["unconfirmed"]
    assert workspace.run(env=env).code == 0
    assert len(cloudflare.hook_posts) == 1


def test_api_faults_are_retried_and_a_lagging_listing_is_waited_for(
    workspace: Workspace, cloudflare: FakeCloudflare
) -> None:
    cloudflare.api_faults = [(503, {}), (429, {"Retry-After": "1"})]  # reads are safe to repeat
    cloudflare.listing_lag = 2
    committed(workspace, cloudflare)
    done = workspace.run("--json", env=env_for(cloudflare))
    assert done.code == 0, done.stdout + done.stderr
    (mine,) = [d for d in cloudflare.deployments if d["deployment_trigger"]["type"] == "deploy_hook"]
    assert done.json["outcome"]["deploy_url"] == mine["url"]
    assert cloudflare.api_faults == []


def test_the_action_deploys_rolls_back_and_prunes_through_github_deployments(
    workspace: Workspace, cloudflare: FakeCloudflare, fake_github: Any
) -> None:
    """In the action the ledger is GitHub Deployments, which keeps a deployment's URL but not the Pages id:
    rollback and prune find each deployment by its permalink."""
    from tests.actions_env import action_env, push_payload, run_action

    base = cloudflare.url.rstrip("/")  # type: ignore[attr-defined]
    inputs = {
        "INPUT_DEPLOY_HOOK_URL": base + HOOK_PATH,
        "INPUT_CLOUDFLARE_API_TOKEN": TOKEN,
        "INPUT_CLOUDFLARE_ACCOUNT_ID": ACCOUNT,
    }

    def action(sha: str, event: str = "push", **more: str) -> Any:
        payload = push_payload(sha, "main", ["results/r.json"], fake_github.repository) if event == "push" else {}
        env = action_env(workspace, fake_github, fake_github.url, event, payload, sha, "main", {**inputs, **more})
        env["VIBE_CLOUDFLARE_API_URL"] = base + "/client/v4"
        return run_action(workspace, env)

    first = committed(workspace, cloudflare, 74.4)
    assert action(first).code == 0
    deployed_first = cloudflare.deployments[0]
    second = committed(workspace, cloudflare, 78.0)
    done = action(second)
    assert done.code == 0, done.stdout
    assert done.outputs["deploy-url"] == cloudflare.deployments[0]["url"]
    rolled = action(second, "workflow_dispatch", INPUT_COMMAND="rollback", INPUT_TO="v1")
    assert rolled.code == 0, rolled.stdout
    assert cloudflare.canonical == deployed_first["id"]  # found by its permalink: GitHub kept no Pages id
    assert f"rolled Cloudflare Pages production back to deployment {deployed_first['id']}" in rolled.outputs["reason"]
    plan = action(second, "workflow_dispatch", INPUT_COMMAND="prune", INPUT_DRY_RUN="true")
    assert plan.code == 0, plan.stdout
    second_id = next(d["id"] for d in cloudflare.deployments if d["id"] != deployed_first["id"])
    rows = {line.split()[1]: line for line in plan.stdout.splitlines() if line.startswith(("keep ", "delete "))}
    assert "published (live)" in rows[deployed_first["id"]]
    assert "snapshot #2 of the newest 10" in rows[second_id]  # recognised by its URL (the rollback is #1)
    assert cloudflare.deleted == []


def test_answers_of_the_wrong_shape_are_read_as_nothing_not_as_characters() -> None:
    """A string where Pages lists aliases or branch patterns must not become one alias or pattern per letter."""
    from vibe_action.hosts.cloudflare.client import PagesDeployment
    from vibe_action.hosts.cloudflare.snapshots import settings_problems
    from vibe_action.inputs.sections import Versions

    odd = PagesDeployment.from_json({"id": "d1", "aliases": "https://x.pages.dev", "latest_stage": "deploy"})
    assert odd.aliases == ()
    assert odd.state == "building"
    versions = Versions(branch_prefix="versions/")
    custom = {"source": {"config": {"preview_deployment_setting": "custom", "preview_branch_includes": "v*"}}}
    assert any("would not build the lasting version branches" in p for p in settings_problems(custom, versions))
    listed = {"source": {"config": {"preview_deployment_setting": "custom", "preview_branch_includes": ["versions/*"]}}}
    assert settings_problems(listed, versions) == []
    assert settings_problems({"source": "github"}, versions) == []  # nothing readable: nothing to tell
