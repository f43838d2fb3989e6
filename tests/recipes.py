"""The netlify.toml recipes as the docs print them, so tests run exactly what a user copies."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def toml_blocks(document: str) -> list[str]:
    text = (ROOT / document).read_text()
    return re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)


def ignore_recipe(document: str = "README.md", marker: str = 'ignore = "test -z') -> str:
    """The first ```toml block of `document` that contains `marker`: a netlify.toml to commit as it is."""
    found = [block for block in toml_blocks(document) if marker in block]
    assert found, f"{document} has no netlify.toml block with {marker!r}"
    return found[0]


def python_block(document: str, marker: str) -> str:
    """The first ```python block of `document` that contains `marker`."""
    text = (ROOT / document).read_text()
    found = [block for block in re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL) if marker in block]
    assert found, f"{document} has no python block with {marker!r}"
    return found[0]
