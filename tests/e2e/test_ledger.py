"""The local ledger: baseline selection, quota counting, and durability against crashes and concurrency."""

from __future__ import annotations

import json
import multiprocessing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vibe_action.errors import InputError
from vibe_action.ledger.extra import RecordExtra
from vibe_action.ledger.local import LocalLedger
from vibe_action.ledger.records import Outcome, Record, baseline, deployed_shas, deploys_in_month, record_time


def commit(name: str) -> str:
    """A commit id made from a short name ("a"): hex, 40 digits, as the ledger requires."""
    return name if len(name) >= 7 else name.encode().hex().ljust(40, "0")


def record(sha: str, status: str = "success", time: str = "2026-11-02T10:00:00Z", env: str = "production") -> Record:
    """A record of the commit `sha`; a short name ("a") stands for a commit id made from it (hex, 40 digits)."""
    return Record(sha=commit(sha), branch="main", time=time, status=status, scores={"aime25": 74.4}, environment=env)


def test_round_trip_and_order(tmp_path: Path) -> None:
    ledger = LocalLedger(tmp_path / "l" / "ledger.jsonl")
    assert ledger.records() == []
    first = record("a" * 40)
    second = Record(
        sha="b" * 40,
        branch="main",
        time="2026-11-03T00:00:00Z",
        status="success",
        scores={"aime25": 77.5},
        reasons=("gain",),
        model={"name": "m", "revision": "r"},
        deploy_url="https://x--site.netlify.app",
    )
    ledger.append(first)
    ledger.append(second)
    assert ledger.records() == [first, second]
    lines = (tmp_path / "l" / "ledger.jsonl").read_text().splitlines()
    assert json.loads(lines[1])["deploy_url"] == "https://x--site.netlify.app"


def test_baseline_is_newest_success_in_the_environment() -> None:
    records = [
        record("a"),
        record("b", status="failure"),
        record("c", env="staging"),
        record("d", status="unconfirmed"),
    ]
    found = baseline(records, "production")
    assert found is not None
    assert found.sha == commit("a")
    staging = baseline(records, "staging")
    assert staging is not None
    assert staging.sha == commit("c")
    assert baseline(records, "preview") is None


def test_month_count_and_deployed_shas_include_unconfirmed() -> None:
    records = [
        record("a", time="2026-10-31T23:59:59Z"),
        record("b", time="2026-11-01T00:00:00Z"),
        record("c", status="failure", time="2026-11-05T00:00:00Z"),
        record("d", status="unconfirmed", time="2026-11-06T00:00:00Z"),
    ]
    now = datetime(2026, 11, 26, tzinfo=timezone.utc)
    assert deploys_in_month(records, now) == 2
    assert deployed_shas(records, "production") == frozenset(map(commit, "abd"))


def test_a_torn_last_line_is_reported_then_cut_before_the_next_append(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger = LocalLedger(path)
    ledger.append(record("a"))
    with path.open("ab") as handle:  # a crash in the middle of writing the second record
        handle.write(b'{"sha": "bbbb", "branch": "ma')
    assert [r.sha for r in ledger.records()] == [commit("a")]
    assert ledger.warnings == [
        f"{path}:2: ignoring an incomplete last record (a write was interrupted); it will be cut off at the next append"
    ]
    ledger.append(record("c"))
    assert [r.sha for r in LocalLedger(path).records()] == [commit("a"), commit("c")]
    assert path.read_bytes().count(b"\n") == 2


def test_a_corrupt_complete_line_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger = LocalLedger(path, display=".vibe-deploy-gate/ledger.jsonl")
    ledger.append(record("a"))
    with path.open("a") as handle:
        handle.write("not json\n")
    ledger.append(record("c"))
    with pytest.raises(InputError) as caught:
        ledger.records()
    assert caught.value.problems[0].render().startswith(".vibe-deploy-gate/ledger.jsonl:2:1: corrupt ledger record")


def test_a_record_missing_fields_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_text('{"sha": "a"}\n')
    with pytest.raises(InputError, match="missing branch, time, status, scores"):
        LocalLedger(path).records()


def _append_many(path: str, worker: int, count: int) -> None:
    ledger = LocalLedger(Path(path))
    for index in range(count):
        ledger.append(
            Record(
                sha=f"{worker:020x}{index:020x}",
                branch="main",
                time="2026-11-01T00:00:00Z",
                status="success",
                scores={"aime25": float(index)},
                reasons=("x" * 5000,),
            )
        )


def test_concurrent_appends_from_several_processes_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_many, args=(str(path), w, 25)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    records = LocalLedger(path).records()
    assert len(records) == 100
    assert {r.sha for r in records} == {f"{w:020x}{i:020x}" for w in range(4) for i in range(25)}


def test_start_then_finish_is_one_record_in_its_latest_state(tmp_path: Path) -> None:
    ledger = LocalLedger(tmp_path / "ledger.jsonl")
    started = ledger.start(record("a", status="ignored"))
    assert started.status == "in_progress"
    assert len(started.id) == 16
    # While in progress, the commit counts as deployed: a concurrent run does not fire it again.
    assert deployed_shas(ledger.records(), "production") == frozenset({commit("a")})
    assert baseline(ledger.records(), "production") is None
    final = ledger.finish(started, Outcome("success", "build hook accepted (HTTP 200)", deploy_url="https://x"))
    assert ledger.records() == [final]
    assert final.reasons[-1] == "build hook accepted (HTTP 200)"
    assert final.deploy_url == "https://x"
    assert (tmp_path / "ledger.jsonl").read_text().count("\n") == 2


def test_month_count_stops_at_the_newest_record_that_carries_the_count() -> None:
    now = datetime(2026, 11, 26, tzinfo=timezone.utc)
    anchor = Record(
        sha="a",
        branch="main",
        time="2026-11-10T00:00:00Z",
        status="success",
        scores={},
        extra=RecordExtra(month="2026-11", month_spent_before=7),
    )
    older_unknown = record("o", status="unknown", time="2026-11-02T00:00:00Z")  # never read: covered by the 7
    newer = [
        record("b", time="2026-11-11T00:00:00Z"),
        record("c", status="failure", time="2026-11-12T00:00:00Z"),
        record("d", status="in_progress", time="2026-11-13T00:00:00Z"),
    ]
    assert deploys_in_month([older_unknown, anchor, *newer], now) == 7 + 1 + 2  # anchor, b, d
    stale = Record(
        sha="z",
        branch="main",
        time="2026-10-30T00:00:00Z",
        status="success",
        scores={},
        extra=RecordExtra(month="2026-10", month_spent_before=19),
    )
    assert deploys_in_month([stale, record("e", time="2026-11-01T00:00:00Z")], now) == 1  # a new month starts at 0


def _strptime_time(text: str) -> datetime | None:
    """What the ledger accepted when it read times with strptime (the reference `record_time` replaced)."""
    if not text.isascii():
        return None
    try:
        parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    exact = parsed.strftime("%Y-%m-%dT%H:%M:%SZ") == text  # strptime also takes 1-digit months and days
    return parsed if exact and 1970 <= parsed.year <= 9000 else None


@given(
    st.tuples(
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 25),
        st.integers(0, 61),
        st.integers(0, 61),
    )
)
def test_a_record_time_is_read_as_strptime_read_it(parts: tuple[int, int, int, int, int, int]) -> None:
    text = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*parts)
    assert record_time(text) == _strptime_time(text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-2-01T00:00:00Z",  # one digit: strptime took it, the gate never writes it
        "2026-02-29T00:00:00Z",  # not a leap year
        "2026-01-01T00:00:60Z",  # a leap second datetime cannot hold
        "1969-12-31T23:59:59Z",
        "9001-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z\n",
        "2026-01-01T00:00:00+00:00",
        "\uff12026-01-01T00:00:00Z",  # a full-width digit
        "",
    ],
)
def test_a_time_the_gate_would_not_write_is_no_record_time(text: str) -> None:
    assert record_time(text) is None


def test_a_record_time_is_utc() -> None:
    assert record_time("2028-02-29T23:59:59Z") == datetime(2028, 2, 29, 23, 59, 59, tzinfo=timezone.utc)
    assert record("a" * 40, time="2026-11-02T10:00:00Z").started == datetime(2026, 11, 2, 10, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="not YYYY-MM-DDTHH:MM:SSZ"):
        _ = record("a" * 40, time="soon").started


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time", "2025-13-45T99:99:99Z", "time is not a real UTC time"),
        ("time", "9999-12-31T23:59:59Z", "time is not a real UTC time"),
        ("sha", "--upload-pack=touch /tmp/pwned", "sha is not a commit id"),
    ],
)
def test_a_ledger_line_that_cannot_be_real_stops_every_command_at_its_line(
    workspace: Any, field: str, value: str, message: str
) -> None:
    good = record("a" * 40, status="in_progress", time="2026-11-02T10:00:00Z")
    line = {**good.to_json(), field: value, "id": "r1"}
    workspace.write(".vibe-deploy-gate/ledger.jsonl", json.dumps(line) + "\n")
    workspace.write("results/r.json", {"aime25": 80.0, "hmmt25": 50.4, "livecodebench_v6": 51.1})
    workspace.commit("x", branch="main")
    for command in (["run", "--dry-run"], ["history"], ["rollback", "--previous"]):
        done = workspace.run(*command)
        assert done.code == 2, (command, done.stdout, done.stderr)
        assert f".vibe-deploy-gate/ledger.jsonl:1:1: corrupt ledger record: {message}" in done.stderr
        assert "Traceback" not in done.stderr


def test_a_fifo_as_ledger_is_refused_without_hanging(workspace: Any) -> None:
    import os

    fifo = workspace.path / "ledger.fifo"
    os.mkfifo(fifo)
    done = workspace.run("history", "--ledger", str(fifo))
    assert done.code == 2
    assert "the ledger is not a regular file" in done.stderr


def test_a_committed_symlink_cannot_send_the_ledger_outside_the_repository(workspace: Any, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "ledger.jsonl"
    (workspace.path / ".vibe-deploy-gate").mkdir()
    (workspace.path / ".vibe-deploy-gate" / "ledger.jsonl").symlink_to(outside)  # dangling, and outside
    workspace.write("results/r.json", {"aime25": 80.0, "hmmt25": 50.4, "livecodebench_v6": 51.1})
    workspace.commit("x", branch="main")
    done = workspace.run("--dry-run")
    assert done.code == 2
    assert ".vibe-deploy-gate/ledger.jsonl resolves outside the repository (a symlink)" in done.stderr
    assert not outside.exists()


def test_a_line_that_gives_a_record_another_commit_is_refused(workspace: Any) -> None:
    deployed = record("a" * 40)
    lines = [
        {**deployed.to_json(), "id": "r1"},
        {**deployed.to_json(), "id": "r1", "sha": "b" * 40, "status": "failure"},  # would erase the deploy of a…
    ]
    workspace.write(".vibe-deploy-gate/ledger.jsonl", "".join(json.dumps(line) + "\n" for line in lines))
    workspace.write("results/r.json", {"aime25": 80.0, "hmmt25": 50.4, "livecodebench_v6": 51.1})
    workspace.commit("x", branch="main")
    for command in (["history"], ["run", "--dry-run"]):
        done = workspace.run(*command)
        assert done.code == 2, (command, done.stdout, done.stderr)
        assert "record r1 is of commit " in done.stderr
        assert ", but this line gives it " in done.stderr  # read forwards or from the end: either line is named
        assert "corrupt ledger record" in done.stderr


@pytest.mark.parametrize(
    ("benchmarks", "named"),
    [
        ({"aime25": {"n": 30, "items": {"ids": "a", "n": 30, "k": 1, "c": "!!"}}}, "aime25.items"),  # not base64
        ({"aime25": {"n": 30, "items": {"ids": "a", "n": 30, "k": 1, "c": "AAAA"}}}, "aime25.items"),  # 3 bytes
        ({"aime25": {"n": 30, "items": {"ids": "a", "n": "x", "k": 1, "c": ""}}}, "aime25.items"),
        ({"aime25": {"n": "thirty"}}, "aime25.n"),
        ({"aime25": {"stderr": "x"}}, "aime25.stderr"),
        ({"aime25": {"stderr": -1}}, "aime25.stderr"),
        ({"aime25": {"settings": "not an object"}}, "aime25.settings"),
        ({"aime25": [1, 2]}, "extra.benchmarks"),
    ],
)
def test_a_deployed_records_odd_details_are_refused_at_their_line(
    workspace: Any, benchmarks: dict[str, Any], named: str
) -> None:
    """The paired test reads these details; a wrong one is an error naming the line and the field, for every
    command, and nothing is decided on a half-read record."""
    deployed = record("a" * 40)
    line = {**deployed.to_json(), "id": "r1", "extra": {"benchmarks": benchmarks}}
    workspace.write(".vibe-deploy-gate/ledger.jsonl", json.dumps(line) + "\n")
    flags = {f"p{i}": [1] if i < 25 else [0] for i in range(30)}
    workspace.write("results/r.json", {"benchmarks": {"aime25": {"items": flags}, "hmmt25": {"score": 50.4}}})
    workspace.commit("x", branch="main")
    for command in (["--dry-run", "--json"], ["history"], ["page", "--out", "out"]):
        done = workspace.run(*command)
        assert done.code == 2, (command, done.stdout + done.stderr)
        assert ".vibe-deploy-gate/ledger.jsonl:1:" in done.stderr
        assert named in done.stderr
        assert "internal error" not in done.stderr


def test_an_in_progress_record_dated_in_the_future_does_not_stand_every_run_down(
    workspace: Any, httpserver: Any
) -> None:
    from datetime import timedelta

    hook = "/build_hooks/0123456789abcdef01234567"
    httpserver.expect_request(hook, method="POST").respond_with_data("", status=200)
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ghost = record("c" * 40, status="in_progress", time=tomorrow)
    workspace.write(".vibe-deploy-gate/ledger.jsonl", json.dumps({**ghost.to_json(), "id": "ghost"}) + "\n")
    workspace.write("results/r.json", {"aime25": 80.0, "hmmt25": 50.4, "livecodebench_v6": 51.1})
    workspace.commit("x", branch="main")
    done = workspace.run(env={"VIBE_BUILD_HOOK_URL": httpserver.url_for(hook)})
    assert done.code == 0, done.stdout + done.stderr
    assert f"record ghost (commit ccccccc) is dated {tomorrow}, in the future" in done.stderr
    assert sum(1 for request, _ in httpserver.log if request.method == "POST") == 1


def test_records_dated_in_the_future_are_warned_about_by_every_reader(workspace: Any) -> None:
    """A runner with its clock a year ahead wrote a success: history and a decision still read it, and say the
    times are off (the quota month, the versions' order and stale in-progress checks all read them)."""
    from datetime import timedelta

    ahead = (datetime.now(timezone.utc) + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    line = {**record("d" * 40, time=ahead).to_json(), "id": "r9"}
    workspace.write(".vibe-deploy-gate/ledger.jsonl", json.dumps(line) + "\n")
    workspace.write("results/r.json", {"aime25": 80.0, "hmmt25": 50.4, "livecodebench_v6": 51.1})
    workspace.commit("x", branch="main")
    for command in (["history"], ["--dry-run"]):
        done = workspace.run(*command)
        assert done.code in (0, 1), done.stdout + done.stderr
        assert f"1 record(s) dated after now (the newest: {ahead}, record r9)" in done.stderr, command
    on_time = {**record("d" * 40).to_json(), "id": "r9"}
    workspace.write(".vibe-deploy-gate/ledger.jsonl", json.dumps(on_time) + "\n")
    assert "dated after now" not in workspace.run("history").stderr
