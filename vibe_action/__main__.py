"""`python -m vibe_action …` is the same as `vibe-gate …`."""

import sys

from .cli import main

sys.exit(main())
