"""The decision, pure: the same config, results, baseline and context always give the same `Decision`.

Lives here: `policy` (floors, gain, guards, branch rules, quota → verdict), `significance` and `noise` (is a
gain larger than sampling noise?), `stats` (t, McNemar, stderr tests and Holm, from the standard library), and
`decision` (the immutable `Decision` the report renders, the ledger stores and the outputs expose).

May import: `vibe_action.inputs` (for the parsed types) and `vibe_action.errors`. No I/O, no clock, no
environment: never the ledger, Netlify, GitHub, requests, urllib3, PyGithub or http.client.
"""
