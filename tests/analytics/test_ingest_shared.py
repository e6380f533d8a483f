"""Real data sets from ../shared/data (skipped where absent)."""

from __future__ import annotations

from datetime import datetime, UTC

from analytics.ingest import ingest_file, rejects_for
from tests.conftest import needs_shared


def test_uci_online_retail(ws) -> None:
    path = needs_shared("uci-online-retail/online_retail_2010-12_2011-12.csv")
    result = ingest_file(
        ws,
        "events",
        path,
        mapping={"user_id": "CustomerID", "ts": "InvoiceDate"},
        constants={"event": "purchase"},
    )
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (541909, 406829, 135080)
    assert result.reject_reasons == {"missing user_id": 135080}
    # the file's first data line: 536365,85123A,WHITE HANGING ...,6,2010-12-01 08:26:00,2.55,17850.0,...
    first = ws.con.execute(
        "SELECT user_id, event, ts, properties->>'Quantity' FROM events "
        "WHERE properties->>'InvoiceNo' = '536365' AND properties->>'StockCode' = '85123A'"
    )
    assert first.fetchall() == [("17850", "purchase", datetime(2010, 12, 1, 8, 26, tzinfo=UTC), "6")]
    assert ws.con.execute("SELECT count(*) FROM events WHERE user_id LIKE '%.0'").fetchall() == [(0,)]
    # data row 623 is the first line (file line 624) without a CustomerID
    assert rejects_for(ws.con, result.batch_id)["row_number"][0] == 623


def test_mobile_onboarding_microsecond_epochs(ws) -> None:
    path = needs_shared("mobile-onboarding-events-aita/train.csv")
    result = ingest_file(ws, "events", path)
    assert result.mapping == {"user_id": "user_pseudo_id", "event": "event_name", "ts": "event_timestamp"}
    assert result.rows_rejected == 0 and result.rows_loaded == result.rows_read > 30000
    lo, hi = ws.con.execute("SELECT min(ts), max(ts) FROM events").fetchall()[0]
    assert datetime(2018, 9, 30, tzinfo=UTC) <= lo <= hi < datetime(2018, 10, 2, tzinfo=UTC)


def test_app_reviews_feedback(ws) -> None:
    path = needs_shared("en-app-reviews-labeled-feature-requests/dataset_balanced_8000.csv")
    result = ingest_file(ws, "feedback", path)
    assert result.mapping == {"feedback_id": "ID", "text": "review"}
    assert (result.rows_read, result.rows_loaded) == (8000, 8000)
    labels = ws.con.execute("SELECT count(DISTINCT properties->>'label') FROM feedback").fetchall()[0][0]
    assert labels == 4


def test_chinese_waimai_feedback(ws) -> None:
    path = needs_shared("cn-waimai-10k/waimai_10k.csv")
    result = ingest_file(ws, "feedback", path, pseudonymise=True)
    assert result.rows_loaded == result.rows_read > 11000
    text = ws.con.execute("SELECT text FROM feedback WHERE feedback_id = $f", {"f": f"{result.batch_id}-1"})
    assert text.fetchall() == [("很快，好吃，味道足，量大",)]
