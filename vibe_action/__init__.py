"""vibe-deploy-gate: deploy a model's demo only when its new benchmark results deserve it.

The folders are the layers, top to bottom (each may import only those below it; `lint-imports` checks it):

- `cli`: the command line, whose subcommands include `action` and `demo`;
- `action`, `demo`: the GitHub Actions entry and the local end-to-end demo;
- `action_commands`: the action's commands other than `run` (history, page, rollback, unlock, prune, doctor);
- `gate`: one run — parse → decide → (fire → record), with the I/O clients passed in;
- `deploy/`: carrying out a verdict on any host — the ledger lock, fire, confirm, record — through `hosting`;
- `netlify/` and `github/`: side effects on each service (independent of each other);
- `hosting`: the deploy-target protocol a host implements (Netlify: `netlify/target.py`), and its types;
- `report`: a `Decision` rendered for people (terminal, markdown, annotations);
- `ledger/`: what was deployed — the baseline and the quota;
- `decide/`: the pure policy and its statistics;
- `inputs/`: deploy.yaml and results files, parsed and validated;
- `errors`, `redact`: the error types and the secret scrubber every layer uses.
"""

__version__ = "0.1.0"
