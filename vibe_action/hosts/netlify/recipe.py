"""What the repository's netlify.toml says about which builds Netlify lets through, read only to warn.

Netlify runs the `[build] ignore` command before every build and cancels the build when it exits 0. The recipe
in README, "Set up Netlify", lets through only builds started by a build hook (`INCOMING_HOOK_TITLE` is set
only for those; Netlify docs, "Build environment variables"). With `netlify.trigger: api` the gate starts
builds with `POST /sites/{id}/builds`, which get none of the `INCOMING_HOOK_*` variables — that recipe would
cancel every one of them. The API recipe in docs/netlify.md, "trigger: api", asks Netlify for the build's
title instead (`DEPLOY_ID`), and the gate marks its API builds' titles with `API_TITLE_MARK`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

API_TITLE_MARK = " [vibe-gate]"  # the end of every API build's title, what the API recipe looks for
API_RECIPE_FILE = ".netlify-ignore.py"  # the API recipe's script, committed at the repository root


def ignore_command(text: str) -> str | None:
    """The `ignore` setting of `[build]`, roughly (basic, literal or multi-line string); None when absent.
    Only to warn: Python 3.10 has no TOML reader in the standard library, and a miss only costs a warning."""
    section = re.split(r"(?m)^\s*\[build\]\s*$", text, maxsplit=1)
    if len(section) < 2:
        return None
    body = re.split(r"(?m)^\s*\[[\w.\-\"]+\]\s*$", section[1], maxsplit=1)[0]
    found = re.search(r'(?ms)^\s*ignore\s*=\s*("""\n?(.*?)"""|"((?:[^"\\]|\\.)*)"|\'([^\']*)\')', body)
    if not found:
        return None
    multi, basic, literal = found.group(2), found.group(3), found.group(4)
    if literal is not None:
        return literal
    return _unescaped(re.sub(r"\\\n\s*", "", multi) if multi is not None else basic)


def _unescaped(content: str) -> str:
    """A TOML basic string's escapes (\\", \\\\, \\n, \\uXXXX …), which are JSON's."""
    try:
        value = json.loads('"' + content.replace("\n", "\\n").replace("\t", "\\t") + '"')
    except ValueError:
        return content
    return str(value)


def trigger_problem(workspace: Path, trigger: str) -> str:
    """A warning when netlify.toml would cancel the builds this trigger starts; '' when it would not (or there
    is no netlify.toml to read)."""
    path = workspace / "netlify.toml"
    try:
        command = ignore_command(path.read_text(encoding="utf-8", errors="replace")) if path.is_file() else None
    except OSError:
        return ""
    if trigger != "api" or command is None:
        return ""
    lets_api_through = "DEPLOY_ID" in command or API_RECIPE_FILE in command
    if "INCOMING_HOOK" in command and not lets_api_through:
        return (
            "netlify.toml: the 'ignore' command lets only build-hook builds through (INCOMING_HOOK_*), but "
            "netlify.trigger is 'api': API builds get no INCOMING_HOOK_* variables, so Netlify would cancel every "
            'build the gate starts — use the recipe in docs/netlify.md, "trigger: api", or trigger: hook'
        )
    return ""
