"""Text encoded for where it lands, at the last moment — one function per sink (OWASP's output-encoding rule).

- `terminal_safe`: a terminal or a runner's log. Control, escape and invisible or reordering characters are
  shown as `?`, so no name, message or record can move the cursor, recolour, retitle the window or reorder text.
- `markdown`: inline markdown for GitHub (PR comments, check runs, job summaries, report files). The text comes
  out literal: no HTML, comment, heading, emphasis, code span, link, image or table cell boundary, no mention
  (`@user`), issue reference (`#1`) or bare-URL autolink, and no line break.
- `markdown_code_block`: a fenced block whose fence no line of the text can close.

This module is base layer: it imports nothing of the gate's.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls (ESC starts ANSI/OSC sequences; 0x9b is a one-byte CSI), and
# the invisible or reordering format characters (zero-width, bidi embeddings and isolates, BOM).
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# ASCII punctuation that can start a markdown construct (CommonMark lets a backslash escape any of it).
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]{}|~#!])")
# A list item, a setext underline or an ordered list ("1. "): constructs only at the start of a line.
_LINE_START = re.compile(r"^(\d*)([-+=.)])(?=\s|$)|^([-+=])")
WORD_JOINER = "\u2060"  # invisible, and breaks GitHub's @mention / #reference / autolink matching


def printable(text: str) -> str:
    """`text` with anything that cannot be written as UTF-8 (lone surrogates from hostile JSON) escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def terminal_safe(text: str) -> str:
    """Text for a terminal: every control or invisible character (but newline and tab) shown as `?`."""
    return _UNSAFE.sub("?", printable(text))


def markdown(text: str) -> str:
    """Untrusted text as literal inline markdown, on one line."""
    flat = _UNSAFE.sub("?", printable(text).replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    flat = _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)
    flat = _LINE_START.sub(lambda m: f"{m.group(1) or ''}\\{m.group(2) or m.group(3)}", flat)
    flat = re.sub(r"([@#])(?=\w)", rf"\1{WORD_JOINER}", flat)  # @octocat, #1: no mention, no reference
    return flat.replace("://", f":{WORD_JOINER}//").replace("www.", f"www{WORD_JOINER}.")


def markdown_code_block(text: str, info: str = "") -> str:
    """`text` in a fenced block: the fence is longer than any run of backticks in it, so it cannot be closed
    from inside; control characters are shown as `?`."""
    body = terminal_safe(text)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body}\n{fence}\n"


_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%/+=-]*)?")


def markdown_url(url: str) -> str:
    """A URL the report shows as written (GitHub links it): plain http(s) with nothing that could end it early
    or start another construct; anything else is shown as inert text."""
    return url if _PLAIN_URL.fullmatch(url) else markdown(url)
