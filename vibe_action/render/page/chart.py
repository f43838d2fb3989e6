"""Charts of a benchmark across versions: inline SVG for the versions page, Mermaid for the job summary.

Both are text built from numbers and escaped labels, so they need no script, no font and no request: the
SVG is readable by screen readers (`role="img"`, a title and a description that states the trend in words),
and every point carries its version and value in a `<title>` (a tooltip) and in data attributes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 34


@dataclass(frozen=True)
class Point:
    label: str  # v12
    value: float
    live: bool = False


def fmt(value: float) -> str:
    return f"{round(value, 2):g}"


def describe(name: str, points: Sequence[Point], floor: float | None) -> str:
    """The chart in one or two sentences, for screen readers and for anyone who cannot see it."""
    if not points:
        return f"No version has a {name} score yet."
    first, last = points[0], points[-1]
    best = max(points, key=lambda p: p.value)
    worst = min(points, key=lambda p: p.value)
    text = (
        f"{name} across {len(points)} version{'s' if len(points) != 1 else ''}: {fmt(first.value)} at "
        f"{first.label}, {fmt(last.value)} at {last.label}; highest {fmt(best.value)} at {best.label}, lowest "
        f"{fmt(worst.value)} at {worst.label}."
    )
    live = next((p for p in points if p.live), None)
    if live:
        text += f" Live: {live.label} ({fmt(live.value)})."
    if floor is not None:
        below = [p.label for p in points if p.value < floor]
        where = f"; below it: {', '.join(below)}." if below else "; every version is above it."
        text += f" Floor {fmt(floor)}{where}"
    return text


def svg_chart(chart_id: str, name: str, points: Sequence[Point], floor: float | None = None) -> str:
    """A line chart of `points` (oldest first), the floor as a dashed line; `chart_id` must be a safe id."""
    values = [p.value for p in points] + ([floor] if floor is not None else [])
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (plot_w * (i / (len(points) - 1)) if len(points) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return TOP + plot_h * (high - value) / (high - low)

    title, desc = escape(f"{name} by version"), escape(describe(name, points, floor))
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d"'
        f' xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{title}</title><desc id="{chart_id}-d">{desc}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>',
    ]
    for tick in (low + pad, high - pad):
        parts.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{escape(fmt(tick))}</text>'
        )
    if floor is not None:
        parts.append(
            f'<line class="floor" x1="{LEFT}" y1="{y(floor):.1f}" x2="{WIDTH - RIGHT}" y2="{y(floor):.1f}"/>'
            f'<text class="floor-label" x="{WIDTH - RIGHT}" y="{y(floor) - 4:.1f}" text-anchor="end">'
            f"floor {escape(fmt(floor))}</text>"
        )
    if len(points) > 1:
        path = " ".join(f"{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points))
        parts.append(f'<polyline class="line" points="{path}"/>')
    step = max(1, len(points) // 8)
    for i, point in enumerate(points):
        label, shown = escape(point.label), escape(fmt(point.value))
        parts.append(
            f'<circle class="pt{" live" if point.live else ""}" cx="{x(i):.1f}" cy="{y(point.value):.1f}" '
            f'r="{5 if point.live else 3.5}" data-version="{label}" data-value="{shown}">'
            f"<title>{label}: {shown}</title></circle>"
        )
        if i % step == 0 or i == len(points) - 1:
            parts.append(f'<text class="tick" x="{x(i):.1f}" y="{HEIGHT - 12}" text-anchor="middle">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9 ._+%-]")


def mermaid_label(text: str, limit: int = 40) -> str:
    """A label Mermaid cannot misread: quotes, brackets, backticks and newlines (user input) are dropped."""
    cleaned = _MERMAID_UNSAFE.sub("", text).strip()[:limit]
    return cleaned or "?"


def mermaid_chart(name: str, points: Sequence[Point], floor: float | None = None) -> str:
    """A Mermaid `xychart-beta` block: the score by version (the last point may be the candidate)."""
    if not points:
        return ""
    values = [p.value for p in points] + ([floor] if floor is not None else [])
    low, high = min(values), max(values)
    pad = max((high - low) * 0.1, 0.5)
    label = mermaid_label(name)
    lines = [
        "```mermaid",
        "xychart-beta",
        f'    title "{label} by version"',
        "    x-axis [" + ", ".join(f'"{mermaid_label(p.label, 16)}"' for p in points) + "]",
        f'    y-axis "{label}" {fmt(low - pad)} --> {fmt(high + pad)}',
        "    line [" + ", ".join(fmt(p.value) for p in points) + "]",
    ]
    if floor is not None:
        lines.append("    line [" + ", ".join(fmt(floor) for _ in points) + "]")
    lines.append("```")
    return "\n".join(lines)
