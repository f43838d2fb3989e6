"""The versions page and the charts: HTML, SVG and Mermaid text rendered from the ledger's history.

Rendering is pure (`site`, `chart`, `history`); `publish` writes the files and reads the repository's URL from
the CI's variables. May import: ledger, decide, inputs, errors — never a network library or the Netlify and
GitHub layers. The commands (CLI and action) call it.
"""
