"""What was deployed, with its scores: the baseline of every decision and the count of this month's builds.

Lives here: `records` (the `Record` of one snapshot, the `Ledger` protocol every ledger implements, the
`Outcome` a deploy ends with, and the pure queries a decision asks: baseline, quota, already deployed) and
`local` (`LocalLedger`, a crash- and race-safe JSON-lines file for runs outside Actions), `tail` (reading
that file from its end), and `versions` (the records seen as numbered versions with their statuses and URLs,
for the versions page, `history` and the job summary). The GitHub
Deployments ledger implements the same protocol in `vibe_action.github.deployments`.

May import: `vibe_action.decide`, `vibe_action.inputs`, `vibe_action.errors`. Never Netlify or GitHub code.
"""
