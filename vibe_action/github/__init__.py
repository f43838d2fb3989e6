"""Everything that talks to GitHub: the Actions runner's protocols and the REST API through PyGithub.

Lives here: `settings` (the action's inputs, read once into a frozen dataclass), `event` (the event payload →
sha, branch, PR, fork, changed files), `workflow` (workflow commands, outputs, job summary, masks), `api`
(PyGithub set up with safe retries), `annotate` (check run, commit status, sticky PR comment) and
`deployments` (GitHub Deployments as the ledger, implementing `vibe_action.ledger.records.Ledger`).

May import: the ledger, the decision, inputs, `vibe_action.report`, errors and redact. Never
`vibe_action.netlify`: the action wires the two together at the top (`vibe_action.action`).
"""
