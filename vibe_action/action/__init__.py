"""The GitHub Action: what action.yml runs, and the runner's protocols it speaks.

Lives here: `main` (the action's `run` and its other commands, reading GitHub Deployments), `settings` (the
action's inputs, read once from `INPUT_*` into a frozen dataclass), `event` (the event payload: sha, branch,
PR, fork, changed files), `workflow` (workflow commands, step outputs, the job summary, masks — every value
escaped for where it lands) and `annotate` (check run, commit status, the sticky PR comment).

May import: `app` and every layer below it. Never a host package: `app.wiring` builds the target.
"""
