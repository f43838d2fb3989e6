"""Snapshot logic as units: the prune plan, rollback targets, title patterns, and confirmation's time budget."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import requests

from tests.fake_netlify import SITE_ID, TOKEN
from vibe_action.app.prune import prune_plan
from vibe_action.app.rollback import rollback_target
from vibe_action.errors import InputError
from vibe_action.hosts.netlify.client import NetlifyClient
from vibe_action.hosts.netlify.confirm import Before, confirm, is_hook_deploy
from vibe_action.hosts.netlify.doctor import foreign_deploys, title_pattern
from vibe_action.hosts.netlify.models import Deploy
from vibe_action.hosts.netlify.snapshots import host_deploys
from vibe_action.hosts.netlify.urls import deploy_id_from_permalink
from vibe_action.ledger.records import Record
from vibe_action.redact import Secrets

NOW = datetime(2026, 11, 26, tzinfo=timezone.utc)


def deploy(
    ident: str,
    days: float,
    state: str = "ready",
    locked: bool = False,
    title: str = "",
    context: str = "production",
    branch: str = "main",
) -> Deploy:
    created = (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return Deploy(ident, state, title, "", branch, context, created, "", locked, f"https://{ident}--s.netlify.app", "")


def snapshot(sha: str, deploy_id: str | None, status: str = "success") -> Record:
    return Record(
        sha=sha, branch="main", time="2026-11-01T00:00:00Z", status=status, scores={"a": 1.0}, deploy_id=deploy_id
    )


def test_prune_plan_keeps_published_locked_newest_building_and_recent() -> None:
    deploys = [
        deploy("s3", 1),
        deploy("s2", 2),
        deploy("s1", 40),
        deploy("pub", 50),
        deploy("lock", 60, locked=True),
        deploy("build", 30, state="building"),
        deploy("young", 3),
        deploy("old", 30),
    ]
    snapshots = [snapshot("1", "s1"), snapshot("p", "pub"), snapshot("2", "s2"), snapshot("3", "s3")]  # oldest first
    plan = {
        row.deploy.id: (row.action, row.why) for row in prune_plan(host_deploys(deploys), "pub", snapshots, 2, 14, NOW)
    }
    assert plan == {
        "s3": ("keep", "snapshot #1 of the newest 2"),
        "s2": ("keep", "snapshot #2 of the newest 2"),
        "s1": ("delete", "snapshot #4, beyond keep=2"),
        "pub": ("keep", "published (live)"),
        "lock": ("keep", "locked"),
        "build": ("keep", "still building"),
        "young": ("keep", "not a snapshot, but younger than 14 days"),
        "old": ("delete", "not a snapshot, 30 days old"),
    }


def test_prune_plan_never_deletes_a_branch_head_nor_a_lasting_version_deploy() -> None:
    deploys = [
        deploy("main-new", 1),
        deploy("v2", 200, branch="versions/v2", context="branch-deploy"),
        deploy("v1-old", 300, branch="versions/v1", context="branch-deploy"),
        deploy("v1", 299, branch="versions/v1", context="branch-deploy"),  # the branch's newest
        deploy("feature-head", 100, branch="feature/x", context="branch-deploy"),
        deploy("feature-old", 101, branch="feature/x", context="branch-deploy"),
        deploy("snap-old", 90),
    ]
    snapshots = [snapshot("0", "snap-old"), snapshot("1", "main-new")]
    rows = prune_plan(host_deploys(deploys), None, snapshots, 1, 14, NOW, "versions/")
    plan = {row.deploy.id: (row.action, row.why) for row in rows}
    assert plan == {
        "main-new": ("keep", "snapshot #1 of the newest 1"),
        "v2": ("keep", "lasting version branch versions/v2"),
        "v1-old": ("keep", "lasting version branch versions/v1"),
        "v1": ("keep", "lasting version branch versions/v1"),
        "feature-head": ("keep", "newest deploy of feature/x"),
        "feature-old": ("delete", "not a snapshot, 101 days old"),
        "snap-old": ("delete", "snapshot #2, beyond keep=1"),
    }
    # Without the prefix the newest deploy of each version branch still stays (it serves the branch URL).
    bare = {row.deploy.id: row.action for row in prune_plan(host_deploys(deploys), None, snapshots, 1, 14, NOW)}
    assert (bare["v2"], bare["v1"], bare["v1-old"]) == ("keep", "keep", "delete")
    with pytest.raises(ValueError, match="keep must be at least 1"):
        prune_plan(host_deploys(deploys), None, snapshots, 0, 14, NOW)


def test_rollback_targets() -> None:
    records = [
        snapshot("a" * 40, "d1"),
        snapshot("b" * 40, "d2"),
        snapshot("c" * 40, None, "failure"),
        snapshot("e" * 40, None),
    ]
    target, current = rollback_target(records, "production", "previous")
    assert (target.sha, current.sha if current else None) == ("b" * 40, "e" * 40)
    assert rollback_target(records, "production", "aaaaaaa")[0].deploy_id == "d1"
    with pytest.raises(InputError, match="no deployed snapshot of commit ccccccc"):
        rollback_target(records, "production", "ccccccc")  # its build failed: nothing to restore
    with pytest.raises(InputError, match="too short"):
        rollback_target(records, "production", "abc")
    # recorded without a deploy id (no token then): rollback looks for it on Netlify (test_netlify_e2e)
    assert rollback_target(records, "production", "eeeeeee")[0].deploy_id is None


def test_title_pattern_and_foreign_deploys() -> None:
    pattern = title_pattern("{primary} {score} @ {short_sha}")
    assert pattern.fullmatch("aime25 77.5 @ 1a2b3c4")
    assert not pattern.fullmatch("Merge pull request #3")
    found = foreign_deploys(
        [
            deploy("ours", 1, title="aime25 77.5 @ 1a2b3c4"),
            deploy("rec", 1, title="x"),
            deploy("git", 1, title="Merge pull request #3"),
            deploy("preview", 1, title="Deploy Preview #4", context="deploy-preview"),
        ],
        [snapshot("r", "rec")],
        "{primary} {score} @ {short_sha}",
    )
    assert [d.id for d in found] == ["git"]


def test_deploy_id_from_permalink() -> None:
    assert deploy_id_from_permalink("https://65a1b2c3d4--vibe-demo.netlify.app") == "65a1b2c3d4"
    assert deploy_id_from_permalink("https://vibe-demo.netlify.app") is None
    assert deploy_id_from_permalink(None) is None


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client(netlify: Any, session: requests.Session) -> NetlifyClient:
    return NetlifyClient(session, TOKEN, SITE_ID, Secrets(), netlify.api_url)


def test_confirmation_polls_with_growing_intervals_within_the_budget(netlify: Any) -> None:
    netlify.polls_until_final = 10_000  # never finishes
    (ident,) = netlify.seed(1, age_days=0, state="building")
    netlify.polls[ident] = 0
    clock = FakeClock()
    with requests.Session() as session:
        result = confirm(
            client(netlify, session),
            title="Deploy from git",
            fired_at=NOW,
            budget=60,
            first_interval=2,
            clock=clock,
            sleep=clock.sleep,
        )
    assert result.state == "timeout"
    assert result.message == f"Netlify deploy {ident} is still 'building' after 60 s"
    assert clock.sleeps == [2, 3, 4.5, 6.75, 10.125, 15.1875]
    assert sum(clock.sleeps) <= 60


def test_confirmation_reports_a_deploy_that_never_appeared(netlify: Any) -> None:
    clock = FakeClock()
    with requests.Session() as session:
        result = confirm(
            client(netlify, session),
            title="nothing like it",
            fired_at=NOW,
            budget=10,
            first_interval=5,
            clock=clock,
            sleep=clock.sleep,
        )
    assert result.state == "not_found"
    assert len(netlify.api("GET", "/deploys")) == 2  # at 0 s and at 5 s; the next wait would pass the budget


def test_the_hooks_deploy_is_told_by_title_and_what_was_there_before() -> None:
    fired = NOW
    old = deploy("old", days=5 / 1440, title="t")  # 5 minutes before the POST, same title (a failed retry)
    new = deploy("new", days=-1 / 86400, title="t")
    behind = deploy("behind", days=10 / 1440, title="t")  # Netlify's clock 10 minutes behind the runner's
    push = deploy("push", days=-1 / 86400, title="aime25 80 (the commit message)", state="error")
    no_listing = Before()
    assert [is_hook_deploy(d, "t", fired, no_listing) for d in (old, new, push)] == [False, True, False]
    listed = Before(frozenset({"old"}))
    assert [is_hook_deploy(d, "t", fired, listed) for d in (old, new, behind)] == [False, True, True]
    assert not is_hook_deploy(new, "t", fired, Before(None, frozenset({"new"})))  # the ledger holds it


@pytest.mark.parametrize(
    "stamp",
    ["2026-11-26T00:00:01Z", "2026-11-26T00:00:01.000Z", "2026-11-26T00:00:01+00:00", "2026-11-26T01:00:01+01:00",
     "2026-11-26T00:00:01"],  # the last: no offset, taken as UTC
)  # fmt: skip
def test_netlify_times_are_read_whatever_their_offset(stamp: str) -> None:
    from vibe_action.hosts.netlify.confirm import parse_time

    assert parse_time(stamp) == datetime(2026, 11, 26, 0, 0, 1, tzinfo=timezone.utc)
    fresh = deploy("x", -1 / 86400, title="t")
    assert is_hook_deploy(replace(fresh, created_at=stamp), "t", NOW, Before())
    assert parse_time("yesterday") is None
