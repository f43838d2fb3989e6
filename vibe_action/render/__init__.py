"""Text for people, encoded for where it lands.

Lives here: `report` (a `Decision` as a terminal table, as markdown for the summary and the PR comment, as
annotations), `page/` (the versions page, `history` and the charts) and `escape` (one function per sink:
terminal, workflow commands, markdown, HTML — OWASP's output-encoding rule, applied at the last moment).

May import: `ledger`, `decide`, `inputs` and the base modules. `escape` imports nothing of the gate: it sits
at the bottom, so an error message or the ledger can escape what they show.
"""
