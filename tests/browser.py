"""Headless Chromium from the OS packages, for the tests that check what a browser renders.

No browser library: Chromium's own `--dump-dom` and `--screenshot` switches, with every request outside
file:// refused (`--host-resolver-rules`), and a small PNG reader to tell a screenshot from a blank one.
A test that cannot find Chromium fails with the command that installs it; it never passes without looking.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

INSTALL = "apt-get install -y chromium (make test and .ci/run install it on Debian when missing)"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no network: any host name fails to resolve
    "--proxy-server=127.0.0.1:9",  # and anything by address goes to a closed port
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"Chromium is not installed; the browser tests need it: {INSTALL}")


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([chromium(), *FLAGS, *args], capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def inspect(page: Path, script: str, width: int = 1000, height: int = 900) -> dict[str, Any]:
    """Load `page` in an iframe of a harness page, run `script` (a JS expression of `d`, the page's document,
    and `w`, its window) after it loaded, and return the JSON it produced. The page itself runs no script."""
    harness = page.parent / f"harness-{page.stem}.html"
    harness.write_text(
        "<!doctype html><html><body><pre id='out'>pending</pre>"
        f"<iframe id='f' src='{page.name}' style='width:{width}px;height:{height}px;border:0'></iframe>"
        "<script>document.getElementById('f').addEventListener('load', function () {"
        "var f = document.getElementById('f'); var d = f.contentDocument; var w = f.contentWindow;"
        f"var result; try {{ result = ({script}); }} catch (e) {{ result = {{error: String(e)}}; }}"
        "document.getElementById('out').textContent = JSON.stringify(result);});</script></body></html>",
        encoding="utf-8",
    )
    done = run("--allow-file-access-from-files", "--virtual-time-budget=20000", "--dump-dom", harness.as_uri())
    harness.unlink()
    match = re.search(r"<pre id=\"out\">(.*?)</pre>", done.stdout, re.DOTALL)
    assert match, done.stdout[:2000]
    data: dict[str, Any] = json.loads(html.unescape(match.group(1)))
    assert "error" not in data, data
    return data


def screenshot(page: Path, out: Path, width: int = 1280, height: int = 2000, dark: bool = False) -> Path:
    run(
        *(["--force-dark-mode"] if dark else []),
        f"--window-size={width},{height}",
        f"--screenshot={out}",
        page.as_uri(),
    )
    assert out.exists()
    return out


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG, as Chromium writes it."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat = 8, b""
    width = height = channels = 0
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, chunk = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8
            channels = {2: 3, 6: 4}[color]
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + best) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def colours(path: Path, step: int = 7) -> dict[tuple[int, ...], int]:
    """How often each colour occurs, sampling every `step`th pixel of every `step`th row."""
    width, _, rows = png_pixels(path)
    channels = len(rows[0]) // width
    counts: dict[tuple[int, ...], int] = {}
    for row in rows[::step]:
        for x in range(0, width, step):
            pixel = tuple(row[x * channels : x * channels + 3])
            counts[pixel] = counts.get(pixel, 0) + 1
    return counts
