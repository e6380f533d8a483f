"""Plot labels that do not collide, a palette without near-identical colours, and a ranking that says
how much of the backlog it shows (issue 12, item 11)."""

from __future__ import annotations

import itertools
import math

import polars as pl
import pytest

from analytics.figures.kano import better_worse_figure, continuous_figure
from analytics.figures.palette import CATEGORICAL
from analytics.figures.prioritise import ranking_figure, value_effort_figure

# The test's own idea of a label's size on screen: 0.55 em per character and 1.2 lines high at 11 px
# (Arial/Liberation average); boxes from a smaller estimate than the layout's must still be apart.
CHAR_EM, LINE = 0.55, 1.2


def _px(fig, x: float, y: float, width: float, height: float) -> tuple[float, float]:
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    return (x - x0) / (x1 - x0) * width, (y1 - y) / (y1 - y0) * height


def _boxes(fig, width: float = 760, height: float = 440) -> dict[str, tuple[float, float, float, float]]:
    """Pixel box of every data-anchored annotation (labels and quadrant names) in a 760 x 440 plot."""
    out = {}
    for a in fig.layout.annotations:
        if a.xref not in (None, "x") or a.yref not in (None, "y"):
            continue
        px, py = _px(fig, a.x, a.y, width, height)
        if a.showarrow:
            cx, cy = px + a.ax, py + a.ay
        else:
            cx, cy = px + (a.xshift or 0), py - (a.yshift or 0)
        size = a.font.size or 12
        w, h = len(a.text) * size * CHAR_EM, size * LINE
        out[a.text] = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    return out


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _kano_frame(points: dict[str, tuple[float, float]]) -> pl.DataFrame:
    names = list(points)
    return pl.DataFrame({"feature": names, "worse": [-points[n][0] for n in names],
                         "better": [points[n][1] for n in names], "category": ["O"] * len(names),
                         "n": [100] * len(names), "functional_score": [points[n][1] * 4 for n in names],
                         "dysfunctional_score": [points[n][0] * 4 for n in names],
                         "mean_importance": [None] * len(names)},
                        schema_overrides={"mean_importance": pl.Float64})


# Eight features crowded into one corner (as in a real survey where several are one-dimensional),
# right under where a quadrant name would go, plus two lone points.
CROWD = {f"Feature number {i}": (0.93 + 0.01 * (i % 3), 0.95 + 0.01 * (i // 3)) for i in range(8)}
CROWD |= {"Gamification badges": (0.05, 0.24), "Custom themes": (0.1, 0.3)}


@pytest.mark.parametrize("build", [better_worse_figure, continuous_figure])
def test_kano_labels_collide_with_no_label_and_no_quadrant_name(build) -> None:
    fig = build(_kano_frame(CROWD))
    boxes = _boxes(fig)
    assert set(CROWD) <= set(boxes)  # every feature is named on the chart
    quadrants = {"Attractive", "One-dimensional", "Must-be", "Indifferent"}
    assert quadrants <= set(boxes)
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlap(boxes[a], boxes[b]), (a, b)
    assert all(t.mode == "markers" for t in fig.data)  # no plotly text labels stacked on top


def test_quadrant_names_sit_where_no_coefficient_can_be() -> None:
    fig = better_worse_figure(_kano_frame(CROWD))
    names = [a for a in fig.layout.annotations if a.text in ("Attractive", "One-dimensional", "Must-be",
                                                             "Indifferent")]
    assert all(a.y > 1 or a.y < 0 for a in names)  # Better and |Worse| lie in 0..1


def test_value_effort_ids_do_not_collide() -> None:
    rows = [dict(req_id=f"R{i:02d}", title=f"Requirement {i}", reach=1000 + 10 * (i % 4), impact=1.0,
                 confidence=1.0, effort=1.0 + 0.01 * (i // 4), score=float(i), quadrant="quick win")
            for i in range(12)]
    rows += [dict(req_id="R99", title="Big", reach=9000, impact=1.0, confidence=1.0, effort=6.0, score=1.0,
                  quadrant="big bet")]
    fig = value_effort_figure(pl.DataFrame(rows))
    boxes = _boxes(fig)
    assert {r["req_id"] for r in rows} <= set(boxes)
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlap(boxes[a], boxes[b]), (a, b)


def test_ranking_says_how_many_of_the_backlog_it_shows() -> None:
    frame = pl.DataFrame({"req_id": [f"R{i:02d}" for i in range(25)], "title": ["t"] * 25,
                          "score": [float(25 - i) for i in range(25)], "flags": [[]] * 25},
                         schema_overrides={"flags": pl.List(pl.Utf8)})
    assert "top 20 of 25 requirements" in ranking_figure(frame, top=20).layout.title.text
    assert len(ranking_figure(frame, top=20).data[0].y) == 20
    assert "all 5 requirements" in ranking_figure(frame.head(5), top=20).layout.title.text


def _lab(hex_colour: str) -> tuple[float, float, float]:
    """sRGB hex -> CIELAB (D65), written out from the CIE formulas."""
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_palette_has_no_near_identical_pair() -> None:
    # Streamlit's own chart colours pair each hue with a light twin: #0068c9 / #83c9ff are 37 apart
    # in L alone but one hue; here no two of the ten are closer than ΔE 25.
    distances = [math.dist(_lab(a), _lab(b)) for a, b in itertools.combinations(CATEGORICAL, 2)]
    assert len(CATEGORICAL) == 10 and min(distances) >= 25


def test_persona_map_colours_each_persona_differently() -> None:
    from embeddings.figures import persona_map

    coords = pl.DataFrame({"user_id": [f"u{i}" for i in range(12)], "x": [float(i) for i in range(12)],
                           "y": [0.0] * 12, "persona_id": [i % 6 for i in range(12)],
                           "persona": [f"Persona {i % 6}" for i in range(12)]})
    colours = [t.marker.color for t in persona_map(coords).data]
    assert len(colours) == 6 and len(set(colours)) == 6
    assert min(math.dist(_lab(a), _lab(b)) for a, b in itertools.combinations(colours, 2)) >= 25
