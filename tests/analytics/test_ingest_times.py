"""Timestamps: ISO with/without offset, dates, US-style, epoch s/ms/µs/ns, naive times in a timezone."""

from __future__ import annotations

from datetime import date, datetime, UTC
from pathlib import Path

import pytest

from analytics.errors import UserLensError
from analytics.ingest import detect_mapping, ingest_file, parse_date_window, rejects_for

UTC = UTC


def _load(ws, tmp_path: Path, values: list[str], **kwargs) -> list:
    path = tmp_path / "t.csv"
    path.write_text(
        "user_id,event,ts\n" + "".join(f"u{i},e,{v}\n" for i, v in enumerate(values)), encoding="utf-8"
    )
    result = ingest_file(ws, "events", path, **kwargs)
    assert result.rows_read == len(values) == result.rows_loaded + result.rows_rejected
    rows = dict(ws.con.execute("SELECT user_id, ts FROM events").fetchall())
    return [rows.get(f"u{i}") for i in range(len(values))]


def test_iso_offsets_dates_and_formats(ws, tmp_path: Path) -> None:
    got = _load(
        ws,
        tmp_path,
        [
            "2024-03-01 10:00:00",  # naive -> workspace timezone (UTC)
            "2024-03-01T10:00:00Z",
            "2024-03-01T10:00:00+02:00",  # 08:00 UTC
            "2024-03-01 10:00:00-0500",  # 15:00 UTC
            "2024-03-01",
            "2024-03-01T10:00:00.250",
            "12/1/2010 8:26",  # month first
            "01.02.2024 13:45",  # dd.mm.yyyy
            "2024/02/29",
            "2024年3月5日",
        ],
    )
    assert got == [
        datetime(2024, 3, 1, 10, tzinfo=UTC),
        datetime(2024, 3, 1, 10, tzinfo=UTC),
        datetime(2024, 3, 1, 8, tzinfo=UTC),
        datetime(2024, 3, 1, 15, tzinfo=UTC),
        datetime(2024, 3, 1, tzinfo=UTC),
        datetime(2024, 3, 1, 10, 0, 0, 250000, tzinfo=UTC),
        datetime(2010, 12, 1, 8, 26, tzinfo=UTC),
        datetime(2024, 2, 1, 13, 45, tzinfo=UTC),
        datetime(2024, 2, 29, tzinfo=UTC),
        datetime(2024, 3, 5, tzinfo=UTC),
    ]


def test_epoch_units_by_magnitude_per_value(ws, tmp_path: Path) -> None:
    # 1538405774 s = 2018-10-01 14:56:14 UTC
    got = _load(
        ws,
        tmp_path,
        [
            "1538405774",
            "1538405774.5",
            "1538405774195",
            "1538405774195002",
            "1538405774195002123",
            "0",
        ],
    )
    assert got == [
        datetime(2018, 10, 1, 14, 56, 14, tzinfo=UTC),
        datetime(2018, 10, 1, 14, 56, 14, 500000, tzinfo=UTC),
        datetime(2018, 10, 1, 14, 56, 14, 195000, tzinfo=UTC),
        datetime(2018, 10, 1, 14, 56, 14, 195002, tzinfo=UTC),
        datetime(2018, 10, 1, 14, 56, 14, 195002, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
    ]


def test_naive_times_use_the_timezone_argument(ws, tmp_path: Path) -> None:
    got = _load(
        ws,
        tmp_path,
        ["2024-01-15 10:00:00", "2024-07-15 10:00:00", "2024-07-15T10:00:00+00:00", "1538405774"],
        timezone="Europe/Berlin",
    )
    assert got == [
        datetime(2024, 1, 15, 9, tzinfo=UTC),  # CET = UTC+1
        datetime(2024, 7, 15, 8, tzinfo=UTC),  # CEST = UTC+2
        datetime(2024, 7, 15, 10, tzinfo=UTC),  # explicit offset wins
        datetime(2018, 10, 1, 14, 56, 14, tzinfo=UTC),
    ]  # epochs are UTC by definition
    # the session zone is back to UTC afterwards
    assert ws.con.execute("SELECT current_setting('TimeZone')").fetchall()[0][0] in ("UTC", "Etc/UTC")


def test_naive_times_default_to_the_workspace_timezone(ws, tmp_path: Path) -> None:
    ws.set_setting("timezone", "Asia/Shanghai")
    assert _load(ws, tmp_path, ["2024-01-15 08:00:00"]) == [datetime(2024, 1, 15, 0, tzinfo=UTC)]


@pytest.mark.parametrize(
    "value", ["tomorrow", "2024-13-45", "1e400", "99999999999999999999999", "infinity", "12:00", "--"]
)
def test_unparseable_times_are_rejected(ws, tmp_path: Path, value: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"user_id,event,ts\nu1,e,{value}\nu2,e,2024-01-01\n", encoding="utf-8")
    result = ingest_file(ws, "events", path)
    assert (result.rows_loaded, result.reject_reasons) == (1, {"unparseable ts": 1})


def test_users_signup_and_first_seen_times(ws, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text(
        "user_id,signup_date,first_seen\nu1,2024-01-02,1704153600\nu2,,\nu3,soon,\n", encoding="utf-8"
    )
    result = ingest_file(ws, "users", path)
    assert result.reject_reasons == {"unparseable signup_ts": 1}
    got = ws.con.execute("SELECT user_id, signup_ts, first_seen FROM users ORDER BY user_id").fetchall()
    assert got == [
        ("u1", datetime(2024, 1, 2, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC)),
        ("u2", None, None),
    ]


def test_calendar_integers_are_dates_and_the_choice_is_reported(ws, tmp_path: Path) -> None:
    got = _load(ws, tmp_path, ["19970101", "199702", "19970315083000", "20240229", "1538405774"])
    assert got == [
        datetime(1997, 1, 1, tzinfo=UTC),
        datetime(1997, 2, 1, tzinfo=UTC),
        datetime(1997, 3, 15, 8, 30, tzinfo=UTC),
        datetime(2024, 2, 29, tzinfo=UTC),
        datetime(2018, 10, 1, 14, 56, 14, tzinfo=UTC),  # 10 digits: still epoch seconds
    ]


def test_yyyymmdd_note_in_preview_and_summary(ws, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("user_id,event,date\nu1,buy,19970101\nu2,buy,19970102\n", encoding="utf-8")
    preview = detect_mapping(path, "events")
    note = "2 of 2 sampled numbers are yyyymmdd dates (e.g. 19970101 -> 1997-01-01)"
    assert note in preview.time_rules["date"]
    assert any("ts <- column 'date'" in w and "not as epoch seconds" in w for w in preview.warnings)
    result = ingest_file(ws, "events", path)
    assert any("yyyymmdd dates" in w and "not as epoch seconds" in w for w in result.to_json()["warnings"])
    epoch = tmp_path / "e.csv"
    epoch.write_text("user_id,event,ts\nu1,buy,1538405774195\n", encoding="utf-8")
    assert detect_mapping(epoch, "events").time_rules["ts"].startswith("numbers read as epoch milliseconds")
    assert not any("epoch" in w for w in ingest_file(ws, "events", epoch).warnings)


@pytest.mark.parametrize("value", ["1969-12-31 23:59:59", "2100-01-01", "10000-01-01", "-86400",
                                   "4102444800"])
def test_times_outside_the_window_are_rejected(ws, tmp_path: Path, value: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"user_id,event,ts\nu1,e,{value}\nu2,e,2024-01-01\nu3,e,1970-01-01\n", encoding="utf-8")
    result = ingest_file(ws, "events", path)
    assert result.rows_loaded == 2
    assert result.reject_reasons == {"ts out of range (allowed 1970-01-01 to 2100-01-01)": 1}
    assert rejects_for(ws.con, result.batch_id)["row_number"].to_list() == [1]


def test_allow_dates_widens_the_window(ws, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("user_id,event,ts\nu1,e,1890-06-01\nu2,e,2024-01-01\nu3,e,2150-01-01\n", encoding="utf-8")
    result = ingest_file(ws, "events", path, allow_dates="1800..2200")
    assert result.rows_loaded == 3
    result = ingest_file(ws, "events", path, allow_dates=(date(1880, 1, 1), date(2030, 1, 1)), replace=True)
    assert result.reject_reasons == {"ts out of range (allowed 1880-01-01 to 2030-01-01)": 1}
    assert parse_date_window("1900-02-03..") == (date(1900, 2, 3), date(2100, 1, 1))
    assert parse_date_window("..2200") == (date(1970, 1, 1), date(2200, 1, 1))
    for bad in ("1900", "1900..1800", "x..y", "1900-13-01..2000"):
        with pytest.raises(UserLensError, match="--allow-dates"):
            parse_date_window(bad)


def test_users_signup_outside_the_window(ws, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("user_id,signup_date\nu1,2024-01-02\nu2,0001-01-01\nu3,2024-01-03\n", encoding="utf-8")
    result = ingest_file(ws, "users", path)
    assert result.reject_reasons == {"signup_ts out of range (allowed 1970-01-01 to 2100-01-01)": 1}
