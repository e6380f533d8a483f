"""Point labels that do not collide: each label is placed next to its point where it overlaps no other
label, no marker and no fixed box (quadrant names), moving further out (with a leader line) when
the near places are taken.

Plotly does not avoid label collisions itself. Positions are computed in pixels for a plot area of
a given size (`Canvas`); a wider plot on screen only spreads the points further apart, so a layout
free of collisions stays free of them. Text width is estimated from the character count.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

# Preference order of the directions a label may take from its point (dx, dy in "steps").
_DIRECTIONS = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1))
RINGS = 6  # how far out a label may move (in label heights)


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in pixels: x grows to the right, y grows downwards."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        """Area shared with `other` (0 when they only touch)."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0


@dataclass(frozen=True)
class Canvas:
    """Pixel size of the plot area and the data ranges it shows."""

    width: float
    height: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        """Data coordinates -> pixels in the plot area (origin top left)."""
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return ((x - x0) / (x1 - x0) * self.width, (y1 - y) / (y1 - y0) * self.height)


@dataclass(frozen=True)
class Placement:
    """Where one label goes: its offset from the point in pixels (right, down) and its box."""

    dx: float
    dy: float
    box: Box
    clear: bool  # False when every candidate overlapped something (the least bad one is used)


def text_width(text: str, font_px: float) -> float:
    """Estimated rendered width of `text`: wide (CJK) characters count double."""
    units = sum(2.0 if unicodedata.east_asian_width(c) in "WF" else 1.0 for c in text)
    return units * font_px * 0.58 + 4


def place_labels(points: Sequence[tuple[float, float]], texts: Sequence[str], canvas: Canvas, *,
                 font_px: float = 11, marker_px: float = 11,
                 obstacles: Sequence[Box] = ()) -> list[Placement]:
    """A place for every label where it overlaps no other label, no marker and no obstacle.

    Parameters
    ----------
    points : sequence of (x, y)
        The labelled points in data coordinates.
    texts : sequence of str
        One label per point.
    canvas : Canvas
        The plot area the points are drawn in.
    font_px : float
        Label font size in pixels.
    marker_px : float
        Marker diameter in pixels (markers are obstacles too).
    obstacles : sequence of Box
        Fixed boxes in pixels (e.g. quadrant names) no label may cover.

    Returns
    -------
    list of Placement
        In the order of `points`. Candidates are tried nearest first (above, below, right, left,
        then the diagonals, then further out); the first that is clear of everything and inside
        the plot area wins, else the one with the least overlap.
    """
    pixels = [canvas.to_px(x, y) for x, y in points]
    r = marker_px / 2
    taken = list(obstacles) + [Box(px - r, py - r, px + r, py + r) for px, py in pixels]
    area = Box(0, 0, canvas.width, canvas.height)
    height = font_px * 1.3
    out: list[Placement | None] = [None] * len(pixels)
    # crowded points first: they have the fewest free places
    order = sorted(range(len(pixels)), key=lambda i: -sum(
        1 for j in range(len(pixels)) if j != i and math.dist(pixels[i], pixels[j]) < 60))
    for i in order:
        px, py = pixels[i]
        width = text_width(texts[i], font_px)
        best: tuple[float, Placement] | None = None
        for ring in range(RINGS):
            for ux, uy in _DIRECTIONS:
                dx = ux * (r + 2 + width / 2 + ring * height)
                dy = uy * (r + 2 + height / 2 + ring * height)
                cx, cy = px + dx, py + dy
                box = Box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
                outside = (box.x1 - box.x0) * (box.y1 - box.y0) - box.overlap(area)
                cost = sum(box.overlap(t) for t in taken) + outside
                if ring:  # a leader line through another label is worse than none (but better than overlap)
                    cost += _crossings((px, py), (cx, cy), taken[len(obstacles) + len(pixels):]) * 0.5
                if best is None or cost < best[0]:
                    best = (cost, Placement(dx, dy, box, cost == 0))
                if cost == 0:
                    break
            if best is not None and best[0] == 0:
                break
        assert best is not None
        out[i] = best[1]
        taken.append(best[1].box)
    return [p for p in out if p is not None]


def _crossings(start: tuple[float, float], end: tuple[float, float], boxes: Sequence[Box]) -> int:
    """How many sample points of the segment start-end fall inside one of `boxes`."""
    hits = 0
    for t in (0.2, 0.35, 0.5, 0.65, 0.8):
        x, y = start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])
        hits += sum(1 for b in boxes if b.x0 < x < b.x1 and b.y0 < y < b.y1)
    return hits


def add_point_labels(fig: go.Figure, points: Sequence[tuple[float, float]], texts: Sequence[str],
                     canvas: Canvas, *, font_px: float = 11, marker_px: float = 11,
                     obstacles: Sequence[Box] = (), color: str = "#444") -> list[Placement]:
    """Add the labels of `place_labels` to `fig` as annotations (a thin leader line when moved away).

    Returns the placements (for tests and callers that want to know what was clear).
    """
    placements = place_labels(points, texts, canvas, font_px=font_px, marker_px=marker_px,
                              obstacles=obstacles)
    near = marker_px / 2 + font_px * 1.3 + 4
    for (x, y), text, p in zip(points, texts, placements, strict=True):
        far = abs(p.dy) > near or abs(p.dx) > text_width(text, font_px) / 2 + near
        fig.add_annotation(x=x, y=y, text=text, showarrow=far, ax=p.dx, ay=p.dy, arrowhead=0,
                           arrowwidth=0.7, arrowcolor="#999", standoff=marker_px / 2,
                           xshift=0 if far else p.dx, yshift=0 if far else -p.dy,
                           font={"size": font_px, "color": color}, xanchor="center", yanchor="middle")
    return placements


def corner_box(canvas: Canvas, corner: str, text: str, font_px: float, pad: float = 4) -> Box:
    """The pixel box of a label written in a corner of the plot area ('top left', 'bottom right' ...)."""
    width, height = text_width(text, font_px), font_px * 1.3
    vertical, horizontal = corner.split()
    x0 = pad if horizontal == "left" else canvas.width - pad - width
    y0 = pad if vertical == "top" else canvas.height - pad - height
    return Box(x0, y0, x0 + width, y0 + height)
