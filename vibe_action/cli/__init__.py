"""The command line, `vibe-gate` (also `python -m vibe_action` and `entrypoint.py`).

Lives here: `main` (parse, run the command, turn what went wrong into a message and an exit code), `parser`
(the grammar and the help text), `commands` (what each command does with its parsed arguments: the local
ledger, the terminal, `--json`), `scaffold` (`vibe-gate init`: a deploy.yaml and a workflow for a repository)
and `demo` (`make demo`: the gate end to end on `examples/` against a local Netlify).

May import: every layer below (`action` for `vibe-gate action`, `app`, and `demo` alone wires the local
Netlify of `hosts.netlify.receiver`).
"""
