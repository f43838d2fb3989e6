"""What was deployed, with its scores: the baseline of every decision and the count of this month's builds.

Lives here: `records` (the `Record` of one snapshot, the `Ledger` protocol every ledger implements, the
`Outcome` a deploy ends with, and the pure queries a decision asks: baseline, quota, already deployed) and
`local` (`LocalLedger`, a crash- and race-safe JSON-lines file for runs outside Actions), `tail` (reading
that file from its end), and `versions` (the records seen as numbered versions with their statuses and URLs,
for the versions page, `history` and the job summary), `locks` (production pinned by a rollback), `extra`
(what a record keeps beyond its columns). Side by side with `local`, `github_deployments` implements the same
protocol on GitHub Deployments.

May import: `github` (the client, for `github_deployments` alone), `decide`, `inputs`, `render.escape` and the
base modules. Never a host package.
"""
