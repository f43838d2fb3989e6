"""`python -m vibe_action …` is the same as `vibe-gate …`."""

import sys

from vibe_action.cli.main import console

sys.exit(console())
