#!/usr/bin/env python3
"""Measure the gate: decision time, ledger I/O, and the GitHub requests one action run makes.

    make bench        # or: .venv/bin/python scripts/benchmark.py

Wall times are measured here, never asserted in tests (they depend on the machine); request counts are also
asserted in tests, because they are deterministic. Runs offline: GitHub is the tests' local fake.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_limits import bench_limits  # noqa: E402  # scripts/ is on the path: this file runs as a script
from pytest_httpserver import HTTPServer  # noqa: E402

from tests.actions_env import action_env, push_payload, run_action  # noqa: E402
from tests.conftest import CONFIG, Workspace, native  # noqa: E402
from tests.fake_cloudflare import ACCOUNT, FakeCloudflare  # noqa: E402
from tests.fake_cloudflare import PROJECT as PAGES_PROJECT  # noqa: E402
from tests.fake_cloudflare import TOKEN as CF_TOKEN  # noqa: E402
from tests.fake_github import FakeGitHub  # noqa: E402
from tests.fake_netlify import SITE_ID, FakeNetlify  # noqa: E402
from tests.fake_netlify import TOKEN as NETLIFY_TOKEN  # noqa: E402
from tests.fake_vercel import PROJECT_ID, FakeVercel  # noqa: E402
from tests.fake_vercel import TOKEN as VERCEL_TOKEN  # noqa: E402
from vibe_action.app.wiring import links_for  # noqa: E402
from vibe_action.decide.noise import Deployed, deployed_of  # noqa: E402
from vibe_action.decide.policy import Baseline, Context, decide  # noqa: E402
from vibe_action.inputs.config import parse_config  # noqa: E402
from vibe_action.inputs.results import Benchmark, Results, Source, load_results  # noqa: E402
from vibe_action.ledger.extra import RecordExtra  # noqa: E402
from vibe_action.ledger.local import LocalLedger  # noqa: E402
from vibe_action.ledger.records import Record  # noqa: E402
from vibe_action.render.page.publish import build_site  # noqa: E402

SIX = ["aime25", "hmmt25", "livecodebench_v6", "gpqa", "math500", "aime24"]


def bench_policy(rounds: int = 5000) -> str:
    config = parse_config(CONFIG + "defaults:\n  max_drop: 2\n", "config/deploy.yaml")
    results = Results(MappingProxyType({n: Benchmark(n, 70.0 + i) for i, n in enumerate(SIX)}))
    base = Baseline("b" * 40, {n: 69.0 + i for i, n in enumerate(SIX)})
    context = Context("c" * 40, "main")
    started = time.perf_counter()
    for _ in range(rounds):
        decide(config, results, base, context)
    per = (time.perf_counter() - started) / rounds * 1e6
    return f"policy: decide() on 6 benchmarks: {per:.1f} µs per decision ({rounds} rounds)"


def bench_noise(benchmarks: int = 6, items: int = 1000, samples: int = 64) -> str:
    """Issue 5's bar: 6 benchmarks x 1,000 items x 64 samples decide in under a second (parse included)."""
    rng = random.Random(5)
    names = [f"bench{i}" for i in range(benchmarks)]
    text = "version: 1\nprimary: bench0\nmetrics:\n" + "".join(f"  {n}: {{max_drop: 2}}\n" for n in names)
    text = text.replace("bench0: {max_drop: 2}", "bench0: {min_gain: 1, max_drop: 2}")
    config = parse_config(text, "config/deploy.yaml")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "results").mkdir()
        for run in ("base", "now"):
            for name in names:
                lines = []
                for i in range(items):
                    correct = rng.randint(0, samples)
                    lines.append(
                        json.dumps({"id": f"{name}-{i}", "correctness": [1] * correct + [0] * (samples - correct)})
                    )
                (root / "results" / f"{name}.jsonl").write_text("\n".join(lines) + "\n")
            if run == "base":
                base = load_results([Source("results/*.jsonl")], root)
                details = {n: Deployed.from_json(deployed_of(b).to_json()) for n, b in base.benchmarks.items()}
                baseline = Baseline("b" * 40, base.scores(), details)
        tracemalloc.start()
        started = time.perf_counter()
        current = load_results([Source("results/*.jsonl")], root)
        parsed = time.perf_counter()
        decision = decide(config, current, baseline, Context("c" * 40, "main"))
        done = time.perf_counter()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    method = next((r.stats for r in decision.metrics[0].rules if r.rule == "noise" and r.stats), None) or {}
    return (
        f"noise: {benchmarks} benchmarks x {items} items x {samples} samples: parse {parsed - started:.2f} s, "
        f"decide {(done - parsed) * 1e3:.0f} ms ({method.get('method')} tests), total {done - started:.2f} s, "
        f"peak {peak:.0f} MiB"
    )


def bench_native_vs_jsonl(benchmarks: int = 6, items: int = 1000, samples: int = 64) -> str:
    """Issue 10: the same per-item data as native JSON `items` lists and as correctness JSONL: load time (best
    of 3) and traced peak memory against the file size."""
    rng = random.Random(10)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "native").mkdir()
        (root / "jsonl").mkdir()
        document: dict[str, Any] = {"benchmarks": {}}
        for b in range(benchmarks):
            per_item = {}
            lines = []
            for i in range(items):
                correct = rng.randint(0, samples)
                flags = [1] * correct + [0] * (samples - correct)
                per_item[f"p{i}"] = flags
                lines.append(json.dumps({"id": f"p{i}", "correctness": flags}))
            document["benchmarks"][f"bench{b}"] = {"items": per_item}
            (root / "jsonl" / f"bench{b}.jsonl").write_text("\n".join(lines) + "\n")
        (root / "native" / "results.json").write_text(json.dumps(document))
        measured = {}
        for kind, glob in (("jsonl", "jsonl/*.jsonl"), ("native", "native/*.json")):
            best = min(_timed(lambda g=glob: load_results([Source(g)], root)) for _ in range(3))
            tracemalloc.start()
            load_results([Source(glob)], root)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            size = sum(path.stat().st_size for path in root.glob(glob))
            measured[kind] = (best, peak, size)
    (jt, jp, js), (nt, np_, ns) = measured["jsonl"], measured["native"]
    return (
        f"formats: {benchmarks} x {items} items x {samples} samples — correctness JSONL {jt:.2f} s "
        f"(peak {jp / 2**20:.1f} MiB, {jp / js:.1f}x its {js / 2**20:.1f} MiB); native JSON {nt:.2f} s "
        f"(peak {np_ / 2**20:.1f} MiB, {np_ / ns:.1f}x its {ns / 2**20:.1f} MiB); native/JSONL time {nt / jt:.2f}x"
    )


def _timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def bench_ledger(count: int = 10_000) -> str:
    with tempfile.TemporaryDirectory() as folder:
        ledger = LocalLedger(Path(folder) / "ledger.jsonl")
        started = time.perf_counter()
        for index in range(count):
            ledger.append(
                Record(
                    sha=f"{index:040x}",
                    branch="main",
                    time="2026-11-01T00:00:00Z",
                    status="success",
                    scores=dict.fromkeys(SIX, 70.0),
                    id=str(index),
                )
            )
        append = (time.perf_counter() - started) / count * 1e3
        tracemalloc.start()
        started = time.perf_counter()
        records = ledger.records()
        read = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        size = (Path(folder) / "ledger.jsonl").stat().st_size / 2**20
    return (
        f"ledger: append (write + fsync) {append:.2f} ms each; read {len(records)} records "
        f"({size:.1f} MiB) in {read * 1e3:.0f} ms, peak {peak:.0f} MiB"
    )


def _median_process(command: list[str], cwd: Path, runs: int = 7) -> float:
    """The median wall time of a whole process, in seconds (start-up included: it is what a user waits for)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=False, env={**os.environ, "COLUMNS": "100"})
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _ledger_lines(count: int) -> str:
    """A ledger as the gate writes it: per deploy an in_progress line, then its outcome."""
    lines = []
    for index in range(count):
        month = "2026-10" if index < count - 1 else "2026-11"
        record = {
            "id": f"r{index}",
            "sha": f"{index:040x}",
            "branch": "main",
            "time": f"{month}-01T00:00:00Z",
            "status": "in_progress",
            "scores": dict.fromkeys(SIX, 70.0),
            "environment": "production",
            "extra": {"month": month, "month_spent_before": 0},
        }
        lines += [json.dumps(record), json.dumps({**record, "status": "success"})]
    return "\n".join(lines) + "\n"


def runtime_only_venv(root: Path) -> Path:
    """A virtualenv holding only the runtime lock and the package (a wheel: no editable hook, no coverage `.pth`,
    no pip or setuptools `.pth`), as the action's install step leaves it: its `python`."""
    venv = root / "runtime"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    subprocess.run([*pip, "-r", str(ROOT / "requirements.lock")], check=True, capture_output=True)
    subprocess.run([*pip, "--no-deps", str(ROOT)], check=True, capture_output=True)
    extra = sorted(p.name for p in venv.glob("lib/python*/site-packages/*.pth"))
    if extra:
        raise RuntimeError(f"the runtime-only venv holds .pth files {extra}: the baseline would not be bare")
    return python


def bench_startup() -> str:
    """Issue 21: whole processes against `python -c pass`, both in a virtualenv that holds only the runtime lock
    (the test venv's coverage `.pth` slows every interpreter there, the baseline included) — --help, validate, a
    dry run on ledgers of 1, 10,000 and 100,000 past deploys (medians of 11; ratios taken in one run)."""
    with tempfile.TemporaryDirectory() as folder:
        python = runtime_only_venv(Path(folder))
        ws = Workspace(Path(folder) / "repo")
        ws.write("config/deploy.yaml", CONFIG)
        ws.write("results/r.json", native(77.5))
        ws.commit("candidate", branch="main")
        gate = [str(python.parent / "vibe-gate")]
        floor = _median_process([str(python), "-c", "pass"], ws.path, runs=11)
        rows = {
            "--help": _median_process([*gate, "--help"], ws.path, runs=11),
            "validate": _median_process([*gate, "validate"], ws.path, runs=11),
        }
        for count in (1, 10_000, 100_000):
            ledger = ws.path / ".vibe-deploy-gate" / "ledger.jsonl"
            ledger.parent.mkdir(exist_ok=True)
            ledger.write_text(_ledger_lines(count))
            rows[f"run --dry-run, {count:,} deploys"] = _median_process([*gate, "run", "--dry-run"], ws.path, runs=11)
    one = rows["run --dry-run, 1 deploys"]
    parts = [f"python -c pass {floor * 1e3:.0f} ms (runtime-only venv)"]
    parts += [f"{name} {value * 1e3:.0f} ms ({value / floor:.1f}x)" for name, value in rows.items()]
    ratio = rows["run --dry-run, 10,000 deploys"] / one
    return "startup: " + "; ".join(parts) + f"; dry run at 10,000 deploys / at 1: {ratio:.2f}x"


def bench_install() -> str:
    """Issue 12: the action's install step, cold (empty venv and caches) and warm (the cache restored: no
    install at all), through pip into a venv without ensurepip and through uv, against a bare pip install."""
    lock = str(ROOT / "requirements.lock")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        wheels = root / "wheels"
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "-d", str(wheels), "-r", lock], check=True)
        offline = {
            **os.environ,
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(wheels),
            "UV_NO_INDEX": "1",
            "UV_FIND_LINKS": str(wheels),
            "UV_CACHE_DIR": str(root / "uv-cache"),
            "PIP_NO_CACHE_DIR": "1",
        }

        def timed(commands: list[list[str]]) -> float:
            started = time.perf_counter()
            for command in commands:
                subprocess.run(command, check=True, capture_output=True, env=offline)
            return time.perf_counter() - started

        bare = timed(
            [
                [sys.executable, "-m", "venv", str(root / "a")],
                [str(root / "a" / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r", lock],
            ]
        )
        no_pip = timed(
            [
                [sys.executable, "-m", "venv", "--without-pip", str(root / "b")],
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "--python",
                    str(root / "b" / "bin" / "python"),
                    "install",
                    "--quiet",
                    "-r",
                    lock,
                ],
            ]
        )
        results += [
            f"bare venv + pip install {bare:.1f} s",
            f"pip into a venv without pip {no_pip:.1f} s ({no_pip / bare:.0%} of bare)",
        ]
        uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
        if uv:
            with_uv = timed(
                [
                    [uv, "venv", "--quiet", "--python", sys.executable, str(root / "c")],
                    [uv, "pip", "install", "--quiet", "--python", str(root / "c" / "bin" / "python"), "-r", lock],
                ]
            )
            results.append(f"uv {with_uv:.1f} s ({with_uv / bare:.0%} of bare)")
        else:
            results.append("uv: not installed (make test installs it)")
    return "install (cold, offline from a wheelhouse; warm = cache hit, no install): " + "; ".join(results)


def bench_action(seeded_this_month: int, with_counts: bool = True, past: int = 0) -> str:
    """One action run against the fake GitHub: requests and wall time, with `seeded_this_month` gate
    deployments this month and `past` more in earlier months (the history a long-lived repository has)."""
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace(Path(folder) / "repo")
        ws.write("config/deploy.yaml", CONFIG.replace("monthly_deploys: 20", "monthly_deploys: 1000"))
        fake = FakeGitHub()
        server = HTTPServer(host="127.0.0.1", port=0)
        server.start()
        server.expect_request(re.compile(".*")).respond_with_handler(fake)
        hook = HTTPServer(host="127.0.0.1", port=0)
        hook.start()
        hook.expect_request(re.compile(".*")).respond_with_data("", status=200)
        try:
            now = datetime.now(timezone.utc)
            for index in range(past):
                fake.seed_deployment(
                    f"{index + 10**6:040x}",
                    {"aime25": 70.0},
                    ["success"],
                    created_at=now - timedelta(days=40, seconds=past - index),
                    count_before=index % 20,
                )
            for index in range(seeded_this_month):
                fake.seed_deployment(
                    f"{index:040x}",
                    {"aime25": 70.0},
                    ["success"],
                    created_at=now - timedelta(seconds=seeded_this_month - index),
                    count_before=index if with_counts else None,
                )
            ws.write("results/r.json", native(90.0))
            sha = ws.commit("r", branch="main")
            env = action_env(
                ws,
                fake,
                server.url_for("/").rstrip("/"),
                "push",
                push_payload(sha, "main", ["results/r.json"], fake.repository),
                sha,
                "main",
                {"INPUT_BUILD_HOOK_URL": hook.url_for("/build_hooks/benchmark0000000000")},
            )
            env["VIBE_GITHUB_WRITE_SPACING"] = "1"  # what a real run does
            started = time.perf_counter()
            result = run_action(ws, env)
            wall = time.perf_counter() - started
        finally:
            server.stop()
            hook.stop()
        reads = sum(1 for s in fake.log if s.method == "GET")
        writes = len(fake.log) - reads
        kind = "gate deployments" if with_counts else "deployments without counts (older gate)"
        return (
            f"action, push that deploys, {seeded_this_month:>3} {kind} this month, {past:,} before: decision "
            f"{result.outputs.get('decision')}, {reads} GET + {writes} writes to GitHub, {wall:.1f} s wall "
            "(writes spaced 1 s apart, as GitHub asks)"
        )


def _site(ws: Workspace, files: int, large: int) -> None:
    """A built demo: `files` small files of 4 KiB and one `large`-MiB bundle (what `npm run build` leaves)."""
    rng = random.Random(files)
    for index in range(files):
        ws.write(f"dist/assets/chunk-{index:05d}.js", "".join(rng.choice("abcdef\n") for _ in range(4096)))
    (ws.path / "dist" / "model.bin").write_bytes(rng.randbytes(large * 1024 * 1024))
    ws.write("dist/index.html", "<h1>demo</h1>")


def bench_uploads(files: int = 2000, large: int = 20) -> list[str]:
    """Upload mode on each host's fake: requests and bytes sent by the first deploy of a built folder, and by the
    next deploy once one file changed (the hosts keep what they have: only the change goes up), and wall time."""
    fast = "netlify:\n  poll_interval: 0\n  confirm_timeout: 30\nupload:\n  dir: dist\n"
    hosts: list[tuple[str, Any, str, Any, Any]] = [
        (
            "Netlify",
            FakeNetlify(),
            fast,
            lambda url: {
                "NETLIFY_AUTH_TOKEN": NETLIFY_TOKEN,
                "NETLIFY_SITE_ID": SITE_ID,
                "VIBE_NETLIFY_API_URL": url + "/api/v1",
            },
            lambda fake: [(s.method, len(s.body or b"")) for s in fake.log],
        ),
        (
            "Cloudflare Pages",
            FakeCloudflare(),
            f"target: cloudflare-pages\ncloudflare:\n  project: {PAGES_PROJECT}\n" + fast,
            lambda url: {
                "CLOUDFLARE_API_TOKEN": CF_TOKEN,
                "CLOUDFLARE_ACCOUNT_ID": ACCOUNT,
                "VIBE_CLOUDFLARE_API_URL": url + "/client/v4",
            },
            lambda fake: [(r.method, len(r.get_data())) for r in fake.api_requests],
        ),
        (
            "Vercel",
            FakeVercel(),
            "target: vercel\n" + fast,
            lambda url: {"VERCEL_TOKEN": VERCEL_TOKEN, "VERCEL_PROJECT_ID": PROJECT_ID, "VIBE_VERCEL_API_URL": url},
            lambda fake: [(r.method, len(r.get_data())) for r in fake.log],
        ),
    ]
    lines = []
    for name, fake, config, env_of, seen in hosts:
        with tempfile.TemporaryDirectory() as folder:
            ws = Workspace(Path(folder) / "repo")
            ws.write("config/deploy.yaml", CONFIG + config)
            ws.write("results/r.json", native(80.0))
            _site(ws, files, large)
            ws.commit("results", branch="main")
            server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
            server.start()
            server.expect_request(re.compile(".*")).respond_with_handler(fake)
            try:
                url = server.url_for("").rstrip("/")
                if isinstance(fake, FakeNetlify):
                    fake.api_url = url + "/api/v1"  # type: ignore[attr-defined]
                results = []
                for score, changed in ((80.0, False), (90.0, True)):
                    if changed:
                        ws.write("dist/index.html", "<h1>demo, next version</h1>")
                        ws.write("results/r.json", native(score))
                        ws.commit("next", branch="main")
                    before = len(seen(fake))
                    started = time.perf_counter()
                    done = ws.run(env=env_of(url))
                    wall = time.perf_counter() - started
                    sent = seen(fake)[before:]
                    results.append((done.code, len(sent), sum(size for _, size in sent), wall))
            finally:
                server.stop()
        total = files * 4096 + large * 1024 * 1024
        first, second = results
        lines.append(
            f"upload to {name}: {files + 2:,} files, {total / 2**20:.0f} MiB — first deploy exit {first[0]}, "
            f"{first[1]} requests, {first[2] / 2**20:.1f} MiB sent, {first[3]:.1f} s; after one change exit "
            f"{second[0]}, {second[1]} requests, {second[2] / 2**10:.0f} KiB sent, {second[3]:.1f} s"
        )
    return lines


def bench_page(count: int = 1000) -> str:
    """The versions page for a long history: render time, size, and the peak memory it adds."""
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    records = [
        Record(
            sha=f"{i:040x}",
            branch="main",
            time=(start + timedelta(hours=12 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            status="success" if i == count - 1 else ("failure" if i % 17 == 0 else "superseded"),
            scores={"aime25": 70 + i * 0.01, "hmmt25": 50 + (i % 9) * 0.1, "livecodebench_v6": 51.0},
            id=str(i),
            deploy_url=f"https://d{i}--vibe-demo.netlify.app",
            extra=RecordExtra(version_branch=f"versions/v{i}") if i > count // 2 else RecordExtra(),
        )
        for i in range(count)
    ]
    tracemalloc.start()
    started = time.perf_counter()
    now = start + timedelta(days=count)
    _, files = build_site(records, None, "production", now, "https://github.com/o/r", "", links_for(None))
    wall = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    index = len(files["index.html"].encode()) / 1024
    return (
        f"versions page, {count:,} deploys: {len(files)} pages in {wall:.2f} s, index.html {index:.0f} KiB, "
        f"peak {peak:.0f} MiB while rendering"
    )


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    print(bench_policy())
    print(bench_noise())
    print(bench_native_vs_jsonl())
    print(bench_startup())
    print(bench_install())
    print(bench_ledger())
    for seeded in (0, 20, 150):
        print(bench_action(seeded))
    for past in (1, 10_000):  # request counts stay flat as the history grows
        print(bench_action(0, past=past))
    print(bench_action(150, with_counts=False))
    print(bench_page())
    print(bench_limits())
    for line in bench_uploads():
        print(line)
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"benchmark process peak RSS: {usage:.0f} MiB; python {sys.version.split()[0]} on {os.uname().machine}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
