"""Unit tests: one module or a few, in-process — no server, no child process, no browser. The inner loop:
`.venv/bin/pytest tests/unit` runs in seconds."""
