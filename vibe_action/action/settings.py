"""The action's inputs, read once from the environment and validated into a frozen `ActionSettings`.

action.yml passes every input to Python through `env:` as `INPUT_<NAME>` (never through `${{ }}` inside a
script). The same reader falls back to `VIBE_<NAME>`, so the entry point also runs from a plain shell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vibe_action.errors import InputError

COMMANDS = ("run", "validate", "history", "page", "rollback", "unlock", "prune", "doctor")
FAIL_ON = ("block", "skip", "never")
ANNOTATIONS = ("check", "status", "comment", "summary")

# Every input of action.yml; tests/e2e/test_action_yml.py checks that this list, action.yml and the README agree.
INPUT_NAMES = (
    "config", "results", "build-hook-url", "deploy-hook-url", "github-token", "environment", "dry-run", "fail-on",
    "annotate", "netlify-token", "netlify-site-id", "upload-dir", "preview", "cloudflare-api-token",
    "cloudflare-account-id", "vercel-token", "vercel-project-id", "vercel-org-id", "command", "to", "out",
)  # fmt: skip


def read_input(env: Mapping[str, str], name: str, default: str = "") -> str:
    """`INPUT_BUILD_HOOK_URL`, else `VIBE_BUILD_HOOK_URL`, else the default; surrounding space removed."""
    key = name.upper().replace("-", "_")
    for variable in (f"INPUT_{key}", f"VIBE_{key}"):
        value = env.get(variable)
        if value is not None and value.strip():
            return value.strip()
    return default


def _hook_url(env: Mapping[str, str]) -> str:
    """`deploy-hook-url` is `build-hook-url` by another name (any host's hook); both set must agree."""
    build, deploy = read_input(env, "build-hook-url"), read_input(env, "deploy-hook-url")
    if build and deploy and build != deploy:
        raise InputError("inputs build-hook-url and deploy-hook-url are both set, to different URLs; set one")
    return build or deploy


def _boolean(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = read_input(env, name, "true" if default else "false").lower()
    if raw in ("true", "yes", "1", "on"):
        return True
    if raw in ("false", "no", "0", "off"):
        return False
    raise InputError(f"input '{name}' must be true or false, not '{raw}'")


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = read_input(env, name, default).lower()
    if value not in choices:
        raise InputError(f"input '{name}' must be one of {', '.join(choices)}, not '{value}'")
    return value


@dataclass(frozen=True)
class ActionSettings:
    config: str = "config/deploy.yaml"
    results: tuple[str, ...] = ()
    build_hook_url: str = field(default="", repr=False)
    github_token: str = field(default="", repr=False)
    environment: str | None = None
    dry_run: bool = False
    fail_on: str = "block"
    annotate: frozenset[str] = frozenset(ANNOTATIONS)
    netlify_token: str = field(default="", repr=False)
    netlify_site_id: str = ""
    cloudflare_api_token: str = field(default="", repr=False)
    cloudflare_account_id: str = ""
    vercel_token: str = field(default="", repr=False)
    vercel_project_id: str = ""
    vercel_org_id: str = ""
    command: str = "run"
    to: str = ""
    out: str = ""
    upload_dir: str = ""
    preview: bool | None = None  # unset: deploy.yaml's `preview`

    @classmethod
    def from_environ(cls, env: Mapping[str, str]) -> ActionSettings:
        annotate_raw = read_input(env, "annotate", ",".join(ANNOTATIONS))
        annotate = frozenset(a.strip().lower() for a in annotate_raw.split(",") if a.strip())
        unknown = annotate - set(ANNOTATIONS)
        if unknown:
            raise InputError(
                f"input 'annotate' has unknown entries {sorted(unknown)}; use a comma list of {', '.join(ANNOTATIONS)}"
            )
        results = tuple(r.strip() for r in read_input(env, "results").replace(",", "\n").splitlines() if r.strip())
        return cls(
            config=read_input(env, "config", "config/deploy.yaml"),
            results=results,
            build_hook_url=_hook_url(env),
            github_token=read_input(env, "github-token"),
            environment=read_input(env, "environment") or None,
            dry_run=_boolean(env, "dry-run", False),
            fail_on=_choice(env, "fail-on", FAIL_ON, "block"),
            annotate=annotate,
            netlify_token=read_input(env, "netlify-token"),
            netlify_site_id=read_input(env, "netlify-site-id"),
            cloudflare_api_token=read_input(env, "cloudflare-api-token"),
            cloudflare_account_id=read_input(env, "cloudflare-account-id"),
            vercel_token=read_input(env, "vercel-token"),
            vercel_project_id=read_input(env, "vercel-project-id"),
            vercel_org_id=read_input(env, "vercel-org-id"),
            command=_choice(env, "command", COMMANDS, "run"),
            to=read_input(env, "to"),
            out=read_input(env, "out"),
            upload_dir=read_input(env, "upload-dir"),
            preview=_boolean(env, "preview", False) if read_input(env, "preview") else None,
        )
