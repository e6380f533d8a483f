"""Plotly figures for personas and themes; each takes a frame and returns a figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from analytics.figures.palette import CATEGORICAL

if TYPE_CHECKING:
    import plotly.graph_objects as go

MAX_MAP_POINTS = 20_000


def persona_map(coords: pl.DataFrame, *, max_points: int = MAX_MAP_POINTS, seed: int = 0) -> go.Figure:
    """2D map (PCA) of users coloured by persona.

    Parameters
    ----------
    coords : polars.DataFrame
        user_id, x, y, persona_id and persona (name) — `PersonaRun.coords`.
    max_points : int
        Larger frames are sampled (same seed, same picture) to keep the browser responsive.
    seed : int
        Sampling seed.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.express as px

    frame = coords if coords.height <= max_points else coords.sample(max_points, seed=seed)
    if "persona" not in frame.columns:
        frame = frame.with_columns(pl.col("persona_id").cast(pl.Utf8).alias("persona"))
    frame = frame.sort("persona_id")
    fig = px.scatter(frame.to_pandas(), x="x", y="y", color="persona", hover_data=["user_id"],
                     opacity=0.7, render_mode="webgl", color_discrete_sequence=CATEGORICAL)
    fig.update_traces(marker={"size": 5})
    fig.update_layout(xaxis_title="PC 1", yaxis_title="PC 2", legend_title_text="Persona",
                      title="Users by persona (PCA of text + behaviour vectors)",
                      legend={"orientation": "h", "yanchor": "top", "y": -0.15})  # long names: below
    return fig


def theme_trend(trend: pl.DataFrame) -> go.Figure:
    """Feedback items per month for each theme (`ThemeRun.trend`: month, theme_id, theme, count)."""
    import plotly.express as px

    frame = trend.sort("month", "theme_id")
    fig = px.line(frame.to_pandas(), x="month", y="count", color="theme", markers=True,
                  color_discrete_sequence=CATEGORICAL)
    fig.update_layout(xaxis_title="Month", yaxis_title="Feedback items", legend_title_text="Theme",
                      title="Feedback themes over time")
    return fig
