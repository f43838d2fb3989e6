"""`vibe-gate demo`: the gate end to end on the bundled example history, with no network and no GitHub.

It builds a temporary git repository from `examples/`, one commit per step of `examples/demo/scenario.yaml`,
and runs the real CLI as a subprocess on each commit, against a local build-hook receiver and a local ledger.
Each step says which verdict it expects; the demo fails (exit 1) if the gate disagrees, so it doubles as a
smoke test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import yaml

from vibe_action.errors import InputError
from vibe_action.hosts.netlify.models import API_URL_VARIABLE
from vibe_action.hosts.netlify.receiver import SITE_ID, TOKEN, HookReceiver

EXPECTED_LABELS = {"deploy", "skip", "block", "report-only", "rollback"}


@dataclass(frozen=True)
class Step:
    """A commit on a branch (files copied from examples/), or a `vibe-gate` command such as a rollback."""

    title: str
    branch: str
    files: dict[str, str]
    expect: str
    command: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    config: Path
    steps: list[Step]
    versions: str | None  # a branch prefix: the demo turns lasting versions on, with a local `origin`


WIDTH = 80  # every line of `make demo` fits a standard terminal


def load_scenario(examples: Path) -> Scenario:
    path = examples / "demo" / "scenario.yaml"
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: not found; run the demo from the repository root or pass --examples") from None
    steps = []
    for index, raw in enumerate(data["steps"], start=1):
        if raw["expect"] not in EXPECTED_LABELS:
            raise InputError(f"{path}: step {index}: expect must be one of {sorted(EXPECTED_LABELS)}")
        steps.append(
            Step(
                raw["title"],
                raw.get("branch", ""),
                dict(raw.get("files") or {}),
                raw["expect"],
                tuple(raw.get("command") or ()),
            )
        )
    return Scenario(examples / data.get("config", "config/deploy.yaml"), steps, data.get("versions"))


def _gate_env(netlify: HookReceiver) -> dict[str, str]:
    """The child runs this same package, installed or not: put its parent folder first on the path."""
    package_root = str(Path(__file__).resolve().parents[2])  # the folder that holds vibe_action/
    path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "VIBE_BUILD_HOOK_URL": netlify.url,
        "NETLIFY_AUTH_TOKEN": TOKEN,
        "NETLIFY_SITE_ID": SITE_ID,
        API_URL_VARIABLE: netlify.api_url,
    }


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "demo",
        "GIT_AUTHOR_EMAIL": "demo@example.invalid",
        "GIT_COMMITTER_NAME": "demo",
        "GIT_COMMITTER_EMAIL": "demo@example.invalid",
    }
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def label(decision: dict[str, Any]) -> str:
    return "report-only" if decision["report_only"] else str(decision["decision"])


def run_demo(examples: Path, out: TextIO, keep: Path | None = None) -> int:
    """Replay the scenario; with `keep`, leave the ledger, the config and the versions page there."""
    scenario = load_scenario(examples)
    steps = scenario.steps
    workdir = Path(tempfile.mkdtemp(prefix="vibe-gate-demo-"))
    mismatches = 0
    try:
        repo = workdir / "repo"
        repo.mkdir()
        _git(repo, "init", "-q")
        (repo / "config").mkdir()
        config_text = scenario.config.read_text("utf-8")
        if scenario.versions:  # lasting version branches, pushed to a local bare `origin`
            config_text += f"\nversions:\n  branch_prefix: {scenario.versions}\n"
            _git(workdir, "init", "-q", "--bare", "origin.git")
            _git(repo, "remote", "add", "origin", str(workdir / "origin.git"))
        (repo / "config" / "deploy.yaml").write_text(config_text, "utf-8")
        with HookReceiver() as receiver:
            print(
                f"demo repository: {repo}\nbuild-hook receiver: http://127.0.0.1:…/build_hooks/*** "
                f"(local)\nledger: {repo / '.vibe-deploy-gate' / 'ledger.jsonl'}\n",
                file=out,
            )
            for number, step in enumerate(steps, start=1):
                mismatches += _run_step(repo, examples, receiver, number, len(steps), step, out)
            print(f"\nthe build-hook receiver got {len(receiver.posts)} POST(s):", file=out)
            for post in receiver.posts:
                body = json.loads(post.body or b"{}")
                title = post.query.get("trigger_title", ["?"])[0]
                print(f"  POST /build_hooks/*** sha {str(body.get('sha', '?'))[:7]}: {title}"[:WIDTH], file=out)
            history = subprocess.run(
                [sys.executable, "-m", "vibe_action", "history"],
                cwd=repo,
                env=_gate_env(receiver),
                capture_output=True,
                text=True,
                check=False,
            )
            print("\nvibe-gate history:\n" + history.stdout, file=out)
            if keep is not None:
                mismatches += _keep(repo, keep, receiver, out)
        mismatches += _upload_demo(examples, scenario, workdir / "repo-upload", out)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if mismatches:
        print(f"demo FAILED: {mismatches} step(s) did not reach the expected verdict", file=out)
        return 1
    print("demo OK: every step reached its expected verdict", file=out)
    return 0


UPLOAD_CONFIG = "\nupload:\n  dir: site\npreview: true\n"  # the recommended set-up (README, "Set up Netlify")


def _build_site(repo: Path, label_text: str) -> None:
    """What a workflow's build step leaves in site/ before the gate runs (never committed: .gitignore)."""
    site = repo / "site"
    (site / "assets").mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text(f"<h1>VibeThinker-1.5B demo</h1><p>{label_text}</p>\n", "utf-8")
    (site / "assets" / "app.js").write_text("console.log('demo')\n", "utf-8")
    (site / ".env").write_text("SECRET=never-uploaded\n", "utf-8")  # dot-files never leave the runner


def _upload_demo(examples: Path, scenario: Scenario, repo: Path, out: TextIO) -> int:
    """Upload mode, against a fresh local Netlify: a deploy verdict on main uploads the built folder; a pull
    request gets a draft preview of its candidate, and production stays as it was."""
    first, gain = scenario.steps[0], scenario.steps[2]
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "config").mkdir()
    (repo / "config" / "deploy.yaml").write_text(scenario.config.read_text("utf-8") + UPLOAD_CONFIG, "utf-8")
    (repo / ".gitignore").write_text("site/\n", "utf-8")
    print(_heading("── upload mode: the workflow builds site/, the gate uploads it (upload.dir)"), file=out)
    mismatches = 0
    with HookReceiver() as netlify:
        steps = [
            (Step("the first checkpoint, its demo built into site/", "main", first.files, "deploy"), "v1", ()),
            (
                Step(
                    "a pull request with a real gain: a preview to try",
                    "feature/longer-thinking",
                    gain.files,
                    "report-only",
                ),
                "candidate",
                ("--event", "pull_request"),
            ),
        ]
        for number, (step, built, args) in enumerate(steps, start=1):
            live_before, puts_before = netlify.published, netlify.file_puts
            mismatches += _upload_step(repo, examples, netlify, number, step, built, args, out)
            kind = "preview" if args else "deploy"
            print(
                f"   {kind}: {netlify.file_puts - puts_before} file(s) sent · live: {netlify.published}"
                f"{' (unchanged)' if args and netlify.published == live_before else ''}\n",
                file=out,
            )
        drafts = [d for d in netlify.deploys if d["context"] == "draft"]
        print(
            f"local Netlify: {len(netlify.deploys)} deploys by upload ({len(drafts)} of them a draft preview), "
            f"{len(netlify.posts)} hook POSTs",
            file=out,
        )
    return mismatches


def _upload_step(
    repo: Path,
    examples: Path,
    netlify: HookReceiver,
    number: int,
    step: Step,
    built: str,
    args: tuple[str, ...],
    out: TextIO,
) -> int:
    if _has_commits(repo):
        _git(repo, "checkout", "-q", "-b", step.branch)
    else:
        _git(repo, "symbolic-ref", "HEAD", f"refs/heads/{step.branch}")
    for target, source in step.files.items():
        (repo / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(examples / source, repo / target)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", step.title)
    _build_site(repo, built)
    print(_heading(f"── upload {number}/2 · {step.branch} · {step.title}"), file=out)
    env = {k: v for k, v in _gate_env(netlify).items() if k != "VIBE_BUILD_HOOK_URL"}  # no hook: uploads only
    code, decision = _decide(repo, env, repo.parent / f"upload-decision-{number}.json", args, out)
    if decision is None:
        return 1
    ok = label(decision) == step.expect and (not args or bool((decision.get("preview_deploy") or {}).get("url")))
    print(f"   exit {code} · expected {step.expect}: {'✓' if ok else '✗ got ' + label(decision)}", file=out)
    return 0 if ok else 1


def _keep(repo: Path, keep: Path, receiver: HookReceiver, out: TextIO) -> int:
    """Copy the ledger and config out of the temporary repository and build the versions page from them."""
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(repo / ".vibe-deploy-gate" / "ledger.jsonl", keep / "ledger.jsonl")
    shutil.copy(repo / "config" / "deploy.yaml", keep / "deploy.yaml")
    command = [
        "page", "--workspace", str(keep), "--ledger", "ledger.jsonl", "--config", "deploy.yaml",
        "--out", str(keep / "versions"),
    ]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "vibe_action", *command],
        env=_gate_env(receiver),
        capture_output=True,
        text=True,
        check=False,
    )
    print((done.stdout + done.stderr).rstrip(), file=out)
    print("rebuild it with:", file=out)
    print(f"  vibe-gate {' '.join(command[:5])} \\\n    {' '.join(command[5:])}\n", file=out)
    return 0 if done.returncode == 0 else 1


def _run_command(repo: Path, receiver: HookReceiver, number: int, total: int, step: Step, out: TextIO) -> int:
    print(_heading(f"── step {number}/{total} · vibe-gate {' '.join(step.command)} · {step.title}"), file=out)
    done = subprocess.run(
        [sys.executable, "-m", "vibe_action", *step.command],
        cwd=repo,
        env=_gate_env(receiver),
        capture_output=True,
        text=True,
        check=False,
    )
    print((done.stdout + done.stderr).rstrip(), file=out)
    ok = done.returncode == 0
    print(
        f"   exit {done.returncode} · live now: {receiver.published} · expected {step.expect}: {'✓' if ok else '✗'}\n",
        file=out,
    )
    return 0 if ok else 1


def _run_step(
    repo: Path, examples: Path, receiver: HookReceiver, number: int, total: int, step: Step, out: TextIO
) -> int:
    if step.command:
        return _run_command(repo, receiver, number, total, step, out)
    if not _has_commits(repo):
        _git(repo, "symbolic-ref", "HEAD", f"refs/heads/{step.branch}")
    elif _git(repo, "branch", "--list", step.branch):
        _git(repo, "checkout", "-q", step.branch)
    else:
        _git(repo, "checkout", "-q", "-b", step.branch)
    for target, source in step.files.items():
        (repo / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(examples / source, repo / target)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", step.title)
    posts_before = len(receiver.posts)
    print(_heading(f"── step {number}/{total} · {step.branch} · {step.title}"), file=out)
    code, decision = _decide(repo, _gate_env(receiver), repo.parent / f"decision-{number}.json", (), out)
    if decision is None:
        return 1
    got = label(decision)
    fired = len(receiver.posts) - posts_before
    ok = got == step.expect
    print(
        f"   exit {code} · hook POSTs this step: {fired} · expected {step.expect}: {'✓' if ok else '✗ got ' + got}\n",
        file=out,
    )
    return 0 if ok else 1


def _decide(
    repo: Path, env: dict[str, str], decision_file: Path, args: tuple[str, ...], out: TextIO
) -> tuple[int, dict[str, Any] | None]:
    """`vibe-gate run` on the repository as a workflow step runs it: its output shown, its exit code and the
    decision it wrote (None, said, when it decided nothing)."""
    done = subprocess.run(
        [sys.executable, "-m", "vibe_action", "run", "--decision-file", str(decision_file), *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    print(done.stdout.rstrip(), file=out)
    if done.stderr.strip():
        print(done.stderr.rstrip(), file=out)
    if not decision_file.exists():
        print(f"   ✗ the gate did not decide (exit {done.returncode})", file=out)
        return done.returncode, None
    decision: dict[str, Any] = json.loads(decision_file.read_text("utf-8"))
    return done.returncode, decision


def _has_commits(repo: Path) -> bool:
    return (
        subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=repo, capture_output=True, check=False
        ).returncode
        == 0
    )


def _heading(text: str, width: int = WIDTH) -> str:
    """A step's heading within the demo's 80 columns, continued under its first word."""
    return "\n".join(textwrap.wrap(text, width, subsequent_indent="   ", break_on_hyphens=False))
