"""Any deploy-hook URL as a deploy target (`target: hook`): Vercel, Render, Cloudflare Pages without a token.

May import: `hosts.http`, `hosts.protocol` and the layers below them; never another host package.
"""
