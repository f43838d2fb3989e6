"""Parse and validate what the gate reads: `deploy.yaml`, results files in every supported format, git facts.

Lives here: `config` (deploy.yaml → `Config`), `results` (result globs → `Results`), `readers` (one reader per
evaluation tool's output), `sourcemap` (file:line:col of every value), `validation` (JSON Schema messages for
people), `gitinfo` (sha and branch of the workspace), and the shipped `schemas/`.

May import: `vibe_action.errors` and the standard library, jsonschema and pyyaml. Never the decision, the
ledger, Netlify or GitHub code, and never a network library: parsing a file cannot send anything.
"""
