"""deploy.yaml → a frozen, validated `Config`. All checks happen here so the policy can trust its input."""

from __future__ import annotations

import hashlib
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from vibe_action.errors import InputError, Problem
from vibe_action.inputs.globs import glob_regex, pattern_problem
from vibe_action.inputs.limits import MAX_CONFIG_BYTES, MAX_TITLE_LENGTH, read_limited
from vibe_action.inputs.results import Source
from vibe_action.inputs.sections import (
    CloudflareSettings,
    HookSettings,
    NetlifySettings,
    Quota,
    Retention,
    Significance,
    Upload,
    Versions,
)
from vibe_action.inputs.sourcemap import SourceMap, load_yaml
from vibe_action.inputs.validation import load_schema, suggest, validate

Direction = Literal["higher", "lower"]
SectionT = TypeVar("SectionT")


DEFAULT_RESULTS = (Source("results/*.json"),)
DEFAULT_BRANCH_RULES: Mapping[str, Mapping[str, Any]] = MappingProxyType({"main": {"deploy": True}})
TITLE_FIELDS = ("primary", "score", "short_sha", "sha", "branch", "model")


@dataclass(frozen=True)
class Amount:
    """A threshold written either in points (`2`) or relative to the baseline (`"2%"`)."""

    value: float
    relative: bool

    @classmethod
    def parse(cls, raw: float | str) -> Amount:
        if isinstance(raw, str):
            return cls(float(raw.rstrip("%")), relative=True)
        return cls(float(raw), relative=False)

    def points(self, baseline: float) -> float:
        """The threshold in points for this baseline (2% of 74.4 is 1.488 points)."""
        return abs(baseline) * self.value / 100.0 if self.relative else self.value

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return f"{number}%" if self.relative else number

    def as_json(self) -> float | str:
        return str(self) if self.relative else self.value


@dataclass(frozen=True)
class MetricRule:
    """The rules for one benchmark (`defaults` is one too, under the name `*`)."""

    name: str
    direction: Direction = "higher"
    minimum: float | None = None
    maximum: float | None = None
    min_gain: Amount | None = None
    max_drop: Amount | None = None
    optional: bool = False
    line: int = 0
    task: str | None = None  # harness task this benchmark is read from
    metric: str | None = None  # harness metric key
    scale: float | None = None  # 100: a 0-1 proportion shown as 0-100; 1: as written; None: the metric's name says
    direction_explicit: bool = True  # False: `direction` was not written, so the format's higher_is_better wins


@dataclass(frozen=True)
class BranchRule:
    pattern: str
    deploy: bool = False
    gain_rule: bool = True
    min_gain: Amount | None = None
    use_reserve: bool = False
    environment: str | None = None

    def matches(self, branch: str) -> bool:
        return glob_regex(self.pattern).fullmatch(branch) is not None


@dataclass(frozen=True)
class Config:
    primary: str
    metrics: Mapping[str, MetricRule]
    results: tuple[Source, ...] = DEFAULT_RESULTS
    defaults: MetricRule = field(default_factory=lambda: MetricRule(name="*"))
    branches: tuple[BranchRule, ...] = ()
    quota: Quota = field(default_factory=Quota)
    hook: HookSettings = field(default_factory=HookSettings)
    netlify: NetlifySettings = field(default_factory=NetlifySettings)
    significance: Significance = field(default_factory=Significance)
    comparability: str = "block"
    target: str = "netlify"  # the host: netlify | cloudflare-pages | vercel | hook (app/wiring.py)
    cloudflare: CloudflareSettings = field(default_factory=CloudflareSettings)
    upload: Upload = field(default_factory=Upload)
    preview: bool = False  # upload each candidate's build as a preview (pull requests, report-only branches)
    preview_budget: int = 20  # previews a day (UTC) on a host that counts them against a limit (Vercel Hobby: 100)
    retention: Retention = field(default_factory=Retention)
    versions: Versions = field(default_factory=Versions)
    environment: str | None = None
    file: str = "config/deploy.yaml"
    digest: str = ""
    format_directions: Mapping[str, str] = field(default_factory=dict)  # from the results' higher_is_better

    def rule_for(self, benchmark: str) -> MetricRule:
        """The configured rule, or the `defaults` rule under that benchmark's name."""
        if benchmark in self.metrics:
            return self.metrics[benchmark]
        direction = self.defaults.direction
        if not self.defaults.direction_explicit:
            direction = self.format_directions.get(benchmark, direction)  # type: ignore[assignment]
        return MetricRule(
            name=benchmark,
            direction=direction,
            min_gain=self.defaults.min_gain,
            max_drop=self.defaults.max_drop,
        )

    @property
    def tasks(self) -> dict[str, tuple[str, str | None]]:
        """Harness task -> (benchmark name, metric key), from `task:` / `metric:` under metrics."""
        return {
            rule.task or name: (name, rule.metric) for name, rule in self.metrics.items() if rule.task or rule.metric
        }

    @property
    def scales(self) -> dict[str, float]:
        """Benchmark -> `scale:` where deploy.yaml sets one (it wins over the metric's name)."""
        return {name: rule.scale for name, rule in self.metrics.items() if rule.scale is not None}

    @property
    def gated(self) -> frozenset[str] | None:
        """The benchmarks a rule looks at; None (all of them) when `defaults` sets a gain or a guard."""
        if self.defaults.min_gain is not None or self.defaults.max_drop is not None:
            return None
        return frozenset(self.metrics)

    def with_directions(self, directions: Mapping[str, str | None]) -> Config:
        """The config with each metric's direction taken from its results file where deploy.yaml is silent."""
        known: dict[str, Direction] = {
            name: "higher" if d == "higher" else "lower" for name, d in directions.items() if d in ("higher", "lower")
        }
        metrics = {
            name: replace(rule, direction=known[name]) if not rule.direction_explicit and name in known else rule
            for name, rule in self.metrics.items()
        }
        return replace(self, metrics=MappingProxyType(metrics), format_directions=MappingProxyType(known))

    def branch_rule(self, branch: str) -> BranchRule | None:
        """The first rule, in file order, whose glob matches the branch; None means report only."""
        return next((rule for rule in self.branches if rule.matches(branch)), None)


def load_config(path: Path, display: str | None = None) -> Config:
    """Read, validate and convert deploy.yaml; raises `InputError` listing every problem with its place."""
    name = display or str(path)
    try:
        raw = read_limited(path, name, MAX_CONFIG_BYTES, "the config")
    except FileNotFoundError:
        raise InputError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "config file not found",
                    hint="write one with `vibe-gate init` — docs/configuration.md is the reference — or pass --config",
                )
            ]
        ) from None
    except OSError as exc:
        raise InputError([Problem(name, 1, 1, f"cannot read config: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem(name, 1, 1, "config is not UTF-8 text")]) from None
    return parse_config(text, name, digest=hashlib.sha256(raw).hexdigest())


def parse_config(text: str, file: str, digest: str = "") -> Config:
    data, source = load_yaml(text, file)
    if data is None:
        raise InputError([Problem(file, 1, 1, "config is empty", hint="start with 'version: 1'")])
    problems = validate(data, load_schema("deploy"), source)
    if problems:
        raise InputError(problems)
    problems = _semantic_problems(data, source)
    if problems:
        raise InputError(problems)
    return _build(data, source, file, digest)


def _method(raw: object) -> str:
    """YAML 1.1 reads an unquoted `off` as false: `off`, `false` and "off" all turn the noise test off."""
    return "off" if raw is False else str(raw)


def _semantic_problems(data: dict[str, Any], source: SourceMap) -> list[Problem]:
    """What a schema cannot say: cross-references between keys."""
    problems = []
    metrics = data["metrics"]
    if data["primary"] not in metrics:
        problems.append(
            source.problem(
                ("primary",),
                f"primary metric '{data['primary']}' is not under metrics",
                suggest(data["primary"], list(metrics)),
            )
        )
    quota = data.get("quota") or {}
    if "monthly_deploys" in quota and "monthly_credits" in quota:
        problems.append(source.problem(("quota",), "set monthly_deploys or monthly_credits, not both", at_key=True))
    problems += _title_problems((data.get("hook") or {}).get("title"), source)
    problems += _results_problems(data.get("results"), source)
    return problems


def _title_problems(title: str | None, source: SourceMap) -> list[Problem]:
    """Plain `{name}` placeholders only: a format spec (`{score:>300000000}`) could build a huge or failing
    title from one line of config."""
    if title is None:
        return []
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(title) if name is not None]
    except ValueError as exc:
        return [source.problem(("hook", "title"), f"invalid title template: {exc}", "escape braces as {{ and }}")]
    problems = []
    for name, spec, conversion in fields:
        if name not in TITLE_FIELDS:
            problems.append(
                source.problem(
                    ("hook", "title"), f"unknown placeholder '{{{name}}}'", suggest(name, list(TITLE_FIELDS))
                )
            )
        elif spec or conversion:
            problems.append(
                source.problem(
                    ("hook", "title"),
                    f"placeholder '{{{name}}}' takes no format spec or conversion",
                    f"write {{{name}}}; the title is cut at {MAX_TITLE_LENGTH} characters",
                )
            )
    return problems


def _results_problems(raw: Any, source: SourceMap) -> list[Problem]:
    entries = [raw] if isinstance(raw, str) else list(raw or [])
    problems = []
    for index, entry in enumerate(entries):
        pattern = entry if isinstance(entry, str) else entry["path"]
        why = pattern_problem(pattern)
        if why:
            path: tuple[str | int, ...] = ("results",) if isinstance(raw, str) else ("results", index)
            problems.append(source.problem(path, f"'{pattern}' {why}"))
    return problems


def _branch_min_gain(raw: Any) -> Amount | None:
    """A branch's min_gain: None when unset or `false` (the gain rule is off); `0` is a real threshold."""
    if raw is None or raw is False:
        return None
    return Amount.parse(raw)


def _amount(raw: Any) -> Amount | None:
    return None if raw is None else Amount.parse(raw)


def _build(data: dict[str, Any], source: SourceMap, file: str, digest: str) -> Config:
    """The typed config. A key the file leaves out takes its class's default — the one place defaults are
    written (tests/unit/test_config.py holds the schema's `default`s equal to them)."""
    present = {
        key: data[key] for key in ("comparability", "environment", "target", "preview", "preview_budget") if key in data
    }
    return Config(
        primary=data["primary"],
        metrics=MappingProxyType(
            {name: _metric_rule(name, spec or {}, source) for name, spec in data["metrics"].items()}
        ),
        results=_sources(data["results"]) if "results" in data else DEFAULT_RESULTS,
        defaults=_metric_rule("*", data.get("defaults") or {}, None),
        branches=_branch_rules(data["branches"] if data.get("branches") is not None else DEFAULT_BRANCH_RULES),
        quota=_section(Quota, data.get("quota")),
        hook=_section(HookSettings, data.get("hook"), timeout=float),
        netlify=_section(NetlifySettings, data.get("netlify"), confirm_timeout=float, poll_interval=float),
        cloudflare=_section(CloudflareSettings, data.get("cloudflare")),
        upload=_section(Upload, data.get("upload")),
        significance=_section(Significance, data.get("significance"), confidence=float, method=_method),
        retention=_section(Retention, data.get("retention"), grace_days=float),
        versions=replace(
            _section(Versions, data.get("versions")),
            line=source.key_at(("versions",)).line if "versions" in data else 0,
        ),
        file=file,
        digest=digest,
        **present,
    )


def _section(cls: type[SectionT], raw: dict[str, Any] | None, **convert: Callable[[Any], Any]) -> SectionT:
    """A settings value class from its YAML mapping (keys are field names; the schema allows no others)."""
    values = {key: convert[key](value) if key in convert else value for key, value in (raw or {}).items()}
    return cls(**values)


def _metric_rule(name: str, spec: dict[str, Any], source: SourceMap | None) -> MetricRule:
    """A metric's rule as written; `defaults` (name `*`) carries only direction, min_gain and max_drop."""
    optional = {
        key: spec[field]
        for key, field in (("direction", "direction"), ("minimum", "min"), ("maximum", "max"), ("optional", "optional"))
        if field in spec
    }
    return MetricRule(
        name=name,
        direction_explicit="direction" in spec,
        min_gain=_amount(spec.get("min_gain")),
        max_drop=_amount(spec.get("max_drop")),
        line=source.key_at(("metrics", name)).line if source is not None else 0,
        task=spec.get("task"),
        metric=spec.get("metric"),
        scale=float(spec["scale"]) if "scale" in spec else None,
        **optional,
    )


def _branch_rules(specs: Mapping[str, Any]) -> tuple[BranchRule, ...]:
    return tuple(
        BranchRule(
            pattern=pattern,
            gain_rule=spec.get("min_gain") is not False,
            min_gain=_branch_min_gain(spec.get("min_gain")),
            environment=spec.get("environment"),
            **{key: spec[key] for key in ("deploy", "use_reserve") if key in spec},
        )
        for pattern, spec in ((p, s or {}) for p, s in specs.items())
    )


def _sources(raw: str | list[Any]) -> tuple[Source, ...]:
    return tuple(
        Source(entry)
        if isinstance(entry, str)
        else Source(
            entry["path"],
            entry.get("format", "auto"),
            entry.get("benchmark"),
            entry.get("metric"),
            entry.get("model"),
            entry.get("id"),
            entry.get("correct"),
        )
        for entry in ([raw] if isinstance(raw, str) else raw)
    )
