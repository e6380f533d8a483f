"""Real-shaped files (tests/data/real_shaped, written by tests/data/make_files.py) through the CLI:
a chat export whose `name` column is nearly empty, a whitespace-separated purchase log with yyyymmdd
dates and no event column, an app-store review workbook with two sheets, Chinese reviews in GBK.
Expected counts come from how each file was written (see the docstrings in make_files.py)."""

from __future__ import annotations

import json
from datetime import datetime, UTC
from pathlib import Path

import pytest

from analytics.workspace import open_workspace
from dashboard.cli import main

REAL = Path(__file__).resolve().parents[1] / "data" / "real_shaped"


def _ingest(capsys: pytest.CaptureFixture, wspath: Path, *args: str) -> tuple[int, dict | str]:
    code = main(["ingest", *args, "--workspace", str(wspath), "--format", "json"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else captured.err)


def _query(wspath: Path, sql: str) -> list[tuple]:
    return open_workspace(wspath).con.execute(sql).fetchall()  # the workspace the CLI run opened


def test_chat_export_maps_event_to_the_filled_column(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    ws = tmp_path / "w.duckdb"
    code, out = _ingest(capsys, ws, "events", str(REAL / "slack_export.csv"))
    assert code == 0, out
    # `name` is filled in 1 of 60 rows: the event comes from `type` ("message"), never from `name`
    assert out["mapping"] == {"user_id": "user", "event": "type", "ts": "ts"}
    assert (out["rows_read"], out["rows_loaded"], out["rows_rejected"]) == (60, 57, 3)
    assert out["reject_reasons"] == {"missing user_id": 3}
    assert _query(ws, "SELECT row_number FROM rejects ORDER BY 1") == [(17,), (34,), (51,)]
    assert _query(ws, "SELECT DISTINCT event FROM events") == [("message",)]
    # 1585060061 + 3607 s (row 1) = 2020-03-24 15:27:48 UTC
    assert _query(ws, "SELECT min(ts) FROM events")[0][0] == datetime(2020, 3, 24, 15, 27, 48, 1, tzinfo=UTC)


@pytest.mark.parametrize("extra", [[], ["--map", "user_id=customer_id"], ["--delimiter", "whitespace"]])
def test_whitespace_purchase_log_with_yyyymmdd_dates(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                     extra: list[str]) -> None:
    ws = tmp_path / "w.duckdb"
    code, out = _ingest(capsys, ws, "events", str(REAL / "purchase_log.txt"), "--set", "event=purchase",
                        *extra)
    assert code == 0, out
    assert out["mapping"] == {"user_id": "customer_id", "ts": "date"}
    assert (out["rows_read"], out["rows_loaded"], out["rows_rejected"]) == (50, 48, 2)
    assert out["reject_reasons"] == {"unparseable ts": 1, "malformed csv line (missing columns)": 1}
    assert _query(ws, "SELECT row_number, reason FROM rejects ORDER BY 1") == [
        (23, "unparseable ts"), (41, "malformed csv line (missing columns)")]
    lo, hi = _query(ws, "SELECT min(ts), max(ts) FROM events")[0]
    assert lo.year == hi.year == 1997  # never 1970: 19970101 is a date, not epoch seconds
    assert any("yyyymmdd" in w and "not as epoch seconds" in w for w in out["warnings"])
    # data row 1: "    2   19970202   2    12.31"
    assert ("2", datetime(1997, 2, 2, tzinfo=UTC), "2") in _query(
        ws, "SELECT user_id, ts, properties->>'quantity' FROM events")


def test_map_error_never_claims_a_listed_column_is_missing(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture) -> None:
    # a person forces the wrong delimiter: the header is one field, and the message says so
    code, err = _ingest(capsys, tmp_path / "w.duckdb", "events", str(REAL / "purchase_log.txt"),
                        "--delimiter", "comma", "--map", "user_id=customer_id", "--set", "event=purchase")
    assert code == 2
    assert "has no column 'customer_id'" in err and "read as one column" in err and "--delimiter" in err
    assert "'customer_id'," not in err.split("has no column")[1]


def test_app_store_workbook(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    ws = tmp_path / "w.duckdb"
    code, out = _ingest(capsys, ws, "feedback", str(REAL / "app_reviews.xlsx"))
    assert code == 0, out
    assert out["mapping"] == {"feedback_id": "Review ID", "ts": "Date", "text": "Review", "rating": "Rating"}
    assert (out["rows_read"], out["rows_loaded"], out["rows_rejected"]) == (30, 28, 2)
    assert out["reject_reasons"] == {"empty text": 2}
    assert _query(ws, "SELECT row_number FROM rejects ORDER BY 1") == [(12,), (25,)]
    # review 1: 2024-03-02 10:15, rating 2, "Crashes when I open settings (#1)"
    assert _query(ws, "SELECT ts, rating, text FROM feedback WHERE feedback_id = 'R-1001'") == [
        (datetime(2024, 3, 2, 10, 15, tzinfo=UTC), 2.0, "Crashes when I open settings (#1)")]
    # the summary sheet has no text column: the message lists the sheets
    code, err = _ingest(capsys, tmp_path / "w2.duckdb", "feedback", str(REAL / "app_reviews.xlsx"),
                        "--sheet", "Ratings")
    assert code == 2 and "required field(s) text" in err and "'Reviews', 'Ratings'" in err
    code, err = _ingest(capsys, tmp_path / "w3.duckdb", "feedback", str(REAL / "app_reviews.xlsx"),
                        "--sheet", "Nope")
    assert code == 2 and "has no sheet 'Nope'" in err and "'Reviews', 'Ratings'" in err


def test_gbk_chinese_reviews(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    ws = tmp_path / "w.duckdb"
    code, out = _ingest(capsys, ws, "feedback", str(REAL / "gbk_reviews.csv"))
    assert code == 0, out
    assert out["mapping"] == {"user_id": "用户ID", "ts": "日期", "text": "评论", "rating": "评分"}
    assert (out["rows_read"], out["rows_loaded"], out["rows_rejected"]) == (40, 39, 1)
    assert out["reject_reasons"] == {"empty text": 1}
    assert _query(ws, "SELECT row_number FROM rejects") == [(29,)]
    assert _query(ws, "SELECT text, rating, ts FROM feedback WHERE user_id = 'u001'") == [
        ("送餐太慢了，等了一个小时（第1单）", 2.0, datetime(2023, 5, 2, tzinfo=UTC))]


def test_refusal_exits_2_and_stores_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "events.csv"
    lines = "".join(f"u{i},,2024-01-01\n" for i in range(9)) + "u9,a,2024-01-01\n"
    path.write_text("user_id,event,ts\n" + lines, encoding="utf-8")
    ws = tmp_path / "w.duckdb"
    code, err = _ingest(capsys, ws, "events", str(path))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "9 of 10 rows (90%) would be rejected" in err and "row 1 missing event" in err
    assert "--map event=COLUMN" in err
    assert _query(ws, "SELECT count(*) FROM batches") == [(0,)]
    assert _query(ws, "SELECT count(*) FROM events") == [(0,)]
    code, out = _ingest(capsys, ws, "events", str(path), "--max-reject-share", "0.95")
    assert code == 0 and out["rows_loaded"] == 1
    assert out["warnings"][0].startswith("90.0% of the rows were rejected")


def test_allow_dates_flag(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "old.csv"
    path.write_text("user_id,event,ts\nu1,a,1890-06-01\nu2,a,2024-01-01\n", encoding="utf-8")
    code, out = _ingest(capsys, tmp_path / "a.duckdb", "events", str(path), "--max-reject-share", "1")
    assert out["reject_reasons"] == {"ts out of range (allowed 1970-01-01 to 2100-01-01)": 1}
    code, out = _ingest(capsys, tmp_path / "b.duckdb", "events", str(path), "--allow-dates", "1800-01-01..")
    assert code == 0 and out["rows_loaded"] == 2
    code, err = _ingest(capsys, tmp_path / "c.duckdb", "events", str(path), "--allow-dates", "2000..1900")
    assert code == 2 and "FROM must be before TO" in err
    code, err = _ingest(capsys, tmp_path / "c.duckdb", "events", str(path), "--allow-dates", "last week")
    assert code == 2 and "--allow-dates expects FROM..TO" in err
