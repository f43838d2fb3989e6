"""The gate against a Netlify that behaves like the real one: a site linked to the repository builds every push
(each cancelled by the README's `ignore` recipe, run for real with `sh -c` at that commit), the hook's own
deploy is listed only after a lag, and an earlier build of the same commit carries the same title.

The gate and the fake share a virtual clock (tests/clock.py): a 30 s lag costs no wall time, and the order of
events never depends on the machine's speed. HTTP is real, to the fake on 127.0.0.1.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests

from tests.clock import VirtualClock
from tests.conftest import CONFIG, RESULTS, Workspace, native
from tests.fake_netlify import CANCELED, HOOK_NAME, SITE_ID, TOKEN, FakeNetlify
from tests.recipes import ignore_recipe, python_block
from vibe_action.app.run import RunRequest, run_gate
from vibe_action.app.wiring import HostAccess, NetlifyAccess, Services
from vibe_action.decide.decision import Decision
from vibe_action.ledger.local import LocalLedger
from vibe_action.redact import Secrets

PATIENT = CONFIG + "netlify:\n  poll_interval: 1\n  confirm_timeout: 60\n"


def linked(ws: Workspace, netlify: FakeNetlify, clock: VirtualClock, lag: float = 0.0) -> None:
    """The README's set-up: netlify.toml with the `ignore` recipe, the site linked to this repository."""
    ws.write("netlify.toml", ignore_recipe("README.md"))
    ws.write("config/deploy.yaml", PATIENT)
    netlify.repo = ws.path
    netlify.clock = clock.now
    netlify.listing_lag = lag


def pushed(ws: Workspace, netlify: FakeNetlify, score: float) -> str:
    """Commit results and push: Netlify's continuous deployment builds the push (and the recipe cancels it)."""
    ws.write(RESULTS, native(score))
    sha = ws.commit(f"aime25 {score}", branch="main")
    netlify.push(sha)
    return sha


def gate(ws: Workspace, netlify: FakeNetlify, clock: VirtualClock, sha: str) -> Decision:
    with requests.Session() as session:
        secrets = Secrets()
        services = Services(
            LocalLedger(ws.path / ".vibe-deploy-gate" / "ledger.jsonl"),
            session,
            secrets,
            clock=clock.monotonic,
            sleep=clock.sleep,
            wall_clock=clock.now,
        )
        request = RunRequest(
            workspace=ws.path,
            config_path="config/deploy.yaml",
            sha=sha,
            branch="main",
            now=clock.now(),
            hook_url=netlify.hook_url,  # type: ignore[attr-defined]
            access=HostAccess(NetlifyAccess(TOKEN, SITE_ID, netlify.api_url)),  # type: ignore[attr-defined]
        )
        return run_gate(request, services)


@pytest.mark.parametrize("lag", [0.0, 3.0, 30.0])
def test_the_hooks_own_deploy_is_confirmed_whatever_the_listing_lag(
    workspace: Workspace, netlify: FakeNetlify, lag: float
) -> None:
    clock = VirtualClock()
    linked(workspace, netlify, clock, lag)
    sha = pushed(workspace, netlify, 74.4)
    (push_build,) = netlify.cancelled  # the push's own build: listed, cancelled, same commit
    assert (push_build["commit_ref"], push_build["state"], push_build["context"]) == (sha, "error", "production")

    decision = gate(workspace, netlify, clock, sha)

    assert decision.deployed, decision.outcome
    assert len(netlify.hook_posts) == 1
    hook_build = next(d for d in netlify.deploys if d["id"] != push_build["id"])
    assert hook_build["title"] == f"aime25 74.4 @ {sha[:7]}"
    assert decision.outcome.deploy_id == hook_build["id"]
    assert decision.outcome.deploy_url == hook_build["deploy_ssl_url"]
    (record,) = workspace.ledger_lines()
    assert (record["status"], record["deploy_id"]) == ("success", hook_build["id"])
    assert clock.elapsed >= lag  # it waited for the listing, within netlify.confirm_timeout
    # The recipe ran for both builds, with Netlify's environment: only the hook build has INCOMING_HOOK_*.
    push_env, hook_env = netlify.ignore_runs
    assert "INCOMING_HOOK_TITLE" not in push_env
    assert (push_env["COMMIT_REF"], push_env["BRANCH"], push_env["CONTEXT"]) == (sha, "main", "production")
    assert hook_env["INCOMING_HOOK_TITLE"] == HOOK_NAME
    assert json.loads(hook_env["INCOMING_HOOK_BODY"])["sha"] == sha


def test_a_lag_past_the_budget_is_recorded_as_started_never_as_the_cancelled_push_build(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    clock = VirtualClock()
    linked(workspace, netlify, clock, lag=600.0)
    sha = pushed(workspace, netlify, 74.4)
    decision = gate(workspace, netlify, clock, sha)
    assert decision.deployed  # the hook accepted it: a started build, its permalink not known yet
    assert decision.outcome.deploy_id is None
    assert any("permalink is not known yet" in w for w in decision.outcome.warnings)
    assert CANCELED not in json.dumps(workspace.ledger_lines())
    assert len(netlify.hook_posts) == 1


def test_a_retry_after_a_failed_build_waits_for_its_own_deploy_not_the_old_failure(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    clock = VirtualClock()
    linked(workspace, netlify, clock, lag=30.0)
    sha = pushed(workspace, netlify, 74.4)
    netlify.final_state = "error"
    first = gate(workspace, netlify, clock, sha)
    assert not first.deployed
    failed_id = first.outcome.deploy_id
    assert netlify.get(failed_id)["state"] == "error"

    netlify.final_state = "ready"  # the next run of the same commit: same title, a new build
    clock.sleep(5)  # well within the clock skew the time check allows
    second = gate(workspace, netlify, clock, sha)
    assert second.deployed, second.outcome
    assert second.outcome.deploy_id not in (failed_id, None)
    assert netlify.get(second.outcome.deploy_id)["state"] == "ready"
    assert [r["status"] for r in workspace.ledger_lines()] == ["failure", "success"]
    assert len(netlify.hook_posts) == 2


def test_the_readme_set_up_deploys_through_the_cli_with_push_builds_cancelled(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    """The same, literally as a user runs it: `vibe-gate run` as a child process, Netlify's real clock."""
    workspace.write("netlify.toml", ignore_recipe("README.md"))
    workspace.write("config/deploy.yaml", CONFIG + "netlify:\n  poll_interval: 0.2\n  confirm_timeout: 30\n")
    netlify.repo = workspace.path
    netlify.listing_lag = 1.0
    sha = pushed(workspace, netlify, 74.4)
    assert netlify.cancelled[0]["commit_ref"] == sha
    done = workspace.run(
        "--json",
        env={
            "VIBE_BUILD_HOOK_URL": netlify.hook_url,  # type: ignore[attr-defined]
            "NETLIFY_AUTH_TOKEN": TOKEN,
            "NETLIFY_SITE_ID": SITE_ID,
            "VIBE_NETLIFY_API_URL": netlify.api_url,  # type: ignore[attr-defined]
        },
    )
    assert done.code == 0, done.stdout + done.stderr
    hook_build = next(d for d in netlify.deploys if d["error_message"] != CANCELED)
    assert done.json["outcome"]["deploy_id"] == hook_build["id"]
    assert hook_build["state"] == "ready"
    assert netlify.published_id == hook_build["id"]


def cli_env(netlify: FakeNetlify) -> dict[str, str]:
    return {
        "VIBE_BUILD_HOOK_URL": netlify.hook_url,  # type: ignore[attr-defined]
        "NETLIFY_AUTH_TOKEN": TOKEN,
        "NETLIFY_SITE_ID": SITE_ID,
        "VIBE_NETLIFY_API_URL": netlify.api_url,  # type: ignore[attr-defined]
    }


def test_doctor_passes_with_the_recipe_and_its_cancelled_push_builds(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    clock = VirtualClock()
    linked(workspace, netlify, clock)
    for score in (74.4, 77.5):
        sha = pushed(workspace, netlify, score)
        assert gate(workspace, netlify, clock, sha).deployed
    workspace.write("README.md", "docs only\n")
    netlify.push(workspace.commit("docs: typo"))  # a push that touches no results: cancelled too
    assert len(netlify.cancelled) == 3

    done = workspace.run("doctor", env=cli_env(netlify))
    assert done.code == 0, done.stdout + done.stderr
    assert done.stdout.startswith("doctor: no production deploy outside the gate among the last 5")
    assert "3 build(s) among them were cancelled by the netlify.toml 'ignore' command, as intended" in done.stdout
    assert "Deploy notifications" in done.stdout


def test_doctor_still_reports_a_ready_production_deploy_the_gate_did_not_start(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    clock = VirtualClock()
    linked(workspace, netlify, clock)
    sha = pushed(workspace, netlify, 74.4)
    assert gate(workspace, netlify, clock, sha).deployed
    workspace.write("netlify.toml", "[build]\n  command = 'npm run build'\n")  # someone dropped the recipe
    rogue = netlify.push(workspace.commit("drop the ignore command"))
    for _ in range(netlify.polls_until_final):
        netlify._advance(rogue)
    assert rogue["state"] == "ready"

    done = workspace.run("doctor", env=cli_env(netlify))
    assert done.code == 1
    assert done.stdout.startswith("doctor: 1 production deploy(s) among the last 3 did not come from the gate")
    assert rogue["id"] in done.stdout


API = PATIENT.replace("netlify:\n", "netlify:\n  trigger: api\n")


def test_trigger_api_with_the_hook_recipe_is_cancelled_and_the_failure_names_it(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    clock = VirtualClock()
    linked(workspace, netlify, clock)
    workspace.write("config/deploy.yaml", API)
    sha = pushed(workspace, netlify, 74.4)
    decision = gate(workspace, netlify, clock, sha)
    assert not decision.deployed
    (build,) = netlify.api("POST", "/builds")
    assert build.query["title"] == f"aime25 74.4 @ {sha[:7]} [vibe-gate]"
    assert "INCOMING_HOOK_TITLE" not in netlify.ignore_runs[-1]  # an API build gets none of them
    message = decision.outcome.message
    assert "Netlify cancelled the gate's build" in message
    assert "'Canceled build due to no content change'" in message
    assert 'docs/netlify.md, "trigger: api"' in message
    assert [r["status"] for r in workspace.ledger_lines()] == ["failure"]

    validated = workspace.run("validate")
    assert validated.code == 0
    assert "warning: netlify.toml: the 'ignore' command lets only build-hook builds through" in validated.stderr
    doctor = workspace.run("doctor", env=cli_env(netlify))
    assert doctor.code == 1
    assert "doctor: netlify.toml: the 'ignore' command lets only build-hook builds through" in doctor.stdout


def test_trigger_api_with_the_api_recipe_deploys_and_still_cancels_pushes(
    workspace: Workspace, netlify: FakeNetlify
) -> None:
    clock = VirtualClock()
    linked(workspace, netlify, clock)
    workspace.write("netlify.toml", ignore_recipe("docs/netlify.md", 'ignore = "python3 .netlify-ignore.py"'))
    workspace.write(".netlify-ignore.py", python_block("docs/netlify.md", "# .netlify-ignore.py"))
    workspace.write("config/deploy.yaml", API)
    # The site's environment variables, as the recipe asks (VIBE_NETLIFY_API_URL: this fake, not Netlify).
    netlify.build_variables = {"VIBE_GATE_NETLIFY_TOKEN": TOKEN, "VIBE_NETLIFY_API_URL": netlify.api_url}  # type: ignore[attr-defined]
    sha = pushed(workspace, netlify, 74.4)
    assert len(netlify.cancelled) == 1  # the push: its title is the commit message
    decision = gate(workspace, netlify, clock, sha)
    assert decision.deployed, decision.outcome
    assert netlify.get(decision.outcome.deploy_id)["state"] == "ready"
    assert len(netlify.api("GET", f"/deploys/{decision.outcome.deploy_id}")) >= 1  # the recipe asked
    assert workspace.run("validate").stderr == ""


def test_netlifys_clock_may_run_behind_the_runners(workspace: Workspace, netlify: FakeNetlify) -> None:
    """Not documented: how far Netlify's clock and the runner's agree. With the listing from before the POST
    the creation time is not needed, so a deploy stamped 10 minutes 'before' the POST is still the hook's."""
    clock = VirtualClock()
    linked(workspace, netlify, clock, lag=3.0)
    netlify.clock = lambda: clock.now() - timedelta(minutes=10)
    sha = pushed(workspace, netlify, 74.4)
    decision = gate(workspace, netlify, clock, sha)
    assert decision.deployed
    assert decision.outcome.deploy_id is not None
    assert netlify.get(decision.outcome.deploy_id)["title"] == f"aime25 74.4 @ {sha[:7]}"
