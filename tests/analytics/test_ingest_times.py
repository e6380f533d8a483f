"""Timestamps: ISO with/without offset, dates, US-style, epoch s/ms/µs/ns, naive times in a timezone."""

from __future__ import annotations

from datetime import datetime, UTC
from pathlib import Path

import pytest

from analytics.ingest import ingest_file

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
