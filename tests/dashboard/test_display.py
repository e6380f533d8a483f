"""The shared display helper (issue 12, item 10): human column names, percentages with one decimal,
dates without midnight, "—" for missing, long names wrapped; and the small text formatters."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from dashboard import display


def _config(cfg: dict, column: str) -> dict:
    return dict(cfg[column])


def test_machine_columns_get_human_labels_and_formats() -> None:
    frame = pl.DataFrame({
        "cohort_start": [datetime(2026, 4, 27), datetime(2026, 5, 4)],
        "cohort_size": [43, 110],
        "p0": [100.0, 100.0], "p1": [41.8605, None],
        "retention_1": [0.418605, None],
        "mean_active_days_28": [5.39611, 6.2],
        "diff_ci_high": [0.0662, None],
    })
    shown, cfg, _ = display.present(frame, period="week", formats={"p*": "pct"})
    labels = {c: _config(cfg, c)["label"] for c in frame.columns}
    assert labels == {"cohort_start": "Cohort start", "cohort_size": "Cohort size", "p0": "Week 0",
                      "p1": "Week 1", "retention_1": "Retention, period 1",
                      "mean_active_days_28": "Active days, first 28", "diff_ci_high": "95 % CI to"}
    # midnight timestamps become dates: "2026-04-27", not "2026-04-27 00:00:00"
    assert shown["cohort_start"].to_list() == [date(2026, 4, 27), date(2026, 5, 4)]
    assert _config(cfg, "cohort_start")["type_config"]["format"] == "YYYY-MM-DD"
    # a share 0..1 is shown as a percentage with one decimal: 0.418605 -> "41.9 %"
    assert shown["retention_1"].to_list()[0] == pytest.approx(41.8605)
    assert _config(cfg, "retention_1")["type_config"]["format"] == "%.1f %%"
    # a value that is already a percentage keeps its value, one decimal
    assert shown["p1"].to_list() == [41.8605, None]
    assert _config(cfg, "p1")["type_config"]["format"] == "%.1f %%"
    assert _config(cfg, "mean_active_days_28")["type_config"]["format"] == "%.1f"


def test_period_columns_follow_the_period_and_unknown_columns_keep_their_name() -> None:
    frame = pl.DataFrame({"p3": [1], "plan": ["pro"], "seats_total": [2.345678]})
    _, cfg, _ = display.present(frame, period="month")
    assert _config(cfg, "p3")["label"] == "Month 3"
    assert _config(cfg, "plan")["label"] == "plan"  # the user's own column: never renamed
    assert _config(cfg, "seats_total")["type_config"]["format"] == "%.2f"  # not 2.345678


def test_timestamps_with_a_time_keep_it_and_lists_are_joined() -> None:
    frame = pl.DataFrame({"loaded_at": [datetime(2026, 5, 4, 13, 45)], "keywords": [["sync", "offline"]]})
    shown, cfg, _ = display.present(frame)
    assert _config(cfg, "loaded_at")["type_config"]["format"] == "YYYY-MM-DD HH:mm"
    assert shown["keywords"].to_list() == ["sync; offline"]


def test_long_names_wrap_in_small_tables_only() -> None:
    name = "Calendar synced & task completed users · offline, reminders, plan"
    _, cfg, row_height = display.present(pl.DataFrame({"cohort": [name], "size": [1492]}))
    assert row_height is not None and row_height > 64  # Streamlit wraps cell text above 4 rem
    assert _config(cfg, "cohort")["width"] == "medium"  # wraps onto a few lines instead of one wide one
    _, _, tall = display.present(pl.DataFrame({"raw_line": [name] * 500}))
    assert tall is None  # 500 rows: one line each
    _, _, short = display.present(pl.DataFrame({"cohort": ["2026-04-27"], "size": [3]}))
    assert short is None


def test_page_overrides_win() -> None:
    _, cfg, _ = display.present(pl.DataFrame({"n": [200]}), labels={"n": "Answers"})
    assert _config(cfg, "n")["label"] == "Answers"


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0 s"), (0.4, "0 s"), (42, "42 s"), (59.4, "59 s"), (90, "1.5 min"), (600, "10.0 min"),
    (5400, "1.5 h"), (None, "—"),
])
def test_durations_show_seconds_when_minutes_round_to_zero(seconds, text) -> None:
    assert display.fmt_duration(seconds) == text


def test_text_formatters() -> None:
    assert display.plural(1, "row") + " rejected" == "1 row rejected"
    assert display.plural(3, "row") == "3 rows"
    assert display.plural(1204, "feedback item") == "1,204 feedback items"
    assert display.fmt_pct(0.41860) == "41.9 %" and display.fmt_pct(None) == "—"
    assert display.fmt_int(12357) == "12,357" and display.fmt_int(None) == "—"
    assert display.fmt_date(datetime(2026, 4, 27)) == "2026-04-27"
    assert display.fmt_date(datetime(2026, 4, 27, 9, 5)) == "2026-04-27 09:05"
    assert display.fmt_signed_pct(0.068) == "+6.8 %"
