"""Parse and validate what the gate reads: `deploy.yaml`, results files in every supported format, git facts.

Lives here: `config` (deploy.yaml → `Config`), `results` (result globs → `Results`), `readers` (one reader per
evaluation tool's output: `harness`, `per_item`, `tables`, `native`; `scales`, each harness's scale convention;
`runs`, which run counts), `stream` (a harness's JSON read a value at a time), `sourcemap` (file:line:col of
every value), `validation` (JSON Schema messages for people), `gitinfo` (sha and branch of the workspace),
`upload_folder` (the built folder an upload sends: its files and digest), and the shipped `schemas/`.

May import: `vibe_action.errors` and the standard library, jsonschema and pyyaml. Never the decision, the
ledger, Netlify or GitHub code, and never a network library: parsing a file cannot send anything.
"""
