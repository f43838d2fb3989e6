"""vibe-deploy-gate: deploy a model's demo only when its new benchmark results deserve it.

The folders are the layers, top to bottom (each may import only those below it; `lint-imports` checks it):

- `cli`: the command line, whose subcommands include `action` and `demo`;
- `action`, `demo`: the GitHub Actions entry and the local end-to-end demo;
- `action_commands`: how the action shows the commands other than `run` (log, outputs, report, summary);
- `operations`: validate, history, page, rollback, unlock, prune and doctor, written once for both front ends;
- `gate`: one run — parse → decide → (fire → record), with the I/O clients passed in;
- `deploy/`, `hosts`: carrying out a verdict, rollback, unlock and prune on any host through `hosting`; `hosts`
  is the composition root that wires the host packages to this run's clients;
- `netlify/`, `cloudflare/`, `webhook/` and `github/`: side effects on each service (independent of each other);
- `http/`: what every host's HTTP shares (deadlines, capped bodies, retries, the deploy-hook POST);
- `hosting`: the deploy-target protocol a host implements (Netlify: `netlify/target.py`), and its types;
- `report`: a `Decision` rendered for people (terminal, markdown, annotations);
- `ledger/`: what was deployed — the baseline and the quota;
- `decide/`: the pure policy and its statistics;
- `inputs/`: deploy.yaml and results files, parsed and validated;
- `errors`, `redact`: the error types and the secret scrubber every layer uses.
- `values`: the value classes every layer defines its data with (`dataclasses` without its start-up cost).
"""

__version__ = "0.1.0"
# Most modules say `TYPE_CHECKING = False` and then `if TYPE_CHECKING:` for what only annotations name (every
# module has `from __future__ import annotations`): typing.TYPE_CHECKING without importing typing, ~1.5 ms of
# every run (`make bench`). Type checkers take any name TYPE_CHECKING as true. `hosting` imports typing for its
# Protocol classes; no dry run loads it (tests/test_startup.py holds both).
# Where the action and the CLI are published: README, examples/workflow.yml and `vibe-gate init` use these (a
# test holds them equal). A fork publishes under its own owner: change them here and everything follows.
REPOSITORY = "org/vibe-deploy-gate"
RELEASE = "v1"
