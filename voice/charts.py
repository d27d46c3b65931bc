"""Small inline SVG charts for the evaluation report: no JavaScript, no fonts or files to fetch.

Each function returns one ``<svg>`` element as text, sized in CSS pixels, with a ``<title>`` so
screen readers and tooltips say what it shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

IN_DOMAIN_COLOUR = "#2563eb"
OUT_OF_DOMAIN_COLOUR = "#ea580c"
ACCURACY_COLOUR = "#15803d"
GRID_COLOUR = "#e5e7eb"
TEXT_COLOUR = "#374151"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{TEXT_COLOUR}" '
        f"{extra}>{escape(text)}</text>"
    )


def _svg(width: int, height: int, title: str, body: Sequence[str], css_class: str) -> str:
    return (
        f'<svg class="chart {css_class}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" {FONT}>'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def bar_chart(
    bars: Sequence[tuple[str, float | None, str]], title: str, colour: str = ACCURACY_COLOUR
) -> str:
    """Horizontal bars of fractions 0-1: ``(label, value, note)``; None draws no bar."""
    label_width, bar_width, row, top = 170, 330, 24, 8
    width, height = label_width + bar_width + 120, top + row * len(bars) + 24
    body = []
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = label_width + tick * bar_width
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 20}" '
            f'stroke="{GRID_COLOUR}"/>'
        )
        body.append(_text(x, height - 6, f"{tick:.0%}", "middle"))
    for i, (label, value, note) in enumerate(bars):
        y = top + i * row
        body.append(_text(label_width - 8, y + 16, _clip(label, 26), "end"))
        if value is not None:
            w = max(0.5, value * bar_width)
            body.append(
                f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{w:.1f}" '
                f'height="{row - 8}" fill="{colour}">'
                f"<title>{escape(label)}: {value:.1%} {escape(note)}</title></rect>"
            )
            body.append(_text(label_width + w + 6, y + 16, f"{value:.0%} {note}"))
        else:
            body.append(_text(label_width + 6, y + 16, f"n/a {note}"))
    return _svg(width, height, title, body, "bars")


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "\u2026"


def histogram(
    series: Mapping[str, tuple[Sequence[float], str]],
    title: str,
    marker: float | None = None,
    marker_label: str = "",
    bin_width: float = 5.0,
    lo: float = 0.0,
    hi: float = 100.0,
) -> str:
    """Overlaid histograms of scores (``{name: (values, colour)}``) with a vertical marker."""
    width, height, left, right, top, bottom = 620, 260, 44, 16, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    bins = int((hi - lo) / bin_width)
    counts = {}
    for name, (values, _) in series.items():
        c = [0] * bins
        for v in values:
            c[min(bins - 1, max(0, int((v - lo) / bin_width)))] += 1
        counts[name] = c
    peak = max([1, *(max(c) for c in counts.values() if c)])
    body = _axes(left, top, plot_w, plot_h, lo, hi, peak, "score", "files")
    step = plot_w / bins
    for k, (name, (_, colour)) in enumerate(series.items()):
        for b, n in enumerate(counts[name]):
            if not n:
                continue
            h = n / peak * plot_h
            x = left + b * step + (step / 2 if len(series) > 1 and k else 0) + 1
            w = (step / len(series) if len(series) > 1 else step) - 2
            body.append(
                f'<rect class="bin" x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{w:.1f}" '
                f'height="{h:.1f}" fill="{colour}" fill-opacity="0.85"><title>{escape(name)}: '
                f"{n} files scored {lo + b * bin_width:g}-{lo + (b + 1) * bin_width:g}"
                "</title></rect>"
            )
    body.extend(_legend(left + 8, 14, [(n, c) for n, (_, c) in series.items()]))
    if marker is not None:
        body.extend(_marker(left + (marker - lo) / (hi - lo) * plot_w, top, plot_h, marker_label))
    return _svg(width, height, title, body, "histogram")


def line_chart(
    xs: Sequence[float],
    series: Mapping[str, tuple[Sequence[float | None], str]],
    title: str,
    markers: Sequence[tuple[float, str]] = (),
) -> str:
    """Lines of fractions 0-1 over ``xs`` (a threshold sweep) with labelled vertical markers."""
    width, height, left, right, top, bottom = 620, 280, 44, 16, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    lo, hi = min(xs), max(xs)
    body = _axes(left, top, plot_w, plot_h, lo, hi, 1.0, "threshold", "", percent=True)

    def point(x: float, y: float) -> str:
        return f"{left + (x - lo) / (hi - lo) * plot_w:.1f},{top + plot_h - y * plot_h:.1f}"

    for name, (ys, colour) in series.items():
        points = " ".join(point(x, y) for x, y in zip(xs, ys, strict=True) if y is not None)
        if points:
            body.append(
                f'<polyline class="line" fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{points}"><title>{escape(name)}</title></polyline>'
            )
    body.extend(_legend(left + 8, 14, [(n, c) for n, (_, c) in series.items()]))
    for i, (x, label) in enumerate(markers):
        body.extend(
            _marker(left + (x - lo) / (hi - lo) * plot_w, top, plot_h, label, dy=14 * i, dash=i)
        )
    return _svg(width, height, title, body, "lines")


def _axes(
    left: float,
    top: float,
    w: float,
    h: float,
    lo: float,
    hi: float,
    peak: float,
    x_name: str,
    y_name: str,
    percent: bool = False,
) -> list[str]:
    body = []
    for i in range(5):
        frac = i / 4
        y = top + h - frac * h
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" stroke="{GRID_COLOUR}"/>'
        )
        label = f"{frac:.0%}" if percent else f"{frac * peak:.0f}"
        body.append(_text(left - 6, y + 4, label, "end"))
    for i in range(11):
        value = lo + (hi - lo) * i / 10
        x = left + w * i / 10
        body.append(_text(x, top + h + 16, f"{value:g}", "middle"))
    body.append(_text(left + w / 2, top + h + 32, x_name, "middle"))
    if y_name:
        body.append(_text(4, top - 10, y_name))
    body.append(
        f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="{TEXT_COLOUR}" '
        'stroke-width="0.5"/>'
    )
    return body


def _legend(x: float, y: float, items: Sequence[tuple[str, str]]) -> list[str]:
    body = []
    for name, colour in items:
        body.append(f'<rect x="{x:.1f}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        body.append(_text(x + 14, y, name))
        x += 24 + 7 * len(name)
    return body


def _marker(x: float, top: float, h: float, label: str, dy: float = 0, dash: int = 0) -> list[str]:
    pattern = ' stroke-dasharray="2 3"' if dash else ' stroke-dasharray="6 3"'
    return [
        f'<line class="marker" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + h}" '
        f'stroke="#111827" stroke-width="1.5"{pattern}/>',
        _text(x + 4, top + 12 + dy, label, extra='font-weight="600"'),
    ]
