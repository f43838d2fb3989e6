"""The folders are the architecture: what a layer loads, and what each package may know."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT

NETWORK_MODULES = ("requests", "urllib3", "github", "http.client")


def loaded_after_import(module: str) -> set[str]:
    """The modules a fresh interpreter holds after importing `module` (nothing else imported first)."""
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


@pytest.mark.parametrize(
    "module",
    [
        "vibe_action.decide.policy",
        "vibe_action.inputs.config",
        "vibe_action.inputs.results",
        "vibe_action.render.report",
        "vibe_action.ledger.local",
    ],
)
def test_pure_layers_load_no_network_library(module: str) -> None:
    loaded = loaded_after_import(module)
    assert module in loaded
    assert not [name for name in NETWORK_MODULES if name in loaded]


def test_the_check_loads_what_it_claims_to_look_for() -> None:
    """Guard the guard: the same probe does see the network libraries where they are used."""
    loaded = loaded_after_import("vibe_action.hosts.netlify.build_hook")
    assert {"requests", "urllib3", "http.client"} <= loaded


def test_every_subpackage_says_what_it_may_import() -> None:
    inits = list((ROOT / "vibe_action").glob("*/**/__init__.py"))  # every subpackage, at any depth
    assert len(inits) > 10
    for init in inits:
        text = init.read_text(encoding="utf-8")
        assert text.startswith('"""'), init
        assert "May import" in text, init


# What only Netlify's code may know: its URL formats, its deploy fields, its build variables, its hook's query.
NETLIFY_WIRE = (
    ".netlify.app", "api.netlify.com", "INCOMING_HOOK_", "deploy_ssl_url", "published_deploy", "trigger_title",
    "trigger_branch", "build_hooks/",
)  # fmt: skip
# They wire the host packages (pyproject's import-linter contract), as paths inside vibe_action/.
COMPOSITION_ROOTS = ("app/wiring.py", "cli/demo.py")
HOSTS = ("netlify", "cloudflare", "webhook")


def _inside(path: pathlib.Path) -> str:
    return path.relative_to(ROOT / "vibe_action").as_posix()


def test_nothing_outside_netlify_knows_netlifys_wire_format() -> None:
    """Adding a host must not mean finding Netlify's URLs and fields in shared code (issue 20)."""
    package = ROOT / "vibe_action"
    found = {
        f"{path.relative_to(package)}: {needle}"
        for path in package.rglob("*.py")
        if not _inside(path).startswith("hosts/netlify/") and _inside(path) not in COMPOSITION_ROOTS
        for needle in NETLIFY_WIRE
        if needle in path.read_text(encoding="utf-8")
    }
    assert found == set()
    # and the check looks where it claims to: the Netlify package itself is full of them
    netlify = "".join(p.read_text(encoding="utf-8") for p in (package / "hosts" / "netlify").glob("*.py"))
    assert all(needle in netlify for needle in NETLIFY_WIRE)


def test_only_the_composition_roots_import_a_host_package() -> None:
    """Read from the source, not only from the import-linter contract: no host package is imported elsewhere."""
    package = ROOT / "vibe_action"
    importers = {
        _inside(path)
        for path in package.rglob("*.py")
        if not _inside(path).startswith(tuple(f"hosts/{host}/" for host in HOSTS))
        and any(
            f"vibe_action.hosts.{host}" in line
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.lstrip().startswith(("from ", "import "))
            for host in HOSTS
        )
    }
    assert importers == set(COMPOSITION_ROOTS)


PROBE = """
import json, sys
from vibe_action.cli.main import main
try:
    code = main(sys.argv[1:], stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
except SystemExit as exc:  # --help prints and exits
    code = exc.code
print()
print(json.dumps({"code": code, "loaded": sorted(sys.modules)}))
"""


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["run", "--dry-run"], ["validate"], ["history"]])
def test_commands_that_send_nothing_load_no_http_library(workspace: Any, args: list[str]) -> None:
    """What a user could feel at start-up: requests, urllib3 and PyGithub load only for a command that talks to
    a host or to GitHub (everything else is imported at the top of its module, as usual)."""
    from tests.conftest import native

    workspace.write("results/r.json", native(77.5))
    workspace.commit("candidate", branch="main")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=workspace.path, capture_output=True, text=True, check=False
    )
    assert done.stdout.strip(), done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    loaded = set(result["loaded"])
    assert result["code"] == 0, done.stderr
    assert "vibe_action.cli.main" in loaded
    assert not [name for name in loaded if name.split(".")[0] in ("requests", "urllib3", "github")]
