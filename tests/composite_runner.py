"""Run a composite action's steps the way the GitHub runner does, on this machine, for tests.

It evaluates the `${{ }}` expressions the action uses (contexts `inputs`, `github`, `runner`, `steps`, `env`;
operators `||`, `&&`, `==`, `!=`, `!`; string, number and boolean literals), sets each step's `env:`, runs each
`run:` with `bash --noprofile --norc -eo pipefail` like `shell: bash`, reads each step's GITHUB_OUTPUT file, and
computes the action's outputs. Each step gets its own GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, as on a
runner (docs: "Workflow commands" → environment files are unique to each step). A `uses:` step cannot run
offline; `actions/cache` is played as a cache miss (or hit, on request) so the steps after it see the outputs
they would see.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TOKEN = re.compile(
    r"\s*(?:(\|\||&&|==|!=|!|\(|\))|('(?:[^']|'')*')|(true|false|null)\b|(-?\d+(?:\.\d+)?)|"
    r"([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*))"
)


class Expression:
    """A tiny evaluator for the subset of GitHub's expression language that action.yml uses."""

    def __init__(self, text: str, contexts: dict[str, Any]) -> None:
        self.tokens: list[tuple[str, Any]] = []
        position = 0
        text = text.strip()
        while position < len(text):
            match = TOKEN.match(text, position)
            if not match or match.end() == position:
                raise ValueError(f"cannot parse expression at {text[position:]!r}")
            operator, string, literal, number, path = match.groups()
            if operator:
                self.tokens.append(("op", operator))
            elif string is not None:
                self.tokens.append(("value", string[1:-1].replace("''", "'")))
            elif literal:
                self.tokens.append(("value", {"true": True, "false": False, "null": None}[literal]))
            elif number:
                self.tokens.append(("value", float(number)))
            else:
                self.tokens.append(("value", self._lookup(path, contexts)))
            position = match.end()
        self.index = 0

    @staticmethod
    def _lookup(path: str, contexts: dict[str, Any]) -> Any:
        value: Any = contexts
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def evaluate(self) -> Any:
        value = self._or()
        if self.index != len(self.tokens):
            raise ValueError("trailing tokens in expression")
        return value

    def _peek(self) -> Any:
        return (
            self.tokens[self.index][1] if self.index < len(self.tokens) and self.tokens[self.index][0] == "op" else None
        )

    def _or(self) -> Any:
        value = self._and()
        while self._peek() == "||":
            self.index += 1
            other = self._and()
            value = value if _truthy(value) else other
        return value

    def _and(self) -> Any:
        value = self._compare()
        while self._peek() == "&&":
            self.index += 1
            other = self._compare()
            value = other if _truthy(value) else value
        return value

    def _compare(self) -> Any:
        value = self._unary()
        if self._peek() in ("==", "!="):
            operator = self._peek()
            self.index += 1
            equal = _loose(value) == _loose(self._unary())
            return equal if operator == "==" else not equal
        return value

    def _unary(self) -> Any:
        if self._peek() == "!":
            self.index += 1
            return not _truthy(self._unary())
        if self._peek() == "(":
            self.index += 1
            value = self._or()
            self.index += 1  # ')'
            return value
        _kind, value = self.tokens[self.index]
        self.index += 1
        return value


def _truthy(value: Any) -> bool:
    return value not in (None, False, "", 0)


def _loose(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def interpolate(text: str, contexts: dict[str, Any]) -> str:
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: _text(Expression(m.group(1), contexts).evaluate()), text)


def parse_outputs(text: str) -> dict[str, str]:
    from tests.actions_env import parse_outputs as parse

    return parse(text)


@dataclass
class StepRun:
    name: str
    skipped: bool
    stdout: str = ""
    stderr: str = ""
    returncode: int = 0
    summary: str = ""  # what the step wrote to its own GITHUB_STEP_SUMMARY file
    uses: str = ""
    with_: dict[str, str] = field(default_factory=dict)


@dataclass
class CompositeResult:
    steps: list[StepRun]
    outputs: dict[str, str]
    step_outputs: dict[str, dict[str, str]]

    @property
    def failed(self) -> StepRun | None:
        return next((s for s in self.steps if s.returncode != 0), None)


def run_composite(
    action_dir: Path,
    with_inputs: dict[str, str],
    env: dict[str, str],
    github: dict[str, Any],
    runner: dict[str, Any],
    work: Path,
    cache_hit: bool = False,
) -> CompositeResult:
    action = yaml.safe_load((action_dir / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    contexts: dict[str, Any] = {"github": github, "runner": runner, "env": env, "steps": {}}
    inputs = {}
    for name, spec in action.get("inputs", {}).items():
        default = interpolate(str(spec.get("default", "")), contexts)
        inputs[name] = with_inputs.get(name, default)
    contexts["inputs"] = inputs
    runs: list[StepRun] = []
    for number, step in enumerate(action["runs"]["steps"], start=1):
        name = step.get("name", f"step {number}")
        condition = str(step.get("if", "success()")).strip()
        condition = condition[3:-2] if condition.startswith("${{") else condition
        if condition != "success()" and not _truthy(Expression(condition, contexts).evaluate()):
            runs.append(StepRun(name, skipped=True))
            continue
        if "uses" in step:
            with_ = {k: interpolate(str(v), contexts) for k, v in (step.get("with") or {}).items()}
            runs.append(StepRun(name, skipped=False, uses=step["uses"], with_=with_))
            if step.get("id") and step["uses"].startswith("actions/cache@"):
                contexts["steps"][step["id"]] = {"outputs": {"cache-hit": "true" if cache_hit else "false"}}
            continue
        assert step.get("shell") == "bash", f"step {name}: composite run steps must say shell: bash"
        output_file = work / f"step-{number}-output"
        output_file.write_text("")
        summary_file = work / f"step-{number}-summary"
        summary_file.write_text("")
        step_env = {
            **env,
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(summary_file),
            "GITHUB_ACTION_PATH": str(action_dir),
        }
        step_env.update({k: interpolate(str(v), contexts) for k, v in (step.get("env") or {}).items()})
        script = work / f"step-{number}.sh"
        script.write_text(interpolate(step["run"], contexts))  # the action has none; the meta-test checks
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            env=step_env,
            cwd=env.get("GITHUB_WORKSPACE", os.getcwd()),
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        runs.append(StepRun(name, False, done.stdout, done.stderr, done.returncode, summary_file.read_text()))
        if step.get("id"):
            contexts["steps"][step["id"]] = {"outputs": parse_outputs(output_file.read_text())}
        if done.returncode != 0:
            break
    outputs = {name: interpolate(str(spec["value"]), contexts) for name, spec in action.get("outputs", {}).items()}
    step_outputs = {k: v["outputs"] for k, v in contexts["steps"].items()}
    return CompositeResult(runs, outputs, step_outputs)
