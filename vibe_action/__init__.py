"""vibe-deploy-gate: deploy a model's demo only when its new benchmark results deserve it.

The folders are the layers, top to bottom; each may import only those below it (`lint-imports` checks it,
contracts in pyproject.toml). docs/architecture.md draws them and follows one run through them.

- `cli/`: the command line (`vibe-gate`), its parser, its commands, `init` and the demo;
- `action/`: the GitHub Action — its entry and commands, inputs, event payload, workflow commands, PR check;
- `app/`: one run (parse → decide → carry out) and the other commands, written once; `app.wiring` composes
  the hosts with this run's clients;
- `hosts/`: the deploy-target protocol, the HTTP every host shares, and `netlify/`, `cloudflare/`, `webhook/`;
- `render/`: a decision and the versions history rendered for people, and the escaping for each sink;
- `ledger/`: what was deployed and its scores — a local file or GitHub Deployments, side by side;
- `github/`: PyGithub, set up once;
- `decide/`: the pure policy and its statistics (no I/O, clock or environment);
- `inputs/`: deploy.yaml and results files, parsed and validated;
- `errors`, `redact`, `interrupts`: error types and exit codes, the secret scrubber, signals as exceptions.
"""

__version__ = "0.1.0"
# Where the action and the CLI are published: README, examples/workflow.yml and `vibe-gate init` use these (a
# test holds them equal). A fork publishes under its own owner: change them here and everything follows.
REPOSITORY = "org/vibe-deploy-gate"
RELEASE = "v1"
