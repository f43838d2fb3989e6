"""End-to-end tests: the CLI and the action as child processes in temporary git repositories, HTTP to real
servers on 127.0.0.1 that behave like Netlify, Cloudflare and GitHub, and Chromium for the versions page."""
