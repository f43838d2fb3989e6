"""Running the action's Python entry the way action.yml does: GITHUB_* variables, INPUT_* inputs, real payloads."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer

from tests.conftest import RESULTS, ROOT, Workspace, native
from tests.fake_github import FakeGitHub
from tests.fake_netlify import TOKEN as NETLIFY_TOKEN

EVENTS = Path(__file__).parent / "contracts" / "github-events"
TOKEN = "ghs_writabletoken0000000000000000000000"
HOOK_ID = "6a1f0c2e9b8d7a6f5e4d3c2b"
HOOK_PATH = f"/build_hooks/{HOOK_ID}"


def event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return copy.deepcopy(data)


def push_payload(sha: str, branch: str, files: list[str], repository: str) -> dict[str, Any]:
    """The real push.0 payload, rewritten for this commit: ref, after, one commit with these files."""
    payload = event("push.0")
    payload["ref"] = f"refs/heads/{branch}"
    payload["after"] = sha
    payload["created"] = False
    payload["forced"] = False
    payload["repository"]["full_name"] = repository
    commit = payload["commits"][0]
    commit.update(id=sha, added=[], modified=list(files), removed=[])
    payload["commits"] = [commit]
    payload["head_commit"] = commit
    return payload


def pr_payload(
    head_sha: str, base: str, repository: str, fork: bool = False, number: int = 7, repo_is_fork: bool | None = None
) -> dict[str, Any]:
    """The real pull_request.0 payload for this head commit; a fork PR has another head repository.
    `repo_is_fork`: `head.repo.fork` as GitHub sets it when the repository itself is a fork (default: `fork`)."""
    payload = event("pull_request.0")
    payload["number"] = number
    pr = payload["pull_request"]
    pr["number"] = number
    pr["head"]["sha"] = head_sha
    pr["head"]["ref"] = "feature/better-cot"
    pr["base"]["ref"] = base
    payload["repository"]["full_name"] = repository
    pr["base"]["repo"]["full_name"] = repository
    pr["head"]["repo"]["full_name"] = "someone-else/vibe-demo" if fork else repository
    pr["head"]["repo"]["fork"] = fork if repo_is_fork is None else repo_is_fork
    return payload


@dataclass
class ActionResult:
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT in both syntaxes: `name=value` and `name<<DELIM … DELIM`."""
    outputs: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        heredoc = re.fullmatch(r"([\w-]+)<<(\S+)", line)
        if heredoc:
            name, delimiter = heredoc.groups()
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
        i += 1
    return outputs


def action_env(
    ws: Workspace,
    github: FakeGitHub,
    api_url: str,
    event_name: str,
    payload: dict[str, Any],
    sha: str,
    ref_name: str,
    inputs: dict[str, str] | None = None,
    token: str = TOKEN,
) -> dict[str, str]:
    runner = ws.path.parent / "runner"
    runner.mkdir(exist_ok=True)
    event_path = runner / "event.json"
    event_path.write_text(json.dumps(payload))
    for name in ("output", "summary"):
        (runner / name).write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "GITHUB_", "INPUT_", "RUNNER_"))}
    env.update(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": github.repository,
            "GITHUB_SHA": sha,
            "GITHUB_REF_NAME": ref_name,
            "GITHUB_API_URL": api_url,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "4242",
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_WORKSPACE": str(ws.path),
            "GITHUB_OUTPUT": str(runner / "output"),
            "GITHUB_STEP_SUMMARY": str(runner / "summary"),
            "RUNNER_TEMP": str(runner),
            "INPUT_GITHUB_TOKEN": token,
            "VIBE_GITHUB_WRITE_SPACING": "0",  # no need to spare a local fake from secondary rate limits
        }
    )
    env.update(inputs or {})
    return env


def run_action(ws: Workspace, env: dict[str, str]) -> ActionResult:
    """`python entrypoint.py action` in a child process, as the composite step runs it: one step, so its
    GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files start empty (a runner gives each step its own)."""
    for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
        Path(env[name]).write_text("")
    done = subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py"), "action"],
        cwd=ws.path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    outputs = parse_outputs(Path(env["GITHUB_OUTPUT"]).read_text())
    return ActionResult(
        done.returncode, done.stdout, done.stderr, outputs, Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    )


def unescaped(markdown: str) -> str:
    """What a reader sees of the gate's markdown: backslash escapes, entities and word joiners undone (the
    sink in vibe_action/render/escape.py escapes every untrusted text; assertions read it as rendered)."""
    import html

    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")
    return html.unescape(text)


def push_with_netlify(
    workspace: Workspace,
    github: FakeGitHub,
    netlify: Any,
    score: float,
    inputs: dict[str, str] | None = None,
    head_sha: str | None = None,
) -> tuple[str, dict[str, str], ActionResult]:
    """Commit results with `score` and run the action on the push with the hook, a Netlify token and site id."""
    from tests.fake_netlify import SITE_ID

    workspace.write(RESULTS, native(score))
    sha = workspace.commit(f"aime25 {score}", branch="main")
    netlify.head_sha = head_sha or sha
    given = {
        "INPUT_BUILD_HOOK_URL": netlify.hook_url,
        "INPUT_NETLIFY_TOKEN": NETLIFY_TOKEN,
        "INPUT_NETLIFY_SITE_ID": SITE_ID,
        **(inputs or {}),
    }
    payload = push_payload(sha, "main", [RESULTS], github.repository)
    env = action_env(workspace, github, github.url, "push", payload, sha, "main", given)
    env["VIBE_NETLIFY_API_URL"] = netlify.api_url
    return sha, env, run_action(workspace, env)


def hook_posts(server: HTTPServer) -> int:
    return sum(1 for request, _ in server.log if request.method == "POST")


def push(
    ws: Workspace,
    github: FakeGitHub,
    hook: HTTPServer,
    scores: dict[str, Any] | None = None,
    branch: str = "main",
    files: list[str] | None = None,
    inputs: dict[str, str] | None = None,
    commit: bool = True,
) -> tuple[str, ActionResult]:
    if scores is not None:
        ws.write(RESULTS, scores)
    sha = ws.commit("results", branch=branch) if commit else ws.git("rev-parse", "HEAD")
    env = action_env(
        ws,
        github,
        github.url,
        "push",
        push_payload(sha, branch, files or [RESULTS], github.repository),
        sha,
        branch,
        {"INPUT_BUILD_HOOK_URL": hook.url_for(HOOK_PATH), **(inputs or {})},
    )
    return sha, run_action(ws, env)


def no_secret(result: ActionResult) -> None:
    """No secret anywhere but in the `::add-mask::` commands that tell the runner to hide it."""
    stdout = "\n".join(line for line in result.stdout.splitlines() if not line.startswith("::add-mask::"))
    for text in (stdout, result.stderr, result.summary, json.dumps(result.outputs)):
        assert HOOK_ID not in text
        assert TOKEN not in text
