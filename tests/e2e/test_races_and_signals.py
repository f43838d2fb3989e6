"""At most one deploy per baseline, and every POST ends in a recorded outcome: concurrent runs, SIGINT /
SIGTERM / SIGKILL while the hook hangs, a ledger line without its newline. Real processes, a real hook."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from tests.conftest import CONFIG, RESULTS, ROOT, Workspace, native

HOOK_PATH = "/build_hooks/0123456789abcdef01234567"
LEDGER = ".vibe-deploy-gate/ledger.jsonl"


class SlowHook:
    """A build hook that takes `delay` seconds to answer each POST (its pace, which no assertion reads), or with
    `delay` None holds every answer until the test releases it; counting the POSTs (thread-safe)."""

    def __init__(self, delay: float | None) -> None:
        self.delay = delay
        self.posts: list[str] = []
        self.lock = threading.Lock()
        self.arrived = threading.Event()
        self.released = threading.Event()

    def __call__(self, request: Request) -> Response:
        with self.lock:
            self.posts.append(request.args.get("trigger_title", ""))
        self.arrived.set()
        if self.delay is None:
            self.released.wait()
        else:
            time.sleep(self.delay)
        return Response("", status=200)


@pytest.fixture
def slow_hook() -> Iterator[tuple[SlowHook, str]]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    hook = SlowHook(delay=1.0)
    server.expect_request(HOOK_PATH, method="POST").respond_with_handler(hook)
    yield hook, server.url_for(HOOK_PATH)
    hook.released.set()  # a held answer ends with the test
    server.clear()
    server.stop()


def start(ws: Workspace, url: str, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "GITHUB_"))}
    env["VIBE_BUILD_HOOK_URL"] = url
    return subprocess.Popen(
        [sys.executable, str(ROOT / "entrypoint.py"), "run", *args],
        cwd=ws.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def statuses(ws: Workspace, ledger: str = LEDGER) -> list[str]:
    latest: dict[str, str] = {}
    path = ws.path / ledger
    for line in path.read_text().splitlines() if path.exists() else []:
        record = json.loads(line)
        latest[record["id"]] = record["status"]
    return sorted(latest.values())


PAIRS = 20


def test_twenty_concurrent_pairs_never_fire_twice_nor_pass_a_quota_of_one(
    workspace: Workspace, slow_hook: tuple[SlowHook, str]
) -> None:
    hook, url = slow_hook
    hook.delay = 0.3
    workspace.write("config/deploy.yaml", CONFIG.replace("monthly_deploys: 20\n  reserve: 2", "monthly_deploys: 1"))
    workspace.write(RESULTS, native(77.5))
    first = workspace.commit("one", branch="main")
    second = workspace.commit("two")  # a different commit, the same results
    outcomes = []
    for pair in range(PAIRS):
        before = len(hook.posts)
        ledger = f"ledgers/pair-{pair}.jsonl"
        runs = [start(workspace, url, "--sha", sha, "--branch", "main", "--ledger", ledger) for sha in (first, second)]
        codes = [run.wait(timeout=120) for run in runs]
        outputs = [run.communicate()[0] for run in runs]
        assert sorted(codes) == [0, 0] or 1 in codes, outputs
        fired = len(hook.posts) - before
        assert fired == 1, (pair, outputs)  # never two POSTs, never past the quota of one
        assert statuses(workspace, ledger).count("success") == 1
        outcomes.append(tuple(statuses(workspace, ledger)))
    # Both orders of arrival happen: one run stands down after the other's in_progress record ...
    assert all(o in (("cancelled", "success"), ("success",)) for o in outcomes), outcomes
    third = start(workspace, url, "--sha", second, "--branch", "main", "--ledger", "ledgers/pair-0.jsonl")
    out, _ = third.communicate(timeout=60)
    assert third.returncode in (0, 1)
    assert "1/1 deploys used this month" in out  # ... and the ledger counts exactly the one deploy


def run_until_the_hook_hangs(ws: Workspace, hook: SlowHook, url: str) -> tuple[str, subprocess.Popen[str]]:
    """A deploying run, left when its POST has reached a hook that holds its answer until the test lets it go."""
    hook.delay = None
    ws.write(RESULTS, native(77.5))
    sha = ws.commit("candidate", branch="main")
    run = start(ws, url)
    assert hook.arrived.wait(timeout=60)
    return sha, run


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_while_the_hook_hangs_records_unconfirmed(
    workspace: Workspace, slow_hook: tuple[SlowHook, str], signum: int, code: int
) -> None:
    hook, url = slow_hook
    sha, run = run_until_the_hook_hangs(workspace, hook, url)  # the POST has arrived: the run waits for its answer
    run.send_signal(signum)
    _, err = run.communicate(timeout=30)
    assert run.returncode == code, err
    assert "Traceback" not in err
    (record,) = [r for r in workspace.ledger_lines() if r["sha"] == sha]
    assert record["status"] == "unconfirmed"
    assert f"interrupted by {signal.Signals(signum).name}" in record["reasons"][-1]
    hook.delay = 0.0
    again = workspace.run(env={"VIBE_BUILD_HOOK_URL": url})
    assert f"commit {sha[:7]} is already deployed" in again.stdout  # counted, and never fired twice
    assert len(hook.posts) == 1


def age_records(ws: Workspace, hours: float) -> None:
    """Move every record's time back, as if the run had been killed that long ago."""
    path = ws.path / LEDGER
    lines = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        record["time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - hours * 3600))
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")


def test_a_sigkilled_run_is_resolved_by_the_next_run(workspace: Workspace, slow_hook: tuple[SlowHook, str]) -> None:
    hook, url = slow_hook
    sha, run = run_until_the_hook_hangs(workspace, hook, url)
    run.kill()
    run.communicate(timeout=30)
    assert statuses(workspace) == ["in_progress"]
    hook.delay = 0.0
    young = workspace.run(env={"VIBE_BUILD_HOOK_URL": url})  # still young: another run may be writing it
    assert f"commit {sha[:7]} is already deployed" in young.stdout
    assert statuses(workspace) == ["in_progress"]
    age_records(workspace, hours=1)
    old = workspace.run(env={"VIBE_BUILD_HOOK_URL": url})
    assert old.code == 0, old.stderr
    assert re.search(r"left in_progress by a run that never finished; resolved as unconfirmed", old.stderr)
    assert statuses(workspace) == ["unconfirmed"]
    assert len(hook.posts) == 1  # resolving never fires


def test_a_dry_run_resolves_stale_records_only_in_memory(workspace: Workspace, slow_hook: tuple[SlowHook, str]) -> None:
    _hook, url = slow_hook
    workspace.write(RESULTS, native(77.5))
    sha = workspace.commit("candidate", branch="main")
    workspace.write(
        LEDGER,
        json.dumps(
            {
                "sha": sha,
                "branch": "main",
                "time": "2026-01-01T00:00:00Z",
                "status": "in_progress",
                "scores": {"aime25": 77.5},
                "id": "killed-run",
            }
        )
        + "\n",
    )
    before = (workspace.path / LEDGER).read_text()
    done = workspace.run("run", "--dry-run", env={"VIBE_BUILD_HOOK_URL": url})
    assert "resolved as unconfirmed" in done.stderr
    assert (workspace.path / LEDGER).read_text() == before


def test_a_last_record_without_its_newline_is_kept_not_cut(
    workspace: Workspace, slow_hook: tuple[SlowHook, str]
) -> None:
    hook, url = slow_hook
    hook.delay = 0.0
    workspace.write(RESULTS, native(77.5))
    sha = workspace.commit("candidate", branch="main")
    assert workspace.run(env={"VIBE_BUILD_HOOK_URL": url}).code == 0
    path = workspace.path / LEDGER
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # as an editor saves it
    again = workspace.run(env={"VIBE_BUILD_HOOK_URL": url})
    assert f"commit {sha[:7]} is already deployed" in again.stdout
    assert len(hook.posts) == 1
    workspace.write(RESULTS, native(80.5))
    workspace.commit("better")
    third = workspace.run(env={"VIBE_BUILD_HOOK_URL": url})
    assert third.code == 0, third.stderr
    assert len(hook.posts) == 2
    assert [json.loads(line)["status"] for line in path.read_text().splitlines()] == [
        "in_progress",
        "success",
        "in_progress",
        "success",
    ]  # the newline was added before the append; nothing was cut


def test_the_workflow_concurrency_group_is_documented_as_the_first_defence() -> None:
    troubleshooting = (ROOT / "docs" / "troubleshooting.md").read_text()
    example = (ROOT / "examples" / "workflow.yml").read_text()
    assert "concurrency:" in example
    assert "first line of defence" in troubleshooting
