"""What reading results costs in memory at the sizes the limits allow (issue 30, point 5): each file is read by
a fresh interpreter (`read_results_file` or `load_results`, as the gate calls them), which reports the kernel's
high-water mark of its own memory (VmHWM) before and after. Peaks are asserted as factors of the files' size,
as docs/cli.md states them — never times. `make bench` measures the same at the full limits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness_files.make_files import evalchemy, lcb_problems

ROOT = Path(__file__).resolve().parent.parent.parent
MiB = 2**20

PROBE = """
import json, sys
def high_water_kib():
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
from pathlib import Path
from vibe_action.errors import InputError
from vibe_action.inputs.results import Source, load_results
before = high_water_kib()
try:
    results = load_results([Source(sys.argv[2])], Path(sys.argv[1]))
    outcome = {name: [bench.score, bench.n, bench.samples_per_problem] for name, bench in results.benchmarks.items()}
except InputError as exc:
    outcome = str(exc)
print(json.dumps({"added": (high_water_kib() - before) * 1024, "outcome": outcome}))
"""

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")


def probe(root: Path, glob: str) -> tuple[float, object]:
    """(bytes the read added to the process's peak, what it read or the refusal)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(root), glob], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return float(found["added"]), found["outcome"]


def size_of(root: Path, glob: str) -> int:
    return sum(path.stat().st_size for path in root.glob(glob))


@pytest.mark.parametrize("line", [1, 2])
def test_a_line_four_times_the_limit_is_refused_having_held_no_more_than_the_limit(tmp_path: Path, line: int) -> None:
    """A 256 MiB line (a response that never ended), first (where the format is detected) or later: refused at
    the line, the process grown by about the 64 MiB a line may have — not by the 1.5 GB the whole file, decoded
    and parsed, once took."""
    path = tmp_path / "aime25.jsonl"
    with path.open("w", encoding="utf-8") as out:
        out.write('{"id": "p0", "correctness": [1]}\n' if line == 2 else "")
        out.write('{"id": "p1", "correctness": [0], "response": "')
        for _ in range(256):
            out.write("y" * MiB)
        out.write('"}\n')
    added, outcome = probe(tmp_path, "*.jsonl")
    assert f"aime25.jsonl:{line}:1: this line is longer than 67,108,864 bytes, the limit per line" in str(outcome)
    assert added < 1.25 * 64 * MiB, added / MiB


def test_a_flat_file_of_a_million_keys_is_refused_within_twice_its_size(tmp_path: Path) -> None:
    (tmp_path / "flat.json").write_text("{" + ",".join(f'"b{i}":1' for i in range(1_000_000)) + "}")
    added, outcome = probe(tmp_path, "flat.json")
    assert "flat.json:1:1: 1,000,000 benchmarks; the limit is 500" in str(outcome)
    assert added < 4 * size_of(tmp_path, "flat.json"), added / MiB  # docs/cli.md: 2x (was 21x)


def test_many_native_files_of_small_items_stay_within_twice_their_size(tmp_path: Path) -> None:
    """20 native files of 2 benchmarks x 40,000 items (1,600,000 items; make bench: 8,000,000): items are held
    packed until the decision, about as large as the files that hold them."""
    (tmp_path / "results").mkdir()
    for index in range(20):
        benchmarks = {
            f"bench{index}_{b}": {"items": {f"problem-{i:06d}": (i * 7 % 4) / 4 for i in range(40_000)}}
            for b in range(2)
        }
        (tmp_path / "results" / f"r{index:02d}.json").write_text(json.dumps({"benchmarks": benchmarks}))
    added, outcome = probe(tmp_path, "results/*.json")
    assert isinstance(outcome, dict)
    assert len(outcome) == 40
    assert added < 2.0 * size_of(tmp_path, "results/*.json"), added / size_of(tmp_path, "results/*.json")


def test_a_reasoning_models_livecodebench_eval_all_is_read_a_problem_at_a_time(tmp_path: Path) -> None:
    """400 problems x 16 generations of 12,000 characters (a 1.5B reasoning model's answers): 80 MiB that
    json.loads would hold three times over; read a problem at a time, the process grows by a fraction of it."""
    folder = tmp_path / "output" / "VibeThinker-1.5B"
    folder.mkdir(parents=True)
    answer = "<think>" + "step " * 2400 + "</think>"
    with (folder / "Scenario.codegeneration_16_0.6_eval_all.json").open("w", encoding="utf-8") as out:
        out.write("[")
        for index, problem in enumerate(lcb_problems(400)):
            graded = [(index + g) % 3 == 0 for g in range(16)]
            entry = {**problem, "question_id": f"q{index}", "output_list": [answer] * 16, "code_list": ["x"] * 16}
            entry |= {"graded_list": graded, "pass@1": graded.count(True) / 16, "metadata": ["{}"] * 16}
            out.write(("," if index else "") + json.dumps(entry, indent=4))
        out.write("]")
    size = size_of(folder, "*.json")
    assert size > 64 * MiB
    added, outcome = probe(tmp_path, "output/**/*_eval_all.json")
    assert isinstance(outcome, dict)
    assert outcome["livecodebench"][1:] == [400, 16]
    assert added < size / 4, added / MiB


def test_an_evalchemy_file_past_the_json_limit_is_read_and_its_generations_never_held(tmp_path: Path) -> None:
    solved = [[(i + r) % 3 != 0 for r in range(10)] for i in range(30)]
    data = evalchemy(solved)
    for example in data["results"]["AIME25"]["examples"]:
        example["model_outputs"] = [output + " wait," * 12_000 for output in example["model_outputs"]]
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "results_2026-11-20T10-00-00.123456.json").write_text(json.dumps(data, indent=2))
    size = size_of(tmp_path, "results/*.json")
    assert size > 16 * MiB  # the limit for this project's own JSON
    added, outcome = probe(tmp_path, "results/*.json")
    assert isinstance(outcome, dict)
    assert outcome["AIME25"][1:] == [30, 10]
    assert added < size / 2, added / MiB
