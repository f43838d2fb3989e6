"""Which events may deploy: a constant the command line's help needs without loading the policy."""

from __future__ import annotations

# The only events that may ever deploy; every other event (pull_request, or a name nobody knows) only previews.
DEPLOY_EVENTS = frozenset({"push", "workflow_dispatch", "schedule", "repository_dispatch"})
PREVIEW_EVENTS = frozenset({"pull_request"})
KNOWN_EVENTS = DEPLOY_EVENTS | PREVIEW_EVENTS
