"""The GitHub REST API through PyGithub: `client` (PyGithub set up once — retries that never repeat a POST,
writes spaced apart, timeouts) and `branches` (lasting version branches, made through the API in the action
or by `git push` from the CLI). What the gate does with GitHub lives by role: the Deployments ledger in
`ledger.github_deployments`, the check run and PR comment in `action.annotate`.

May import: `errors` and PyGithub; nothing else of the gate.
"""
