"""The versions page and the charts: HTML, SVG and Mermaid text rendered from the ledger's history.

Pure rendering, at the report layer: it may import the ledger (records, versions), the decision and the
inputs, never a network library or a side-effect layer. The commands write the files it returns.
"""
