"""Kano figures: Better/Worse scatter with the four quadrants, and the DuMouchel continuous plot.

Quadrant names sit in bands outside the values the coefficients can take (Better and |Worse| lie in
0..1, the DuMouchel scores in −2..4), so no point is ever drawn under one; feature labels are placed
by `analytics.figures.labels` so they collide with neither each other nor the quadrant names.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from analytics.figures.labels import Box, Canvas, add_point_labels, text_width
from analytics.figures.palette import colour

HEIGHT = 560
# Plot area of a 560 px figure in a ~900 px wide column (conservative: wider only spreads points out).
PLOT_WIDTH, PLOT_HEIGHT = 760.0, 440.0
QUADRANT_FONT = 14
LABEL_FONT = 11
LEGEND = {"orientation": "h", "yanchor": "top", "y": -0.2}  # segment names (personas) are long: below
MAX_LABELS = 40  # more points than this are named on hover only
BETTER_WORSE_RANGE = ((-0.04, 1.04), (-0.16, 1.16))
# (x, y, name): Better/|Worse| split at 0.5; the names in the bands above 1 and below 0
BETTER_WORSE_QUADRANTS = ((0.25, 1.09, "Attractive"), (0.75, 1.09, "One-dimensional"),
                          (0.75, -0.09, "Must-be"), (0.25, -0.09, "Indifferent"))
CONTINUOUS_RANGE = ((-2.3, 4.3), (-2.9, 4.9))
CONTINUOUS_QUADRANTS = ((-1.0, 4.5, "Attractive"), (2.0, 4.5, "One-dimensional"),
                        (2.0, -2.5, "Must-be"), (-1.0, -2.5, "Indifferent"))


def _groups(frame: pl.DataFrame) -> list[tuple[str | None, pl.DataFrame]]:
    if "segment" in frame.columns and frame["segment"].null_count() < frame.height:
        values = frame["segment"].unique(maintain_order=True)
        return [(str(s), frame.filter(pl.col("segment") == s)) for s in values]
    return [(None, frame)]


def _quadrants(fig: go.Figure, canvas: Canvas, names: tuple[tuple[float, float, str], ...]) -> list[Box]:
    """Write the quadrant names; returns their pixel boxes (labels must stay clear of them)."""
    boxes = []
    for x, y, label in names:
        fig.add_annotation(x=x, y=y, text=label, showarrow=False,
                           font={"size": QUADRANT_FONT, "color": "#999"})
        px, py = canvas.to_px(x, y)
        w, h = text_width(label, QUADRANT_FONT), QUADRANT_FONT * 1.3
        boxes.append(Box(px - w / 2, py - h / 2, px + w / 2, py + h / 2))
    return boxes


def _scatter(fig: go.Figure, frame: pl.DataFrame, x: str, y: str, hover: str, canvas: Canvas,
             obstacles: list[Box], sizes: dict[str | None, list[float]] | None = None) -> None:
    """One trace per segment (markers, hover text) and collision-free feature labels."""
    points: list[tuple[float, float]] = []
    names: list[str] = []
    for i, (name, part) in enumerate(_groups(frame)):
        xs = part[x].abs().to_list() if x == "worse" else part[x].to_list()
        ys = part[y].to_list()
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="markers", text=part["feature"].to_list(), name=name or "features",
            customdata=part.select("category", "n").rows(), hovertemplate=hover,
            marker={"size": (sizes or {}).get(name, 11), "color": colour(i)}))
        points += list(zip(xs, ys, strict=True))
        names += part["feature"].to_list()
    if len(points) <= MAX_LABELS:
        biggest = max((max(v) for v in (sizes or {}).values() if v), default=11)
        add_point_labels(fig, points, names, canvas, font_px=LABEL_FONT, marker_px=biggest,
                         obstacles=obstacles)


def better_worse_figure(frame: pl.DataFrame) -> go.Figure:
    """Scatter of |Worse| (x) against Better (y) per feature, quadrants split at 0.5.

    Parameters
    ----------
    frame : polars.DataFrame
        Output of `analytics.kano.kano_results` (one trace per segment when segmented).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    data = frame.filter(pl.col("better").is_not_null())
    canvas = Canvas(PLOT_WIDTH, PLOT_HEIGHT, *BETTER_WORSE_RANGE)
    obstacles = _quadrants(fig, canvas, BETTER_WORSE_QUADRANTS)
    _scatter(fig, data, "worse", "better", "%{text}<br>|Worse| %{x:.3f}, Better %{y:.3f}<br>category "
             "%{customdata[0]}, n=%{customdata[1]}<extra></extra>", canvas, obstacles)
    fig.add_shape(type="line", x0=0.5, x1=0.5, y0=0, y1=1, line={"dash": "dot", "color": "grey"})
    fig.add_shape(type="line", x0=0, x1=1, y0=0.5, y1=0.5, line={"dash": "dot", "color": "grey"})
    fig.update_layout(title="Kano satisfaction coefficients", height=HEIGHT, legend=LEGEND,
                      xaxis_title="|Worse| (dissatisfaction if absent)",
                      yaxis_title="Better (satisfaction if present)", showlegend=len(fig.data) > 1)
    fig.update_xaxes(range=list(BETTER_WORSE_RANGE[0]), tickvals=[0, 0.25, 0.5, 0.75, 1])
    fig.update_yaxes(range=list(BETTER_WORSE_RANGE[1]), tickvals=[0, 0.25, 0.5, 0.75, 1])
    return fig


def continuous_figure(frame: pl.DataFrame) -> go.Figure:
    """DuMouchel continuous analysis: mean dysfunctional (x) against mean functional (y) score.

    Parameters
    ----------
    frame : polars.DataFrame
        Output of `analytics.kano.kano_results`; marker size follows mean importance when given.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    canvas = Canvas(PLOT_WIDTH, PLOT_HEIGHT, *CONTINUOUS_RANGE)
    obstacles = _quadrants(fig, canvas, CONTINUOUS_QUADRANTS)
    sizes = {}
    for name, part in _groups(frame):
        importance = part["mean_importance"].fill_null(1.0).to_list()
        top = max(importance) if importance else 1.0
        sizes[name] = [8 + 14 * (v / top if top else 0) for v in importance]
    _scatter(fig, frame, "dysfunctional_score", "functional_score",
             "%{text}<br>dysfunctional %{x:.2f}, functional %{y:.2f}<extra></extra>", canvas, obstacles,
             sizes)
    fig.add_shape(type="line", x0=0, x1=0, y0=-2, y1=4, line={"dash": "dot", "color": "grey"})
    fig.add_shape(type="line", x0=-2, x1=4, y0=0, y1=0, line={"dash": "dot", "color": "grey"})
    fig.update_layout(title="Kano continuous analysis (DuMouchel)", height=HEIGHT, legend=LEGEND,
                      xaxis_title="dysfunctional score (−2 like … 4 dislike)",
                      yaxis_title="functional score (−2 dislike … 4 like)", showlegend=len(fig.data) > 1)
    fig.update_xaxes(range=list(CONTINUOUS_RANGE[0]), tickvals=[-2, -1, 0, 1, 2, 3, 4])
    fig.update_yaxes(range=list(CONTINUOUS_RANGE[1]), tickvals=[-2, -1, 0, 1, 2, 3, 4])
    return fig
