"""The GitHub REST API through PyGithub: `client` (PyGithub set up once — retries that never repeat a POST,
writes spaced apart, timeouts), `branches` (lasting version branches, made through the API in the action
or by `git push` from the CLI) and `history` (the results-changing commits since a version went live, from
GitHub's compare API: the action's checkout is shallow). What the gate does with GitHub lives by role: the
Deployments ledger in `ledger.github_deployments`, the check run and PR comment in `action.annotate`.

May import: `errors` and PyGithub; nothing else of the gate (a glob matcher is handed in).
"""
