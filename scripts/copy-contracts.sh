#!/usr/bin/env bash
# Copy the API contracts and real event payloads the tests use into tests/contracts/, so the test suite does
# not depend on anything outside the repository.
#
# Source: ../shared/contracts/ beside the project root (see its README):
#   github-rest-subset.json   OpenAPI 3.0.3 subset of GitHub's REST description (npm @octokit/openapi)
#   netlify-api-subset.json   Swagger 2.0 subset of Netlify's API (npm @netlify/open-api, dist/swagger.json)
#   github-events/*.json      real webhook payloads (npm @octokit/webhooks-examples)
# Re-run after ../shared/contracts changes; review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-../shared/contracts}"
dst=tests/contracts
mkdir -p "$dst/github-events"
cp "$src/github-rest-subset.json" "$src/netlify-api-subset.json" "$src/README.md" "$dst/"
cp "$src"/github-events/*.json "$dst/github-events/"
chmod -R u+w "$dst"
mv "$dst/README.md" "$dst/UPSTREAM-README.md"
echo "copied from $src to $dst"
