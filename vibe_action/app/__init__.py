"""The application: one run of the gate, and the other commands, written once for the CLI and the action.

Lives here: `run` (parse → decide → carry out, with the I/O clients passed in), `operations` (validate,
history, page, rollback, unlock, prune, doctor: a `Desk` in, an `Answer` out), `wiring` (the composition root:
which host a config names, built with this run's clients), and what carries a verdict out on any host through
`hosts.protocol.DeployTarget`: `carry` (ledger lock → fire → confirm → record), `recovery` (records a killed
run left `in_progress`), `rollback`, `unlock` and `prune`.

May import: `hosts`, `render`, `ledger`, `decide`, `inputs` and the base modules. Only `wiring` knows a host
package by name; the rest speak the protocol, so adding a host changes nothing here but `wiring`.
"""
