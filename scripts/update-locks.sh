#!/usr/bin/env bash
# Regenerate requirements.lock (runtime, what the action installs) and requirements-test.lock (test tools)
# from pyproject.toml, in throw-away virtualenvs. tests/test_packaging.py checks that the locks and
# pyproject.toml agree, so run this after changing dependencies there.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/run"
"$tmp/run/bin/pip" install --quiet .
{
  echo "# Runtime lock of vibe-deploy-gate: what the action installs. Regenerate: scripts/update-locks.sh"
  "$tmp/run/bin/pip" freeze --exclude vibe-deploy-gate | LC_ALL=C sort -f
} > requirements.lock
python3 -m venv "$tmp/test"
"$tmp/test/bin/pip" install --quiet -r requirements.lock ".[test]"
{
  echo "# Test tools of vibe-deploy-gate, installed on top of requirements.lock. Regenerate: scripts/update-locks.sh"
  "$tmp/test/bin/pip" freeze --exclude vibe-deploy-gate | LC_ALL=C sort -f | grep -vxFf <(tail -n +2 requirements.lock)
} > requirements-test.lock
echo "wrote requirements.lock and requirements-test.lock"
