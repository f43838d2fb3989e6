"""The policy, rule by rule, as tables: inputs in, verdict and reasons out. No I/O anywhere."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import FrozenInstanceError
from types import MappingProxyType

import pytest

from tests.conftest import CONFIG
from vibe_action.decide.policy import Baseline, Context, decide
from vibe_action.inputs.config import Config, parse_config
from vibe_action.inputs.results import Benchmark, Results

BASE = {"aime25": 74.4, "hmmt25": 50.4, "livecodebench_v6": 51.1}


def results(**scores: float) -> Results:
    return Results(MappingProxyType({k: Benchmark(k, v, file="results/r.json", line=3) for k, v in scores.items()}))


def config(text: str = CONFIG) -> Config:
    return parse_config(text, "config/deploy.yaml")


def run(
    scores: Mapping[str, float],
    base: Mapping[str, float] | None = BASE,
    branch: str = "main",
    cfg: Config | None = None,
    **context: object,
) -> tuple[str, list[str], dict[str, object]]:
    decision = decide(
        cfg or config(),
        results(**scores),
        None if base is None else Baseline("b" * 40, base),
        Context(sha="c" * 40, branch=branch, **context),  # type: ignore[arg-type]
    )
    return decision.verdict, list(decision.reasons), decision.to_json()


def with_(**changes: float) -> dict[str, float]:
    return {**BASE, **changes}


# min_gain is 2 % of 74.4 = 1.488 points: 75.888 is exactly at the threshold.
@pytest.mark.parametrize(
    ("scores", "verdict", "reason_part"),
    [
        (with_(aime25=77.5), "deploy", "meets min_gain 2%"),
        (with_(aime25=75.888), "deploy", "meets min_gain"),  # exactly at the threshold passes
        (with_(aime25=75.887), "skip", "is below min_gain 2% (1.488 points)"),
        (with_(aime25=75.7), "skip", "+1.3 (+1.75%)"),
        (with_(aime25=74.4), "skip", "is below min_gain"),  # no change
        (with_(aime25=73.9), "skip", "-0.5"),  # negative delta within the guard: skip, not block
        (with_(aime25=73.4), "skip", "is below min_gain"),  # exactly at max_drop 1: the guard passes
        (with_(aime25=73.3), "block", "exceeds max_drop 1 point"),  # just past the guard
        (with_(aime25=77.5, hmmt25=48.4), "deploy", "meets min_gain"),  # hmmt -2 exactly at its guard
        (with_(aime25=77.5, hmmt25=48.3), "block", "hmmt25: -2.1"),
        (with_(aime25=77.5, livecodebench_v6=49.567), "deploy", "meets"),  # -3 % of 51.1 = -1.533: at it
        (with_(aime25=77.5, livecodebench_v6=49.5), "block", "exceeds max_drop 3% (1.533 points)"),
        (with_(aime25=77.5, hmmt25=44.9), "block", "44.9 < floor 45"),
        (with_(aime25=77.5, hmmt25=45.0), "block", "exceeds max_drop"),  # at the floor, but the guard trips
    ],
)
def test_gain_guard_and_floor_rules(scores: dict[str, float], verdict: str, reason_part: str) -> None:
    got, reasons, _ = run(scores)
    assert got == verdict
    assert any(reason_part in r for r in reasons), reasons


@pytest.mark.parametrize(
    ("aime25", "verdict"),
    [(70.0, "deploy"), (69.99, "block"), (85.0, "deploy")],
)
def test_first_deploy_is_decided_by_floors_and_guards(aime25: float, verdict: str) -> None:
    got, reasons, data = run(with_(aime25=aime25), base=None)
    assert got == verdict
    assert data["baseline"] is None
    if verdict == "deploy":
        assert reasons[0].startswith("first deploy")
    else:
        assert "floor 70" in reasons[0]


def test_missing_metric_fails_closed_unless_optional() -> None:
    verdict, reasons, data = run({"aime25": 80.0, "livecodebench_v6": 51.1})
    assert verdict == "block"
    assert reasons[0].startswith("hmmt25: missing from the results")
    assert "aime25, livecodebench_v6" in reasons[0]
    optional = config(CONFIG.replace("    min: 45\n", "    min: 45\n    optional: true\n"))
    verdict, _, data = run({"aime25": 80.0, "livecodebench_v6": 51.1}, cfg=optional)
    assert verdict == "deploy"
    row = next(m for m in data["metrics"] if m["name"] == "hmmt25")  # type: ignore[attr-defined]
    assert row["current"] is None
    assert row["passed"] is True


def test_lower_is_better_metric() -> None:
    cfg = config(
        CONFIG.replace(
            "  livecodebench_v6:\n",
            "  latency_ms:\n    direction: lower\n    max: 900\n    max_drop: 50\n  livecodebench_v6:\n",
        )
    )
    base = {**BASE, "latency_ms": 800.0}
    assert run(with_(aime25=77.5, latency_ms=850.0), base=base, cfg=cfg)[0] == "deploy"  # +50: at the guard
    verdict, reasons, _ = run(with_(aime25=77.5, latency_ms=851.0), base=base, cfg=cfg)
    assert verdict == "block"
    assert "latency_ms: +51" in reasons[0]
    verdict, reasons, _ = run(with_(aime25=77.5, latency_ms=901.0), base={**base, "latency_ms": 890.0}, cfg=cfg)
    assert verdict == "block"
    assert "901 > ceiling 900" in reasons[0]


def test_lower_is_better_primary_gains_by_going_down() -> None:
    cfg = config(
        "version: 1\nprimary: loss\nmetrics:\n  loss: {direction: lower, min_gain: '10%'}\n"
        "branches: {main: {deploy: true}}\n"
    )
    assert run({"loss": 0.9}, base={"loss": 1.0}, cfg=cfg)[0] == "deploy"  # exactly 10 % better
    assert run({"loss": 0.91}, base={"loss": 1.0}, cfg=cfg)[0] == "skip"
    assert run({"loss": 1.2}, base={"loss": 1.0}, cfg=cfg)[0] == "skip"


def test_points_gain_and_default_strict_improvement() -> None:
    points = config(CONFIG.replace('min_gain: "2%"', "min_gain: 1.5"))
    assert run(with_(aime25=75.9), cfg=points)[0] == "deploy"
    assert run(with_(aime25=75.89), cfg=points)[0] == "skip"
    no_gain = config(CONFIG.replace('    min_gain: "2%"\n', ""))
    assert run(with_(aime25=74.41), cfg=no_gain)[0] == "deploy"
    assert run(with_(aime25=74.4), cfg=no_gain)[0] == "skip"


@pytest.mark.parametrize(
    ("branch", "verdict", "report_only", "would"),
    [
        ("main", "deploy", False, None),
        ("release/2026.11", "deploy", False, None),
        ("release/v1/rc1", "deploy", False, None),  # ** spans slashes
        ("experiment/longer-cot", "skip", True, "deploy"),
        ("feature/x", "skip", True, "deploy"),  # matches no rule
        ("mainline", "skip", True, "deploy"),  # globs match the whole name
    ],
)
def test_branch_rules(branch: str, verdict: str, report_only: bool, would: str | None) -> None:
    got, reasons, data = run(with_(aime25=77.5), branch=branch)
    assert (got, data["report_only"], data["would"]) == (verdict, report_only, would)
    if report_only:
        assert reasons[0].endswith("which only reports")  # the headline says what it would do


def test_report_only_branch_still_shows_a_block() -> None:
    verdict, reasons, data = run(with_(aime25=77.5, hmmt25=40.0), branch="experiment/x")
    assert verdict == "skip"
    assert data["would"] == "block"
    assert any("floor 45" in r for r in reasons)


def test_hotfix_skips_the_gain_rule_but_keeps_floors_and_guards() -> None:
    assert run(with_(aime25=74.0), branch="hotfix/tokenizer")[0] == "deploy"  # -0.4: no gain needed
    assert run(with_(aime25=73.0), branch="hotfix/tokenizer")[0] == "block"  # guard
    assert run(with_(aime25=74.0, hmmt25=44.0), branch="hotfix/tokenizer")[0] == "block"  # floor


def test_branch_min_gain_override() -> None:
    cfg = config(CONFIG.replace('"release/**": {deploy: true}', '"release/**": {deploy: true, min_gain: 5}'))
    assert run(with_(aime25=77.5), branch="release/x", cfg=cfg)[0] == "skip"  # +3.1 < 5
    assert run(with_(aime25=79.4), branch="release/x", cfg=cfg)[0] == "deploy"


@pytest.mark.parametrize(
    ("used", "branch", "verdict"),
    [
        (17, "main", "deploy"),
        (18, "main", "block"),  # 20 minus the reserve of 2
        (18, "hotfix/x", "deploy"),  # hotfixes may use the reserve
        (19, "hotfix/x", "deploy"),
        (20, "hotfix/x", "block"),
        (25, "experiment/x", "skip"),  # report-only branches never spend quota
    ],
)
def test_quota(used: int, branch: str, verdict: str) -> None:
    got, reasons, data = run(with_(aime25=77.5), branch=branch, deploys_this_month=used)
    assert got == verdict
    assert data["quota"]["used"] == used  # type: ignore[index]
    if verdict == "block":
        assert reasons[0].startswith(f"quota used up: {used}/20 deploys used this month")


def test_quota_in_credits_shows_credits() -> None:
    cfg = config(CONFIG.replace("monthly_deploys: 20", "monthly_credits: 300\n  credits_per_deploy: 15"))
    verdict, reasons, _ = run(with_(aime25=77.5), cfg=cfg, deploys_this_month=18)
    assert verdict == "block"
    assert "18/20 deploys used this month (270/300 credits)" in reasons[0]


def test_same_sha_already_deployed_is_skipped_first() -> None:
    verdict, reasons, data = run(with_(aime25=77.5, hmmt25=10.0), deployed_shas=frozenset({"c" * 40}))
    assert verdict == "skip"
    assert reasons == ["commit ccccccc is already deployed"]
    assert data["report_only"] is False or data["would"] is None


def test_pull_request_previews_and_never_fires() -> None:
    decision = decide(
        config(),
        results(**with_(aime25=77.5)),
        Baseline("b" * 40, BASE),
        Context(sha="c" * 40, branch="main", event="pull_request"),
    )
    assert decision.verdict == "deploy"
    assert decision.preview is True
    assert decision.should_fire is False


def test_dry_run_decides_but_does_not_fire() -> None:
    decision = decide(config(), results(**with_(aime25=77.5)), None, Context("c" * 40, "main", dry_run=True))
    assert decision.verdict == "deploy"
    assert decision.should_fire is False
    assert decision.to_json()["dry_run"] is True


def test_unconfigured_benchmarks_are_reported_and_follow_defaults() -> None:
    cfg = config(CONFIG + "defaults:\n  max_drop: 5\n")
    verdict, _, data = run({**with_(aime25=77.5), "gpqa": 30.0}, base={**BASE, "gpqa": 40.0}, cfg=cfg)
    assert verdict == "block"
    rows = {m["name"]: m for m in data["metrics"]}  # type: ignore[attr-defined]
    assert rows["gpqa"]["rules"][0]["rule"] == "guard"
    verdict, _, data = run({**with_(aime25=77.5), "gpqa": 30.0}, base={**BASE, "gpqa": 40.0})
    assert verdict == "deploy"  # without defaults, an unlisted benchmark is only reported
    rows = {m["name"]: m for m in data["metrics"]}  # type: ignore[attr-defined]
    assert rows["gpqa"]["rules"] == []


def test_decision_json_shape_and_rows() -> None:
    _, _, data = run(with_(aime25=77.5))
    for key in ("decision", "reasons", "sha", "branch", "baseline", "metrics", "deployed", "dry_run"):
        assert key in data
    assert data["baseline"] == {"sha": "b" * 40, "scores": BASE}
    row = data["metrics"][0]  # type: ignore[index]
    assert row["name"] == "aime25"
    assert row["delta"] == 3.1
    assert row["delta_pct"] == pytest.approx(4.166667, abs=1e-6)
    assert {"rule": "gain", "threshold": "2%", "passed": True}.items() <= row["rules"][1].items()
    assert row["rules"][1]["required"] == pytest.approx(75.888)
    for item in row["rules"]:
        assert set(item) >= {"rule", "threshold", "passed"}


def test_decision_is_immutable_and_inputs_are_untouched() -> None:
    cfg = config()
    res = results(**with_(aime25=77.5))
    base = Baseline("b" * 40, dict(BASE))
    decision = decide(cfg, res, base, Context("c" * 40, "main"))
    with pytest.raises(FrozenInstanceError):
        decision.verdict = "block"  # type: ignore[misc]
    assert base.scores == BASE
    assert decide(cfg, res, base, Context("c" * 40, "main")) == decision  # deterministic


def test_a_branch_min_gain_of_zero_is_a_threshold_not_unset() -> None:
    """`min_gain: 0` on a branch means 'any non-negative change', not 'fall back to the metric's 2 %'."""
    cfg = config(
        CONFIG.replace(
            '"hotfix/**": {deploy: true, min_gain: false, use_reserve: true}',
            '"hotfix/**": {deploy: true, min_gain: 0}',
        )
    )
    (hotfix,) = [rule for rule in cfg.branches if rule.pattern == "hotfix/**"]
    assert hotfix.min_gain is not None
    assert hotfix.min_gain.value == 0
    assert hotfix.gain_rule
    verdict, reasons, _ = run(with_(aime25=74.9), branch="hotfix/urgent", cfg=cfg)
    assert verdict == "deploy", reasons
    assert run(with_(aime25=74.9), branch="main", cfg=cfg)[0] == "skip"  # main keeps the 2 %
    assert run(with_(aime25=74.0), branch="hotfix/urgent", cfg=cfg)[0] == "skip"  # a fall is no gain


@pytest.mark.parametrize("event", ["pull-request", "merge_group", "", "PUSH"])
def test_an_event_outside_the_documented_ones_never_deploys(event: str) -> None:
    verdict, reasons, data = run(with_(aime25=80.0), event=event)
    assert data["preview"] is True
    assert verdict == "deploy"  # what a push would do is shown, but the decision is marked as a preview
    assert reasons[-1].startswith(f"event '{event}' only previews: only push,")
