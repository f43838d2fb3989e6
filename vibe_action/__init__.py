"""vibe-deploy-gate: deploy a model's demo only when its new benchmark results deserve it.

The flow, one module each: `config` and `results` parse and validate the inputs, `policy` decides (pure),
`ledger` remembers what was deployed, `hook` fires the build, `report` renders the decision, `cli` wires them.
"""

__version__ = "0.1.0"
