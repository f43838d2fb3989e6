"""HTTP as every host needs it: one deadline per attempt and capped bodies (`transport`), the retry policy
(`retry`), the deploy-hook POST classified by what was sent (`hook`) and the hook URL's rules (`hook_url`).
May import: hosting's lower layers (decide, redact, errors) and requests/urllib3 — never a host package.
`hook_url` loads no network library (a dry run checks a URL without one)."""
