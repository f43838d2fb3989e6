"""Everything that talks to Netlify: starting a build, confirming it, and managing the snapshots it leaves.

Lives here: `retry` (the one retry policy of every Netlify request), `hook` (fire the build hook once, classify
what happened), `api` (the REST client: deploys, restore, lock, delete, builds), `confirm` (wait for the deploy
a hook started), `deploy` (carry out a deploy verdict: lock in the ledger, fire, confirm, record),
`snapshots` (rollback, prune, doctor), `snapshot_report` (their text output) and `receiver` (a local build
hook and API for the demo).

May import: the ledger, the decision, inputs, `vibe_action.report`, errors and redact. Never
`vibe_action.github`: the same Netlify code serves the CLI and the action.
"""
