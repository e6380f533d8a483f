"""Prioritisation figures: value/effort matrix and the ranking bar chart."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

QUADRANT_COLOURS = {"quick win": "#2ca02c", "big bet": "#1f77b4", "fill-in": "#bcbd22",
                    "money pit": "#d62728"}


def value_effort_figure(frame: pl.DataFrame) -> go.Figure:
    """Value (reach × impact × confidence) against effort, coloured by quadrant, median split lines.

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
            x=part["effort_used"].to_list(), y=part["value"].to_list(), mode="markers+text",
            text=part["req_id"].to_list(), textposition="top center", name=quadrant,
            customdata=part.select("title", "score").rows(), marker={"size": 11, "color": colour},
            hovertemplate="%{customdata[0]}<br>effort %{x}, value %{y:.1f}<br>score %{customdata[1]:.1f}"
                          "<extra></extra>"))
    if data.height:
        fig.add_vline(x=float(data["effort_used"].median()), line_dash="dot", line_color="grey")
        fig.add_hline(y=float(data["value"].median()), line_dash="dot", line_color="grey")
    fig.update_layout(title="Value / effort", xaxis_title="effort (person-months)",
                      yaxis_title="value = reach × impact × confidence")
    return fig


def ranking_figure(frame: pl.DataFrame, *, top: int = 20) -> go.Figure:
    """Horizontal bars of the top requirements' scores, best at the top; flagged defaults hatched.

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
    fig.update_layout(title="Ranking (hatched: uses a default for a missing input)", xaxis_title="score",
                      height=max(300, 28 * data.height + 120), margin={"l": 260})
    return fig
