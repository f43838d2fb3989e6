#!/usr/bin/env bash
# Regenerate requirements.lock (runtime, what the action installs: one universal lock for Python 3.10-3.13,
# resolved by uv, pins that differ by version carry markers) and requirements-test.lock (test tools, on this
# machine's Python) from pyproject.toml, in throw-away virtualenvs. tests/test_packaging.py checks that the
# locks and pyproject.toml agree; scripts/check-lock-wheels.py (make test) that every pin has a wheel.
# Pins already in the locks are kept when they still satisfy pyproject.toml (only what changed is resolved);
# `scripts/update-locks.sh --upgrade` resolves everything afresh. Names are written normalised (PEP 503:
# lowercase, `-`), so a package never appears twice under two spellings.
set -euo pipefail
upgrade=0
[ "${1:-}" = "--upgrade" ] && upgrade=1
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/tools"
"$tmp/tools/bin/pip" install --quiet uv
{
  echo "# Runtime lock of vibe-deploy-gate: what the action installs, for every supported Python (3.10-3.13)."
  echo "# Universal: pins that differ by version carry markers. Regenerate: scripts/update-locks.sh"
  # uv keeps the pins of an existing output file unless told to upgrade
  [ "$upgrade" = 1 ] || grep -v '^#' requirements.lock > "$tmp/runtime.lock"
  "$tmp/tools/bin/uv" pip compile pyproject.toml --universal --python-version 3.10 --no-header --no-annotate --quiet \
    --output-file "$tmp/runtime.lock" $([ "$upgrade" = 1 ] && echo --upgrade)
  cat "$tmp/runtime.lock"
} > requirements.lock.new
mv requirements.lock.new requirements.lock
normalise() { python3 -c 'import re, sys
for line in sys.stdin:
    name, sep, rest = line.rstrip("\n").partition("==")
    print(re.sub(r"[-_.]+", "-", name).lower() + sep + rest)'; }
keep_test=() keep_oldest=()
if [ "$upgrade" = 0 ]; then
  keep_test=(-c "$tmp/test-pins.txt") keep_oldest=(-c "$tmp/oldest-pins.txt")
  grep -v '^#' requirements-test.lock > "$tmp/test-pins.txt"
  grep -v '^#' requirements-oldest.lock > "$tmp/oldest-pins.txt" 2>/dev/null || : > "$tmp/oldest-pins.txt"
fi
python3 -m venv "$tmp/test"
"$tmp/test/bin/pip" install --quiet -r requirements.lock "${keep_test[@]}" ".[test]"
{
  echo "# Test tools of vibe-deploy-gate, installed on top of requirements.lock. Regenerate: scripts/update-locks.sh"
  "$tmp/test/bin/pip" freeze --exclude vibe-deploy-gate | normalise | LC_ALL=C sort -f \
    | grep -vixFf <(grep -v '^#' requirements.lock | sed 's/ ;.*//' | normalise)
} > requirements-test.lock
oldest=$(for p in python3.10 $(ls -d "$HOME"/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null); do
  "$p" -c 'import sys' >/dev/null 2>&1 && { echo "$p"; break; }; done)
if [ -n "$oldest" ]; then
  "$oldest" -m venv "$tmp/oldest"
  "$tmp/oldest/bin/pip" install --quiet -r requirements.lock "${keep_oldest[@]}" "pytest>=8" "pytest-httpserver>=1.0" \
    "openapi-core>=0.19" "hypothesis>=6.100" "uv>=0.5" "pytest-xdist>=3.5" "cloudflare>=4" "markdown-it-py>=3"
  {
    echo "# Test tools for the run under the oldest supported Python (3.10; make oldest): the subset of the test extra"
    echo "# that installs there (scipy needs 3.11+). Regenerate: scripts/update-locks.sh"
    "$tmp/oldest/bin/pip" freeze --exclude vibe-deploy-gate | normalise | LC_ALL=C sort -f \
      | grep -vixFf <(grep -v '^#' requirements.lock | sed 's/ ;.*//' | normalise)
  } > requirements-oldest.lock
fi
echo "wrote requirements.lock, requirements-test.lock${oldest:+ and requirements-oldest.lock}"
