"""Journey figures: paths Sankey, step-matrix heatmaps, funnel and retention breakdowns, and the
odds-ratio chart of what predicts conversion. Each builder takes the frame its metric returns."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl

from analytics.figures.palette import CATEGORICAL
from analytics.names import period_columns

OTHER_LABEL = "other"
OTHER_COLOUR = "#b0b0b0"
ANCHOR_COLOUR = "#d62728"
NODE_COLOUR = "#1f77b4"


def sankey_links(edges: pl.DataFrame, *, anchor: str = "start", top: int = 8) -> pl.DataFrame:
    """Edges with, per step, only the `top` new-side events by users; the rest become ``other``.

    The new side of step i is the event i positions from E (the target in ``start`` mode, the source
    in ``end`` mode); a name lumped into ``other`` at a position is ``other`` on both of its edges.

    Parameters
    ----------
    edges : polars.DataFrame
        An :func:`analytics.paths.path_edges` result.
    anchor : {'start', 'end'}
        The mode the paths were computed in.
    top : int
        Events kept per position.

    Returns
    -------
    polars.DataFrame
        ``step``, ``source``, ``target``, ``users`` (re-aggregated), ordered as path_edges.
    """
    new, old = ("target", "source") if anchor == "start" else ("source", "target")
    kept: dict[int, set[str]] = {}
    for (step,), part in edges.group_by("step", maintain_order=True):
        ranked = part.group_by(new).agg(pl.col("users").sum()).sort(["users", new], descending=[True, False])
        kept[int(step)] = set(ranked[new].head(top).to_list())
    rows = []
    for step, source, target, users in edges.select("step", "source", "target", "users").iter_rows():
        names = {"source": source, "target": target}
        if names[new] not in kept[step]:
            names[new] = OTHER_LABEL
        if step > 1 and names[old] not in kept.get(step - 1, set()):
            names[old] = OTHER_LABEL
        rows.append((step, names["source"], names["target"], users))
    schema = {"step": pl.Int64, "source": pl.Utf8, "target": pl.Utf8, "users": pl.Int64}
    if not rows:
        return pl.DataFrame(schema=schema)
    return (pl.DataFrame(rows, schema=schema, orient="row").group_by("step", "source", "target")
            .agg(pl.col("users").sum())
            .sort(["step", "users", "source", "target"], descending=[False, True, False, False]))


def paths_sankey(edges: pl.DataFrame, *, anchor: str = "start", top: int = 8,
                 event: str | None = None) -> go.Figure:
    """Sankey of the paths from (``start``) or to (``end``) an event, `top` events per step.

    Parameters
    ----------
    edges : polars.DataFrame
        An :func:`analytics.paths.path_edges` result.
    anchor : {'start', 'end'}
        The mode the paths were computed in.
    top : int
        Events kept per step; the rest are grouped as ``other``.
    event : str or None
        The anchor's name, for the title.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    links = sankey_links(edges, anchor=anchor, top=top)
    index: dict[tuple[int, str], int] = {}
    inflow: dict[tuple[int, str], int] = {}
    outflow: dict[tuple[int, str], int] = {}
    src, dst, val = [], [], []
    for step, source, target, users in links.iter_rows():
        # positions count from E (0): in start mode the source sits at step-1, in end mode at step
        if anchor == "start":
            ends = ((step - 1, source), (step, target))
        else:
            ends = ((step, source), (step - 1, target))
        for key in ends:
            index.setdefault(key, len(index))
        outflow[ends[0]] = outflow.get(ends[0], 0) + users
        inflow[ends[1]] = inflow.get(ends[1], 0) + users
        src.append(index[ends[0]])
        dst.append(index[ends[1]])
        val.append(users)
    keys = sorted(index, key=index.get)
    # Plotly draws a node as tall as max(in, out); y is its centre
    size = {k: max(inflow.get(k, 0), outflow.get(k, 0)) for k in keys}
    last = max([pos for pos, _ in keys] + [1])
    x_of = {pos: 0.01 + 0.98 * (pos / last if anchor == "start" else 1 - pos / last) for pos, _ in keys}
    y_of = _stack(keys, size)
    palette = _event_colours([name for _, name in keys if name != OTHER_LABEL], size, keys)
    colours = [ANCHOR_COLOUR if pos == 0 else OTHER_COLOUR if name == OTHER_LABEL else palette[name]
               for pos, name in keys]
    new_side = dst if anchor == "start" else src  # a link takes the colour of the event it leads to
    fig = go.Figure(go.Sankey(
        arrangement="fixed",
        node={"label": [name for _, name in keys], "color": colours, "pad": SANKEY_PAD_PX, "thickness": 16,
              "x": [x_of[k[0]] for k in keys], "y": [y_of[k] for k in keys],
              "line": {"width": 0},
              "hovertemplate": "%{label}: %{value:,} users<extra></extra>"},
        link={"source": src, "target": dst, "value": val,
              "color": [_faded(colours[i]) for i in new_side],
              "hovertemplate": "%{source.label} → %{target.label}: %{value:,} users<extra></extra>"}))
    what = f" {'from' if anchor == 'start' else 'to'} {event}" if event else ""
    fig.update_layout(title=f"User paths{what} (top {top} per step, the rest as 'other')")
    return fig


def _offsets(frame: pl.DataFrame) -> list[int]:
    """Every offset from the smallest to the largest in the frame."""
    if not frame.height:
        return []
    return list(range(int(frame["offset"].min()), int(frame["offset"].max()) + 1))


def step_matrix_heatmap(matrix: pl.DataFrame, *, max_events: int = 15) -> go.Figure:
    """Events × offsets heatmap of the share of users (a :func:`analytics.stepmatrix.step_matrix` result).

    Rows are the `max_events` events with the largest summed share (the anchor first); empty cells are 0.
    """
    offsets = _offsets(matrix)
    totals = matrix.group_by("event").agg(pl.col("share").sum(),
                                          (pl.col("offset") == 0).any().alias("anchor"))
    order = (totals
             .sort(["anchor", "share", "event"], descending=[True, True, False])["event"]
             .head(max_events).to_list())
    cell = {(e, o): s for e, o, s in matrix.select("event", "offset", "share").iter_rows()}
    z = [[100 * cell.get((e, o), 0.0) for o in offsets] for e in order]
    base = int(matrix["base"][0]) if matrix.height else 0
    fig = go.Figure(go.Heatmap(z=z, x=[f"{o:+d}" if o else "E" for o in offsets], y=order, zmin=0, zmax=100,
                               colorscale="Blues", colorbar={"title": "% of users"},
                               hovertemplate="%{y} at step %{x}: %{z:.1f}%<extra></extra>"))
    fig.update_layout(title=f"Step matrix: share of the {base:,} users with the event, by step",
                      yaxis={"autorange": "reversed", "type": "category"}, xaxis={"type": "category"})
    return fig


def step_matrix_difference_heatmap(diff: pl.DataFrame, *, labels: tuple[str, str] = ("A", "B"),
                                   max_events: int = 15) -> go.Figure:
    """Diverging heatmap of share A − share B (an ``analytics.stepmatrix.step_matrix_difference`` frame)."""
    offsets = _offsets(diff)
    order = (diff.group_by("event").agg(pl.col("difference").abs().sum().alias("size"))
             .sort(["size", "event"], descending=[True, False])["event"].head(max_events).to_list())
    cell = {(e, o): d for e, o, d in diff.select("event", "offset", "difference").iter_rows()}
    z = [[100 * cell.get((e, o), 0.0) for o in offsets] for e in order]
    reach = max([abs(v) for row in z for v in row] + [1.0])
    fig = go.Figure(go.Heatmap(z=z, x=[f"{o:+d}" if o else "E" for o in offsets], y=order, zmid=0,
                               zmin=-reach, zmax=reach, colorscale="RdBu",
                               colorbar={"title": "points"},  # the groups are named in the title
                               hovertemplate="%{y} at step %{x}: %{z:+.1f} pts<extra></extra>"))
    fig.update_layout(title=f"Step matrix difference: {labels[0]} vs {labels[1]}",
                      yaxis={"autorange": "reversed", "type": "category"}, xaxis={"type": "category"})
    return fig


def funnel_breakdown_bars(frame: pl.DataFrame) -> go.Figure:
    """Conversion from step 1 per step, one bar group per breakdown value (a breakdown :func:`funnel`)."""
    fig = go.Figure()
    for (value,), part in frame.group_by("breakdown", maintain_order=True):
        fig.add_trace(go.Bar(x=[f"{s}. {n}" for s, n in zip(part["step"], part["step_name"], strict=True)],
                             y=[None if v is None else 100 * v for v in part["conversion_from_start"]],
                             name=str(value), customdata=part["users"].to_list(),
                             hovertemplate=f"{value}<br>%{{x}}: %{{y:.1f}}% "
                                           "(%{customdata} users)<extra></extra>"))
    fig.update_layout(barmode="group", title="Funnel by breakdown value", yaxis_title="% of step 1",
                      yaxis={"range": [0, 100]})
    return fig


def retention_breakdown_curves(average: pl.DataFrame, *, period: str = "week") -> go.Figure:
    """One retention curve per breakdown value (an ``analytics.retention_breakdown`` average frame)."""
    cols = period_columns(average)
    fig = go.Figure()
    for row in average.iter_rows(named=True):
        fig.add_trace(go.Scatter(x=[int(c[1:]) for c in cols], y=[row[c] for c in cols], mode="lines+markers",
                                 name=f"{row['breakdown']} (n={row['cohort_size']:,})"))
    fig.update_layout(title="Retention by breakdown value", xaxis_title=f"{period}s after the cohort period",
                      yaxis_title="% of cohort", yaxis={"range": [0, 100]})
    return fig


def odds_ratio_chart(signals: pl.DataFrame) -> go.Figure:
    """Odds ratios with their 95 % intervals on a log axis (rows of ``analytics.correlation.correlation``)."""
    rows = signals.sort("odds_ratio")
    labels = [f"{f} ({100 * s:.0f}% of users)" for f, s in zip(rows["feature"], rows["share"], strict=True)]
    ors = rows["odds_ratio"].to_list()
    fig = go.Figure(go.Scatter(
        x=ors, y=labels, mode="markers",
        marker={"color": ["#2ca02c" if v > 1 else "#d62728" for v in ors], "size": 9},
        error_x={"type": "data", "symmetric": False,
                 "array": [h - v for h, v in zip(rows["ci_high"], ors, strict=True)],
                 "arrayminus": [v - lo for lo, v in zip(rows["ci_low"], ors, strict=True)]},
        hovertemplate="%{y}: odds ratio %{x:.2f}<extra></extra>"))
    fig.add_vline(x=1, line_dash="dot", line_color="grey")
    low = min([v for v in rows["ci_low"].to_list() if v and v > 0] + [0.5])
    high = max(rows["ci_high"].to_list() + [2.0])
    fig.update_layout(title="What predicts the outcome (odds ratio, 95 % CI)", xaxis_type="log",
                      xaxis={"range": [math.log10(low) - 0.1, math.log10(high) + 0.1]},
                      yaxis={"type": "category"}, height=max(320, 28 * rows.height + 120))
    return fig


SANKEY_PAD_PX = 18
_PAD_SHARE = 0.035  # the gap between two nodes as a share of the plot height (about SANKEY_PAD_PX)


def _stack(keys: list[tuple[int, str]], size: dict[tuple[int, str], int]) -> dict[tuple[int, str], float]:
    """Node centres (0 top .. 1 bottom): each column stacked biggest first, on one scale for every column,
    with a gap between nodes, so small nodes and their labels never overlap."""
    columns: dict[int, list[tuple[int, str]]] = {}
    for k in keys:
        columns.setdefault(k[0], []).append(k)
    scale = min((1 - _PAD_SHARE * (len(c) - 1)) / max(sum(size[k] for k in c), 1) for c in columns.values())
    y: dict[tuple[int, str], float] = {}
    for column in columns.values():
        top = 0.0
        for k in sorted(column, key=lambda k: (k[1] == OTHER_LABEL, -size[k], k[1])):
            h = size[k] * scale
            y[k] = min(0.999, max(0.001, top + h / 2))
            top += h + _PAD_SHARE
    return y


def _event_colours(names: list[str], size: dict[tuple[int, str], int],
                   keys: list[tuple[int, str]]) -> dict[str, str]:
    """One colour per event name (the same in every column), the busiest events first; never the anchor's
    red nor the grey of 'other'."""
    hues = [c for c in CATEGORICAL if c not in ("#E15759", "#BAB0AC")]
    total: dict[str, int] = {}
    for pos, name in keys:
        total[name] = total.get(name, 0) + size[(pos, name)]
    ranked = sorted(set(names), key=lambda n: (-total[n], n))
    return {name: hues[i % len(hues)] for i, name in enumerate(ranked)}


def _faded(hex_colour: str, alpha: float = 0.35) -> str:
    """'#4E79A7' -> 'rgba(78,121,167,0.35)' (links show the nodes through them)."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
