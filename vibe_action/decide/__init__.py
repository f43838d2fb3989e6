"""The decision, pure: the same config, results, baseline and context always give the same `Decision`.

Lives here: `policy` (floors, gain, guards, branch rules, quota → verdict), `units` (a record written before
its metric's scale was known, put on this run's), `significance`, `noise` and `evidence_checks` (is a gain
larger than noise? the evidence per metric and the checks that account for it),
`stats` (the re-run test, t, McNemar, stderr tests, Holm and the per-live-version budget, from the standard
library), and `decision` (the immutable `Decision` the report renders, the ledger stores and the outputs
expose).

May import: `vibe_action.inputs` (for the parsed types) and `vibe_action.errors`. No I/O, no clock, no
environment: never the ledger, Netlify, GitHub, requests, urllib3, PyGithub or http.client.
"""
