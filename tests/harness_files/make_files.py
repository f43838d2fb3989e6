"""Writes the harness output files under tests/harness_files/, laid out key for key as each harness writes them.

Where they come from. Real output files committed to public repositories were the first choice; in this
workplace they were not to be had (the stored code index leaves result files out, and lighteval's own
reference results, tests/reference_scores/*.json, are Git LFS pointers in its mirror). So each file is written
here from the harness's own writing code, read at a pinned commit — the keys, their order, their nesting and how
each number is computed — with made-up scores and short made-up generations:

- lighteval, huggingface/lighteval@3fd15266bc8448b797e61462d293aa3fd40b3580:
  src/lighteval/logging/evaluation_tracker.py (`results`: config_general, results, versions, config_tasks,
  summary_tasks, summary_general; `results_<date_id>.json`), src/lighteval/logging/info_loggers.py
  (GeneralConfigLogger's fields), src/lighteval/metrics/metrics.py (metric names). The metric keys of the
  open-r1 file (`math_pass@1:1_samples`, `gpqa_pass@1:1_samples`, `codegen_pass@1:16`) are those open-r1's
  README and scripts read from lighteval 0.8-0.10; the newer file's (`pass@k:k=1&n=1`, `avg@k_with_k`,
  `em_with_normalize_gold&normalize_pred`, `prompt_level_loose_acc`) are the ones issue 30 lists from public runs.
- evalchemy, mlfoundations/evalchemy@6ed674159b37f740f2353a86f596f49f6ac13c19: eval/eval.py
  (`add_results_metadata`: config with annotator_model and max_tokens, git_hash, date; `handle_evaluation_output`),
  eval/chat_benchmarks/AIME25/eval_instruct.py (examples with model_outputs and model_answers per repeat,
  num_total, solved_avg, run_stats, accuracy_avg, accuracy_std_err = np.std(accuracies) / sqrt(n_repeat),
  num_repeat = 10), and a pretrain task as lm-eval writes it inside the same file.
- LiveCodeBench, LiveCodeBench/LiveCodeBench@28fef95ea8c9f7a547c8329f2cd3d32b92c1fa24:
  lcb_runner/utils/path_utils.py (output/<model>/<scenario>_<n>_<temperature>.json, `Scenario.codegeneration`
  as Python formats the enum), lcb_runner/runner/main.py (the generations file, then `_eval.json` =
  [metrics, results, metadata] and `_eval_all.json`), lcb_runner/benchmarks/code_generation.py
  (`insert_output_evaluation`: question fields, output_list, code_list, graded_list, pass@1, metadata),
  lcb_runner/evaluation/pass_k_utils.py (`compute_metrics_from_results`: pass@k and detail by problem index).

Run `python -m tests.harness_files.make_files` (from the repository root) to write them again;
tests/unit/test_harness_files.py checks the committed files are what this script writes.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path
from typing import Any

from tests.tool_outputs import LM_EVAL_ENV

HERE = Path(__file__).resolve().parent


def _lighteval_config(model: str, generation: dict[str, Any]) -> dict[str, Any]:
    return {
        "lighteval_sha": "?",
        "num_fewshot_seeds": 1,
        "max_samples": None,
        "job_id": 0,
        "start_time": 1763600000.25,
        "end_time": 1763607200.5,
        "total_evaluation_time_secondes": "7200.25",
        "model_name": model,
        "model_sha": None,
        "model_dtype": "torch.bfloat16",
        "model_size": None,
        "generation_parameters": generation,
        "model_config": {"model_name": model, "dtype": "bfloat16", "generation_parameters": generation},
    }


def _summary(hashes: int) -> dict[str, Any]:
    return {
        "hashes": {"hash_examples": "a" * 16, "hash_full_prompts": "b" * 16, "hash_input_tokens": "c" * 16},
        "truncated": 0,
        "non_truncated": hashes,
        "padded": 0,
        "non_padded": hashes,
    }


def lighteval_open_r1() -> dict[str, Any]:
    """open-r1's evaluation (lighteval 0.8-0.10): math_500, aime24 (custom suite), gpqa:diamond, lcb."""
    results = {
        "lighteval|math_500|0": {
            "math_pass@1:1_samples": 0.814,
            "math_pass@1:1_samples_stderr": 0.017413,
            "math_pass@1:4_samples": 0.8095,
            "math_pass@1:4_samples_stderr": 0.015122,
        },
        "custom|aime24|0": {"math_pass@1:1_samples": 0.3, "math_pass@1:1_samples_stderr": 0.085096},
        "lighteval|gpqa:diamond|0": {"gpqa_pass@1:1_samples": 0.378788, "gpqa_pass@1:1_samples_stderr": 0.034555},
        "extended|lcb:codegeneration|0": {"codegen_pass@1:16": 0.165, "codegen_pass@1:16_stderr": 0.018},
    }
    results["all"] = {"math_pass@1:1_samples": 0.557, "math_pass@1:1_samples_stderr": 0.051}
    generation = {"temperature": 0.6, "top_p": 0.95, "max_new_tokens": 32768, "seed": 42}
    return {
        "config_general": _lighteval_config("open-r1/OpenR1-Distill-1.5B", generation),
        "results": results,
        "versions": {key: 1 for key in results if key != "all"},
        "config_tasks": {
            key: {"name": key.split("|")[1], "suite": [key.split("|")[0]], "num_fewshots": 0}
            for key in results
            if key != "all"
        },
        "summary_tasks": {key: _summary(500) for key in results if key != "all"},
        "summary_general": _summary(1728),
    }


def lighteval_newer() -> dict[str, Any]:
    """lighteval 0.11-0.12 (task keys `task|fewshot`): pass@k with its parameters in the name, avg@k,
    normalised exact match, IFEval's prompt-level accuracy, and BLEU (not a proportion)."""
    results = {
        "aime25|0": {
            "pass@k:k=1&n=1": 0.733333,
            "pass@k:k=1&n=1_stderr": 0.082117,
            "avg@k:k=64": 0.744271,
            "avg@k:k=64_stderr": 0.079,
        },
        "gpqa:diamond|0": {"gpqa_pass@k_with_k": 0.464646, "gpqa_pass@k_with_k_stderr": 0.035534},
        "gsm8k|5": {
            "em_with_normalize_gold&normalize_pred": 0.763457,
            "em_with_normalize_gold&normalize_pred_stderr": 0.011702,
        },
        "ifeval|0": {
            "prompt_level_loose_acc": 0.682070,
            "prompt_level_loose_acc_stderr": 0.020040,
        },
        "wmt14:fr-en|0": {"bleu": 31.48, "bleu_stderr": 0.72},
    }
    generation = {"temperature": 0.6, "top_p": 0.95, "max_new_tokens": 32768}
    return {
        "config_general": _lighteval_config("WeiboAI/VibeThinker-1.5B", generation),
        "results": results,
        "versions": dict.fromkeys(results, 0),
        "config_tasks": {key: {"name": key.split("|")[0], "num_fewshots": int(key.split("|")[1])} for key in results},
        "summary_tasks": {key: _summary(30) for key in results},
        "summary_general": _summary(2100),
    }


def evalchemy(solved: list[list[bool]]) -> dict[str, Any]:
    """evalchemy's results_<stamp>.json: AIME25 (10 repeats of 30 problems) and a pretrain task from lm-eval."""
    rng = random.Random(7)
    repeats = len(solved[0])
    examples = []
    for index, row in enumerate(solved):
        answer = str(100 + index)
        outputs = [
            f"<think>Let me work on problem {index}, attempt {r}.{' ' * rng.randrange(40)}</think> The answer is "
            f"\\boxed{{{answer if ok else rng.randrange(1000)}}}."
            for r, ok in enumerate(row)
        ]
        examples.append(
            {
                "id": index,
                "problem": f"Problem {index}: find the number.",
                "solution": "",
                "answer": answer,
                "url": f"https://artofproblemsolving.com/wiki/index.php/2025_AIME_I_Problems/Problem_{index + 1}",
                "model_outputs": outputs,
                "model_answers": [o.rsplit("\\boxed{", 1)[1].split("}", 1)[0] for o in outputs],
            }
        )
    run_stats = []
    for r in range(repeats):
        count = sum(row[r] for row in solved)
        run_stats.append(
            {"repetition": r + 1, "num_total": len(solved), "num_solved": count, "accuracy": count / len(solved)}
        )
    accuracies = [s["accuracy"] for s in run_stats]
    mean = sum(accuracies) / repeats
    std = math.sqrt(sum((a - mean) ** 2 for a in accuracies) / repeats)  # np.std: population
    return {
        "results": {
            "AIME25": {
                "examples": examples,
                "num_total": len(solved),
                "solved_avg": sum(s["num_solved"] for s in run_stats) / repeats,
                "run_stats": run_stats,
                "accuracy_avg": mean,
                "accuracy_std_err": std / math.sqrt(repeats),
                "num_repeat": repeats,
            },
            "mmlu": {"acc,none": 0.6112, "acc_stderr,none": 0.0039, "alias": "mmlu"},
        },
        "config": {
            "model": "vllm",
            "model_args": "pretrained=WeiboAI/VibeThinker-1.5B,tensor_parallel_size=1",
            "tasks": ["AIME25", "mmlu"],
            "batch_sizes": [],
            "device": "cuda",
            "use_cache": None,
            "limit": None,
            "annotator_model": "auto",
            "max_tokens": 32768,
            "gen_kwargs": None,
            "random_seed": 0,
            "numpy_seed": 1234,
            "torch_seed": 1234,
            "fewshot_seed": 1234,
        },
        "git_hash": "6ed6741",
        "date": 1763632800.0,
        "pretty_env_info": "PyTorch version: 2.5.1",
        "transformers_version": "4.46.1",
        **LM_EVAL_ENV,
    }


def lcb_problems(count: int) -> list[dict[str, Any]]:
    return [
        {
            "question_title": f"Problem {i}",
            "question_content": f"Given an array, print answer {i}.",
            "platform": ["leetcode", "atcoder", "codeforces"][i % 3],
            "question_id": str(3600 + i) if i % 3 == 0 else f"abc{390 + i}_{'abcdefg'[i % 7]}",
            "contest_id": f"weekly-contest-{430 + i}",
            "contest_date": f"2025-0{1 + i % 5}-1{i % 9}T00:00:00",
            "starter_code": "class Solution:\n    def solve(self) -> int:\n        " if i % 3 == 0 else "",
            "difficulty": ["easy", "medium", "hard"][i % 3],
        }
        for i in range(count)
    ]


def lcb_run(graded: list[list[bool]]) -> tuple[list[Any], list[Any], list[Any]]:
    """(generations, _eval, _eval_all) of one run, as lcb_runner/runner/main.py writes them."""
    problems = lcb_problems(len(graded))
    generations, eval_all, results, metadata = [], [], {}, []
    for index, (problem, verdicts) in enumerate(zip(problems, graded, strict=True)):
        outputs = [f"<think>try {g}</think>\n```python\nprint({index + g})\n```" for g in range(len(verdicts))]
        code = [f"print({index + g})" for g in range(len(verdicts))]
        generations.append({**problem, "output_list": outputs, "code_list": code})
        tests = [[True, True] if ok else [True, False] for ok in verdicts]
        results[str(index)] = tests
        meta = [json.dumps({"execution time": 0.01} if ok else {"output": "1", "expected": "2"}) for ok in verdicts]
        metadata.append(meta)
        eval_all.append(
            {
                **problem,
                "output_list": outputs,
                "code_list": code,
                "graded_list": verdicts,
                "pass@1": verdicts.count(True) / len(verdicts),
                "metadata": meta,
            }
        )
    n = len(graded[0])
    detail = {
        f"pass@{k}": {str(i): _pass_at_k(len(v), v.count(True), k) for i, v in enumerate(graded)}
        for k in (1, 5)
        if n >= k
    }
    metrics: dict[str, Any] = {key: sum(values.values()) / len(values) for key, values in detail.items()}
    metrics["detail"] = detail
    return generations, [metrics, results, metadata], eval_all


def _pass_at_k(n: int, c: int, k: int) -> float:
    """pass_k_utils.estimate_pass_at_k for one problem: 1 - prod(1 - k / arange(n - c + 1, n + 1))."""
    if n - c < k:
        return 1.0
    product = 1.0
    for value in range(n - c + 1, n + 1):
        product *= 1.0 - k / value
    return 1.0 - product


def files() -> dict[str, str]:
    """Every file, by its path under tests/harness_files/."""
    rng = random.Random(30)
    out: dict[str, str] = {}
    out["lighteval/open-r1/results_2026-11-20T10-00-00.123456.json"] = json.dumps(lighteval_open_r1(), indent=4)
    out["lighteval/newer/results_2026-11-21T10-00-00.654321.json"] = json.dumps(lighteval_newer(), indent=4)
    solved = [[rng.random() < 0.7 for _ in range(10)] for _ in range(30)]
    out["evalchemy/WeiboAI__VibeThinker-1.5B/results_2026-11-20T10-00-00.123456.json"] = json.dumps(
        evalchemy(solved), indent=2, ensure_ascii=False
    )
    folder = "livecodebench/output/VibeThinker-1.5B"
    for n, temperature, rate in ((16, 0.6, 0.5), (1, 0.2, 0.45)):
        graded = [[rng.random() < rate for _ in range(n)] for _ in range(12)]
        generations, evaluated, eval_all = lcb_run(graded)
        stem = f"{folder}/Scenario.codegeneration_{n}_{temperature}"
        out[f"{stem}.json"] = json.dumps(generations, indent=4)
        if n > 1:  # the one-sample run was generated and evaluated; the 16-sample one too
            out[f"{stem}_eval.json"] = json.dumps(evaluated, indent=4)
        out[f"{stem}_eval_all.json"] = json.dumps(eval_all, indent=4)
    return out


def main() -> int:
    for name, text in files().items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
