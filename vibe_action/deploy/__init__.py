"""Carrying out a deploy verdict on any host: the ledger lock, firing, confirming and recording, through a
`hosting.DeployTarget`. May import: hosting, report-free lower layers (ledger, decide, inputs, errors); never a
host package (netlify/ …): the composition root hands the target in."""
