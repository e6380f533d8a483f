"""The Retention page's breakdown selector (issue 16): one retention curve per attribute value, the same
curves the analytics compute for the same options."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from analytics.retention_breakdown import retention_breakdown, retention_breakdown_average
from analytics.workspace import Workspace


def test_breakdown_draws_one_curve_per_value(app: AppTest, sample_ws_file: Path) -> None:
    app.switch_page("app_pages/retention.py").run()
    assert not app.exception
    box = app.selectbox(key="ret-breakdown")
    assert box.value is None and "Attribute: plan" in box.options
    box.select("attr:plan").run()
    assert not app.exception
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"] == "Retention by breakdown value"
    ws = Workspace(sample_ws_file)
    try:
        expected = retention_breakdown_average(retention_breakdown(ws.con, breakdown="attr:plan", periods=8))
    finally:
        ws.close()
    curves = {trace["name"].split(" (n=")[0]: trace["y"] for trace in spec["data"]}
    assert set(curves) == set(expected["breakdown"])
    for row in expected.iter_rows(named=True):
        want = [row[f"p{k}"] for k in range(9)]
        got = curves[row["breakdown"]]
        assert all((w is None and g is None) or abs(w - g) < 1e-9 for w, g in zip(want, got, strict=True))
    # the whole-population heatmap and metrics are still there below the curves
    assert "Users in cohorts" in {m.label for m in app.metric}


def test_every_declared_option_has_its_widget(app: AppTest) -> None:
    """The page draws one widget per option of RetentionQuery, labelled and limited by the declaration."""
    from analytics.queries import RetentionQuery

    app.switch_page("app_pages/retention.py").run()
    assert not app.exception
    for name, opt in RetentionQuery.options().items():
        if not opt.page or name.startswith("date_"):
            continue
        key = f"ret-{name.replace('_', '-')}"
        widget = app.selectbox(key=key) if opt.kind is not int else app.number_input(key=key)
        assert widget.label == opt.label and widget.help == opt.help
        if opt.choices is not None:
            assert widget.options == [opt.display(c) for c in opt.choices]
            assert widget.value == opt.default
    periods = app.number_input(key="ret-periods")
    assert (periods.min, periods.max) == RetentionQuery.options()["periods"].ui_interval
