"""Cloudflare Pages as a deploy target (`target: cloudflare-pages`): its deploy hook starts builds, its API
(`client`) confirms them and gives their permalinks; `snapshots` rolls back, lists and deletes deployments and
names branch aliases; `target` is the `DeployTarget`.

May import: `hosts.http`, `hosts.protocol` and the layers below them; never another host package.
"""
