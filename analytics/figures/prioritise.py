"""Prioritisation figures: value/effort matrix and the ranking bar chart."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from analytics.figures.labels import Canvas, add_point_labels, corner_box

QUADRANT_COLOURS = {"quick win": "#2ca02c", "big bet": "#1f77b4", "fill-in": "#bcbd22",
                    "money pit": "#d62728"}
# Where each quadrant's name is written: value grows upwards, effort to the right.
QUADRANT_CORNERS = {"quick win": "top left", "big bet": "top right", "fill-in": "bottom left",
                    "money pit": "bottom right"}
HEIGHT = 560
PLOT_WIDTH, PLOT_HEIGHT = 760.0, 440.0
QUADRANT_FONT = 13
BAND = 0.12  # share of the value axis kept free above and below the points for the quadrant names


def _padded(low: float, high: float, share: float) -> tuple[float, float]:
    span = (high - low) or max(abs(high), 1.0)
    return low - share * span, high + share * span


def value_effort_figure(frame: pl.DataFrame) -> go.Figure:
    """Value (reach × impact × confidence) against effort, coloured by quadrant, median split lines.

    Requirement ids are placed where they collide with no other id and no quadrant name
    (`analytics.figures.labels`); the quadrant names sit in bands above and below the points.

    Parameters
    ----------
    frame : polars.DataFrame
        Output of `analytics.prioritise.prioritise` with ``method="value-effort"`` or ``"rice"``
        (needs reach, impact, confidence, effort and quadrant).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    data = frame.with_columns(value=pl.col("reach") * pl.col("impact") * pl.col("confidence"),
                              effort_used=pl.col("effort").clip(lower_bound=0.5))
    fig = go.Figure()
    for quadrant, colour in QUADRANT_COLOURS.items():
        part = data.filter(pl.col("quadrant") == quadrant)
        if part.is_empty():
            continue
        fig.add_trace(go.Scatter(
            x=part["effort_used"].to_list(), y=part["value"].to_list(), mode="markers",
            text=part["req_id"].to_list(), name=quadrant,
            customdata=part.select("title", "score").rows(), marker={"size": 11, "color": colour},
            hovertemplate="%{text} %{customdata[0]}<br>effort %{x}, value %{y:.1f}<br>score "
                          "%{customdata[1]:.1f}<extra></extra>"))
    if data.height:
        x_range = _padded(float(data["effort_used"].min()), float(data["effort_used"].max()), 0.08)
        y_range = _padded(float(data["value"].min()), float(data["value"].max()), BAND + 0.04)
        canvas = Canvas(PLOT_WIDTH, PLOT_HEIGHT, x_range, y_range)
        obstacles = []
        for quadrant, corner in QUADRANT_CORNERS.items():
            name = quadrant + "s"
            box = corner_box(canvas, corner, name, QUADRANT_FONT)
            obstacles.append(box)
            vertical, horizontal = corner.split()
            fig.add_annotation(xref="x domain", yref="y domain", x=0 if horizontal == "left" else 1,
                               y=1 if vertical == "top" else 0, xanchor=horizontal,
                               yanchor="top" if vertical == "top" else "bottom", text=name, showarrow=False,
                               xshift=4 if horizontal == "left" else -4,
                               yshift=-4 if vertical == "top" else 4,
                               font={"size": QUADRANT_FONT, "color": QUADRANT_COLOURS[quadrant]})
        points = list(zip(data["effort_used"].to_list(), data["value"].to_list(), strict=True))
        add_point_labels(fig, points, data["req_id"].to_list(), canvas, obstacles=obstacles)
        fig.add_vline(x=float(data["effort_used"].median()), line_dash="dot", line_color="grey")
        fig.add_hline(y=float(data["value"].median()), line_dash="dot", line_color="grey")
        fig.update_xaxes(range=list(x_range))
        fig.update_yaxes(range=list(y_range))
    fig.update_layout(title="Value / effort", xaxis_title="effort (person-months)", height=HEIGHT,
                      yaxis_title="value = reach × impact × confidence")
    return fig


def ranking_figure(frame: pl.DataFrame, *, top: int = 20) -> go.Figure:
    """Horizontal bars of the top requirements' scores, best at the top; flagged defaults hatched.

    The title says how many of the backlog's requirements are drawn ("top 20 of 25").

    Parameters
    ----------
    frame : polars.DataFrame
        Output of `analytics.prioritise.prioritise`.
    top : int
        Number of requirements shown.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    data = frame.head(top).reverse()
    flagged = [bool(f) for f in data["flags"].to_list()] if "flags" in data.columns else [False] * data.height
    labels = [f"{r} {t}" for r, t in zip(data["req_id"].to_list(), data["title"].to_list(), strict=True)]
    fig = go.Figure(go.Bar(
        x=data["score"].to_list(), y=labels, orientation="h",
        marker={"color": ["#ff7f0e" if f else "#1f77b4" for f in flagged],
                "pattern": {"shape": ["/" if f else "" for f in flagged]}},
        hovertemplate="%{y}<br>score %{x:.2f}<extra></extra>"))
    shown = (f"top {data.height} of {frame.height} requirements" if frame.height > data.height
             else f"all {frame.height} requirements")
    fig.update_layout(title=f"Ranking: {shown} (hatched: uses a default for a missing input)",
                      xaxis_title="score", height=max(300, 28 * data.height + 120), margin={"l": 260})
    return fig
