"""Each command is written once (`vibe_action/app/operations.py`): the CLI and the action, given the same history,
answer the same (issue 20). The history is made for real — two deploys by the action, through GitHub
Deployments and the fake Netlify — and copied record for record into a local ledger; then every command but
`run` runs both ways: `vibe-gate <command>` on the local ledger, `command: <command>` on GitHub Deployments.
They may differ only in how they show the answer (terminal, or log, outputs and report)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tests.actions_env import TOKEN, ActionResult, action_env, push_with_netlify, run_action
from tests.conftest import Workspace
from tests.fake_github import FakeGitHub
from tests.fake_netlify import SITE_ID
from tests.fake_netlify import TOKEN as NETLIFY_TOKEN
from vibe_action.app.wiring import deploy_id_of
from vibe_action.github.client import make_github
from vibe_action.ledger.github_deployments import GitHubLedger
from vibe_action.ledger.local import LocalLedger
from vibe_action.ledger.records import ALL_SNAPSHOTS


def copy_history(workspace: Workspace, github: FakeGitHub) -> list[Any]:
    """GitHub Deployments' records, written as they are into the repository's local ledger."""
    repo = make_github(TOKEN, github.url, write_spacing=0).get_repo(github.repository)  # type: ignore[attr-defined]
    records = GitHubLedger(repo, "", datetime.now(timezone.utc), deploy_id_of=deploy_id_of).records(
        "production", None, live=ALL_SNAPSHOTS
    )
    local = LocalLedger(workspace.path / ".vibe-deploy-gate" / "ledger.jsonl")
    for record in records:
        local.append(record)
    return records


def both(
    workspace: Workspace, github: FakeGitHub, netlify: Any, cli: list[str], inputs: dict[str, str]
) -> tuple[Any, ActionResult]:
    cli_env = {
        "VIBE_BUILD_HOOK_URL": netlify.hook_url,
        "NETLIFY_AUTH_TOKEN": NETLIFY_TOKEN,
        "NETLIFY_SITE_ID": SITE_ID,
        "VIBE_NETLIFY_API_URL": netlify.api_url,
    }
    done = workspace.run(*cli, env=cli_env)
    given = {
        "INPUT_BUILD_HOOK_URL": netlify.hook_url,
        "INPUT_NETLIFY_TOKEN": NETLIFY_TOKEN,
        "INPUT_NETLIFY_SITE_ID": SITE_ID,
        "INPUT_ANNOTATE": "summary",
        **inputs,
    }
    env = action_env(workspace, github, github.url, "workflow_dispatch", {}, "a" * 40, "main", given)
    env["VIBE_NETLIFY_API_URL"] = netlify.api_url
    return done, run_action(workspace, env)


def logged(result: ActionResult) -> str:
    """The action's log without workflow commands."""
    return "\n".join(line for line in result.stdout.splitlines() if not line.startswith("::"))


def test_every_command_answers_the_same_from_the_cli_and_the_action(
    workspace: Workspace, fake_github: FakeGitHub, netlify: Any
) -> None:
    first, _, deployed = push_with_netlify(workspace, fake_github, netlify, 74.4)
    assert deployed.code == 0, deployed.stdout
    second, _, deployed = push_with_netlify(workspace, fake_github, netlify, 78.0)
    assert deployed.code == 0, deployed.stdout
    records = copy_history(workspace, fake_github)
    assert [r.sha for r in records] == [first, second]
    assert all(r.deploy_id for r in records)  # read back from the permalink, as the action reads them

    done, action = both(workspace, fake_github, netlify, ["validate"], {"INPUT_COMMAND": "validate"})
    assert (done.code, action.code) == (0, 0), done.stderr + action.stdout
    assert done.stdout.strip().startswith("ok: config/deploy.yaml")
    assert action.outputs["decision"] == "valid"

    done, action = both(workspace, fake_github, netlify, ["history", "--wide"], {"INPUT_COMMAND": "history"})
    assert (done.code, action.code) == (0, 0), done.stderr + action.stdout
    assert done.stdout.strip()
    assert done.stdout.strip() in logged(action)
    assert action.outputs["reason"] == "2 snapshot(s) in production"
    assert "### vibe-deploy-gate: history (production)" in action.summary

    repo_url = f"https://github.com/{fake_github.repository}"
    done, action = both(
        workspace, fake_github, netlify, ["page", "--out", "site-cli", "--repo-url", repo_url],
        {"INPUT_COMMAND": "page", "INPUT_OUT": "site-action"},
    )  # fmt: skip
    assert (done.code, action.code) == (0, 0), done.stderr + action.stdout
    pages = [(workspace.path / name / "index.html").read_text() for name in ("site-cli", "site-action")]
    assert [page.count('<tr class="version') for page in pages] == [2, 2]
    assert [f"{repo_url}/commit/{second}" in page for page in pages] == [True, True]

    for command in ("doctor", "unlock"):
        done, action = both(workspace, fake_github, netlify, [command], {"INPUT_COMMAND": command})
        assert done.stdout.strip(), command
        assert done.stdout.strip() in logged(action), command
        assert action.outputs["reason"] == done.stdout.strip().splitlines()[0], command

    listed = len(netlify.deploys)
    done, action = both(workspace, fake_github, netlify, ["prune"], {"INPUT_COMMAND": "prune", "INPUT_DRY_RUN": "true"})
    assert (done.code, action.code) == (0, 0), done.stderr + action.stdout
    assert done.stdout.strip().startswith("prune: ")
    assert done.stdout.strip() in logged(action)
    assert len(netlify.deploys) == listed  # a plan only, both ways

    done, action = both(
        workspace, fake_github, netlify, ["rollback", "--to", "v1"], {"INPUT_COMMAND": "rollback", "INPUT_TO": "v1"}
    )
    assert (done.code, action.code) == (0, 0), done.stderr + action.stdout
    reason = done.stdout.splitlines()[0]
    assert reason.startswith(f"rolled back from {second[:7]} to v1 ({first[:7]}): restored Netlify deploy")
    assert action.outputs["reason"] == reason
    assert action.outputs["deploy-url"] == done.stdout.splitlines()[1].removeprefix("live: ")
