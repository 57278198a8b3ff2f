"""Server-rendered SVG charts: no JavaScript, no CDN, and every label escaped.

Labels come from data (platform names, agent names), so each text node and attribute goes through
`escape`. Colours are CSS classes (`series-N`) rather than style attributes, which the strict
Content-Security-Policy would block.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 56
MAX_X_LABELS = 10
SERIES_CLASSES = 6


def nice_max(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _open(chart_id: str, title: str, summary: str, width: int, height: int) -> list[str]:
    cid = escape(chart_id)
    return [f'<svg class="chart" id="{cid}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{cid}-title {cid}-desc" xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{cid}-title">{escape(title)}</title>',
            f'<desc id="{cid}-desc">{escape(summary)}</desc>']


def _y_axis(top: float, plot_h: float, y_max: float, width: int) -> list[str]:
    parts = []
    for i in range(5):
        value = y_max * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{width - RIGHT}" '
                     f'y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{_number(value)}</text>')
    return parts


def line_chart(chart_id: str, title: str, labels: Sequence[str],
               series: dict[str, Sequence[float]]) -> Markup:
    """One line per series over the x labels, with a legend and a <title> on every point."""
    width, height = WIDTH, HEIGHT
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    peak = max((v for values in series.values() for v in values), default=0)
    y_max = nice_max(peak)
    summary = f"{len(series)} series over {len(labels)} points; highest value {_number(peak)}."
    parts = _open(chart_id, title, summary, width, height) + _y_axis(TOP, plot_h, y_max, width)
    step = plot_w / max(1, len(labels) - 1)
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    for i, label in enumerate(labels):
        if i % every == 0:
            x = LEFT + i * step
            parts.append(f'<text class="tick" x="{x:.1f}" y="{TOP + plot_h + 16}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    for n, (name, values) in enumerate(series.items()):
        css = f"series-{n % SERIES_CLASSES}"
        points = [(LEFT + i * step, TOP + plot_h - plot_h * v / y_max)
                  for i, v in enumerate(values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<g class="{css}"><title>{escape(name)}</title>')
        parts.append(f'<polyline class="line" points="{path}"/>')
        for (x, y), label, value in zip(points, labels, values, strict=False):
            parts.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="2.5"><title>'
                         f'{escape(name)}, {escape(label)}: {_number(value)}</title></circle>')
        parts.append("</g>")
        legend_x = LEFT + (n % 4) * 160
        legend_y = height - 18 + (n // 4) * 14
        parts.append(f'<rect class="{css} swatch" x="{legend_x}" y="{legend_y - 9}" '
                     f'width="10" height="10"/><text class="legend" x="{legend_x + 14}" '
                     f'y="{legend_y}">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(chart_id: str, title: str, labels: Sequence[str], values: Sequence[float | None],
              unit: str = "") -> Markup:
    """Horizontal bars, one per label (long agent names fit on the left); None draws no bar."""
    label_w, row_h = 160, 26
    width, height = WIDTH, TOP + row_h * max(1, len(labels)) + 8
    plot_w = width - label_w - 70
    numbers = [v for v in values if v is not None]
    y_max = nice_max(max(numbers, default=0))
    summary = "; ".join(f"{label}: {'n/a' if v is None else _number(v)}{unit}"
                        for label, v in zip(labels, values, strict=False))
    parts = _open(chart_id, title, summary, width, height)
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        y = TOP + i * row_h
        text = "n/a" if value is None else f"{_number(value)}{unit}"
        parts.append(f'<text class="tick" x="{label_w - 8}" y="{y + 16}" '
                     f'text-anchor="end">{escape(label)}</text>')
        if value is not None:
            bar = plot_w * value / y_max
            parts.append(f'<rect class="series-0 bar" x="{label_w}" y="{y + 4}" '
                         f'width="{bar:.1f}" height="{row_h - 8}"><title>{escape(label)}: '
                         f'{escape(text)}</title></rect>')
        else:
            bar = 0.0
        parts.append(f'<text class="value" x="{label_w + bar + 6:.1f}" y="{y + 16}">'
                     f'{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _downsample(values: Sequence[float], groups: int, size: int, how: str) -> list[float]:
    pick = max if how == "max" else (lambda part: sum(part) / len(part))
    return [pick(values[i * size:(i + 1) * size]) for i in range(groups)]


def alert_chart(chart_id: str, title: str, times: Sequence[datetime],
                observed: Sequence[float], expected: Sequence[float],
                marks: Sequence[tuple[datetime, str, str]], max_points: int = 240) -> Markup:
    """A backtest: the window's count and its expected baseline over time, with each alert as
    a vertical line (`marks`: time, kind for the CSS class, label). Long series are drawn at
    most `max_points` wide: the highest count and the mean expectation of each group, so a
    short spike still shows."""
    size = max(1, math.ceil(len(times) / max_points))
    groups = math.ceil(len(times) / size) if times else 0
    labels = [f"{times[i * size]:%m-%d %H:%M}" for i in range(groups)]
    svg = str(line_chart(chart_id, title, labels, {
        "observed (highest per point)": _downsample(observed, groups, size, "max"),
        "expected": _downsample(expected, groups, size, "mean")}))
    if not times or not marks:
        return Markup(svg)
    plot_h = HEIGHT - TOP - BOTTOM
    step = (WIDTH - LEFT - RIGHT) / max(1, groups - 1)
    first, span = times[0], (times[-1] - times[0]) or timedelta(minutes=1)
    lines = []
    for when, kind, label in marks:
        i = min(groups - 1, max(0, round((when - first) / span * (len(times) - 1)) // size))
        x = LEFT + i * step
        # The series classes give the stroke (the CSP allows no style attributes).
        colour = "series-1" if kind == "spike" else "series-2"
        lines.append(f'<line class="mark {escape(kind)} {colour}" x1="{x:.1f}" x2="{x:.1f}" '
                     f'y1="{TOP}" y2="{TOP + plot_h}" stroke-dasharray="4 3">'
                     f'<title>{escape(label)}</title></line>')
    return Markup(svg[:-len("</svg>")] + "".join(lines) + "</svg>")
