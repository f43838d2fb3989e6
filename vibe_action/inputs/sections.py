"""The plain sections of deploy.yaml (quota, hook, netlify, upload, significance, retention, versions), as values.

They hold no logic beyond small derived values; `config.py` reads them out of the validated YAML.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_CREDITS_PER_DEPLOY = 15
DEFAULT_TITLE = "{primary} {score} @ {short_sha}"
# Netlify keeps deploys 30 days on its Free and Pro plans (90 on paid plans where it is raised).
DEFAULT_NETLIFY_DAYS = 30
# The version branches' usual prefix: prune keeps deploys on it even when versions are off (turned off later).
DEFAULT_VERSION_PREFIX = "versions/"


@dataclass(frozen=True)
class Quota:
    monthly_deploys: int | None = None
    monthly_credits: int | None = None
    credits_per_deploy: int = DEFAULT_CREDITS_PER_DEPLOY
    reserve: int = 0

    @property
    def limit(self) -> int | None:
        """Deploys allowed per calendar month, from deploys or from credits (300 credits / 15 = 20)."""
        if self.monthly_deploys is not None:
            return self.monthly_deploys
        if self.monthly_credits is not None:
            return self.monthly_credits // self.credits_per_deploy
        return None


@dataclass(frozen=True)
class HookSettings:
    title: str = DEFAULT_TITLE
    branch: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class Significance:
    """How a gain is told apart from noise: `method` auto | paired | stderr | off; `question` rerun (is the gain
    beyond re-run noise?) | problems (would it hold on other problems like these?); guards on point or
    significant."""

    confidence: float = 0.95
    method: str = "auto"
    question: str = "rerun"
    guards: str = "significant"


@dataclass(frozen=True)
class NetlifySettings:
    trigger: str = "hook"
    confirm_timeout: float = 600.0
    poll_interval: float = 5.0


@dataclass(frozen=True)
class Upload:
    """`upload:`: the built folder to send through the host's API (None: ask the host to build, by its hook)."""

    dir: str | None = None


@dataclass(frozen=True)
class CloudflareSettings:
    project: str | None = None  # the Pages project, for the API (the deploy hook alone needs no name)


@dataclass(frozen=True)
class Retention:
    keep: int = 10
    grace_days: float = 14.0
    netlify_days: int = DEFAULT_NETLIFY_DAYS  # how long Netlify keeps a deploy that is not kept for a reason


@dataclass(frozen=True)
class Versions:
    """Lasting version URLs: each confirmed production deploy also gets a branch `<prefix>vN`, built once.

    Netlify keeps the newest deploy of every branch whatever its age, so `<prefix>vN`'s branch subdomain
    outlives the 30/90-day retention that deletes the production deploy's permalink. Off when no prefix.
    """

    branch_prefix: str | None = None
    site: str | None = None  # the Netlify site name, for the URLs when no token names it
    credits_per_build: int = 0  # Netlify's pricing lists branch deploys at 0 credits; say otherwise here
    line: int = 0

    @property
    def enabled(self) -> bool:
        return bool(self.branch_prefix)

    def branch(self, number: int) -> str:
        return f"{self.branch_prefix}v{number}"
