"""Peak memory and time of reading results files at the stated limits (README: Limits), each in its own process.

`make bench` runs this through scripts/benchmark.py. Each case writes one file, then a fresh interpreter reads it
with `read_results_file` and reports its peak RSS and the read time; the peak of the same interpreter
after only the imports is subtracted, so the number is what reading the file costs. The peak is the kernel's
high-water mark of this process's own memory (VmHWM in /proc/self/status), not ru_maxrss: Linux carries
ru_maxrss over from the parent into a child it starts, so under `make bench`, whose own process has grown to
~280 MiB by then, every case read "+0 MiB". Cases:
- correctness JSONL of ~500 MiB (the 512 MiB limit): 200,000 problems (the per-benchmark item limit), 64 samples
  each, and the response text a real evaluation keeps per line;
- one line just under the 64 MiB line limit (a response that never ended);
- a flat JSON of a million keys in 12 MiB: refused for too many benchmarks (the limit is 500);
- native JSON at the 16 MiB limit holding as many 0/1 items as fit (8 benchmarks of 150,000).
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
from vibe_action.inputs.results import read_results_file
before = high_water_kib()
start = time.perf_counter()
outcome = "read"
if sys.argv[1] != "-":
    try:
        results = read_results_file(Path(sys.argv[1]), Path(sys.argv[1]).name)
        outcome = f"read, {len(results.benchmarks)} benchmark(s)"
    except InputError as exc:
        outcome = "refused: " + str(exc).splitlines()[0][:90]
took = time.perf_counter() - start
peak = high_water_kib()
print(json.dumps({"before_kib": before, "peak_kib": peak, "seconds": took, "outcome": outcome}))
"""


def _probe(path: Path | None) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path) if path else "-"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    data: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def _correctness(path: Path, problems: int = 200_000, samples: int = 64, pad: int = 2_350) -> None:
    flags = json.dumps([1, 0] * (samples // 2))
    response = "x" * pad
    with path.open("w", encoding="utf-8") as out:
        for i in range(problems):
            out.write(f'{{"id": "p{i}", "correctness": {flags}, "response": "{response}"}}\n')


def _one_long_line(path: Path, size: int = 63 * MiB) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('{"id": "p0", "correctness": [1], "response": "')
        chunk = "y" * MiB
        for _ in range(size // MiB):
            out.write(chunk)
        out.write('"}\n')


def _flat_million(path: Path, keys: int = 1_000_000) -> None:
    path.write_text("{" + ",".join(f'"b{i}":1' for i in range(keys)) + "}", encoding="utf-8")


def _native_items(path: Path, benchmarks: int = 8, items: int = 150_000) -> None:
    document = {
        "benchmarks": {f"bench{b}": {"items": {f"i{i}": i % 2 for i in range(items)}} for b in range(benchmarks)}
    }
    path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")


CASES = (
    ("correctness JSONL, 200,000 problems x 64 samples", "c.jsonl", _correctness),
    ("correctness JSONL, one 63 MiB line (the limit is 64 MiB a line)", "long.jsonl", _one_long_line),
    ("flat JSON, 1,000,000 keys", "flat.json", _flat_million),
    ("native JSON, 8 x 150,000 items", "native.json", _native_items),
)


def bench_limits() -> str:
    base = _probe(None)
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        for label, name, write in CASES:
            path = Path(folder) / name
            write(path)
            size = path.stat().st_size
            measured = _probe(path)
            added = (int(measured["peak_kib"]) - int(base["peak_kib"])) * 1024  # type: ignore[call-overload]
            lines.append(
                f"  {label}: {size / MiB:.0f} MiB file, {float(measured['seconds']):.1f} s, "  # type: ignore[arg-type]
                f"+{added / MiB:.0f} MiB peak ({added / size:.2f}x the file); {measured['outcome']}"
            )
            path.unlink()
    return "results files at the limits (own process each, peak RSS over the imports):\n" + "\n".join(lines)


if __name__ == "__main__":
    print(bench_limits())
