"""Netlify end to end: the CLI in a temporary repository against a fake Netlify with faults injected.

Each test asserts how many POSTs the build hook received (never two builds for one decision), what the ledger
recorded, and that neither the hook id nor the token appears in any output or record.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone

import pytest

from tests.conftest import RESULTS, Done, Workspace, native
from tests.fake_netlify import SITE_ID, TOKEN, FakeNetlify, HookFault, rate_limited
from tests.netlify_runs import FAST, deploy_commit, deployed_history, env, no_secret


def test_confirmed_deploy_records_its_permalink(workspace: Workspace, netlify: FakeNetlify) -> None:
    sha, done = deploy_commit(workspace, netlify, 74.4, True, FAST, "--json")
    assert done.code == 0, done.stderr
    assert len(netlify.hook_posts) == 1
    (deploy,) = netlify.deploys
    data = done.json
    assert data["deployed"] is True
    assert data["outcome"]["deploy_url"] == deploy["deploy_ssl_url"]
    assert data["outcome"]["netlify_state"] == "ready"
    (record,) = workspace.ledger_lines()
    assert (record["status"], record["deploy_id"], record["deploy_url"]) == (
        "success",
        deploy["id"],
        deploy["deploy_ssl_url"],
    )
    assert record["extra"].get("commit_mismatch") is None
    body = json.loads(netlify.hook_posts[0].body)
    assert body == {
        "sha": sha,
        "branch": "main",
        "scores": {"aime25": 74.4, "hmmt25": 50.4, "livecodebench_v6": 51.1},
        "model": {"name": "VibeThinker-1.5B", "revision": "r1"},
    }
    assert netlify.hook_posts[0].query["trigger_title"] == f"aime25 74.4 @ {sha[:7]}"
    no_secret(netlify, workspace, done)


def test_hook_404_says_it_was_deleted_or_rotated(workspace: Workspace, netlify: FakeNetlify) -> None:
    netlify.hook_faults = [HookFault(404)]
    _, done = deploy_commit(workspace, netlify)
    assert done.code == 3
    assert "build hook not found — was it deleted or rotated? Create a new one in Site settings → Build hooks" in (
        done.stdout
    )
    assert len(netlify.hook_posts) == 1
    assert [r["status"] for r in workspace.ledger_lines()] == ["failure"]
    no_secret(netlify, workspace, done)


def test_a_5xx_that_followed_a_started_build_is_confirmed_with_a_token_and_never_fired_twice(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    # Netlify's edge can answer 502 after the origin accepted the hook: the build runs (contract README).
    netlify.hook_faults = [HookFault(502, starts_build=True)]
    _, done = deploy_commit(workspace, netlify, 74.4, True, FAST, "--json")
    assert done.code == 0, done.stdout + done.stderr
    assert len(netlify.hook_posts) == 1  # a 5xx is never retried: the build may exist
    (deploy,) = netlify.deploys
    assert done.json["outcome"]["hook_state"] == "unknown"
    assert done.json["outcome"]["deploy_id"] == deploy["id"]
    assert [r["status"] for r in workspace.ledger_lines()] == ["success"]
    no_secret(netlify, workspace, done)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_5xx_without_a_token_is_unconfirmed_and_never_fired_again(
    workspace: Workspace, netlify: FakeNetlify, status: int
) -> None:
    netlify.hook_faults = [HookFault(status, starts_build=status == 502)]
    _, first = deploy_commit(workspace, netlify, api=False)
    assert first.code == 3
    assert f"build hook answered HTTP {status} after the request was sent; the build may have started" in (first.stdout)
    assert [r["status"] for r in workspace.ledger_lines()] == ["unconfirmed"]
    again = workspace.run(env=env(netlify, api=False))
    assert "is already deployed" in again.stdout
    assert len(netlify.hook_posts) == 1


def test_a_5xx_whose_build_never_appears_is_unconfirmed_after_looking(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    netlify.hook_faults = [HookFault(503)]  # nothing was started, but the gate cannot know that from a 503
    _, done = deploy_commit(workspace, netlify)
    assert done.code == 3
    assert "no Netlify deploy for this build appeared" in done.stdout
    assert [r["status"] for r in workspace.ledger_lines()] == ["unconfirmed"]
    assert len(netlify.hook_posts) == 1


def test_429_is_retried_after_retry_after(workspace: Workspace, netlify: FakeNetlify) -> None:
    netlify.hook_faults = [HookFault(429, {"Retry-After": "1"})]
    _, done = deploy_commit(workspace, netlify)
    assert done.code == 0, done.stdout + done.stderr
    assert "build hook: nothing was started; trying again in 1 s" in done.stderr  # the wait it was told
    assert len(netlify.hook_posts) == 2  # the refused POST, then the one that started the build
    assert len(netlify.deploys) == 1


def test_read_timeout_without_api_is_unconfirmed_and_never_refired(workspace: Workspace, netlify: FakeNetlify) -> None:
    netlify.hook_faults = [HookFault(200, hang=3)]
    _, done = deploy_commit(workspace, netlify, api=False)
    assert done.code == 3
    assert "the build may have started — not fired again" in done.stdout
    assert [r["status"] for r in workspace.ledger_lines()] == ["unconfirmed"]
    again = workspace.run(env=env(netlify, api=False))
    assert "is already deployed" in again.stdout
    assert len(netlify.hook_posts) == 1
    no_secret(netlify, workspace, done, again)


def test_read_timeout_with_api_looks_for_the_deploy(workspace: Workspace, netlify: FakeNetlify) -> None:
    netlify.hook_faults = [HookFault(200, hang=3)]
    _, done = deploy_commit(workspace, netlify, 74.4, True, FAST, "--json")
    assert done.code == 0, done.stdout + done.stderr
    assert done.json["outcome"]["hook_state"] == "unknown"
    (record,) = workspace.ledger_lines()
    assert (record["status"], record["deploy_id"]) == ("success", netlify.deploys[0]["id"])
    assert len(netlify.hook_posts) == 1


def test_connection_refused_sends_nothing(workspace: Workspace, netlify: FakeNetlify) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    workspace.write("config/deploy.yaml", FAST)
    workspace.write(RESULTS, native())
    workspace.commit("x", branch="main")
    done = workspace.run(env={"VIBE_BUILD_HOOK_URL": f"http://127.0.0.1:{port}/build_hooks/{netlify.hook_id}"})
    assert done.code == 3
    assert "nothing was sent" in done.stdout
    assert [r["status"] for r in workspace.ledger_lines()] == ["failure"]
    assert netlify.hook_id not in done.stdout + done.stderr


def test_a_deploy_that_ends_in_error_marks_the_snapshot_failed(workspace: Workspace, netlify: FakeNetlify) -> None:
    netlify.final_state = "error"
    netlify.error_message = "Build script returned non-zero exit code: 2"
    _, done = deploy_commit(workspace, netlify)
    assert done.code == 3
    assert "Build script returned non-zero exit code: 2" in done.stdout
    (record,) = workspace.ledger_lines()
    assert record["status"] == "failure"
    retry = workspace.run(env=env(netlify))  # a failed build is not "deployed": the next run builds again
    assert len(netlify.hook_posts) == 2
    assert retry.code == 3


def test_a_locked_published_deploy_blocks_and_names_the_lock(workspace: Workspace, netlify: FakeNetlify) -> None:
    # Netlify builds new deploys but does not publish them while the published one is locked ("Manage deploys").
    (old,) = netlify.seed(1, locked=True)
    netlify.published_id = old
    _, done = deploy_commit(workspace, netlify)
    assert done.code == 1, done.stdout + done.stderr
    assert f"production is locked on Netlify deploy {old}, locked since" in done.stdout
    assert "`vibe-gate unlock`" in done.stdout
    assert netlify.hook_posts == []
    assert workspace.ledger_lines() == []


def test_a_rollbacks_lock_blocks_until_it_is_lifted_in_netlify(workspace: Workspace, netlify: FakeNetlify) -> None:
    _, second, _ = deployed_history(workspace, netlify)
    assert workspace.run("rollback", "--previous", env=env(netlify)).code == 0
    posts = len(netlify.hook_posts)
    better, blocked = deploy_commit(workspace, netlify, 85.0)
    assert blocked.code == 1, blocked.stdout + blocked.stderr
    assert f"production is locked on v2 ({second[:7]}), locked since " in blocked.stdout
    assert len(netlify.hook_posts) == posts  # nothing built that would not be published
    netlify.get(netlify.published_id)["locked"] = False  # someone unlocked it in Netlify's UI
    again = workspace.run(env=env(netlify))
    assert again.code == 0, again.stdout + again.stderr
    assert len(netlify.hook_posts) == posts + 1
    assert netlify.get(netlify.published_id)["commit_ref"] == better


def test_unlock_releases_the_lock_and_a_run_without_a_token_knows(workspace: Workspace, netlify: FakeNetlify) -> None:
    _, second, _ = deployed_history(workspace, netlify)
    assert workspace.run("rollback", "--previous", env=env(netlify)).code == 0
    _, blocked = deploy_commit(workspace, netlify, 85.0, False)  # no token: the ledger tells of the lock
    assert blocked.code == 1
    assert f"production is locked on v2 ({second[:7]})" in blocked.stdout
    locked_id = netlify.published_id
    done = workspace.run("unlock", env=env(netlify))
    assert done.code == 0, done.stdout + done.stderr
    assert f"unlocked v2 ({second[:7]}) (Netlify deploy {locked_id})" in done.stdout
    assert netlify.get(locked_id)["locked"] is False
    assert len(netlify.api("POST", "/unlock")) == 1
    assert workspace.run("unlock", env=env(netlify)).stdout.startswith("nothing to unlock")
    posts = len(netlify.hook_posts)
    deployed = workspace.run(env=env(netlify, api=False))
    assert deployed.code == 0, deployed.stdout + deployed.stderr
    assert len(netlify.hook_posts) == posts + 1
    statuses = [(r["decision"], r["status"]) for r in workspace.ledger_lines()]
    assert ("unlock", "cancelled") in statuses  # counts for nothing: no build, no baseline
    assert statuses[-1] == ("deploy", "success")


def test_unlock_without_a_token_says_what_it_needs(workspace: Workspace, netlify: FakeNetlify) -> None:
    workspace.write("config/deploy.yaml", FAST)
    done = workspace.run("unlock")
    assert done.code == 2
    assert netlify.log == []
    assert "unlock needs Netlify API access: set --netlify-token (or NETLIFY_AUTH_TOKEN)" in done.stderr


def test_a_build_of_another_commit_is_flagged(workspace: Workspace, netlify: FakeNetlify) -> None:
    workspace.write("config/deploy.yaml", FAST)
    workspace.write(RESULTS, native())
    sha = workspace.commit("evaluated", branch="main")
    netlify.head_sha = "9" * 40  # the branch moved on before Netlify started the build
    done = workspace.run(env=env(netlify))
    assert done.code == 0
    assert f"Netlify built commit 9999999, not the evaluated {sha[:7]}" in done.stderr
    (record,) = workspace.ledger_lines()
    assert record["extra"]["commit_mismatch"] is True
    assert record["extra"]["commit_ref"] == "9" * 40


def test_trigger_api_starts_the_build_without_the_hook(workspace: Workspace, netlify: FakeNetlify) -> None:
    config = FAST.replace("netlify:\n", "netlify:\n  trigger: api\n")
    sha, done = deploy_commit(workspace, netlify, 74.4, True, config, "--json")
    assert done.code == 0, done.stdout + done.stderr
    assert netlify.hook_posts == []
    (build,) = netlify.api("POST", "/builds")
    assert build.query == {"title": f"aime25 74.4 @ {sha[:7]} [vibe-gate]"}  # what the API recipe lets through
    assert done.json["outcome"]["deploy_id"] == netlify.deploys[0]["id"]


def test_trigger_api_without_a_token_is_invalid_input(workspace: Workspace, netlify: FakeNetlify) -> None:
    config = FAST.replace("netlify:\n", "netlify:\n  trigger: api\n")
    _, done = deploy_commit(workspace, netlify, 74.4, False, config)
    assert done.code == 2
    assert "netlify.trigger is 'api' but no Netlify token and site id are set" in done.stderr
    assert workspace.ledger_lines() == []


def test_rollback_to_the_previous_snapshot_restores_and_locks_it(workspace: Workspace, netlify: FakeNetlify) -> None:
    first, second, third = deployed_history(workspace, netlify)
    second_deploy = next(r["deploy_id"] for r in workspace.ledger_lines() if r["sha"] == second)
    done = workspace.run("rollback", "--previous", env=env(netlify))
    assert done.code == 0, done.stdout + done.stderr
    assert (
        f"rolled back from {third[:7]} to v2 ({second[:7]}): restored Netlify deploy {second_deploy} and locked it"
        in (done.stdout)
    )
    assert netlify.published_id == second_deploy
    assert netlify.get(second_deploy)["locked"] is True
    assert [s.path for s in netlify.api("POST")] == [
        f"/api/v1/sites/{SITE_ID}/deploys/{second_deploy}/restore",
        f"/api/v1/deploys/{second_deploy}/lock",
    ]
    latest = workspace.ledger_lines()[-1]
    assert (latest["sha"], latest["decision"], latest["status"]) == (second, "rollback", "success")
    # The next decision compares with what is live now: the restored snapshot (77.5).
    workspace.write(RESULTS, native(79.0))
    workspace.commit("after rollback")
    nxt = workspace.run("--dry-run", "--json", env=env(netlify)).json
    assert nxt["baseline"]["sha"] == second
    assert nxt["quota"]["used"] == 3  # a rollback builds nothing and costs no credits
    rollback_to = workspace.run("rollback", "--to", first[:7], "--no-lock", env=env(netlify))
    assert rollback_to.code == 0
    assert "(not locked" in rollback_to.stdout
    no_secret(netlify, workspace, done, rollback_to)


def test_prune_pages_through_250_deploys_and_never_deletes_what_must_stay(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    old = netlify.seed(244, age_days=90)  # previews and pre-gate builds, three months old
    locked = netlify.seed(1, age_days=60, locked=True)[0]
    recent = netlify.seed(2, age_days=1)
    config = FAST + "retention:\n  keep: 2\n  grace_days: 14\n"
    shas = []
    for score in (74.4, 77.5, 80.0):
        sha, _ = deploy_commit(workspace, netlify, score, True, config)
        shas.append(sha)
    ledger = {r["sha"]: r["deploy_id"] for r in workspace.ledger_lines()}
    assert len(netlify.deploys) == 250

    plan = workspace.run("prune", env=env(netlify))
    assert plan.code == 0, plan.stderr
    assert (
        plan.stdout.splitlines()[0]
        == "prune: 250 deploys, 5 kept, 245 to delete — plan only; run with --apply to delete"
    )
    assert len(netlify.deploys) == 250  # nothing deleted without --apply
    lists = netlify.api("GET", "/deploys")
    assert [s.query.get("page") for s in lists[-3:]] == ["1", "2", "3"]

    done = workspace.run("prune", "--apply", env=env(netlify))
    assert done.code == 0
    remaining = {d["id"] for d in netlify.deploys}
    assert remaining == {ledger[shas[2]], ledger[shas[1]], locked, *recent}
    assert ledger[shas[0]] not in remaining
    assert not remaining & set(old)
    assert netlify.published_id in remaining
    statuses = {r["sha"]: r["status"] for r in workspace.ledger_lines()}
    assert statuses == {shas[0]: "pruned", shas[1]: "success", shas[2]: "success"}
    assert len(netlify.api("DELETE")) == 245


def test_prune_honours_429_on_the_listing(workspace: Workspace, netlify: FakeNetlify) -> None:
    netlify.seed(3, age_days=90)
    netlify.api_faults[("GET", "deploys")] = [(429, {"Retry-After": "1"})]
    workspace.write("config/deploy.yaml", FAST)
    done = workspace.run("prune", env=env(netlify))
    assert done.code == 0, done.stderr
    assert done.stdout.startswith("prune: 3 deploys, 1 kept, 2 to delete")  # the newest of main stays


def test_a_429_with_x_ratelimit_reset_waits_until_the_reset(workspace: Workspace, netlify: FakeNetlify) -> None:
    # Netlify says when its limit resets in X-RateLimit-Reset (epoch seconds), with no Retry-After.
    netlify.seed(3, age_days=90)
    netlify.api_faults[("GET", "deploys")] = [rate_limited(1)]
    workspace.write("config/deploy.yaml", FAST)
    done = workspace.run("prune", env=env(netlify))
    assert done.code == 0, done.stderr
    # (how long it waits: tests/unit/test_retry_waits.py reads the reset against the answer's Date, no clock)
    assert len(netlify.api("GET", "/deploys")) == 2
    assert done.stdout.startswith("prune: 3 deploys, 1 kept, 2 to delete")  # the newest of main stays


def test_a_429_whose_reset_is_far_away_fails_clearly(workspace: Workspace, netlify: FakeNetlify) -> None:
    netlify.seed(3, age_days=90)
    fault = rate_limited(600)
    netlify.api_faults[("GET", "deploys")] = [fault]
    workspace.write("config/deploy.yaml", FAST)
    done = workspace.run("prune", "--apply", env=env(netlify))
    assert done.code == 3, done.stdout + done.stderr
    reset = datetime.fromtimestamp(int(fault[1]["X-RateLimit-Reset"]), timezone.utc)  # as the answer says it
    assert f"rate limited, and the limit resets at {reset:%H:%M:%S} UTC (X-RateLimit-Reset)" in done.stderr
    assert "more than the 60 s the gate waits" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(netlify.api("GET", "/deploys")) == 1
    assert netlify.api("DELETE") == []


def test_doctor_lists_production_builds_the_gate_did_not_start(workspace: Workspace, netlify: FakeNetlify) -> None:
    deployed_history(workspace, netlify)
    rogue = netlify.seed(2, age_days=0.5, title="Merge pull request #12 from someone/feature")
    netlify.seed(1, age_days=0.5, context="deploy-preview", title="Deploy Preview #13")
    done = workspace.run("doctor", env=env(netlify))
    assert done.code == 1
    assert done.stdout.startswith("doctor: 2 production deploy(s) among the last 6 did not come from the gate")
    for ident in rogue:
        assert ident in done.stdout
    assert "netlify.toml 'ignore' command" in done.stdout
    netlify.deploys = [d for d in netlify.deploys if d["id"] not in rogue]
    assert workspace.run("doctor", env=env(netlify)).code == 0


def test_two_runs_at_once_fire_the_hook_once(workspace: Workspace, netlify: FakeNetlify) -> None:
    workspace.write("config/deploy.yaml", FAST)
    workspace.write(RESULTS, native(74.4))
    netlify.head_sha = workspace.commit("x", branch="main")
    results: list[Done] = []

    def run() -> None:
        results.append(workspace.run(env=env(netlify)))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(r.code for r in results) == [0, 0, 0]
    assert len(netlify.hook_posts) == 1
    statuses = sorted(r["status"] for r in workspace.ledger_lines())
    assert statuses.count("success") == 1
    assert set(statuses) <= {"success", "cancelled"}


def test_previous_is_the_version_live_before_the_one_live_now_through_rollbacks(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    """Issue 21: `--previous` is defined once (help, README, docs/cli.md): the version that was live before the
    one live now — after a rollback, the version it replaced; twice in a row, it goes back and forth."""
    from vibe_action.cli.parser import PREVIOUS

    first, _second, third = deployed_history(workspace, netlify)
    assert PREVIOUS in workspace.run("rollback", "--help").stdout.replace("\n", " ").replace("  ", " ")
    assert workspace.run("rollback", "--to", "v1", env=env(netlify)).code == 0
    undo = workspace.run("rollback", "--previous", env=env(netlify))
    assert undo.code == 0, undo.stdout + undo.stderr
    assert undo.stdout.startswith(f"rolled back from {first[:7]} to v3 ({third[:7]})")  # what the rollback replaced
    again = workspace.run("rollback", "--previous", env={**env(netlify), "COLUMNS": "80"})
    assert " ".join(again.stdout.split()).startswith(f"rolled back from {third[:7]} to v1 ({first[:7]})")
    assert "live: None" not in undo.stdout + again.stdout
    assert max(len(line) for line in again.stdout.splitlines()) <= 80, again.stdout  # fitted to the terminal


def test_rollback_finds_a_snapshot_deployed_without_a_token_by_its_title(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    netlify.polls_until_final = 1  # the builds finish while nobody watches, as on Netlify
    first, _ = deploy_commit(workspace, netlify, 74.4, False)  # no token: no deploy id in the ledger
    deploy_commit(workspace, netlify, 77.5, False)
    (record,) = [r for r in workspace.ledger_lines() if r["sha"] == first]
    assert record["deploy_id"] is None
    done = workspace.run("rollback", "--to", first[:7], env=env(netlify))
    assert done.code == 0, done.stdout + done.stderr
    (found,) = [d for d in netlify.deploys if d["title"] == record["extra"]["title"]]
    assert netlify.published_id == found["id"]
    assert f"restored Netlify deploy {found['id']}" in done.stdout


def test_doctor_fails_loudly_when_builds_are_stopped(workspace: Workspace, netlify: FakeNetlify) -> None:
    deploy_commit(workspace, netlify, 74.4)
    netlify.stop_builds = True
    done = workspace.run("doctor", env=env(netlify))
    assert done.code == 1
    assert "builds are stopped on this site — the gate's build hook will never build" in done.stdout
    netlify.stop_builds = False
    assert workspace.run("doctor", env=env(netlify)).code == 0


def test_an_answer_that_echoes_the_secrets_never_reaches_the_ledger(workspace: Workspace, netlify: FakeNetlify) -> None:
    netlify.final_state = "error"
    netlify.error_message = f"build failed for {netlify.hook_url} with Bearer {TOKEN}"  # type: ignore[attr-defined]
    _, done = deploy_commit(workspace, netlify)
    assert done.code == 3
    assert "build failed for ***" in done.stdout
    assert "build failed for ***" in json.dumps(workspace.raw_ledger())
    no_secret(netlify, workspace, done)


def test_rollback_to_the_live_version_is_a_no_op_that_says_so(workspace: Workspace, netlify: FakeNetlify) -> None:
    _, _, third = deployed_history(workspace, netlify)
    posts, lines = len(netlify.hook_posts), len(workspace.raw_ledger())
    done = workspace.run("rollback", "--to", "v3", env=env(netlify))
    assert done.code == 0, done.stdout + done.stderr
    assert f"v3 ({third[:7]}) is live already; nothing was restored, rebuilt or recorded" in done.stdout
    assert (len(netlify.hook_posts), len(workspace.raw_ledger())) == (posts, lines)
    assert netlify.api("POST", "/restore") == []


def test_rollback_to_a_prefix_of_two_commits_names_both(workspace: Workspace, netlify: FakeNetlify) -> None:
    from vibe_action.ledger.local import LocalLedger
    from vibe_action.ledger.records import Record

    ledger = LocalLedger(workspace.path / ".vibe-deploy-gate" / "ledger.jsonl")
    for sha in ("ab12cd3" + "1" * 33, "ab12cd3" + "2" * 33, "ef" * 20):
        ledger.append(Record(sha=sha, branch="main", time="2026-11-20T10:00:00Z", status="success", scores={"a": 1.0}))
    workspace.write("config/deploy.yaml", FAST)
    done = workspace.run("rollback", "--to", "ab12cd3", env=env(netlify))
    assert done.code == 2
    assert "'ab12cd3' names 2 deployed commits (ab12cd311111, ab12cd322222)" in done.stderr
    assert netlify.api("POST") == []
