"""Cloudflare Pages as a deploy target (`target: cloudflare-pages`): its deploy hook starts builds, its API
confirms them and gives their permalinks. May import: http, hosting and the layers below; never another host."""
