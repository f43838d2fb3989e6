"""Netlify as a deploy target: starting a build, confirming it, and managing the snapshots it leaves.

Lives here: `target` (`NetlifyTarget`, the `DeployTarget` the rest of the gate sees), `services` (what the
Netlify code is given for a run: its I/O and how builds start), `deploy` (start a build by hook or API and
confirm it), `build_hook` (the hook POST with Netlify's query parameters), `confirm` (find the deploy a build
made and wait for it), `client` (the REST API: deploys, restore, lock, delete, builds), `models` (a deploy's
fields and the settings' names, without a network library), `snapshots` (deploys as the snapshot commands see
them, restore), `recovery` (records a killed run left), `versions` (lasting version branches), `urls`
(permalink and branch-URL formats), `recipe` (what netlify.toml lets through), `doctor`, and `receiver` (a
local build hook and API for the demo).

May import: `hosts.http`, `hosts.protocol` and the layers below them; never another host package.
"""
