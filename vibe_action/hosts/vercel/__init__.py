"""Vercel as a deploy target (`target: vercel`): the evaluated build uploaded through its API (`upload`), or a
Vercel Deploy Hook; with a token, previews, Instant Rollback, listing and deleting deployments, and doctor's
checks (`target`). `client` speaks the REST API.

May import: `hosts.http`, `hosts.protocol` and the layers below them; never another host package.
"""
