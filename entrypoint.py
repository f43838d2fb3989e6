#!/usr/bin/env python3
"""Entry point of the action and of `python entrypoint.py …`: a thin call into `vibe_action.cli.main.console`."""

import sys
from pathlib import Path

# Run from a checkout without installing: the package sits next to this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from vibe_action.cli.main import console

if __name__ == "__main__":
    sys.exit(console())
