"""Bad and hostile input never reaches an internal error: exit 2, a message naming the file (or option) and
what to do, nothing fired, nothing recorded. Each case runs the real CLI in a child process."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.cli_hook import HOOK_PATH, hook_env, posts
from tests.conftest import CONFIG, RESULTS, ROOT, Workspace, native

LEDGER = ".vibe-deploy-gate/ledger.jsonl"


def refused(workspace: Workspace, server: HTTPServer, *args: str, env: dict[str, str] | None = None) -> str:
    """Run the gate; assert exit 2, no traceback or internal error, no POST and no ledger record."""
    done = workspace.run(*args, env={**hook_env(server), **(env or {})})
    assert done.code == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    assert posts(server) == []
    assert workspace.raw_ledger() == []
    return done.stderr


def with_config(workspace: Workspace, extra: str) -> None:
    workspace.write("config/deploy.yaml", CONFIG + extra)
    workspace.write(RESULTS, native(77.5))
    workspace.commit("candidate", branch="main")


ALIAS_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9 if prev else ['lol'] * 9)}]\n"
    for prev, name in zip(
        ["", "a", "b", "c", "d", "e", "f", "g"], ["a", "b", "c", "d", "e", "f", "g", "h"], strict=True
    )
)


def test_a_yaml_alias_bomb_is_refused_at_once(workspace: Workspace, hook: HTTPServer) -> None:
    with_config(workspace, ALIAS_BOMB)
    err = refused(workspace, hook)  # (an expansion would run into the child's timeout, not a clock in the test)
    assert "config/deploy.yaml:22:" in err  # the first alias, in the line after the anchor it names
    assert "aliases (*name) are not allowed" in err


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("hook:\n  title: '{score:d}'\n", "takes no format spec"),
        ("hook:\n  title: '{score:>300000000}'\n", "takes no format spec"),
        ("hook:\n  title: '{score!r}'\n", "takes no format spec"),
        ("hook:\n  timeout: .inf\n", "hook.timeout"),
        ("significance:\n  confidence: .nan\n", "not a finite number"),
        ("defaults:\n  max_drop: .inf\n", "not a finite number"),
        ("2025: 1\n", "key '2025' is not text"),
        ("yes: 1\n", "key 'yes' is not text"),
        ("results: /etc/*.json\n", "is absolute"),
        ("results: ../outside/*.json\n", "leaves the repository"),
    ],
)
def test_config_values_that_used_to_crash(workspace: Workspace, hook: HTTPServer, extra: str, expected: str) -> None:
    with_config(workspace, extra)
    err = refused(workspace, hook)
    assert "config/deploy.yaml:" in err
    assert expected in err


def test_a_nan_floor_is_refused_not_accepted_and_always_blocking(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write("config/deploy.yaml", CONFIG.replace("    min: 70\n", "    min: .nan\n"))
    workspace.write(RESULTS, native(77.5))
    workspace.commit("candidate", branch="main")
    err = refused(workspace, hook)
    assert "config/deploy.yaml:5:" in err
    assert "not a finite number" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 20000 + "]" * 20000, "nested deeper than 64 levels"),
        ('{"benchmarks": {"aime25": {"score": 70, "items": {}}}}', "items: must not be empty"),
        ('{"\\ud800": 75}', "lone surrogate"),
        ('{"aime25": "\\udfff"}', "lone surrogate"),
    ],
)
def test_results_that_used_to_crash(workspace: Workspace, hook: HTTPServer, text: str, expected: str) -> None:
    workspace.write(RESULTS, text)
    workspace.commit("candidate", branch="main")
    err = refused(workspace, hook)
    assert RESULTS in err
    assert expected in err


def test_an_oversized_results_file_is_refused_before_it_is_parsed(workspace: Workspace, hook: HTTPServer) -> None:
    names = {f"bench_{i:07d}_{'x' * 40}": 50.0 for i in range(300_000)}  # ~17 MB of flat JSON
    workspace.write(RESULTS, names)
    workspace.commit("candidate", branch="main")
    err = refused(workspace, hook)
    assert "the limit is 16,777,216" in err  # refused by its size, not parsed: the message says which


def test_too_many_benchmarks_are_refused(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write(RESULTS, {f"b{i}": 50.0 for i in range(501)} | {"aime25": 77.5, "hmmt25": 50.4})
    workspace.commit("candidate", branch="main")
    assert "503 benchmarks; the limit is 500" in refused(workspace, hook)


def test_a_symlink_out_of_the_repository_is_not_read(workspace: Workspace, hook: HTTPServer, tmp_path: Path) -> None:
    secret = tmp_path / "outside.json"
    secret.write_text(json.dumps({"aime25": 99.0}))
    workspace.write("results/real.json", native(77.5))
    os.symlink(secret, workspace.path / "results" / "leak.json")
    workspace.commit("candidate", branch="main")
    err = refused(workspace, hook)
    assert "results/leak.json" in err
    assert "outside the repository" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--event", "pull-request"], "did you mean 'pull_request'"),
        (["--event", "merge_group"], "unknown event"),
        (["--sha", "x\n::set-output name=decision::skip"], "is not a commit id"),
        (["--sha", "12345"], "is not a commit id"),
        (["--branch", "main\n::add-mask::aime25"], "is not a valid branch name"),
    ],
)
def test_options_are_checked(workspace: Workspace, hook: HTTPServer, args: list[str], expected: str) -> None:
    workspace.write(RESULTS, native(77.5))
    workspace.commit("candidate", branch="main")
    err = refused(workspace, hook, "run", *args)
    assert expected in err
    assert not any(line.startswith("::") for line in err.splitlines())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com/build_hooks/abcdef0123456789", "must start with https://"),
        ("https://169.254.169.254/latest/meta-data/", "private or link-local"),
        ("https://10.0.0.7/build_hooks/abcdef0123456789", "private or link-local"),
        ("https://[fe80::1]/build_hooks/abcdef0123456789", "private or link-local"),
        ("ftp://api.netlify.com/build_hooks/abcdef0123456789", "must start with https://"),
    ],
)
def test_hook_urls_that_are_refused(workspace: Workspace, hook: HTTPServer, url: str, expected: str) -> None:
    workspace.write(RESULTS, native(77.5))
    workspace.commit("candidate", branch="main")
    err = refused(workspace, hook, env={"VIBE_BUILD_HOOK_URL": url})
    assert expected in err
    assert "abcdef0123456789" not in err  # the hook id is a secret, even in a refusal


def test_a_hook_url_with_a_trailing_newline_is_stripped_and_works(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write(RESULTS, native(77.5))
    workspace.commit("candidate", branch="main")
    done = workspace.run(env={"VIBE_BUILD_HOOK_URL": hook.url_for(HOOK_PATH) + "\n"})
    assert done.code == 0, done.stderr
    assert len(posts(hook)) == 1


@pytest.mark.parametrize(
    "line",
    [
        {"sha": 5, "branch": "main", "time": "2026-11-01T00:00:00Z", "status": "success", "scores": {}},
        {"sha": "a" * 40, "branch": "main", "time": "yesterday", "status": "success", "scores": {}},
        {"sha": "a" * 40, "branch": "main", "time": "2026-11-01T00:00:00Z", "status": "success", "scores": []},
        {"sha": "a" * 40, "branch": "main", "time": "2026-11-01T00:00:00Z", "status": "success", "scores": {"x": "1"}},
        {"sha": "a" * 40, "branch": "main", "time": "2026-11-01T00:00:00Z", "status": 1, "scores": {}},
        {
            "sha": "a" * 40,
            "branch": "main",
            "time": "2026-11-01T00:00:00Z",
            "status": "success",
            "scores": {},
            "reasons": "not a list",
        },
        ["not", "an", "object"],
    ],
)
def test_ledger_lines_of_the_wrong_type_stop_the_gate(workspace: Workspace, hook: HTTPServer, line: object) -> None:
    workspace.write(RESULTS, native(77.5))
    workspace.commit("candidate", branch="main")
    ledger = workspace.write(LEDGER, json.dumps(line) + "\n")
    done = workspace.run(env=hook_env(hook))
    assert done.code == 2, done.stderr
    assert f"{LEDGER}:1:1: corrupt ledger record" in done.stderr
    assert "Traceback" not in done.stderr
    assert posts(hook) == []
    assert ledger.read_text() == json.dumps(line) + "\n"


def run_with_file_limit(workspace: Workspace, server: HTTPServer, limit: int) -> subprocess.CompletedProcess[str]:
    """The CLI with RLIMIT_FSIZE at `limit` bytes: writes past it fail as on a full disk (we are root here, so
    file permissions would not stop a write)."""

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    # (not measured for coverage either: its data file could not be written under the limit)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "GITHUB_", "COVERAGE_"))}
    return subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py"), "run"],
        cwd=workspace.path,
        env={**env, **hook_env(server), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        preexec_fn=limit_files,
    )


def test_a_ledger_that_cannot_be_written_is_found_before_the_hook_fires(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write(RESULTS, native(77.5))
    workspace.write(".vibe-deploy-gate", "a file where the ledger's folder should be\n")
    workspace.commit("candidate", branch="main")
    (workspace.path / ".vibe-deploy-gate").unlink()
    (workspace.path / ".vibe-deploy-gate").mkdir()
    (workspace.path / LEDGER).mkdir()  # a folder where the ledger file should be: unreadable and unwritable
    done = workspace.run(env=hook_env(hook))
    assert done.code == 2, done.stderr
    assert LEDGER in done.stderr
    assert "Traceback" not in done.stderr
    assert posts(hook) == []


def test_a_full_disk_before_the_hook_fires_deploys_nothing(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write(RESULTS, native(77.5))
    workspace.commit("candidate", branch="main")
    done = run_with_file_limit(workspace, hook, 0)
    assert done.returncode == 2, done.stderr
    assert f"{LEDGER}: cannot write the ledger" in done.stderr
    assert posts(hook) == []
    assert (workspace.path / LEDGER).read_bytes() == b""  # nothing half-written


def test_a_full_disk_after_the_hook_fired_prints_the_record_and_exits_4(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write(RESULTS, native(74.4))
    workspace.commit("first", branch="main")
    assert workspace.run(env=hook_env(hook)).code == 0
    workspace.write(RESULTS, native(77.5))
    sha = workspace.commit("candidate")
    size = (workspace.path / LEDGER).stat().st_size
    rehearsal = Workspace(workspace.path.parent / "rehearsal")  # the same run, unlimited, to size its two lines
    shutil.copytree(workspace.path, rehearsal.path, dirs_exist_ok=True)
    assert rehearsal.run(env=hook_env(hook)).code == 0
    started, ended = (len(line) + 1 for line in (rehearsal.path / LEDGER).read_bytes().splitlines()[-2:])
    assert ended > started + 20
    fired = len(posts(hook))
    done = run_with_file_limit(workspace, hook, size + (started + ended) // 2)  # in_progress fits, the outcome not
    assert done.returncode == 4, done.stderr
    assert len(posts(hook)) == fired + 1
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    printed = json.loads(done.stderr.split("(or set the GitHub deployment's status):\n", 1)[1].splitlines()[0])
    assert (printed["sha"], printed["status"]) == (sha, "success")
    lines = workspace.raw_ledger()
    assert (lines[-1]["sha"], lines[-1]["status"]) == (sha, "in_progress")  # whole, not torn
    with (workspace.path / LEDGER).open("a") as ledger:  # restore it as the message says
        ledger.write(json.dumps(printed) + "\n")
    again = workspace.run(env=hook_env(hook))
    assert again.code == 0, again.stderr
    assert f"commit {sha[:7]} is already deployed" in again.stdout
    assert len(posts(hook)) == fired + 1


def test_an_unwritable_decision_file_is_refused_before_deciding(workspace: Workspace, hook: HTTPServer) -> None:
    workspace.write(RESULTS, native(77.5))
    workspace.commit("candidate", branch="main")
    err = refused(workspace, hook, "run", "--decision-file", "no/such/folder/decision.json")
    assert "--decision-file no/such/folder/decision.json: cannot write there" in err
