"""`target: vercel` (issue 31, third host) through the real CLI against the fake Vercel (tests/fake_vercel.py:
every create body and every answer checked against JSON Schemas made from the official `@vercel/sdk`)."""

from __future__ import annotations

from tests.conftest import CONFIG, RESULTS, Done, Workspace, native
from tests.fake_vercel import PROJECT, PROJECT_ID, TEAM, TOKEN, FakeVercel

VERCEL = CONFIG + "target: vercel\nnetlify:\n  poll_interval: 0\n  confirm_timeout: 5\nhook:\n  timeout: 2\n"
UPLOAD = VERCEL + "upload:\n  dir: dist\n"


def env_for(fake: FakeVercel, org: str | None = None) -> dict[str, str]:
    env = {"VIBE_VERCEL_API_URL": fake.url, "VERCEL_TOKEN": TOKEN, "VERCEL_PROJECT_ID": PROJECT_ID}  # type: ignore[attr-defined]
    if org:
        env["VERCEL_ORG_ID"] = org
    return env


def built(ws: Workspace, version: str = "v1") -> None:
    ws.write("dist/index.html", f"<h1>demo {version}</h1>")
    ws.write("dist/assets/app.js", "console.log('demo')")
    ws.write("dist/.env", "SECRET=do-not-ship")


def deploy(
    ws: Workspace, fake: FakeVercel, score: float, *args: str, config: str = UPLOAD, org: str | None = None
) -> Done:
    ws.write("config/deploy.yaml", config)
    ws.write(RESULTS, native(score))
    ws.commit(f"aime25 {score}", branch="main")
    return ws.run(*args, env=env_for(fake, org))


def test_a_deploy_verdict_uploads_a_prebuilt_production_deployment(workspace: Workspace, vercel: FakeVercel) -> None:
    built(workspace)
    done = deploy(workspace, vercel, 74.4, "--json")
    assert done.code == 0, done.stdout + done.stderr
    (made,) = vercel.deployments
    assert made["target"] == "production"
    assert made["readyState"] == "READY"
    assert vercel.production == made["id"]
    assert vercel.served(made["id"]) == {"/index.html": b"<h1>demo v1</h1>", "/assets/app.js": b"console.log('demo')"}
    (body,) = vercel.bodies
    assert {f["file"] for f in body["files"]} >= {".vercel/output/config.json"}  # Build Output API v3: no build
    assert body["meta"]["vibeGateSha"] == workspace.ledger_lines()[-1]["sha"]
    statuses = [(line["status"], line.get("deploy_id")) for line in workspace.raw_ledger()]
    assert statuses == [("in_progress", None), ("in_progress", made["id"]), ("success", made["id"])]
    assert done.json["outcome"]["deploy_url"] == f"https://{made['url']}"
    assert TOKEN not in done.stdout + done.stderr


def test_only_missing_files_are_sent_and_a_failed_file_is_sent_again(workspace: Workspace, vercel: FakeVercel) -> None:
    built(workspace)
    vercel.file_faults = [503]
    assert deploy(workspace, vercel, 74.4).code == 0
    sent = len([r for r in vercel.log if r.path == "/v2/files"])
    built(workspace, "v2")
    done = deploy(workspace, vercel, 80.0)
    assert done.code == 0, done.stdout + done.stderr
    again = [r for r in vercel.log if r.path == "/v2/files"][sent:]
    assert [r.get_data() for r in again] == [b"<h1>demo v2</h1>"]
    assert (
        len([r for r in vercel.log if r.method == "POST" and r.path == "/v13/deployments"]) == 4
    )  # 2 x (missing, made)


def test_a_team_project_names_the_team_on_every_call(workspace: Workspace, vercel: FakeVercel) -> None:
    vercel.team = TEAM
    built(workspace)
    done = deploy(workspace, vercel, 74.4, org=TEAM)
    assert done.code == 0, done.stdout + done.stderr
    assert all(r.args.get("teamId") == TEAM for r in vercel.log)


def test_a_lost_create_answer_is_found_by_its_commit_and_never_made_twice(
    workspace: Workspace, vercel: FakeVercel
) -> None:
    built(workspace)
    vercel.create_answer_lost = True
    done = deploy(workspace, vercel, 74.4)
    assert done.code == 0, done.stdout + done.stderr
    assert len(vercel.deployments) == 1
    assert "its answer was lost; found by its commit" in done.stdout + done.stderr
    assert workspace.ledger_lines()[-1]["status"] == "success"


def test_a_failed_build_is_a_failure(workspace: Workspace, vercel: FakeVercel) -> None:
    built(workspace)
    vercel.final_state = "ERROR"
    done = deploy(workspace, vercel, 74.4)
    assert done.code == 3, done.stdout + done.stderr
    assert "Command exited with 1" in done.stdout
    assert workspace.ledger_lines()[-1]["status"] == "failure"


def test_a_pull_request_gets_a_preview_that_says_it_may_need_a_login(workspace: Workspace, vercel: FakeVercel) -> None:
    built(workspace)
    deploy(workspace, vercel, 74.4)
    live, records = vercel.production, len(workspace.raw_ledger())
    built(workspace, "candidate")
    workspace.write(RESULTS, native(80.0))
    workspace.commit("candidate", branch="feature/x")
    done = workspace.run("--event", "pull_request", "--preview", "--json", env=env_for(vercel))
    assert done.code == 0, done.stdout + done.stderr
    preview = done.json["preview_deploy"]
    made = vercel.get(preview["deploy_id"])
    assert made["target"] is None
    assert preview["url"] == f"https://{made['url']}"
    assert "Vercel Authentication" in preview["message"]
    assert vercel.production == live
    assert len(workspace.raw_ledger()) == records


def test_previews_stop_at_their_daily_budget(workspace: Workspace, vercel: FakeVercel) -> None:
    built(workspace)
    workspace.write("config/deploy.yaml", UPLOAD + "preview: true\npreview_budget: 1\n")
    workspace.write(RESULTS, native(80.0))
    workspace.commit("an experiment", branch="experiment/x")
    vercel._new({"meta": {"vibeGateKind": "preview"}})  # one made already today
    done = workspace.run("--json", env=env_for(vercel))
    assert done.code == 0, done.stdout + done.stderr
    assert done.json["preview_deploy"]["url"] is None
    assert "the preview budget is 1 a day" in done.json["preview_deploy"]["message"]


def test_rollback_is_instant_and_hobby_reaches_only_one_step_back(workspace: Workspace, vercel: FakeVercel) -> None:
    built(workspace)
    deploy(workspace, vercel, 74.4)
    first = vercel.production
    built(workspace, "v2")
    deploy(workspace, vercel, 80.0)
    built(workspace, "v3")
    deploy(workspace, vercel, 85.0)
    shas = [r["sha"] for r in workspace.ledger_lines() if r["status"] == "success"]
    refused = workspace.run("rollback", "--to", shas[0][:7], env=env_for(vercel))
    assert refused.code == 2
    assert "Hobby plan" in refused.stderr
    assert "cannot be rebuilt here" in refused.stderr  # never this checkout's folder as the old version
    assert vercel.production != first
    done = workspace.run("rollback", "--to", shas[1][:7], env=env_for(vercel))
    assert done.code == 0, done.stdout + done.stderr
    assert vercel.rollbacks == [f"rollback {workspace.ledger_lines()[-1]['deploy_id']}"]


def test_doctor_wants_git_builds_off_in_upload_mode(workspace: Workspace, vercel: FakeVercel) -> None:
    workspace.write("config/deploy.yaml", UPLOAD)
    vercel.git_linked = True
    found = workspace.run("doctor", env=env_for(vercel))
    assert found.code == 1
    assert '"deploymentEnabled": false' in found.stdout
    workspace.write("vercel.json", '{"git": {"deploymentEnabled": false}}')
    clean = workspace.run("doctor", env=env_for(vercel))
    assert clean.code == 0, clean.stdout + clean.stderr


def test_without_upload_a_vercel_deploy_hook_fires(workspace: Workspace, vercel: FakeVercel) -> None:
    hook = f"{vercel.url}/v1/integrations/deploy/{PROJECT_ID}/abc123"  # type: ignore[attr-defined]
    workspace.write("config/deploy.yaml", VERCEL)
    workspace.write(RESULTS, native(74.4))
    workspace.commit("aime25", branch="main")
    done = workspace.run(env={"VIBE_BUILD_HOOK_URL": hook})
    assert "a Vercel Deploy Hook answers with a job" in done.stdout + done.stderr
    assert vercel.hook_posts == 1
    assert vercel.deployments == []
    assert PROJECT not in done.stderr


def test_the_daily_deployment_limit_is_a_plain_refusal_and_nothing_is_recorded_as_live(
    workspace: Workspace, vercel: FakeVercel
) -> None:
    built(workspace)
    vercel.daily_limit = 0  # Hobby's 100 a day, used up
    done = deploy(workspace, vercel, 74.4)
    assert done.code == 3, done.stdout + done.stderr
    assert "api-deployments-free-per-day" in done.stdout
    assert "Hobby: 100 deployments a day" in done.stdout
    assert workspace.ledger_lines()[-1]["status"] == "failure"
    assert vercel.deployments == []


def test_prune_keeps_what_production_serves_and_doctor_names_outside_deploys(
    workspace: Workspace, vercel: FakeVercel
) -> None:
    built(workspace)
    for score in (74.4, 80.0, 85.0):
        built(workspace, str(score))
        assert deploy(workspace, vercel, score).code == 0
    outside = vercel._new({"target": "production", "meta": {}})  # someone ran `vercel --prod` by hand
    vercel.get(outside["id"])["readyState"] = "READY"
    found = workspace.run("doctor", env=env_for(vercel))
    assert found.code == 1
    assert outside["id"] in found.stdout
    live = workspace.run("unlock", env=env_for(vercel))
    assert "Traceback" not in live.stderr
    plan = workspace.run("prune", "--json", env=env_for(vercel))  # a plan: nothing deleted without --apply
    assert plan.code == 0, plan.stdout + plan.stderr
    assert vercel.production in plan.stdout
    applied = workspace.run("prune", "--apply", "--keep", "1", env=env_for(vercel))
    assert applied.code == 0, applied.stdout + applied.stderr
    assert vercel.production in {d["id"] for d in vercel.deployments}  # what production serves is never deleted
