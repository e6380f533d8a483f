"""The report's charts as small inline SVG documents: no script, no external request, and the same
markup in the HTML and the PDF (weasyprint draws SVG itself). Every label is XML-escaped."""

from __future__ import annotations

import math
from html import escape

from analytics.names import KANO_NAMES
from analytics.report.model import Report

FONT = "'Noto Sans CJK SC', 'Noto Sans', 'DejaVu Sans', sans-serif"
QUADRANT_COLOURS = {
    "quick win": "#2e7d32",
    "big bet": "#1565c0",
    "fill-in": "#9e9d24",
    "money pit": "#c62828",
}
KANO_COLOURS = {
    "M": "#c62828",
    "O": "#1565c0",
    "A": "#2e7d32",
    "I": "#757575",
    "R": "#6a1b9a",
    "Q": "#ef6c00",
}
W, H = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 20, 48


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (1, 2, 2.5 or 5 times a power of ten apart)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    return [round(first + i * step, 10) for i in range(int(math.ceil((hi - first) / step)) + 1)]


def _label(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Plot:
    """A linear x/y plot area with axes, ticks and titles."""

    def __init__(
        self,
        x_max: float,
        y_max: float,
        x_title: str,
        y_title: str,
        *,
        x_min: float = 0.0,
        y_min: float = 0.0,
    ) -> None:
        self.xt, self.yt = nice_ticks(x_min, x_max), nice_ticks(y_min, y_max)
        self.x0, self.x1, self.y0, self.y1 = self.xt[0], self.xt[-1], self.yt[0], self.yt[-1]
        self.parts: list[str] = []
        grid = []
        for t in self.xt:
            grid.append(
                f'<line x1="{self.x(t):.1f}" x2="{self.x(t):.1f}" y1="{TOP}" y2="{H - BOTTOM}" '
                f'stroke="#e0e0e0"/><text x="{self.x(t):.1f}" y="{H - BOTTOM + 16}" '
                f'text-anchor="middle">{_label(t)}</text>'
            )
        for t in self.yt:
            grid.append(
                f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{self.y(t):.1f}" y2="{self.y(t):.1f}" '
                f'stroke="#e0e0e0"/><text x="{LEFT - 6}" y="{self.y(t) + 4:.1f}" '
                f'text-anchor="end">{_label(t)}</text>'
            )
        grid.append(
            f'<rect x="{LEFT}" y="{TOP}" width="{W - LEFT - RIGHT}" height="{H - TOP - BOTTOM}" '
            'fill="none" stroke="#9e9e9e"/>'
        )
        grid.append(
            f'<text x="{(LEFT + W - RIGHT) / 2}" y="{H - 8}" text-anchor="middle" '
            f'font-size="12">{escape(x_title)}</text>'
        )
        grid.append(
            f'<text transform="translate(14 {(TOP + H - BOTTOM) / 2}) rotate(-90)" '
            f'text-anchor="middle" font-size="12">{escape(y_title)}</text>'
        )
        self.parts.extend(grid)

    def x(self, v: float) -> float:
        return LEFT + (v - self.x0) / (self.x1 - self.x0) * (W - LEFT - RIGHT)

    def y(self, v: float) -> float:
        return H - BOTTOM - (v - self.y0) / (self.y1 - self.y0) * (H - TOP - BOTTOM)

    def svg(self, title: str) -> str:
        body = "".join(self.parts)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
            f'role="img" font-family="{FONT}" font-size="10" fill="#212121">'
            f"<title>{escape(title)}</title>{body}</svg>"
        )


def value_effort_svg(report: Report, *, labelled: int = 12) -> str:
    """Value (reach × impact × confidence) against effort, coloured by quadrant, split at the medians.

    Parameters
    ----------
    report : Report
    labelled : int
        The best-ranked requirements whose id is written next to their point.

    Returns
    -------
    str
        An ``<svg>`` element; empty when no requirement has value and effort.
    """
    pts = [r for r in report.ranking if r.value is not None and r.effort is not None]
    if not pts:
        return ""
    plot = _Plot(
        max(r.effort for r in pts) * 1.05,
        max(r.value for r in pts) * 1.08 or 1,
        "effort (person-months, at least 0.5)",
        "value = reach × impact × confidence",
    )
    v_med, e_med = _median([r.value for r in pts]), _median([r.effort for r in pts])
    p = plot.parts
    p.append(
        f'<line x1="{plot.x(e_med):.1f}" x2="{plot.x(e_med):.1f}" y1="{TOP}" y2="{H - BOTTOM}" '
        'stroke="#616161" stroke-dasharray="4 3"/>'
    )
    p.append(
        f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{plot.y(v_med):.1f}" y2="{plot.y(v_med):.1f}" '
        'stroke="#616161" stroke-dasharray="4 3"/>'
    )
    corners = (
        ("quick win", LEFT + 50, TOP + 14),
        ("big bet", W - RIGHT - 50, TOP + 14),
        ("fill-in", LEFT + 50, H - BOTTOM - 6),
        ("money pit", W - RIGHT - 50, H - BOTTOM - 6),
    )
    for name, x, y in corners:
        p.append(
            f'<text x="{x}" y="{y}" text-anchor="middle" font-size="12" font-weight="bold" '
            f'fill="{QUADRANT_COLOURS[name]}">{name}s</text>'
        )
    for r in sorted(pts, key=lambda r: -r.rank):
        colour = QUADRANT_COLOURS.get(r.quadrant or "", "#616161")
        cx, cy = plot.x(r.effort), plot.y(r.value)
        p.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="{colour}" fill-opacity="0.75" '
            f'stroke="#fff" stroke-width="0.8"><title>{escape(r.req_id)} {escape(r.title)}</title></circle>'
        )
        if r.rank <= labelled:
            p.append(f'<text x="{cx + 6:.1f}" y="{cy - 5:.1f}">{escape(_short(r.req_id, 12))}</text>')
    return plot.svg("Value / effort matrix")


def kano_svg(report: Report) -> str:
    """Better (y) against |Worse| (x) per Kano feature, quadrants split at 0.5.

    Parameters
    ----------
    report : Report

    Returns
    -------
    str
        An ``<svg>`` element; empty without Kano results.
    """
    feats = [f for f in report.kano.features if f.better is not None and f.worse is not None]
    if not feats:
        return ""
    plot = _Plot(1.0, 1.0, "|Worse| (dissatisfaction when absent)", "Better (satisfaction when present)")
    p = plot.parts
    p.append(
        f'<line x1="{plot.x(0.5):.1f}" x2="{plot.x(0.5):.1f}" y1="{TOP}" y2="{H - BOTTOM}" '
        'stroke="#616161" stroke-dasharray="4 3"/>'
    )
    p.append(
        f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{plot.y(0.5):.1f}" y2="{plot.y(0.5):.1f}" '
        'stroke="#616161" stroke-dasharray="4 3"/>'
    )
    for label, x, y in (
        ("Attractive", 0.25, 0.95),
        ("One-dimensional", 0.75, 0.95),
        ("Indifferent", 0.25, 0.04),
        ("Must-be", 0.75, 0.04),
    ):
        p.append(
            f'<text x="{plot.x(x):.1f}" y="{plot.y(y):.1f}" text-anchor="middle" font-size="13" '
            f'fill="#9e9e9e">{label}</text>'
        )
    for f in feats:
        cx, cy = plot.x(abs(f.worse)), plot.y(f.better)
        colour = KANO_COLOURS.get(f.category, "#616161")
        p.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{colour}" fill-opacity="0.8">'
            f"<title>{escape(f.feature)}: {KANO_NAMES.get(f.category, f.category)}, n={f.n}</title></circle>"
        )
        p.append(f'<text x="{cx + 7:.1f}" y="{cy + 3:.1f}">{escape(_short(f.feature))}</text>')
    return plot.svg("Kano Better / Worse")


def ranking_svg(report: Report, *, top: int = 15) -> str:
    """Horizontal bars of the best `top` scores; bars of requirements using a default are orange.

    Parameters
    ----------
    report : Report
    top : int

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    rows = report.ranking[:top]
    if not rows:
        return ""
    bar_h, left, width = 18, 230, W
    height = TOP + bar_h * len(rows) + 30
    hi = max(max(r.score for r in rows), 0) or 1.0
    lo = min(min(r.score for r in rows), 0)
    ticks = nice_ticks(lo, hi, 4)
    span = ticks[-1] - ticks[0]

    def sx(v: float) -> float:
        return left + (v - ticks[0]) / span * (width - left - RIGHT)

    parts = []
    for t in ticks:
        parts.append(
            f'<line x1="{sx(t):.1f}" x2="{sx(t):.1f}" y1="{TOP - 4}" y2="{height - 26}" stroke="#e0e0e0"/>'
            f'<text x="{sx(t):.1f}" y="{height - 12}" text-anchor="middle">{_label(t)}</text>'
        )
    for i, r in enumerate(rows):
        y = TOP + i * bar_h
        colour = "#ef6c00" if r.flags else "#1565c0"
        x_a, x_b = sorted((sx(0), sx(r.score)))
        parts.append(
            f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">'
            f"{escape(_short(f'{r.rank}. {r.req_id} {r.title}', 40))}</text>"
            f'<rect x="{x_a:.1f}" y="{y + 2}" width="{max(x_b - x_a, 0.5):.1f}" height="{bar_h - 5}" '
            f'fill="{colour}"/>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" font-family="{FONT}" font-size="10" fill="#212121">'
        f"<title>Top {len(rows)} scores</title>{''.join(parts)}</svg>"
    )


def _median(values: list[float]) -> float:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2
