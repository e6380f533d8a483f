"""Kano figures: Better/Worse scatter with the four quadrants, and the DuMouchel continuous plot."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

_QUADRANTS = (  # (x, y, label) in the Better/|Worse| plane, split at 0.5
    (0.25, 0.75, "Attractive"), (0.75, 0.75, "One-dimensional"),
    (0.75, 0.25, "Must-be"), (0.25, 0.25, "Indifferent"),
)


def _groups(frame: pl.DataFrame) -> list[tuple[str | None, pl.DataFrame]]:
    if "segment" in frame.columns and frame["segment"].null_count() < frame.height:
        values = frame["segment"].unique(maintain_order=True)
        return [(str(s), frame.filter(pl.col("segment") == s)) for s in values]
    return [(None, frame)]


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
    for name, part in _groups(data):
        fig.add_trace(go.Scatter(
            x=part["worse"].abs().to_list(), y=part["better"].to_list(), mode="markers+text",
            text=part["feature"].to_list(), textposition="top center", name=name or "features",
            customdata=part.select("category", "n").rows(),
            hovertemplate="%{text}<br>|Worse| %{x:.3f}, Better %{y:.3f}<br>category %{customdata[0]}, "
                          "n=%{customdata[1]}<extra></extra>",
            marker={"size": 11}))
    for x, y, label in _QUADRANTS:
        fig.add_annotation(x=x, y=y, text=label, showarrow=False, opacity=0.35, font={"size": 16})
    fig.add_shape(type="line", x0=0.5, x1=0.5, y0=0, y1=1, line={"dash": "dot", "color": "grey"})
    fig.add_shape(type="line", x0=0, x1=1, y0=0.5, y1=0.5, line={"dash": "dot", "color": "grey"})
    fig.update_layout(title="Kano satisfaction coefficients",
                      xaxis_title="|Worse| (dissatisfaction if absent)",
                      yaxis_title="Better (satisfaction if present)", showlegend=len(fig.data) > 1)
    fig.update_xaxes(range=[-0.02, 1.02])
    fig.update_yaxes(range=[-0.02, 1.08])
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
    for name, part in _groups(frame):
        importance = part["mean_importance"].fill_null(1.0).to_list()
        top = max(importance) if importance else 1.0
        fig.add_trace(go.Scatter(
            x=part["dysfunctional_score"].to_list(), y=part["functional_score"].to_list(),
            mode="markers+text", text=part["feature"].to_list(), textposition="top center",
            name=name or "features", marker={"size": [8 + 14 * (v / top if top else 0) for v in importance]},
            hovertemplate="%{text}<br>dysfunctional %{x:.2f}, functional %{y:.2f}<extra></extra>"))
    for x, y, label in ((-1, 3, "Attractive"), (3, 3, "One-dimensional"), (3, -1, "Must-be"),
                        (-1, -1, "Indifferent")):
        fig.add_annotation(x=x, y=y, text=label, showarrow=False, opacity=0.35, font={"size": 16})
    fig.add_shape(type="line", x0=0, x1=0, y0=-2, y1=4, line={"dash": "dot", "color": "grey"})
    fig.add_shape(type="line", x0=-2, x1=4, y0=0, y1=0, line={"dash": "dot", "color": "grey"})
    fig.update_layout(title="Kano continuous analysis (DuMouchel)",
                      xaxis_title="dysfunctional score (−2 like … 4 dislike)",
                      yaxis_title="functional score (−2 dislike … 4 like)", showlegend=len(fig.data) > 1)
    fig.update_xaxes(range=[-2.1, 4.1])
    fig.update_yaxes(range=[-2.1, 4.3])
    return fig
