"""HTTP as every host needs it: one deadline per attempt and capped bodies (`transport`), the retry policy
(`retry`), a host's JSON API client base (`json_api`), the deploy-hook POST classified by what was sent
(`deploy_hook`), the hook URL's rules (`hook_url`) and the timeouts every request starts from (`timeouts`).

May import: `hosts.protocol`, the layers below it, requests and urllib3 — never a host package. `hook_url`
and `timeouts` load no network library (a dry run checks a URL without one).
"""
