"""Behaviour figures: each builder carries the numbers of the frame it was given."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analytics.figures.behaviour import (
    active_users_lines,
    funnel_bars,
    lifecycle_bars,
    power_user_histogram,
    retention_curves,
    retention_heatmap,
    stickiness_line,
)

MATRIX = pl.DataFrame({"cohort_start": [date(2026, 1, 5), date(2026, 1, 12)], "cohort_size": [4, 2],
                       "p0": [4, 2], "p1": [2, 1], "p2": [1, None]}, schema_overrides={"p2": pl.Int64})


def test_retention_heatmap_percentages_and_blank_unobservable() -> None:
    fig = retention_heatmap(MATRIX)
    heat = fig.data[0]
    assert list(heat.z[0]) == [100.0, 50.0, 25.0]
    assert heat.z[1][2] is None
    assert list(heat.x) == ["week 0", "week 1", "week 2"]
    assert heat.y[0] == "2026-01-05 (n=4)"


def test_retention_curves_include_weighted_average() -> None:
    fig = retention_curves(MATRIX)
    assert [t.name for t in fig.data] == ["2026-01-05", "2026-01-12", "average (size-weighted)"]
    assert list(fig.data[-1].y) == [100.0, pytest.approx(50.0), pytest.approx(25.0)]


def test_lifecycle_bars_are_relative_with_negative_dormant() -> None:
    frame = pl.DataFrame({"period_start": [date(2026, 1, 5)] * 4,
                          "status": ["new", "returning", "resurrecting", "dormant"], "users": [3, 2, 1, -2]})
    fig = lifecycle_bars(frame)
    assert fig.layout.barmode == "relative"
    assert {t.name: list(t.y) for t in fig.data} == {"new": [3], "returning": [2], "resurrecting": [1],
                                                     "dormant": [-2]}


def test_engagement_figures() -> None:
    daily = pl.DataFrame({"day": [date(2026, 1, 1), date(2026, 1, 2)], "dau": [1, 2], "wau": [1, 3],
                          "mau": [2, 4], "stickiness": [0.5, 0.5]})
    assert [list(t.y) for t in active_users_lines(daily).data] == [[1, 2], [1, 3], [2, 4]]
    assert list(stickiness_line(daily).data[0].y) == [50.0, 50.0]
    curve = pl.DataFrame({"active_days": list(range(1, 8)), "users": [5, 4, 3, 2, 1, 0, 1]})
    fig = power_user_histogram(curve)
    assert list(fig.data[0].y) == [5, 4, 3, 2, 1, 0, 1] and "L7" in fig.layout.title.text


def test_funnel_bars_text() -> None:
    frame = pl.DataFrame({"step": [1, 2], "step_name": ["visit", "buy"], "users": [10, 4],
                          "conversion_from_start": [1.0, 0.4], "conversion_from_previous": [None, 0.4],
                          "median_seconds_from_previous": [None, 60.0]})
    fig = funnel_bars(frame)
    assert list(fig.data[0].y) == ["1. visit", "2. buy"]
    assert fig.data[0].text[1] == "4 users · 40.0% of start · 40.0% of previous"
