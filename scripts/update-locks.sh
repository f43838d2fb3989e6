#!/usr/bin/env bash
# Regenerate requirements.lock (runtime, what the action installs: one universal lock for Python 3.10-3.13,
# resolved by uv, pins that differ by version carry markers) and requirements-test.lock (test tools, on this
# machine's Python) from pyproject.toml, in throw-away virtualenvs. tests/test_packaging.py checks that the
# locks and pyproject.toml agree; scripts/check-lock-wheels.py (make test) that every pin has a wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/tools"
"$tmp/tools/bin/pip" install --quiet uv
{
  echo "# Runtime lock of vibe-deploy-gate: what the action installs, for every supported Python (3.10-3.13)."
  echo "# Universal: pins that differ by version carry markers. Regenerate: scripts/update-locks.sh"
  "$tmp/tools/bin/uv" pip compile pyproject.toml --universal --python-version 3.10 --no-header --no-annotate --quiet
} > requirements.lock
python3 -m venv "$tmp/test"
"$tmp/test/bin/pip" install --quiet -r requirements.lock ".[test]"
{
  echo "# Test tools of vibe-deploy-gate, installed on top of requirements.lock. Regenerate: scripts/update-locks.sh"
  "$tmp/test/bin/pip" freeze --exclude vibe-deploy-gate | LC_ALL=C sort -f | grep -vixFf <(grep -v '^#' requirements.lock | sed 's/ ;.*//')
} > requirements-test.lock
oldest=$(for p in python3.10 $(ls -d "$HOME"/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null); do
  "$p" -c 'import sys' >/dev/null 2>&1 && { echo "$p"; break; }; done)
if [ -n "$oldest" ]; then
  "$oldest" -m venv "$tmp/oldest"
  "$tmp/oldest/bin/pip" install --quiet -r requirements.lock "pytest>=8" "pytest-httpserver>=1.0" "openapi-core>=0.19" \
    "hypothesis>=6.100" "uv>=0.5"
  {
    echo "# Test tools for the run under the oldest supported Python (3.10; make oldest): the subset of the test extra"
    echo "# that installs there (scipy needs 3.11+). Regenerate: scripts/update-locks.sh"
    "$tmp/oldest/bin/pip" freeze --exclude vibe-deploy-gate | LC_ALL=C sort -f \
      | grep -vixFf <(grep -v '^#' requirements.lock | sed 's/ ;.*//; s/_/-/g') | grep -vi '^typing.extensions=='
  } > requirements-oldest.lock
fi
echo "wrote requirements.lock, requirements-test.lock${oldest:+ and requirements-oldest.lock}"
