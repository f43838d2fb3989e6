"""The static hosts the gate deploys to, behind one protocol.

Lives here: `protocol` (`DeployTarget`, what the gate needs of any host, and the types it speaks: `Build`,
`Started`, `Landed`, `Lasting`, `Capabilities`), `http/` (what every host's HTTP shares), and one package a
host: `netlify/`, `cloudflare/` (Cloudflare Pages) and `webhook/` (any deploy-hook URL).

May import: `render.report`, `ledger`, `decide`, `inputs` and the base modules. The host packages never import
each other. requests and urllib3 are imported only by the modules that send (`http/transport`, `http/retry`,
`http/json_api`, `http/deploy_hook`, each host's `client` and `netlify/build_hook`), and those only by code
that sends: a dry run builds a target without loading a network library.
"""
