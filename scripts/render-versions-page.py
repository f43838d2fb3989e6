"""Render docs/versions-page.png: the versions page of a four-month history made by the real gate (`make docs`).

32 evaluated commits in a temporary repository, each decided by the real gate against a local build hook and
a local Netlify API, with its clock set 3.5 days after the previous one; lasting version branches (turned on
half-way) are pushed to a local bare `origin`. One build hook call is refused (a failed deploy), and the
history ends with a rollback to v12. Then the page is built as `vibe-gate page` builds it, and headless
Chromium (OS package) takes the picture. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vibe_action.app.rollback import Rebuild, rollback  # noqa: E402
from vibe_action.app.run import RunRequest, run_gate  # noqa: E402
from vibe_action.app.wiring import HostAccess, NetlifyAccess, Services, links_for, target_for  # noqa: E402
from vibe_action.github.branches import GitPushBranches  # noqa: E402
from vibe_action.hosts.netlify.receiver import SITE_ID, TOKEN, HookReceiver  # noqa: E402
from vibe_action.inputs.config import load_config  # noqa: E402
from vibe_action.ledger.local import LocalLedger  # noqa: E402
from vibe_action.redact import Secrets  # noqa: E402
from vibe_action.render.page.publish import build_site, write_site  # noqa: E402

DOCS = ROOT / "docs"
CONFIG = """version: 1
results: results/*.json
primary: aime25
metrics:
  aime25: {min: 70, min_gain: 0.2, max_drop: 1}
  hmmt25: {min: 45, max_drop: 2}
  livecodebench_v6: {max_drop: "3%"}
significance: {method: "off"}
"""
LASTING = "versions: {branch_prefix: versions/}\n"  # turned on half-way: older versions have permalinks only
VERSIONS = 32
FAILED = 9  # this commit's hook call is refused


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "docs", "GIT_AUTHOR_EMAIL": "docs@example.invalid"}
    env.update(GIT_COMMITTER_NAME="docs", GIT_COMMITTER_EMAIL="docs@example.invalid")
    # Fixed dates, so the commits (and every sha on the page) are the same on every run: make docs re-renders
    # the picture byte for byte.
    env.update(GIT_AUTHOR_DATE="2026-08-03T09:30:00Z", GIT_COMMITTER_DATE="2026-08-03T09:30:00Z")
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def results(index: int) -> dict[str, object]:
    aime = 70.0 + index * 0.45 + (0.3 if index % 3 == 0 else 0)
    return {
        "model": {"name": "VibeThinker-1.5B", "revision": f"ckpt-{1000 + index * 250}"},
        "benchmarks": {
            "aime25": {"score": round(aime, 2)},
            "hmmt25": {"score": round(48.0 + (index % 4) * 0.5 + index * 0.05, 2)},
            "livecodebench_v6": {"score": round(49.0 + index * 0.1, 2)},
        },
    }


def make_history(workdir: Path, start: datetime) -> tuple[Path, datetime]:
    repo = workdir / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".gitignore").write_text(
        ".vibe-deploy-gate/\n", encoding="utf-8"
    )  # ledger ids are random: keep them out of the shas
    git(workdir, "init", "-q", "--bare", "origin.git")
    git(repo, "remote", "add", "origin", str(workdir / "origin.git"))
    (repo / "config").mkdir()
    (repo / "results").mkdir()
    (repo / "config" / "deploy.yaml").write_text(CONFIG, encoding="utf-8")
    config = repo / "config" / "deploy.yaml"
    ledger = LocalLedger(repo / ".vibe-deploy-gate" / "ledger.jsonl")
    now = start
    with HookReceiver() as receiver, requests.Session() as session:
        secrets = Secrets()
        access = HostAccess(NetlifyAccess(TOKEN, SITE_ID, receiver.api_url))
        services = Services(ledger, session, secrets, branches=GitPushBranches(repo))
        for index in range(VERSIONS):
            (repo / "results" / "vibethinker.json").write_text(json.dumps(results(index)), encoding="utf-8")
            if index == VERSIONS // 2:
                config.write_text(CONFIG + LASTING, encoding="utf-8")
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", f"checkpoint {index}")
            now = start + timedelta(days=3.5 * index)
            hook = receiver.url + ("-revoked" if index == FAILED else "")
            sha = git(repo, "rev-parse", "HEAD")
            request = RunRequest(repo, "config/deploy.yaml", sha, "main", now, hook_url=hook, access=access)
            run_gate(request, services)
        target = target_for(load_config(repo / "config/deploy.yaml"), receiver.url, services, access)
        rollback(ledger, target, "production", "v12", True, now + timedelta(days=1), Rebuild(services.wall_clock))
    return repo, now + timedelta(days=2)


def main() -> int:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("make docs needs Chromium: apt-get install -y chromium")
    start = datetime(2026, 8, 3, 9, 30, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as folder:
        repo, now = make_history(Path(folder), start)
        records = LocalLedger(repo / ".vibe-deploy-gate" / "ledger.jsonl").records()
        from vibe_action.inputs.config import load_config  # noqa: PLC0415

        config = load_config(repo / "config" / "deploy.yaml")
        _, files = build_site(records, config, "production", now, "https://github.com/org/model", "", links_for(config))
        site = Path(folder) / "site"
        write_site(site, files)
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                 "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", "--window-size=1200,1500",
                 f"--screenshot={DOCS / 'versions-page.png'}", (site / "index.html").as_uri()],
                check=True, capture_output=True, timeout=120,
            )  # fmt: skip
    print("wrote docs/versions-page.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
