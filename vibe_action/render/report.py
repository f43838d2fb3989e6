"""Render a `Decision` for people: a compact terminal table, and markdown for summaries and PR comments."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from vibe_action.decide.decision import Decision, MetricRow, RuleCheck
from vibe_action.decide.movers import ProblemDiff
from vibe_action.decide.significance import NOISE_WORDS
from vibe_action.errors import Problem
from vibe_action.render.escape import markdown, markdown_url


@dataclass(frozen=True)
class Annotation:
    """One message at one place: rendered as a check-run annotation and as a workflow command."""

    path: str
    line: int
    level: str  # notice | warning | failure (check-run levels; failure is `::error` as a command)
    message: str
    title: str = ""
    column: int | None = None


VERDICT_WORDS = {"deploy": "DEPLOY", "skip": "SKIP", "block": "BLOCK"}
PREVIEW_WORDS = {"deploy": "WOULD DEPLOY", "skip": "WOULD SKIP", "block": "BLOCKED"}


def verdict_label(decision: Decision) -> str:
    if decision.report_only:
        return f"REPORT ONLY (would {decision.would})"
    if decision.preview:
        return PREVIEW_WORDS[decision.verdict]
    if decision.verdict == "deploy" and decision.dry_run:
        return "DEPLOY (dry run: nothing fired)"
    hook_state = decision.outcome.hook_state
    if decision.verdict == "deploy" and hook_state in ("rejected", "unreachable"):
        return "DEPLOY FAILED"  # the verdict was deploy; the build did not start
    if decision.verdict == "deploy" and hook_state == "unknown" and not decision.deployed:
        return "DEPLOY UNCONFIRMED"
    return VERDICT_WORDS[decision.verdict]


def decision_line(decision: Decision) -> str:
    """`DEPLOY: <first reason> — <what happened>`: the line a person reads first."""
    line = f"{verdict_label(decision)}: {decision.headline}"
    happened = decision.outcome.message
    return f"{line} — {happened}" if happened else line


def _num(value: float | None) -> str:
    return "—" if value is None else f"{round(value, 2):g}"


def _delta(row: MetricRow) -> str:
    if row.delta is None:
        return "—"
    sign = "+" if row.delta >= 0 else "-"
    text = f"{sign}{_num(abs(row.delta))}"
    if row.delta_pct is not None:
        text += f" ({'+' if row.delta_pct >= 0 else '-'}{abs(row.delta_pct):.2f}%)"
    return text


def rule_label(check: RuleCheck) -> str:
    mark = "✓" if check.passed else ("~" if check.advisory else "✗")  # ~: shown, not deciding
    threshold = check.threshold
    if check.rule == "floor":
        return f"floor ≥{_num(float(threshold or 0))} {mark}"
    if check.rule == "ceiling":
        return f"ceiling ≤{_num(float(threshold or 0))} {mark}"
    if check.rule == "gain":
        if threshold == "off":
            return f"gain off {mark}"
        if check.required is None:  # no deployed baseline to gain over
            return "gain —"
        return f"gain {'>0' if threshold is None else f'≥+{threshold}'} {mark}"
    if check.rule == "noise":
        return "noise —" if threshold is None else f"noise p<{threshold:.2g} {mark}"
    if check.rule == "guard":
        shown = _num(threshold) if isinstance(threshold, (int, float)) else threshold
        return f"guard drop ≤{shown} {mark}"
    return f"{check.rule} {mark}"


def terse_rule(check: RuleCheck) -> str:
    """A rule in a few characters, for the PR comment's rule column: the terminal's label, and for the noise
    test its verdict and p-value (`significant (p = 0.003) ✓`) when the detail states one."""
    if check.rule == "noise" and check.threshold is not None:
        mark = "✓" if check.passed else ("~" if check.advisory else "✗")
        found = _P_VALUE.search(check.detail)
        beyond, within = NOISE_WORDS.get(str((check.stats or {}).get("method")), ("significant", "within noise"))
        word = beyond if check.passed else within
        return f"{word} (p = {found.group(1)}) {mark}" if found else rule_label(check)
    return rule_label(check)


_P_VALUE = re.compile(r"\bp = ([0-9.]+(?:e-?\d+)?)")


def _name(row: MetricRow) -> str:
    return row.name + (" *" if row.primary else "") + (" ↓" if row.direction == "lower" else "")


def text_report(decision: Decision, width: int = 0) -> str:
    """Header, one line per metric, the quota, and the decision line; fitted to `width` columns when given
    (the rules then go under each metric, and reasons wrap with a hanging indent)."""
    base = decision.baseline
    header = f"vibe-deploy-gate · {decision.branch} @ {decision.sha[:7]} · "
    header += f"baseline {base.sha[:7]} (last deployed)" if base else "no deployed baseline"
    table = [("metric", "baseline", "current", "Δ", "rules")]
    for row in decision.metrics:
        rules = " · ".join(rule_label(c) for c in row.rules) or "(reported only)"
        table.append((_name(row), _num(row.baseline), _num(row.current), _delta(row), rules))
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    rows = ["  ".join(cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(r)).rstrip() for r in table]
    if width and max(len(row) for row in rows) > width:  # too wide: the rules go on their own lines
        rows = []
        for cells in table:
            rows.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(cells[:4])).rstrip())
            if cells is not table[0]:
                rows += _wrap(cells[4], width, "    ", "    ")
    lines = [*_wrap(header, width, "", "  "), *rows, *_wrap(f"quota: {decision.quota.line()}", width, "", "  ")]
    for reason in decision.reasons[1:]:
        lines += _wrap(reason, width, "  · ", "    ")
    for warning in decision.outcome.warnings:
        lines += _wrap(warning, width, "  ! ", "    ")
    lines += problem_lines(decision.problems, width)
    if decision.plan:
        lines.append("what each benchmark can detect (sampling plan):")
        for plan in decision.plan:
            lines += _wrap(plan.line(), width, "  · ", "    ")
    lines += _wrap(decision_line(decision), width, "", "  ")  # the verdict last, where the eye lands
    if decision.preview_deploy:  # after the verdict: what to open, or why there is nothing to
        lines += _wrap(decision.preview_deploy.message, width, "", "  ")
    return "\n".join(lines)


TEXT_MOVERS = 5  # movers per benchmark in the terminal (all of them: --json, `vibe-gate diff`)
MARKDOWN_MOVERS = 20  # per benchmark in the PR comment (it must stay within GitHub's 65,536 characters)


def problem_lines(diffs: Sequence[ProblemDiff], width: int = 0, shown: int = TEXT_MOVERS) -> list[str]:
    """`per problem:` and, per benchmark, its counts, what a move means, and its biggest movers."""
    if not diffs:
        return []
    lines = ["per problem:"]
    for diff in diffs:
        lines += _wrap(f"{diff.headline()} — {diff.meaning()}", width, "  ", "    ")
        for move in diff.moves[:shown]:
            arrow = "↑" if move.up else "↓"
            mark = " (beyond noise)" if move.beyond_noise else ""
            lines += _wrap(f"{arrow} {move.shown(diff.k_before, diff.k_after)}{mark}", width, "    ", "      ")
        if len(diff.moves) > shown:
            lines.append(f"    … {len(diff.moves) - shown} more (--json lists every one)")
    return lines


def problem_markdown(diffs: Sequence[ProblemDiff], shown: int = MARKDOWN_MOVERS) -> list[str]:
    """The per-problem view for the PR comment and the summary: a line per benchmark, its movers folded."""
    if not diffs:
        return []
    out = ["", "#### What changed per problem", ""]
    for diff in diffs:
        out.append(
            f"- **{_md(diff.benchmark)}**: {diff.up} up, {diff.down} down of {diff.problems} — {_md(diff.meaning())}"
        )
        if not diff.moves:
            continue
        rows = [
            f"  - {'↑' if m.up else '↓'} {_md(m.shown(diff.k_before, diff.k_after))}"
            + (" **beyond noise**" if m.beyond_noise else "")
            for m in diff.moves[:shown]
        ]
        more = [f"  - … {len(diff.moves) - shown} more (`--json` lists every one)"] if len(diff.moves) > shown else []
        out += [
            "",
            f"  <details><summary>{len(diff.moves)} problems moved</summary>",
            "",
            *rows,
            *more,
            "",
            "  </details>",
        ]
    return out


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """`text` with `first` before it, wrapped to `width` (0: one line) with `rest` before every next line."""
    if not width or len(first) + len(text) <= width:
        return [first + text]
    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)


def markdown_report(decision: Decision) -> str:
    """The same content as a markdown table, for the job summary and the PR comment."""
    base = decision.baseline
    base_head = f"deployed baseline ({base.sha[:7]})" if base else "deployed baseline (none)"
    out = [f"### vibe-deploy-gate: {verdict_label(decision)}", "", f"**{_md(decision.headline)}**", ""]
    out.append(f"| metric | {base_head} | current | Δ | rules | verdict |")
    out.append("|---|---:|---:|---:|---|:---:|")
    for row in decision.metrics:
        rules = " · ".join(_md(terse_rule(c)) for c in row.rules) or "reported only"
        name = _md(row.name) + (" *" if row.primary else "") + (" ↓" if row.direction == "lower" else "")
        out.append(
            f"| {name} | {_num(row.baseline)} | {_num(row.current)} | "
            f"{_delta(row)} | {rules} | {'✅' if row.passed else '❌'} |"
        )
    details = [
        f"- **{_md(row.name)}**: " + "; ".join(_md(c.detail) for c in row.rules)
        for row in decision.metrics
        if row.rules
    ]
    if details:
        out += ["", "<details><summary>Each rule in full</summary>", "", *details, "", "</details>"]
    out += ["", f"Quota: {decision.quota.line()}. Commit `{decision.sha[:7]}` on {_md(decision.branch)}."]
    if len(decision.reasons) > 1:
        out += [""] + [f"- {_md(r)}" for r in decision.reasons[1:]]
    if decision.outcome.message:
        out += ["", _md(decision.outcome.message)]
    out += [f"\n> ⚠️ {_md(warning)}" for warning in decision.outcome.warnings]
    if decision.preview_deploy and decision.preview_deploy.url:
        out += ["", f"**Try this candidate:** {markdown_url(decision.preview_deploy.url)} (a preview: not production)"]
    elif decision.preview_deploy:
        out += ["", _md(decision.preview_deploy.message)]
    if decision.outcome.deploy_url:
        out += ["", f"Snapshot: {markdown_url(decision.outcome.deploy_url)}"]
    if decision.outcome.version_url:
        out += ["", f"Lasting URL: {markdown_url(decision.outcome.version_url)}"]
    out += problem_markdown(decision.problems)
    if decision.plan:
        out += ["", "<details><summary>What each benchmark can detect (sampling plan)</summary>", ""]
        out += [f"- {_md(plan.line())}" for plan in decision.plan]
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return markdown(text)


def table(rows: Sequence[tuple[str, ...]]) -> str:
    """Columns padded to their widest cell, two spaces apart; the first row is the header."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in rows)


# ---------------------------------------------------------------- GitHub: check run, status, annotations

CHECK_TITLE_LIMIT = 255
CHECK_TEXT_LIMIT = 65535
STATUS_DESCRIPTION_LIMIT = 140


@dataclass(frozen=True)
class Publication:
    """Everything the GitHub surfaces show for one run, computed once from a decision or from input errors."""

    conclusion: str  # check run: success | neutral | failure
    title: str
    markdown: str
    annotations: tuple[Annotation, ...]
    status_state: str  # commit status: success | failure | error
    status_description: str


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_conclusion(decision: Decision) -> str:
    """success for deploy / would deploy, neutral for skip (and report-only), failure for block."""
    if decision.report_only:
        return "neutral"
    return {"deploy": "success", "skip": "neutral", "block": "failure"}[decision.verdict]


def decision_annotations(decision: Decision) -> list[Annotation]:
    """One annotation per failed rule: at the metric's line in the results, and at its rule in deploy.yaml."""
    found: list[Annotation] = []
    for row in decision.metrics:
        for check in row.rules:
            if check.passed:
                continue
            level = "warning" if check.rule in ("gain", "noise") or decision.report_only else "failure"
            title = f"{row.name}: {check.rule} rule"
            if row.file and row.line:
                found.append(Annotation(row.file, row.line, level, check.detail, title))
            if row.config_line and row.file != decision.config_file:
                found.append(
                    Annotation(
                        decision.config_file,
                        row.config_line,
                        "notice",
                        f"{row.name}: {check.detail}",
                        f"{row.name}: rule that failed",
                    )
                )
    return found


def decision_publication(decision: Decision, run_url: str = "") -> Publication:
    label = verdict_label(decision)
    markdown = markdown_report(decision)
    if run_url:
        markdown += f"\n[Workflow run]({markdown_url(run_url)})\n"
    state = "failure" if decision.verdict == "block" and not decision.report_only else "success"
    return Publication(
        conclusion=check_conclusion(decision),
        title=clip(f"{label}: {decision.headline}", CHECK_TITLE_LIMIT),
        markdown=markdown,
        annotations=tuple(decision_annotations(decision)),
        status_state=state,
        status_description=clip(f"{label.lower()}: {decision.headline}", STATUS_DESCRIPTION_LIMIT),
    )


def problems_publication(
    problems: list[Problem],
    message: str,
    run_url: str = "",
    heading: str = "invalid input",
    note: str = "Nothing was deployed and nothing was recorded.",
) -> Publication:
    """Invalid input (or an external failure): a failed check with an annotation at each problem's place."""
    lines = [f"### vibe-deploy-gate: {heading}", "", note, ""]
    lines += [
        f"- {_md(p.file)}:{p.line}:{p.column} {_md(p.json_path + ': ' if p.json_path else '')}"
        f"{_md(p.message)}{' — ' + _md(p.hint) if p.hint else ''}"
        for p in problems
    ]
    if not problems:
        lines.append(f"- {_md(message)}")
    if run_url:
        lines += ["", f"[Workflow run]({markdown_url(run_url)})"]
    annotations = tuple(
        Annotation(
            p.file,
            p.line,
            "failure",
            p.message + (f" ({p.hint})" if p.hint else ""),
            f"invalid {p.json_path or 'input'}",
            p.column,
        )
        for p in problems
    )
    first = problems[0].render() if problems else message
    return Publication(
        conclusion="failure",
        title=clip(f"{heading[0].upper()}{heading[1:]}: {first}", CHECK_TITLE_LIMIT),
        markdown="\n".join(lines) + "\n",
        annotations=annotations,
        status_state="failure",
        status_description=clip(f"{heading}: {first}", STATUS_DESCRIPTION_LIMIT),
    )


def unrecorded_notice(decision: Decision) -> str:
    """When a build was (maybe) started but its outcome could not be written: the record, to restore by hand."""
    record = decision.outcome.unrecorded
    if not record:
        return ""
    return (
        "The build was triggered but the ledger could not record its outcome "
        f"({decision.outcome.ledger_error}). Until this record is restored, the ledger shows it as "
        "in_progress; the next run resolves it as unconfirmed. To restore it now, append this line to the "
        "local ledger (or set the GitHub deployment's status):\n"
        + json.dumps(record, sort_keys=True, ensure_ascii=False)
    )
