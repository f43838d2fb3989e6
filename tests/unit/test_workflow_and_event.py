"""The runner protocols (escaping, outputs, summary limits) and the event context, as units."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.actions_env import event, parse_outputs
from vibe_action.action.event import changed_files, load_context
from vibe_action.action.settings import ActionSettings
from vibe_action.action.workflow import SUMMARY_LIMIT, Workflow, command, truncate_utf8
from vibe_action.errors import InputError
from vibe_action.render.report import STATUS_DESCRIPTION_LIMIT, Annotation, clip


def test_workflow_commands_escape_data_and_properties() -> None:
    text = command("error", "50% of\nlines", file="a,b:c.json", line=3, title=None)
    assert text == "::error file=a%2Cb%3Ac.json,line=3::50%25 of%0Alines"
    out = io.StringIO()
    Workflow({}, out).annotate(Annotation("r.json", 7, "failure", "bad\r\nvalue", "t: x", column=2))
    assert out.getvalue() == "::error file=r.json,line=7,col=2,title=t%3A x::bad%0D%0Avalue\n"


def test_outputs_use_the_multiline_syntax(tmp_path: Path) -> None:
    path = tmp_path / "out"
    workflow = Workflow({"GITHUB_OUTPUT": str(path)}, io.StringIO())
    workflow.set_output("reason", "line one\nline two")
    workflow.set_output("empty", "")
    assert parse_outputs(path.read_text()) == {"reason": "line one\nline two", "empty": ""}


def test_summary_is_cut_below_one_mebibyte_without_splitting_characters(tmp_path: Path) -> None:
    path = tmp_path / "summary"
    workflow = Workflow({"GITHUB_STEP_SUMMARY": str(path)}, io.StringIO())
    workflow.append_summary("é" * SUMMARY_LIMIT)
    data = path.read_bytes()
    assert len(data) < SUMMARY_LIMIT
    assert data.decode("utf-8").endswith("(summary cut at GitHub's 1 MiB limit)\n")
    assert truncate_utf8("ab€cd", 5, "") == "ab€"
    assert len(truncate_utf8("x" * 70000, 65535).encode()) <= 65535


def test_status_descriptions_are_clipped_to_140() -> None:
    long = "x" * 500
    assert len(clip(long, STATUS_DESCRIPTION_LIMIT)) == 140
    assert clip("short", STATUS_DESCRIPTION_LIMIT) == "short"


def test_changed_files_from_a_push_payload() -> None:
    payload = event("push.0")
    payload["commits"][0].update(added=["results/a.json"], modified=["README.md"], removed=["old.txt"])
    payload["created"] = False
    payload["forced"] = False
    assert changed_files(payload) == ("README.md", "old.txt", "results/a.json")
    assert changed_files({**payload, "commits": []}) is None  # e.g. a tag push: unknown, evaluate
    assert changed_files({**payload, "created": True}) is None
    assert changed_files({**payload, "commits": payload["commits"] * 2048}) is None  # capped list


def env_for(tmp_path: Path, name: str, payload: dict[str, object]) -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return {
        "GITHUB_EVENT_NAME": name,
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_REPOSITORY": "Codertocat/Hello-World",
        "GITHUB_SHA": "m" * 40,
        "GITHUB_REF_NAME": "main",
        "GITHUB_RUN_ID": "9",
        "GITHUB_RUN_ATTEMPT": "2",
    }


def test_pull_request_context_uses_head_sha_and_base_branch(tmp_path: Path) -> None:
    payload = event("pull_request.1")
    context = load_context(env_for(tmp_path, "pull_request", payload))
    assert context.sha == payload["pull_request"]["head"]["sha"]
    assert context.branch == payload["pull_request"]["base"]["ref"]
    assert context.pr_number == payload["number"]
    assert context.is_fork is False
    assert context.run_url == "https://github.com/Codertocat/Hello-World/actions/runs/9/attempts/2"
    payload["pull_request"]["head"]["repo"]["full_name"] = "fork-owner/Hello-World"
    assert load_context(env_for(tmp_path, "pull_request", payload)).is_fork is True


def test_fork_pull_requests_are_told_by_repository_identity(tmp_path: Path) -> None:
    payload = event("pull_request.1")
    pr = payload["pull_request"]
    pr["head"]["repo"]["fork"] = True  # this repository is itself a fork: GitHub sets it on every PR's head repo
    pr["head"]["repo"]["full_name"] = pr["base"]["repo"]["full_name"]
    assert load_context(env_for(tmp_path, "pull_request", payload)).is_fork is False
    pr["head"]["repo"]["full_name"] = pr["base"]["repo"]["full_name"].upper()  # GitHub names are case-insensitive
    assert load_context(env_for(tmp_path, "pull_request", payload)).is_fork is False
    pr["head"]["repo"] = None  # the fork was deleted
    assert load_context(env_for(tmp_path, "pull_request", payload)).is_fork is True


def test_other_events_are_previews_and_pull_request_target_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="pull_request_target is refused"):
        load_context(env_for(tmp_path, "pull_request_target", event("pull_request.0")))
    # Any other event is evaluated and shown, never deployed (docs/action.md, "Events"): a merge queue by its base.
    queue = {
        **env_for(tmp_path, "merge_group", {"merge_group": {"base_ref": "refs/heads/main"}}),
        "GITHUB_SHA": "c" * 40,
    }
    queue["GITHUB_REF_NAME"] = "gh-readonly-queue/main/pr-7-" + "c" * 40
    queued = load_context(queue)
    assert (queued.event_name, queued.sha, queued.branch) == ("merge_group", "c" * 40, "main")
    release = load_context({**env_for(tmp_path, "release", {}), "GITHUB_SHA": "d" * 40})
    assert (release.branch, release.pr_number) == ("main", None)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"INPUT_FAIL_ON": "sometimes"}, "input 'fail-on' must be one of block, skip, never"),
        ({"INPUT_DRY_RUN": "maybe"}, "input 'dry-run' must be true or false"),
        ({"INPUT_ANNOTATE": "check,email"}, "input 'annotate' has unknown entries ['email']"),
        ({"INPUT_COMMAND": "deploy"}, "input 'command' must be one of run, validate"),
    ],
)
def test_bad_inputs_name_the_input(variables: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as caught:
        ActionSettings.from_environ(variables)
    assert message in str(caught.value)


def test_inputs_fall_back_to_vibe_variables_and_keep_secrets_out_of_repr() -> None:
    settings = ActionSettings.from_environ(
        {"VIBE_BUILD_HOOK_URL": "https://hook/secret-id", "INPUT_RESULTS": "a/*.json,\nb/*.json"}
    )
    assert settings.build_hook_url == "https://hook/secret-id"
    assert settings.results == ("a/*.json", "b/*.json")
    assert "secret-id" not in repr(settings)
