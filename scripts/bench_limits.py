"""Peak memory and time of reading results files at the stated limits (README: Limits), each in its own process.

`make bench` runs this through scripts/benchmark.py. Each case writes its files, then a fresh interpreter reads them
with `load_results` and reports its peak RSS and the read time; the peak of the same interpreter
after only the imports is subtracted, so the number is what reading the file costs. The peak is the kernel's
high-water mark of this process's own memory (VmHWM in /proc/self/status), not ru_maxrss: Linux carries
ru_maxrss over from the parent into a child it starts, so under `make bench`, whose own process has grown to
~280 MiB by then, every case read "+0 MiB". Cases:
- correctness JSONL of ~500 MiB (the 512 MiB limit): 200,000 problems (the per-benchmark item limit), 64 samples
  each, and the response text a real evaluation keeps per line;
- one line just under the 64 MiB line limit (a response that never ended);
- one line of 256 MiB, four times the line limit: refused having read the limit;
- a flat JSON of a million keys in 12 MiB: refused for too many benchmarks (the limit is 500);
- native JSON at the 16 MiB limit holding as many 0/1 items as fit (8 benchmarks of 150,000);
- 20 native files holding 8,000,000 small items (2 benchmarks of 200,000 each, the item limit), read together;
- a LiveCodeBench `_eval_all.json` of a reasoning model: 400 problems x 16 generations of 12,000 characters;
- an evalchemy results file past the 16 MiB JSON limit: 30 problems x 10 repeats of 60,000-character answers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MiB = 2**20

PROBE = """
import json, resource, sys, time
def high_water_kib():
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):  # not Linux: ru_maxrss (inherited from the parent there too, maybe)
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from pathlib import Path
from vibe_action.errors import InputError
from vibe_action.inputs.results import Source, load_results
before = high_water_kib()
start = time.perf_counter()
outcome = "read"
if sys.argv[1] != "-":
    try:
        results = load_results([Source(sys.argv[2])], Path(sys.argv[1]))
        outcome = f"read, {len(results.benchmarks)} benchmark(s)"
    except InputError as exc:
        outcome = "refused: " + str(exc).splitlines()[0][:90]
took = time.perf_counter() - start
peak = high_water_kib()
print(json.dumps({"before_kib": before, "peak_kib": peak, "seconds": took, "outcome": outcome}))
"""


def _probe(root: Path | None, glob: str = "") -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(root) if root else "-", glob],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    data: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def _correctness(folder: Path, problems: int = 200_000, samples: int = 64, pad: int = 2_350) -> str:
    flags = json.dumps([1, 0] * (samples // 2))
    response = "x" * pad
    with (folder / "c.jsonl").open("w", encoding="utf-8") as out:
        for i in range(problems):
            out.write(f'{{"id": "p{i}", "correctness": {flags}, "response": "{response}"}}\n')
    return "c.jsonl"


def _one_long_line(folder: Path, size: int = 63 * MiB) -> str:
    with (folder / "long.jsonl").open("w", encoding="utf-8") as out:
        out.write('{"id": "p0", "correctness": [1], "response": "')
        chunk = "y" * MiB
        for _ in range(size // MiB):
            out.write(chunk)
        out.write('"}\n')
    return "long.jsonl"


def _line_past_the_limit(folder: Path) -> str:
    _one_long_line(folder, 256 * MiB)
    return "long.jsonl"


def _flat_million(folder: Path, keys: int = 1_000_000) -> str:
    (folder / "flat.json").write_text("{" + ",".join(f'"b{i}":1' for i in range(keys)) + "}", encoding="utf-8")
    return "flat.json"


def _native_items(folder: Path, benchmarks: int = 8, items: int = 150_000) -> str:
    document = {
        "benchmarks": {f"bench{b}": {"items": {f"i{i}": i % 2 for i in range(items)}} for b in range(benchmarks)}
    }
    (folder / "native.json").write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    return "native.json"


def _many_native_files(folder: Path, files: int = 20, items: int = 200_000) -> str:
    (folder / "many").mkdir()
    for index in range(files):
        benchmarks = {
            f"bench{index}_{b}": {"items": {f"problem-{i:06d}": (i * 7 % 4) / 4 for i in range(items)}}
            for b in range(2)
        }
        (folder / "many" / f"r{index:02d}.json").write_text(json.dumps({"benchmarks": benchmarks}))
    return "many/*.json"


def _lcb_eval_all(folder: Path, problems: int = 400, generations: int = 16) -> str:
    answer = "<think>" + "step " * 2400 + "</think>"
    with (folder / "Scenario.codegeneration_16_0.6_eval_all.json").open("w", encoding="utf-8") as out:
        out.write("[")
        for index in range(problems):
            graded = [(index + g) % 3 == 0 for g in range(generations)]
            entry: dict[str, object] = {"question_id": f"q{index}", "question_content": "x" * 2000}
            entry["output_list"] = [answer] * generations
            entry |= {"code_list": ["print(1)"] * generations, "graded_list": graded, "pass@1": 0.5}
            out.write(("," if index else "") + json.dumps(entry, indent=4))
        out.write("]")
    return "*_eval_all.json"


def _evalchemy(folder: Path) -> str:
    examples = [{"id": i, "answer": str(i), "model_outputs": ["wait, " * 10_000] * 10} for i in range(30)]
    entry = {"examples": examples, "num_total": 30, "accuracy_avg": 0.7, "accuracy_std_err": 0.01, "num_repeat": 10}
    document = {"results": {"AIME25": entry}, "config": {"model_args": "pretrained=m"}, "date": 1.0}
    (folder / "results_2026-11-20T10-00-00.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    return "results_*.json"


CASES = (
    ("correctness JSONL, 200,000 problems x 64 samples", _correctness),
    ("correctness JSONL, one 63 MiB line (the limit is 64 MiB a line)", _one_long_line),
    ("correctness JSONL, one 256 MiB line (4x the line limit)", _line_past_the_limit),
    ("flat JSON, 1,000,000 keys", _flat_million),
    ("native JSON, 8 x 150,000 items", _native_items),
    ("20 native JSON files, 8,000,000 items", _many_native_files),
    ("LiveCodeBench _eval_all.json, 400 problems x 16 generations", _lcb_eval_all),
    ("evalchemy results with every generation, past the JSON limit", _evalchemy),
)


def bench_limits() -> str:
    base = _probe(None)
    lines = []
    for label, write in CASES:
        with tempfile.TemporaryDirectory() as folder:
            glob = write(Path(folder))
            size = sum(path.stat().st_size for path in Path(folder).glob(glob))
            measured = _probe(Path(folder), glob)
            added = (int(measured["peak_kib"]) - int(base["peak_kib"])) * 1024  # type: ignore[call-overload]
            lines.append(
                f"  {label}: {size / MiB:.0f} MiB of files, {float(measured['seconds']):.1f} s, "  # type: ignore[arg-type]
                f"+{added / MiB:.0f} MiB peak ({added / size:.2f}x the files); {measured['outcome']}"
            )
    return "results files at the limits (own process each, peak RSS over the imports):\n" + "\n".join(lines)


if __name__ == "__main__":
    print(bench_limits())
