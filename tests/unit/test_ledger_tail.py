"""Reading the local ledger from its end gives a decision the same facts as reading it whole: the baseline,
this month's count, whether the commit is already deployed — on ledgers of any shape hypothesis makes."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from vibe_action.ledger.local import LocalLedger
from vibe_action.ledger.records import baseline, deployed_shas, deploys_in_month

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
SHAS = [(f"{i:x}" * 40)[:40] for i in range(1, 9)]  # distinct 7-character prefixes
EVENT = st.tuples(
    st.sampled_from(SHAS),
    st.sampled_from(["production", "preview"]),
    st.sampled_from(["2026-09", "2026-10", "2026-11"]),
    st.sampled_from(["success", "failure", "cancelled", "unconfirmed", "superseded", "pruned"]),
    st.sampled_from(["deploy", "rollback"]),
    st.booleans(),  # the final line written at once, or later (after other records)
)


def write_ledger(path: Path, events: list[tuple[str, str, str, str, str, bool]]) -> None:
    """Each record as the gate writes it: an in_progress line, then its final state (sometimes later)."""
    lines: list[dict[str, object]] = []
    pending: list[dict[str, object]] = []
    months: dict[str, int] = {}
    for number, (sha, env, month, status, decision, at_once) in enumerate(events):
        started = {
            "id": f"r{number}",
            "sha": sha,
            "branch": "main",
            "time": f"{month}-0{1 + number % 9}T00:00:00Z",
            "status": "in_progress",
            "scores": {"aime25": 70.0 + number},
            "environment": env,
            "decision": decision,
            "extra": {"month": month, "month_spent_before": months.get(month, 0)},
        }
        months[month] = months.get(month, 0) + 1
        lines.append(started)
        final = {**started, "status": status}
        (lines if at_once else pending).append(final)
        if len(pending) > 2:
            lines.append(pending.pop(0))
    lines += pending
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


@settings(max_examples=120, deadline=None, derandomize=True)  # no clock: a slow machine is no failure
@given(st.lists(EVENT, max_size=40), st.sampled_from(SHAS), st.sampled_from(["production", "preview"]))
def test_the_tail_read_gives_the_decisions_facts(tmp_path_factory: object, events: list, sha: str, env: str) -> None:
    path = tmp_path_factory.mktemp("ledger") / "ledger.jsonl"  # type: ignore[attr-defined]
    write_ledger(path, sorted(events, key=lambda e: e[2]))  # months in order, as time goes
    whole = LocalLedger(path).records()
    tail = LocalLedger(path, now=NOW).records(env, sha)
    assert baseline(tail, env) == baseline(whole, env)
    assert deploys_in_month(tail, NOW) == deploys_in_month(whole, NOW)
    assert (sha in deployed_shas(tail, env)) == (sha in deployed_shas(whole, env))
    prefix = LocalLedger(path, now=NOW).records(env, sha[:7])
    assert {r.id for r in prefix if r.sha == sha} == {r.id for r in whole if r.sha == sha}  # rollback --to


def test_a_long_ledger_is_read_only_back_to_what_the_decision_needs(tmp_path: Path) -> None:
    events = [(SHAS[i % 8], "production", "2026-10", "success", "deploy", True) for i in range(3000)]
    events += [(SHAS[1], "production", "2026-11", "success", "deploy", True)]
    path = tmp_path / "ledger.jsonl"
    write_ledger(path, events)
    tail = LocalLedger(path, now=NOW).records("production", "f" * 40)
    assert len(tail) <= 3  # the live one of this month, one of the previous month: nothing more is parsed
    assert baseline(tail, "production") == baseline(LocalLedger(path).records(), "production")
