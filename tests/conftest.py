"""Shared helpers: temporary git repositories as workspaces, results files, and running the real CLI."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.cli_hook import HOOK_PATH
from vibe_action.ledger.local import LocalLedger
from vibe_action.ledger.records import Outcome, Record

ROOT = Path(__file__).resolve().parent.parent
RESULTS = "results/vibethinker.json"  # where most tests commit their results

CONFIG = """\
version: 1
primary: aime25
metrics:
  aime25:
    min: 70
    min_gain: "2%"
    max_drop: 1
  hmmt25:
    min: 45
    max_drop: 2
  livecodebench_v6:
    max_drop: "3%"
branches:
  main: {deploy: true}
  "release/**": {deploy: true}
  "hotfix/**": {deploy: true, min_gain: false, use_reserve: true}
  "experiment/**": {deploy: false}
quota:
  monthly_deploys: 20
  reserve: 2
"""


def native(aime25: float = 74.4, hmmt25: float = 50.4, lcb: float = 51.1, revision: str = "r1") -> dict[str, Any]:
    return {
        "model": {"name": "VibeThinker-1.5B", "revision": revision},
        "benchmarks": {
            "aime25": {"score": aime25, "n": 30},
            "hmmt25": {"score": hmmt25, "n": 30},
            "livecodebench_v6": {"score": lcb},
        },
    }


@dataclass
class Done:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


class Workspace:
    """A temporary git repository with config/deploy.yaml and results/, driven like a user would."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        self.git("init", "-q")
        self.git("symbolic-ref", "HEAD", "refs/heads/main")

    def git(self, *args: str) -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.invalid",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.invalid",
        }
        done = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", *args],
            cwd=self.path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def write(self, relative: str, content: str | dict[str, Any]) -> Path:
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, indent=2) + "\n"
        path.write_text(text)
        return path

    def commit(self, message: str = "change", branch: str | None = None) -> str:
        if branch is not None:
            has_head = subprocess.run(
                ["git", "rev-parse", "--verify", "-q", "HEAD"],
                cwd=self.path,
                capture_output=True,
                check=False,
            )
            if has_head.returncode != 0:
                self.git("symbolic-ref", "HEAD", f"refs/heads/{branch}")
            else:
                self.git("checkout", "-q", "-B", branch)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def run(self, *args: str, env: dict[str, str] | None = None) -> Done:
        """The real CLI in a child process (`python entrypoint.py …`), as a workflow step would run it."""
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "GITHUB_"))}
        full_env["COLUMNS"] = "1000"  # one line per reason, as most assertions read them (80: test_first_hour)
        full_env.update(env or {})
        done = subprocess.run(
            [sys.executable, str(ROOT / "entrypoint.py"), *args],
            cwd=self.path,
            env=full_env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        return Done(done.returncode, done.stdout, done.stderr)

    def seed_deploys(self, count: int, branch: str = "main") -> list[str]:
        """`count` past production deploys in the local ledger, written by the gate's own `LocalLedger` as a
        deploying run writes them (in_progress, then success), oldest first, each a day apart: a history
        without running the CLI once per deploy. Their (made-up) shas, oldest first."""
        ledger = LocalLedger(self.path / ".vibe-deploy-gate" / "ledger.jsonl")
        shas = []
        for index in range(count):
            sha = f"{index + 1:040x}"
            day = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(days=index)
            started = ledger.start(
                Record(
                    sha=sha,
                    branch=branch,
                    time=day.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    status="in_progress",
                    scores={"aime25": 74.4 + index / 10, "hmmt25": 50.4, "livecodebench_v6": 51.1},
                    reasons=(f"deploy {index + 1}",),
                )
            )
            ledger.finish(started, Outcome("success", "the build hook accepted the build"))
            shas.append(sha)
        return shas

    def raw_ledger(self) -> list[dict[str, Any]]:
        """Every line of the local ledger as written (a deploy writes `in_progress`, then its outcome)."""
        path = self.path / ".vibe-deploy-gate" / "ledger.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    def ledger_lines(self) -> list[dict[str, Any]]:
        """The ledger's records in their latest state, read independently of the package's reader."""
        latest: dict[str, dict[str, Any]] = {}
        for record in self.raw_ledger():
            latest[record["id"]] = record
        return list(latest.values())


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "repo")
    ws.write("config/deploy.yaml", CONFIG)
    return ws


@pytest.fixture
def dedent() -> Callable[[str], str]:
    return textwrap.dedent


@pytest.fixture
def fake_github(httpserver: Any, tmp_path: Path) -> Iterator[Any]:
    """The fake GitHub API on the pytest-httpserver port; every request validated against the contract. Its
    copy of the history is the workspace's repository (`workspace` makes it at tmp_path/repo)."""
    import re

    from tests.fake_github import FakeGitHub

    fake = FakeGitHub(history=tmp_path / "repo")
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    fake.url = httpserver.url_for("/").rstrip("/")  # type: ignore[attr-defined]
    yield fake
    assert fake.violations == [], "requests that do not conform to GitHub's OpenAPI description"


@pytest.fixture
def hook_server() -> Iterator[Any]:
    """A second local HTTP server playing the Netlify build hook."""
    from pytest_httpserver import HTTPServer

    from tests.actions_env import HOOK_PATH

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request(HOOK_PATH, method="POST").respond_with_data("", status=200)
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@contextlib.contextmanager
def serving(handler: Any) -> Iterator[Any]:
    """A local HTTP server on an ephemeral port that answers every request with `handler` (a fake service)."""
    import re

    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    server.expect_request(re.compile(".*")).respond_with_handler(handler)
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


@contextlib.contextmanager
def make_netlify_server() -> Iterator[Any]:
    """A fake Netlify (build hooks + the API subset) on its own local HTTP server, for any scope."""
    from tests.fake_netlify import FakeNetlify

    fake = FakeNetlify()
    with serving(fake) as server:
        fake.hook_url = server.url_for(f"/build_hooks/{fake.hook_id}")  # type: ignore[attr-defined]
        fake.api_url = server.url_for("/api/v1")  # type: ignore[attr-defined]
        yield fake
    assert fake.violations == [], "requests that do not conform to Netlify's API description"


@pytest.fixture
def netlify() -> Iterator[Any]:
    """A fake Netlify (build hooks + the API subset) on its own local HTTP server."""
    with make_netlify_server() as fake:
        yield fake


@pytest.fixture
def cloudflare() -> Iterator[Any]:
    """A fake Cloudflare (Pages deploy hooks, the Pages API, Direct Upload) on its own local HTTP server; every
    request and answer it checks against the official SDK's types must have matched."""
    from tests.fake_cloudflare import FakeCloudflare

    fake = FakeCloudflare()
    with serving(fake) as server:
        fake.url = server.url_for("")  # type: ignore[attr-defined]
        yield fake
    assert fake.violations == [], "requests or answers that do not match the cloudflare SDK's types"


@pytest.fixture
def vercel() -> Iterator[Any]:
    """A fake Vercel REST API on its own local HTTP server (`fake.url`, no trailing slash); every create body and
    answer it checks against @vercel/sdk's types must have matched."""
    from tests.fake_vercel import FakeVercel

    fake = FakeVercel()
    with serving(fake) as server:
        fake.url = server.url_for("").rstrip("/")  # type: ignore[attr-defined]
        yield fake
    assert fake.violations == [], "requests or answers that do not match @vercel/sdk's types"


@pytest.fixture
def hook(httpserver: HTTPServer) -> HTTPServer:
    """A build hook that answers 200 to every POST (`tests/cli_hook.py` names its path and reads its log)."""
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_data("", status=200)
    return httpserver
