"""deploy.yaml validation: every error names file, line and column, and unknown keys get a suggestion."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.conftest import CONFIG, ROOT
from vibe_action.errors import InputError, Problem
from vibe_action.inputs.config import Amount, load_config, parse_config
from vibe_action.inputs.globs import glob_regex


def problems(text: str) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        parse_config(text, "config/deploy.yaml")
    return caught.value.problems


def test_example_config_parses_into_rules() -> None:
    cfg = parse_config(CONFIG, "config/deploy.yaml")
    assert cfg.primary == "aime25"
    assert cfg.metrics["aime25"].minimum == 70
    assert cfg.metrics["aime25"].min_gain == Amount(2.0, relative=True)
    assert cfg.metrics["hmmt25"].max_drop == Amount(2.0, relative=False)
    assert cfg.metrics["hmmt25"].line == 8
    assert [s.path for s in cfg.results] == ["results/*.json"]
    assert [b.pattern for b in cfg.branches] == ["main", "release/**", "hotfix/**", "experiment/**"]
    hotfix = cfg.branch_rule("hotfix/a")
    assert hotfix is not None
    assert (hotfix.gain_rule, hotfix.use_reserve) == (False, True)
    assert cfg.quota.limit == 20
    assert cfg.hook.title == "{primary} {score} @ {short_sha}"


def test_unknown_top_level_key_gets_did_you_mean_at_its_line() -> None:
    found = problems(CONFIG.replace("primary: aime25", "primary: aime25\nbranchs: {}"))
    assert [p.render() for p in found] == [
        "config/deploy.yaml:3:1: branchs: unknown key 'branchs' (did you mean 'branches'?)"
    ]


def test_unknown_nested_key_and_several_errors_at_once() -> None:
    text = CONFIG.replace("    min: 70\n", "    minimum: 70\n").replace("monthly_deploys", "monthly_deploy")
    found = problems(text)
    rendered = [p.render() for p in found]
    assert rendered == [
        "config/deploy.yaml:5:5: metrics.aime25.minimum: unknown key 'minimum' (did you mean 'min'?)",
        "config/deploy.yaml:19:3: quota.monthly_deploy: unknown key 'monthly_deploy' (did you mean 'monthly_deploys'?)",
    ]


def test_a_key_with_no_close_match_lists_the_allowed_keys() -> None:
    found = problems(CONFIG + "zzz: 1\n")
    assert found[0].message == "unknown key 'zzz'"
    assert found[0].hint.startswith("allowed: branches, cloudflare, comparability, defaults, environment, hook")


@pytest.mark.parametrize(
    ("replace", "by", "line", "column", "message"),
    [
        ('min_gain: "2%"', 'min_gain: "2 %"', 6, 15, "'2 %' is not valid: points on the metric's own scale"),
        ("min: 70", "min: high", 5, 10, "'high' is not a number"),
        ("version: 1", "version: 2", 1, 10, "2 must be 1"),
        ("  aime25:\n    min: 70", "  aime25:\n    direction: up\n    min: 70", 5, 16, "'up' is not one of"),
        ("  reserve: 2", "  reserve: -1", 20, 12, "-1 is below the minimum 0"),
        ("main: {deploy: true}", "main: {deploy: maybe}", 14, 18, "'maybe' is not true or false"),
    ],
)
def test_value_errors_point_at_the_value(replace: str, by: str, line: int, column: int, message: str) -> None:
    assert replace in CONFIG
    found = problems(CONFIG.replace(replace, by, 1))
    assert (found[0].line, found[0].column) == (line, column), found[0].render()
    assert message in found[0].message


def test_primary_must_be_a_listed_metric() -> None:
    found = problems(CONFIG.replace("primary: aime25", "primary: aime24"))
    assert found[0].render() == (
        "config/deploy.yaml:2:10: primary: primary metric 'aime24' is not under metrics (did you mean 'aime25'?)"
    )


def test_missing_required_keys() -> None:
    found = problems("version: 1\nmetrics: {a: {}}\n")
    assert found[0].message == "missing required key 'primary'"


def test_title_placeholders_are_checked() -> None:
    found = problems(CONFIG + "hook:\n  title: '{primary} {scor}'\n")
    assert found[0].message == "unknown placeholder '{scor}'"
    assert found[0].hint == "did you mean 'score'?"
    assert found[0].line == 22


def test_quota_in_deploys_or_credits_not_both() -> None:
    found = problems(CONFIG.replace("monthly_deploys: 20", "monthly_deploys: 20\n  monthly_credits: 300"))
    assert found[0].message == "set monthly_deploys or monthly_credits, not both"
    cfg = parse_config(CONFIG.replace("monthly_deploys: 20", "monthly_credits: 300"), "c.yaml")
    assert cfg.quota.limit == 20  # 300 credits at the default 15 per deploy


def test_yaml_syntax_and_duplicate_keys() -> None:
    found = problems("version: 1\nprimary: [unclosed\n")
    assert found[0].message.startswith("invalid YAML: the '[' opened here is not closed")
    assert found[0].line == 2  # where the bracket belongs, not the line after
    found = problems(CONFIG.replace("primary: aime25", "primary: aime25\nprimary: hmmt25"))
    assert found[0].render().startswith("config/deploy.yaml:3:1: duplicate key 'primary'")


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("# nothing\n")
    with pytest.raises(InputError, match="config is empty"):
        load_config(tmp_path / "empty.yaml")
    with pytest.raises(InputError, match="config file not found"):
        load_config(tmp_path / "nope.yaml", display="config/deploy.yaml")


def test_default_branch_rules_deploy_main_only() -> None:
    cfg = parse_config("version: 1\nprimary: a\nmetrics: {a: {min: 1}}\n", "c.yaml")
    assert cfg.branch_rule("main") is not None
    assert cfg.branch_rule("master") is None


@pytest.mark.parametrize(
    ("pattern", "branch", "matches"),
    [
        ("release/**", "release/1.2", True),
        ("release/**", "release/a/b", True),
        ("release/*", "release/a/b", False),
        ("release/*", "release/a", True),
        ("v?", "v1", True),
        ("v?", "v10", False),
        ("main", "main2", False),
        ("feat.x", "featyx", False),  # dots are literal
        ("**", "anything/at/all", True),
    ],
)
def test_branch_globs(pattern: str, branch: str, matches: bool) -> None:
    assert (glob_regex(pattern).fullmatch(branch) is not None) is matches


@pytest.mark.parametrize("written", ["off", "false", '"off"', "'off'", "Off", "no"])
def test_the_noise_test_is_off_however_yaml_spells_it(written: str) -> None:
    """YAML 1.1 (PyYAML) reads unquoted off, no and false as the boolean false."""
    cfg = parse_config(CONFIG + f"significance:\n  method: {written}\n", "config/deploy.yaml")
    assert cfg.significance.method == "off"


def test_a_wrong_method_is_still_refused_at_its_line() -> None:
    (found,) = problems(CONFIG + "significance:\n  method: sometimes\n")
    assert found.line == CONFIG.count("\n") + 2
    assert "sometimes" in found.message


def test_the_schemas_defaults_are_the_settings_classes_defaults() -> None:
    """Defaults are written once, in the settings classes; the schema's `default`s (what editors show) must agree, and
    every settings field with a default appears in the schema with it."""
    import json

    from vibe_action.inputs import config as config_module
    from vibe_action.inputs import sections as settings_module

    schema = json.loads((ROOT / "vibe_action/inputs/schemas/deploy.schema.json").read_text())
    sections = {
        "quota": settings_module.Quota,
        "hook": settings_module.HookSettings,
        "netlify": settings_module.NetlifySettings,
        "retention": settings_module.Retention,
        "versions": settings_module.Versions,
        "significance": settings_module.Significance,
        "cloudflare": settings_module.CloudflareSettings,
    }
    compared = 0
    for section, cls in sections.items():
        properties = schema["properties"][section]["properties"]
        for spec in dataclasses.fields(cls):
            if spec.name == "line" or spec.default is None:
                continue
            assert properties[spec.name].get("default") == spec.default, (section, spec.name)
            compared += 1
        for name, prop in properties.items():
            if "default" in prop:
                assert {f.name: f.default for f in dataclasses.fields(cls)}[name] == prop["default"], (section, name)
    rule = {f.name: f.default for f in dataclasses.fields(config_module.MetricRule)}
    branch = {f.name: f.default for f in dataclasses.fields(config_module.BranchRule)}
    top = {f.name: f.default for f in dataclasses.fields(config_module.Config)}
    assert schema["$defs"]["metric"]["properties"]["direction"]["default"] == rule["direction"]
    assert schema["$defs"]["metricRules"]["properties"]["direction"]["default"] == rule["direction"]
    assert schema["$defs"]["metric"]["properties"]["optional"]["default"] == rule["optional"]
    assert schema["$defs"]["branchRule"]["properties"]["deploy"]["default"] == branch["deploy"]
    assert schema["$defs"]["branchRule"]["properties"]["use_reserve"]["default"] == branch["use_reserve"]
    assert schema["properties"]["comparability"]["default"] == top["comparability"]
    assert schema["properties"]["target"]["default"] == top["target"]
    assert schema["properties"]["results"]["default"] == config_module.DEFAULT_RESULTS[0].path
    assert compared >= 13


def test_a_config_that_leaves_everything_out_gets_the_documented_defaults() -> None:
    config = parse_config("version: 1\nprimary: aime25\nmetrics:\n  aime25: {min: 70}\n", "config/deploy.yaml")
    assert (config.hook.timeout, config.netlify.confirm_timeout, config.netlify.poll_interval) == (30, 600, 5)
    assert (config.quota.credits_per_deploy, config.quota.reserve, config.retention.keep) == (15, 0, 10)
    assert (config.significance.confidence, config.comparability, config.results[0].path) == (
        0.95,
        "block",
        "results/*.json",
    )
    assert isinstance(config.netlify.confirm_timeout, float)
