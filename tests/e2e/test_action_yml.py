"""action.yml itself: its surfaces agree with the code and the README, and its steps run as the runner runs them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer

from tests.actions_env import HOOK_ID, HOOK_PATH, TOKEN, action_env, push_payload
from tests.composite_runner import Expression, interpolate, run_composite
from tests.conftest import ROOT, Workspace, native
from tests.fake_github import FakeGitHub
from vibe_action.action.main import OUTPUT_NAMES
from vibe_action.action.settings import INPUT_NAMES

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
README = (ROOT / "README.md").read_text()
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
# The example shows users the major tag they read about; it says to pin a SHA, and zizmor.yml allows it there.
EXAMPLE_SELF_REFERENCE = "org/vibe-deploy-gate@v1"


def steps() -> list[dict[str, Any]]:
    return list(ACTION["runs"]["steps"])


def test_metadata_and_branding() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"]
    assert ACTION["description"]
    assert set(ACTION["branding"]) == {"icon", "color"}


def test_no_expression_inside_any_run_script() -> None:
    for step in steps():
        assert "${{" not in step.get("run", ""), f"step '{step.get('name')}' interpolates inside run:"


def test_every_input_is_known_forwarded_and_documented() -> None:
    assert tuple(ACTION["inputs"]) == INPUT_NAMES
    (decide,) = [s for s in steps() if s.get("id") == "gate"]
    for name in INPUT_NAMES:
        variable = "INPUT_" + name.upper().replace("-", "_")
        assert decide["env"][variable] == f"${{{{ inputs.{name} }}}}", f"input {name} is not forwarded"
        assert re.search(rf"^\| `{re.escape(name)}` \|", README, re.MULTILINE), f"input {name} is not in the README"


def test_every_output_comes_from_the_gate_step_and_is_documented() -> None:
    assert tuple(ACTION["outputs"]) == OUTPUT_NAMES
    for name, spec in ACTION["outputs"].items():
        assert spec["value"] == f"${{{{ steps.gate.outputs.{name} }}}}"
        assert re.search(rf"^\| `{re.escape(name)}` \|", README, re.MULTILINE), f"output {name} is not in the README"


def test_secrets_are_masked_by_the_first_step() -> None:
    first = steps()[0]
    assert "add-mask" in first["run"]
    assert set(first["env"].values()) >= {
        "${{ inputs.build-hook-url }}",
        "${{ inputs.deploy-hook-url }}",
        "${{ inputs.github-token }}",
        "${{ inputs.netlify-token }}",
        "${{ inputs.cloudflare-api-token }}",
        "${{ inputs.vercel-token }}",
    }


def test_the_mask_step_masks_each_hook_its_id_and_its_query() -> None:
    """Run the first step's script as the runner would (bash): a Render hook keeps its secret in `?key=`."""
    script = steps()[0]["run"]
    render = "https://api.render.com/deploy/srv-0123456789?key=s3cr3tkey"
    env = {"PATH": os.environ["PATH"], "VIBE_MASK_HOOK": "", "VIBE_MASK_DEPLOY_HOOK": render}
    env.update(VIBE_MASK_GITHUB="ghs_token", VIBE_MASK_NETLIFY="")
    done = subprocess.run(["bash", "-e", "-c", script], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        f"::add-mask::{render}",
        "::add-mask::srv-0123456789",
        "::add-mask::key=s3cr3tkey",
        "::add-mask::ghs_token",
    ]
    empty = {**env, "VIBE_MASK_DEPLOY_HOOK": "", "VIBE_MASK_GITHUB": ""}
    quiet = subprocess.run(["bash", "-e", "-c", script], env=empty, capture_output=True, text=True, check=True)
    assert quiet.stdout == ""


def test_every_uses_is_pinned_by_commit_sha() -> None:
    files = [
        ROOT / "action.yml",
        *sorted((ROOT / ".github" / "workflows").glob("*.yml")),
        ROOT / "examples" / "workflow.yml",
    ]
    for path in files:
        for line in path.read_text().splitlines():
            match = re.match(r"\s*(?:-\s*)?uses:\s*([^\s#]+)", line)
            if match and not match.group(1).startswith("./") and match.group(1) != EXAMPLE_SELF_REFERENCE:
                assert PINNED.match(match.group(1)), f"{path.name}: '{match.group(1)}' is not pinned by SHA"


def test_cache_key_covers_lock_python_and_os() -> None:
    (cache,) = [s for s in steps() if str(s.get("uses", "")).startswith("actions/cache@")]
    key = cache["with"]["key"]
    for part in ("runner.os", "runner.arch", "steps.python.outputs.interpreter", "steps.python.outputs.lock-hash"):
        assert part in key


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("inputs.dry-run", "false"),
        ("steps.cache.outputs.cache-hit != 'true'", True),
        ("inputs.missing || 'fallback'", "fallback"),
        ("!(inputs.dry-run == 'FALSE')", False),  # comparisons ignore case, as on GitHub
        ("inputs.dry-run && 'yes'", "yes"),
    ],
)
def test_expression_evaluator(expression: str, expected: Any) -> None:
    contexts = {"inputs": {"dry-run": "false"}, "steps": {"cache": {"outputs": {"cache-hit": "false"}}}}
    assert Expression(expression, contexts).evaluate() == expected
    assert interpolate("a-${{ inputs.dry-run }}-b", contexts) == "a-false-b"


def wheelhouse() -> Path:
    path = Path(os.environ.get("VIBE_WHEELHOUSE") or ROOT / ".venv" / "wheelhouse").resolve()
    if not any(path.glob("*.whl")):
        pytest.fail(
            f"no wheels in {path}: run 'make test' (it downloads requirements.lock into the wheelhouse) "
            "or set VIBE_WHEELHOUSE"
        )
    return path


def _path_with_uv(with_uv: bool) -> str:
    """PATH as the runner has it, with uv (from the test tools) or without any uv on it."""
    entries = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not (Path(p) / "uv").exists()]
    if with_uv:
        uv = shutil.which("uv", path=str(Path(sys.executable).parent))
        assert uv, "uv is a test tool (requirements-test.lock): run make test"
        entries.insert(0, str(Path(uv).parent))
    return os.pathsep.join(entries)


def _copy_published_files(source: Path, target: Path) -> None:
    """The action as a runner fetches it: the repository's files (committed, or new and not ignored), without the
    virtualenvs, caches and coverage data a local run leaves beside them. Copying the whole folder raced with the
    other test workers: a coverage data file listed one moment was gone the next (shutil.Error in CI)."""
    listed = subprocess.run(
        ["git", "-C", str(source), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for name in filter(None, listed.split("\0")):
        path = source / name
        if name.startswith("tests/") or not path.is_file():  # the suite is not part of the action; a deleted file
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / name)


@pytest.mark.parametrize("installer", ["pip", "uv"])
def test_action_yml_runs_end_to_end_like_the_runner(
    workspace: Workspace, fake_github: FakeGitHub, hook_server: HTTPServer, tmp_path: Path, installer: str
) -> None:
    """Every step of action.yml, install included (offline, from the wheelhouse), on a push that deploys;
    the install step takes uv when it is on PATH, else the runner's pip into a venv without ensurepip."""
    workspace.write("results/vibethinker.json", native(74.4))
    sha = workspace.commit("results", branch="main")
    payload = push_payload(sha, "main", ["results/vibethinker.json"], fake_github.repository)
    env = action_env(workspace, fake_github, fake_github.url, "push", payload, sha, "main")
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    env.update({"RUNNER_TEMP": str(runner_temp), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse())})
    env.update({"UV_NO_INDEX": "1", "UV_FIND_LINKS": str(wheelhouse()), "UV_CACHE_DIR": str(tmp_path / "uv-cache")})
    env["PATH"] = _path_with_uv(installer == "uv")
    for name in list(env):
        if name.startswith("INPUT_"):
            del env[name]  # inputs come from `with:` through action.yml, as on a runner
    action_dir = tmp_path / "action"
    _copy_published_files(ROOT, action_dir)
    github_context = {"token": TOKEN, "action_path": str(action_dir), "event_name": "push", "sha": sha}
    with_inputs = {"build-hook-url": hook_server.url_for(HOOK_PATH), "annotate": "check,status,summary"}
    result = run_composite(action_dir, with_inputs, env, github_context, {"os": "Linux", "arch": "X64"}, tmp_path)

    failed = result.failed
    assert failed is None, f"step '{failed.name}' failed:\n{failed.stdout}\n{failed.stderr}" if failed else ""
    assert [s.name for s in result.steps] == [
        "Mask secrets",
        "Find Python",
        "Restore the virtualenv",
        "Install the pinned runtime",
        "Decide",
    ]
    install = result.steps[3].stdout
    assert ("with uv" in install) if installer == "uv" else ("into a venv without pip" in install), install
    venv = runner_temp / "vibe-deploy-gate-venv"
    assert not list((venv / "lib").glob("python3*/site-packages/pip"))  # no ensurepip: 25 MB less to cache
    assert result.outputs["decision"] == "deploy"
    assert result.outputs["deployed"] == "true"
    assert set(result.outputs) == set(OUTPUT_NAMES)
    assert all(name in result.step_outputs["gate"] for name in OUTPUT_NAMES)  # every output is set
    assert Path(result.outputs["report"]).read_text().startswith("### vibe-deploy-gate: DEPLOY")
    cache = result.steps[2]
    assert cache.with_["path"] == str(runner_temp / "vibe-deploy-gate-venv")
    assert re.fullmatch(r"vibe-deploy-gate-Linux-X64-py3\.\d+\.\d+-[0-9a-f]{8}-[0-9a-f]{16}", cache.with_["key"])
    decide = result.steps[4]
    assert decide.summary.startswith("### vibe-deploy-gate: DEPLOY")  # its own GITHUB_STEP_SUMMARY file
    assert [s.summary for s in result.steps[:4]] == ["", "", "", ""]
    # Masks come first; after them no step prints a secret.
    mask_lines = result.steps[0].stdout.splitlines()
    assert f"::add-mask::{hook_server.url_for(HOOK_PATH)}" in mask_lines
    assert f"::add-mask::{HOOK_ID}" in mask_lines
    assert f"::add-mask::{TOKEN}" in mask_lines
    for step in result.steps[1:]:
        visible = "\n".join(line for line in step.stdout.splitlines() if not line.startswith("::add-mask::"))
        assert HOOK_ID not in visible + step.stderr
        assert TOKEN not in visible + step.stderr
    assert sum(1 for request, _ in hook_server.log if request.method == "POST") == 1
    assert len(fake_github.deployments) == 1

    # A second run with the venv restored from the cache installs nothing.
    again = run_composite(
        action_dir, with_inputs, env, github_context, {"os": "Linux", "arch": "X64"}, tmp_path, cache_hit=True
    )
    assert again.failed is None
    assert again.steps[3].stdout.strip() == "vibe-deploy-gate: using the restored virtualenv"
    assert again.outputs["decision"] == "skip"  # the same commit is already deployed
    assert sum(1 for request, _ in hook_server.log if request.method == "POST") == 1

    # After a Python patch update the restored venv's interpreter is gone (actions/setup-python#182): rebuilt.
    for link in (venv / "bin").glob("python*"):
        link.unlink()
        link.symlink_to(tmp_path / "hostedtoolcache" / "Python" / "3.99.0" / "bin" / "python3")
    broken = run_composite(
        action_dir, with_inputs, env, github_context, {"os": "Linux", "arch": "X64"}, tmp_path, cache_hit=True
    )
    failed = broken.failed
    assert failed is None, f"step '{failed.name}' failed:\n{failed.stdout}\n{failed.stderr}" if failed else ""
    assert "the restored virtualenv cannot start; rebuilding it" in broken.steps[3].stdout
    assert broken.outputs["decision"] == "skip"


def test_old_python_is_refused_with_a_setup_python_hint(tmp_path: Path) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    python3 = fake_bin / "python3"
    python3.write_text("#!/bin/sh\ncase \"$2\" in *version_info*'>='*) exit 1;; esac\necho 3.8\n")
    python3.chmod(0o755)
    (find_python,) = [s for s in steps() if s.get("id") == "python"]
    script = tmp_path / "step.sh"
    script.write_text(find_python["run"])
    env = {
        "PATH": f"{fake_bin}:/usr/bin:/bin",
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_ACTION_PATH": str(ROOT),
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "python3 is 3.8; vibe-deploy-gate needs 3.10 or newer. Add actions/setup-python" in done.stdout
