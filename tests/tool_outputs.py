"""Result files laid out key for key as the tools write them (lm-evaluation-harness 0.3 and 0.4.x, lighteval
before and since 0.12, LiveCodeBench's two files, OpenCompass's and VibeThinker's summary CSVs). Values are
small and made up; every key the tools write is there, so readers meet the real layout, not a stand-in."""

from __future__ import annotations

import copy
import json
from typing import Any

# What lm-eval's `add_env_info` and `add_tokenizer_info` add to a results file (evalchemy calls both too).
LM_EVAL_ENV = {
    "upper_git_hash": None,
    "tokenizer_pad_token": ["<|endoftext|>", "151643"],
    "tokenizer_eos_token": ["<|im_end|>", "151645"],
    "tokenizer_bos_token": [None, "None"],
    "eot_token_id": 151645,
    "max_length": 40960,
}

LM_EVAL_META_04 = {
    "config": {
        "model": "vllm",
        "model_args": "pretrained=WeiboAI/VibeThinker-1.5B,dtype=bfloat16",
        "batch_size": "auto",
        "batch_sizes": [],
        "device": None,
        "use_cache": None,
        "limit": None,
        "bootstrap_iters": 100000,
        "gen_kwargs": None,
        "random_seed": 0,
        "numpy_seed": 1234,
        "torch_seed": 1234,
        "fewshot_seed": 1234,
    },
    "git_hash": "b2c090c",
    "date": 1763630000.0,
    "pretty_env_info": "PyTorch version: 2.9.1",
    "transformers_version": "4.57.1",
    **LM_EVAL_ENV,
    "model_source": "vllm",
    "model_name": "WeiboAI/VibeThinker-1.5B",
    "model_name_sanitized": "WeiboAI__VibeThinker-1.5B",
    "system_instruction": None,
    "system_instruction_sha": None,
    "fewshot_as_multiturn": False,
    "chat_template": None,
    "chat_template_sha": None,
    "start_time": 102.5,
    "end_time": 2205.25,
    "total_evaluation_time_seconds": "2102.75",
}


def gsm8k_task_config(shots: int = 5) -> dict[str, Any]:
    return {
        "task": "gsm8k",
        "tag": ["math_word_problems"],
        "dataset_path": "gsm8k",
        "dataset_name": "main",
        "training_split": "train",
        "test_split": "test",
        "fewshot_split": "train",
        "doc_to_text": "Question: {{question}}\nAnswer:",
        "doc_to_target": "{{answer}}",
        "unsafe_code": False,
        "description": "",
        "target_delimiter": " ",
        "fewshot_delimiter": "\n\n",
        "num_fewshot": shots,
        "metric_list": [
            {
                "metric": "exact_match",
                "aggregation": "mean",
                "higher_is_better": True,
                "ignore_case": True,
                "ignore_punctuation": False,
            }
        ],
        "output_type": "generate_until",
        "generation_kwargs": {"until": ["Question:", "</s>", "<|im_end|>"], "do_sample": False, "temperature": 0.0},
        "repeats": 1,
        "filter_list": [
            {
                "name": "strict-match",
                "filter": [
                    {"function": "regex", "regex_pattern": "#### (\\-?[0-9\\.\\,]+)"},
                    {"function": "take_first"},
                ],
            },
            {
                "name": "flexible-extract",
                "filter": [
                    {"function": "regex", "group_select": -1, "regex_pattern": "(-?[$0-9.,]{2,})|(-?[0-9]+)"},
                    {"function": "take_first"},
                ],
            },
        ],
        "should_decontaminate": False,
        "metadata": {"version": 3.0},
    }


def lm_eval_gsm8k(
    strict: float, flexible: float, n: int = 10, shots: int = 5, version: str = "0.4.9", limit: int | None = None
) -> dict[str, Any]:
    """An lm-eval 0.4.x results_*.json for gsm8k (two filters), as `lm_eval --output_path` writes it."""
    data: dict[str, Any] = {
        "results": {
            "gsm8k": {
                "alias": "gsm8k",
                "exact_match,strict-match": strict,
                "exact_match_stderr,strict-match": 0.01,
                "exact_match,flexible-extract": flexible,
                "exact_match_stderr,flexible-extract": 0.012,
            }
        },
        "group_subtasks": {"gsm8k": []},
        "configs": {"gsm8k": gsm8k_task_config(shots)},
        "versions": {"gsm8k": 3.0},
        "n-shot": {"gsm8k": shots},
        "higher_is_better": {"gsm8k": {"exact_match": True}},
        "n-samples": {"gsm8k": {"original": 1319, "effective": n}},
        **copy.deepcopy(LM_EVAL_META_04),
        "task_hashes": {"gsm8k": "b29d9a5b1d0a1b6c1f6e9f2fd3b6a1f1e1a7c8d9b0e1f2a3b4c5d6e7f8091a2b"},
        "lm_eval_version": version,
    }
    data["config"]["limit"] = limit
    if version >= "0.4.12":
        data["results"]["gsm8k"].update(name="gsm8k", sample_len=n)
    return data


def lm_eval_samples_gsm8k(flags: dict[str, list[int]]) -> list[dict[str, Any]]:
    """samples_gsm8k_<stamp>.jsonl lines: one per document and filter, as lm-eval 0.4 writes them."""
    rows = []
    for filt, values in flags.items():
        for doc_id, value in enumerate(values):
            rows.append(
                {
                    "doc_id": doc_id,
                    "doc": {"question": f"q{doc_id}", "answer": "#### 1"},
                    "target": "#### 1",
                    "arguments": {
                        "gen_args_0": {"arg_0": f"Question: q{doc_id}\nAnswer:", "arg_1": {"until": ["Question:"]}}
                    },
                    "resps": [["1"]],
                    "filtered_resps": ["1"],
                    "filter": filt,
                    "metrics": ["exact_match"],
                    "doc_hash": f"{doc_id:064x}",
                    "prompt_hash": f"{doc_id + 1:064x}",
                    "target_hash": f"{doc_id + 2:064x}",
                    "exact_match": float(value),
                }
            )
    return rows


def lm_eval_arc(acc: float, acc_norm: float, n: int = 10) -> dict[str, Any]:
    """arc_challenge reports acc and acc_norm (0.4.x)."""
    data = lm_eval_gsm8k(0.0, 0.0, n)
    data["results"] = {
        "arc_challenge": {
            "alias": "arc_challenge",
            "acc,none": acc,
            "acc_stderr,none": 0.0137,
            "acc_norm,none": acc_norm,
            "acc_norm_stderr,none": 0.0141,
        }
    }
    data["group_subtasks"] = {"arc_challenge": []}
    data["configs"] = {"arc_challenge": {"task": "arc_challenge", "num_fewshot": 0, "metadata": {"version": 1.0}}}
    data["versions"] = {"arc_challenge": 1.0}
    data["n-shot"] = {"arc_challenge": 0}
    data["higher_is_better"] = {"arc_challenge": {"acc": True, "acc_norm": True}}
    data["n-samples"] = {"arc_challenge": {"original": 1172, "effective": n}}
    data["task_hashes"] = {}
    return data


def lm_eval_03(task: str, acc: float, shots: int, limit: int | None) -> dict[str, Any]:
    """lm-evaluation-harness 0.3: no n-shot, n-samples or task_hashes; few-shot and limit in `config`."""
    return {
        "results": {task: {"acc": acc, "acc_stderr": 0.0121}},
        "versions": {task: 0},
        "config": {
            "model": "hf-causal",
            "model_args": "pretrained=WeiboAI/VibeThinker-1.5B",
            "num_fewshot": shots,
            "batch_size": None,
            "batch_sizes": [],
            "device": "cuda:0",
            "no_cache": False,
            "limit": limit,
            "bootstrap_iters": 100000,
            "description_dict": {},
        },
    }


def lighteval(keys: dict[str, float], since_012: bool) -> dict[str, Any]:
    """lighteval results_*.json; task keys `suite|task|fewshot` before 0.12, `task|fewshot` since."""
    results = {}
    for task, value in keys.items():
        key = f"{task}|0" if since_012 else f"lighteval|{task}|0"
        results[key] = {"extractive_match": value, "extractive_match_stderr": 0.013}
    results["all"] = {"extractive_match": sum(keys.values()) / len(keys), "extractive_match_stderr": 0.013}
    return {
        "config_general": {
            "lighteval_sha": "?",
            "num_fewshot_seeds": 1,
            "max_samples": None,
            "job_id": "0",
            "start_time": 1.0,
            "end_time": 2.0,
            "total_evaluation_time_secondes": "1.0",
            "model_name": "WeiboAI/VibeThinker-1.5B",
            "model_sha": "",
            "model_dtype": "bfloat16",
            "model_size": "3.09 GB",
            "generation_parameters": {"temperature": 0.6, "top_p": 0.95, "max_new_tokens": 32768},
        },
        "results": results,
        "versions": {key: 0 for key in results if key != "all"},
        "config_tasks": {},
        "summary_tasks": {},
        "summary_general": {"hashes": {}, "truncated": 0, "non_truncated": 0, "padded": 0, "non_padded": 0},
    }


def lcb_eval(per_problem: dict[str, float], samples: int) -> list[Any]:
    """LiveCodeBench `*_eval.json`: [metrics with pass@k fractions and detail, raw results, metadata]."""
    raw = {pid: [[1]] * samples for pid in per_problem}
    mean = sum(per_problem.values()) / len(per_problem)
    return [{"pass@1": mean, "detail": {"pass@1": per_problem}}, raw, [{"timeout": 6}] * len(per_problem)]


def lm_eval_task(
    task: str,
    metrics: dict[str, float],
    n: int,
    date: float = 1763630000.0,
    higher_is_better: dict[str, bool] | None = None,
    version: str = "0.4.9",
) -> dict[str, Any]:
    """An lm-eval 0.4.x results_*.json for one task, keys as `EvaluationTracker.save_results_aggregated`
    writes them: `<metric>,<filter>` and `<metric>_stderr,<filter>` (filter `none` when the task has none);
    `date` is the run's start (time.time(), epoch seconds). Values are Python floats, so `json.dumps` writes
    NaN and Infinity as lm-eval does."""
    data = lm_eval_gsm8k(0.0, 0.0, n, version=version)
    data["results"] = {task: {"alias": task, **metrics}}
    data["configs"] = {task: {**gsm8k_task_config(0), "task": task, "num_fewshot": 0}}
    data["versions"] = {task: 0.0}
    data["n-shot"] = {task: 0}
    data["higher_is_better"] = {task: higher_is_better or {m.split(",")[0]: True for m in metrics if "stderr" not in m}}
    data["n-samples"] = {task: {"original": n, "effective": n}}
    data["task_hashes"] = {task: "1f" * 32}
    data["group_subtasks"] = {task: []}
    data["date"] = date
    return data


def lm_eval_aime25(correct: int, date: float = 1763630000.0, n: int = 30) -> dict[str, Any]:
    """lm-eval's aime25 task (lm_eval/tasks/aime/aime25.yaml: exact_match, no filter list → `none`)."""
    p = correct / n
    stderr = (p * (1 - p) / (n - 1)) ** 0.5  # lm-eval's mean_stderr: sample stdev / sqrt(n)
    return lm_eval_task("aime25", {"exact_match,none": p, "exact_match_stderr,none": stderr}, n, date)


def lm_eval_samples_aime25(flags: list[int]) -> list[dict[str, Any]]:
    """samples_aime25_<stamp>.jsonl: one line per problem (filter `none`)."""
    rows = lm_eval_samples_gsm8k({"none": flags})
    for row in rows:
        row["doc"] = {"problem": f"p{row['doc_id']}", "answer": "1"}
    return rows


def lm_eval_truthfulqa_gen(bleu_acc: float, bleu_max: float) -> dict[str, Any]:
    """truthfulqa_gen (lm_eval/tasks/truthfulqa/truthfulqa_gen.yaml): *_max and *_diff in BLEU/ROUGE points,
    *_acc a proportion of questions."""
    metrics: dict[str, float] = {}
    for family, peak in (("bleu", bleu_max), ("rouge1", 45.1), ("rouge2", 30.2), ("rougeL", 42.0)):
        acc = bleu_acc if family == "bleu" else 0.4
        metrics |= {
            f"{family}_max,none": peak,
            f"{family}_max_stderr,none": 0.8,
            f"{family}_acc,none": acc,
            f"{family}_acc_stderr,none": 0.0171,
            f"{family}_diff,none": -1.2,
            f"{family}_diff_stderr,none": 0.7,
        }
    return lm_eval_task("truthfulqa_gen", metrics, 817)


def lm_eval_cola(mcc: float) -> dict[str, Any]:
    """glue's cola: Matthews correlation in [-1, 1] (`mcc`), with its bootstrap stderr."""
    return lm_eval_task("cola", {"mcc,none": mcc, "mcc_stderr,none": 0.0312}, 1043)


def qwen_math_jsonl(correct: dict[int, bool]) -> str:
    """The per-problem JSONL of the Qwen2.5-Math evaluation (QwenLM/Qwen2.5-Math evaluation/math_eval.py, as
    SkyThought and DeepSeek/Qwen math repositories use it): `idx`, the question, the generated code and
    predictions, and `score`, a list of booleans — one per sample."""
    rows = [
        {
            "idx": idx,
            "question": f"What is {idx}?",
            "gt_cot": "",
            "gt": str(idx),
            "level": 1,
            "code": [f"The answer is \\boxed{{{idx}}}"],
            "pred": [str(idx) if ok else "0"],
            "report": [None],
            "score": [ok],
        }
        for idx, ok in correct.items()
    ]
    return "\n".join(json.dumps(row) for row in rows) + "\n"
