"""vibe-deploy-gate: deploy a model's demo only when its new benchmark results deserve it.

The flow, one module each: `config`, `results` and `readers` parse and validate the inputs; `policy` decides
(pure; `significance`, `noise` and `stats` tell gains from sampling noise); `ledger` / `github_ledger` remember
what was deployed; `deploy`, `hook`, `netlify` and `confirm` start and confirm the build; `report`, `annotate`
and `workflow` show the decision; `cli` and `action` wire them for the command line and for GitHub Actions.
"""

__version__ = "0.1.0"
