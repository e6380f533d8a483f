"""Behaviour figures: retention heatmap and curves, lifecycle bars, DAU/WAU/MAU, stickiness,
power-user histogram and funnel bars. Each builder takes the frame its metric returns."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from analytics.figures.palette import colour
from analytics.names import period_columns
from analytics.retention import retention_average, retention_percent

LIFECYCLE_COLOURS = {"new": "#2ca02c", "returning": "#1f77b4", "resurrecting": "#9467bd",
                     "dormant": "#d62728"}


def retention_heatmap(frame: pl.DataFrame, *, period: str = "week") -> go.Figure:
    """Cohort x period heatmap of retention percentages; unobservable cells stay blank.

    Parameters
    ----------
    frame : polars.DataFrame
        A :func:`analytics.retention.retention` result (counts).
    period : str
        Label for the column axis.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    cols = period_columns(frame)
    pct = retention_percent(frame)
    z = [[row[c] for c in cols] for row in pct.iter_rows(named=True)]
    counts = [[row[c] for c in cols] for row in frame.iter_rows(named=True)]
    labels = [f"{d.isoformat()} (n={n})" for d, n in zip(frame["cohort_start"], frame["cohort_size"],
                                                          strict=True)]
    fig = go.Figure(go.Heatmap(
        z=z, x=[f"{period} {c[1:]}" for c in cols], y=labels, customdata=counts, zmin=0, zmax=100,
        colorscale="Blues", colorbar={"title": "% retained"},
        hovertemplate="cohort %{y}<br>%{x}: %{z:.1f}% (%{customdata} users)<extra></extra>",
        hoverongaps=False))
    fig.update_layout(title="Retention by cohort", yaxis={"autorange": "reversed", "type": "category"},
                      xaxis={"side": "top"})
    return fig


def retention_curves(frame: pl.DataFrame, *, period: str = "week", max_cohorts: int = 12) -> go.Figure:
    """Retention curve per cohort (the latest `max_cohorts`) plus the size-weighted average.

    Parameters
    ----------
    frame : polars.DataFrame
        A :func:`analytics.retention.retention` result.
    period : str
        Label for the x axis.
    max_cohorts : int
        How many of the most recent cohorts get their own line.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    cols = period_columns(frame)
    xs = [int(c[1:]) for c in cols]
    fig = go.Figure()
    for i, row in enumerate(retention_percent(frame).tail(max_cohorts).iter_rows(named=True)):
        fig.add_trace(go.Scatter(x=xs, y=[row[c] for c in cols], mode="lines", opacity=0.45,
                                 name=row["cohort_start"].isoformat(), line={"width": 1, "color": colour(i)}))
    avg = retention_average(frame)
    if avg.height and cols:
        fig.add_trace(go.Scatter(x=xs, y=[avg[c][0] for c in cols], mode="lines+markers",
                                 name="average (size-weighted)", line={"width": 3, "color": "black"}))
    fig.update_layout(title="Retention curves", xaxis_title=f"{period}s after the cohort period",
                      yaxis_title="% of cohort", yaxis={"range": [0, 100]})
    return fig


def lifecycle_bars(frame: pl.DataFrame) -> go.Figure:
    """Stacked bars of new / returning / resurrecting (up) and dormant (down) users per period.

    Parameters
    ----------
    frame : polars.DataFrame
        A :func:`analytics.lifecycle.lifecycle` result.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    for status, status_colour in LIFECYCLE_COLOURS.items():
        part = frame.filter(pl.col("status") == status)
        fig.add_trace(go.Bar(x=part["period_start"].to_list(), y=part["users"].to_list(), name=status,
                             marker_color=status_colour))
    fig.update_layout(barmode="relative", title="Lifecycle", yaxis_title="users (dormant below zero)")
    return fig


def active_users_lines(frame: pl.DataFrame) -> go.Figure:
    """DAU, WAU and MAU lines per day.

    Parameters
    ----------
    frame : polars.DataFrame
        An :func:`analytics.engagement.dau_wau_mau` result.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    for i, (col, name) in enumerate((("dau", "DAU"), ("wau", "WAU (7 days)"), ("mau", "MAU (30 days)"))):
        fig.add_trace(go.Scatter(x=frame["day"].to_list(), y=frame[col].to_list(), mode="lines", name=name,
                                 line={"color": colour(i)}))
    fig.update_layout(title="Active users", yaxis_title="distinct users")
    return fig


def stickiness_line(frame: pl.DataFrame) -> go.Figure:
    """Stickiness (DAU / MAU) per day, as a percentage.

    Parameters
    ----------
    frame : polars.DataFrame
        An :func:`analytics.engagement.dau_wau_mau` result.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    pct = (frame["stickiness"] * 100).to_list()
    fig = go.Figure(go.Scatter(x=frame["day"].to_list(), y=pct, mode="lines", name="DAU/MAU",
                               line={"color": colour(0)}))
    fig.update_layout(title="Stickiness (DAU / MAU)", yaxis_title="%", yaxis={"rangemode": "tozero"})
    return fig


def power_user_histogram(frame: pl.DataFrame) -> go.Figure:
    """Users by number of active days in the window (L7 or L28).

    Parameters
    ----------
    frame : polars.DataFrame
        An :func:`analytics.engagement.power_users` result.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    days = frame.height
    fig = go.Figure(go.Bar(x=frame["active_days"].to_list(), y=frame["users"].to_list(), name=f"L{days}"))
    fig.update_layout(title=f"Power users (L{days})", xaxis_title=f"active days in the last {days} days",
                      yaxis_title="users", xaxis={"dtick": 1})
    return fig


def funnel_bars(frame: pl.DataFrame) -> go.Figure:
    """Horizontal funnel: users per step with conversion from the start and the previous step.

    Parameters
    ----------
    frame : polars.DataFrame
        An :func:`analytics.funnel.funnel` result.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    labels = [f"{s}. {n}" for s, n in zip(frame["step"], frame["step_name"], strict=True)]
    text = []
    for row in frame.iter_rows(named=True):
        start = row["conversion_from_start"]
        prev = row["conversion_from_previous"]
        bits = [f"{row['users']:,} users"]
        if start is not None:
            bits.append(f"{start:.1%} of start")
        if prev is not None:
            bits.append(f"{prev:.1%} of previous")
        text.append(" · ".join(bits))
    fig = go.Figure(go.Bar(x=frame["users"].to_list(), y=labels, orientation="h", text=text,
                           textposition="auto", marker_color="#1f77b4"))
    fig.update_layout(title="Funnel", yaxis={"autorange": "reversed"}, xaxis_title="users")
    return fig
