"""What the Netlify code shares without any network library: the fields of a deploy, the names of the
settings as the interface in use spells them, the hook URL's rules, and the timeouts.

Everything here loads without requests or urllib3, so a dry run, `validate` or `--help` never import them.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from vibe_action.errors import ExternalError
from vibe_action.hosts.http.timeouts import CONNECT_TIMEOUT, READ_TIMEOUT

__all__ = ["CONNECT_TIMEOUT", "READ_TIMEOUT"]  # re-exported for the Netlify code (defined in http/limits.py)
DEFAULT_API_URL = "https://api.netlify.com/api/v1"


@dataclass(frozen=True)
class Deploy:
    """The fields of a Netlify deploy the gate reads."""

    id: str
    state: str
    title: str
    commit_ref: str
    branch: str
    context: str
    created_at: str
    published_at: str
    locked: bool
    url: str  # the permalink: https://<deploy_id>--<site>.netlify.app
    error_message: str
    required: tuple[str, ...] = ()  # an upload's SHA-1s Netlify does not have yet (after the file digest)

    @classmethod
    def from_json(cls, data: Any) -> Deploy:
        """A deploy from Netlify's JSON; an answer that is not an object is an error, not a crash."""
        if not isinstance(data, dict):
            raise ExternalError("Netlify API answered with something other than a deploy")
        return cls(
            id=str(data.get("id", "")),
            state=str(data.get("state") or ""),
            title=str(data.get("title") or ""),
            commit_ref=str(data.get("commit_ref") or ""),
            branch=str(data.get("branch") or ""),
            context=str(data.get("context") or ""),
            created_at=str(data.get("created_at") or ""),
            published_at=str(data.get("published_at") or ""),
            locked=bool(data.get("locked")),
            url=str(data.get("deploy_ssl_url") or data.get("deploy_url") or ""),
            error_message=str(data.get("error_message") or ""),
            required=tuple(str(sha) for sha in data.get("required") or () if isinstance(sha, str)),
        )


API_URL_VARIABLE = "VIBE_NETLIFY_API_URL"  # another API base, e.g. a local test server or a proxy


@dataclass(frozen=True)
class AccessNames:
    """How the interface in use spells the Netlify settings, so errors name what the user can set."""

    token: str
    site: str
    hook: str


CLI_NAMES = AccessNames(
    "--netlify-token (or NETLIFY_AUTH_TOKEN)",
    "--netlify-site-id (or NETLIFY_SITE_ID)",
    "--build-hook-url (or VIBE_BUILD_HOOK_URL)",
)
ACTION_NAMES = AccessNames("the netlify-token input", "the netlify-site-id input", "the build-hook-url input")
# Set once by the front end (the action sets ACTION_NAMES); read where an error names a setting.
ACCESS_NAMES: ContextVar[AccessNames] = ContextVar("ACCESS_NAMES", default=CLI_NAMES)
