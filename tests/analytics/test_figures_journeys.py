"""Journey figures: Sankey top-N + other (by hand), heatmaps, breakdown bars and curves, odds ratios."""

from __future__ import annotations

import polars as pl

from analytics.figures.journeys import (funnel_breakdown_bars, odds_ratio_chart, paths_sankey,
                                        retention_breakdown_curves, sankey_links,
                                        step_matrix_difference_heatmap, step_matrix_heatmap)

EDGES = pl.DataFrame({"step": [1, 1, 1, 2, 2, 2], "source": ["E", "E", "E", "F", "G", "H"],
                      "target": ["F", "G", "H", "X", "Y", "X"], "users": [5, 3, 2, 4, 3, 2]},
                     schema={"step": pl.Int64, "source": pl.Utf8, "target": pl.Utf8, "users": pl.Int64})


def test_sankey_keeps_the_top_targets_per_step_and_lumps_the_rest() -> None:
    links = sankey_links(EDGES, anchor="start", top=2)
    # step 1 keeps F (5) and G (3); H (2) is other. Step 2: X (4+2) and Y (3) kept; H's edge leaves "other".
    assert links.rows() == [(1, "E", "F", 5), (1, "E", "G", 3), (1, "E", "other", 2),
                            (2, "F", "X", 4), (2, "G", "Y", 3), (2, "other", "X", 2)]
    assert sankey_links(EDGES, anchor="start", top=1).rows() == [
        (1, "E", "F", 5), (1, "E", "other", 5), (2, "F", "X", 4), (2, "other", "other", 3),
        (2, "other", "X", 2)]


def test_sankey_end_mode_lumps_sources() -> None:
    back = pl.DataFrame({"step": [1, 1, 2], "source": ["A", "B", "C"], "target": ["E", "E", "A"],
                         "users": [4, 1, 4]})
    assert sankey_links(back, anchor="end", top=1).rows() == [(1, "A", "E", 4), (1, "other", "E", 1),
                                                               (2, "C", "A", 4)]
    fig = paths_sankey(back, anchor="end", top=1, event="E")
    data = fig.data[0]
    assert list(data.link.value) == [4, 1, 4] and "to E" in fig.layout.title.text
    labels = list(data.node.label)
    assert sorted(labels) == ["A", "C", "E", "other"]
    # E sits in the right-most column, the event two steps before it in the left-most
    x = dict(zip(labels, data.node.x, strict=True))
    assert x["E"] > x["A"] > x["C"]


def test_heatmaps() -> None:
    m = pl.DataFrame({"event": ["E", "F", "X"], "offset": [0, 1, -1], "users": [4, 2, 1],
                      "share": [1.0, 0.5, 0.25],
                      "base": [4, 4, 4]})
    fig = step_matrix_heatmap(m)
    assert list(fig.data[0].x) == ["-1", "E", "+1"] and list(fig.data[0].y) == ["E", "F", "X"]
    assert [list(r) for r in fig.data[0].z] == [[0.0, 100.0, 0.0], [0.0, 0.0, 50.0], [25.0, 0.0, 0.0]]
    d = pl.DataFrame({"event": ["F", "G"], "offset": [1, 1], "difference": [0.5, -0.2]})
    fig = step_matrix_difference_heatmap(d, labels=("converted", "not"))
    assert fig.data[0].zmid == 0 and [list(r) for r in fig.data[0].z] == [[50.0], [-20.0]]


def test_breakdown_figures_and_odds_ratios() -> None:
    frame = pl.DataFrame({"breakdown": ["pro", "pro", "free", "free"], "step": [1, 2, 1, 2],
                          "step_name": ["A", "B", "A", "B"], "users": [4, 2, 10, 1],
                          "conversion_from_start": [1.0, 0.5, 1.0, 0.1]})
    fig = funnel_breakdown_bars(frame)
    assert [t.name for t in fig.data] == ["pro", "free"] and list(fig.data[1].y) == [100.0, 10.0]
    avg = pl.DataFrame({"breakdown": ["pro"], "cohort_size": [4], "p0": [100.0], "p1": [50.0]})
    assert list(retention_breakdown_curves(avg).data[0].y) == [100.0, 50.0]
    signals = pl.DataFrame({"feature": ["tour", "plan=free"], "share": [0.5, 0.7], "odds_ratio": [6.0, 0.1],
                            "ci_low": [1.5, 0.05], "ci_high": [24.0, 0.2]})
    fig = odds_ratio_chart(signals)
    assert list(fig.data[0].x) == [0.1, 6.0] and fig.layout.xaxis.type == "log"
    assert list(fig.data[0].error_x.array) == [0.1, 18.0]
