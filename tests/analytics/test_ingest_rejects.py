"""Reject reasons, row numbers, atomic loads, duplicate refusal and --replace, input errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import analytics.ingest_kinds as kinds
from analytics.errors import DuplicateFileError, InputFileError, UserLensError
from analytics.ingest import ingest_file, list_batches, rejects_for


def _csv(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


EVENTS = (
    "user_id,event,ts,page\n"
    "u1,view,2024-01-01 10:00:00,home\n"  # 1 ok
    ",view,2024-01-01 10:00:00,home\n"  # 2 missing user_id
    "u2,,2024-01-01 10:00:00,home\n"  # 3 missing event
    "u3,view,,home\n"  # 4 missing ts
    "u4,view,not a time,home\n"  # 5 unparseable ts
    "  ,view,2024-01-01,home\n"  # 6 blank user id is missing
    "u5,view,2024-01-02,home\n"
)  # 7 ok


def test_event_reject_reasons_row_numbers_and_raw_values(ws, tmp_path: Path) -> None:
    result = ingest_file(ws, "events", _csv(tmp_path, EVENTS), max_reject_share=1)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (7, 2, 5)
    assert result.reject_reasons == {
        "missing user_id": 2,
        "missing event": 1,
        "missing ts": 1,
        "unparseable ts": 1,
    }
    rej = rejects_for(ws.con, result.batch_id)
    assert rej["row_number"].to_list() == [2, 3, 4, 5, 6]
    assert rej["reason"].to_list() == [
        "missing user_id",
        "missing event",
        "missing ts",
        "unparseable ts",
        "missing user_id",
    ]
    assert rej["column_name"].to_list() == ["user_id", "event", "ts", "ts", "user_id"]
    assert json.loads(rej["raw_line"][3]) == {
        "user_id": "u4",
        "event": "view",
        "ts": "not a time",
        "page": "home",
    }
    batches = list_batches(ws.con)
    assert batches.select("rows_read", "rows_loaded", "rows_rejected").row(0) == (7, 2, 5)
    assert len(batches["sha256"][0]) == 64


def test_feedback_reasons(ws, tmp_path: Path) -> None:
    text = (
        "id,user,text,rating,nps,date\n"
        "f1,u1,Great app,5,9,2024-01-01\n"
        "f2,u2,   ,4,8,2024-01-01\n"  # empty text
        "f3,u3,Slow,five,7,2024-01-01\n"  # non-numeric rating
        "f4,u4,Crashes,2,x,2024-01-01\n"  # non-numeric score_0_10
        "f5,,No user is fine,3,,\n"  # user and ts are optional
        "f6,u6,When?,3,5,yesterday\n"
    )  # unparseable ts
    result = ingest_file(ws, "feedback", _csv(tmp_path, text), max_reject_share=1)
    assert result.mapping == {
        "feedback_id": "id",
        "user_id": "user",
        "ts": "date",
        "text": "text",
        "rating": "rating",
        "score_0_10": "nps",
    }
    assert result.reject_reasons == {
        "empty text": 1,
        "non-numeric rating": 1,
        "non-numeric score_0_10": 1,
        "unparseable ts": 1,
    }
    assert (result.rows_loaded, result.rows_rejected) == (2, 4)
    got = ws.con.execute(
        "SELECT feedback_id, user_id, ts IS NULL, rating, score_0_10 FROM feedback ORDER BY feedback_id"
    ).fetchall()
    assert got == [("f1", "u1", False, 5.0, 9.0), ("f5", None, True, 3.0, None)]


def test_requirement_reasons(ws, tmp_path: Path) -> None:
    text = (
        "req_id,title,reach,impact,confidence,effort\n"
        "R1,Export,2000,2,80%,4\n"
        ",No id,1,1,1,1\n"
        "R3,Bad reach,lots,1,1,1\n"
        "R4,Bad effort,1,1,1,inf\n"
    )
    result = ingest_file(ws, "requirements", _csv(tmp_path, text), max_reject_share=1)
    assert result.reject_reasons == {"missing req_id": 1, "non-numeric reach": 1, "non-numeric effort": 1}
    assert ws.con.execute(
        "SELECT req_id, reach, impact, confidence, effort FROM requirements"
    ).fetchall() == [("R1", 2000.0, 2.0, 0.8, 4.0)]


def test_malformed_csv_lines_are_rejected_not_dropped(ws, tmp_path: Path) -> None:
    text = (
        "user_id,event,ts\nu1,view,2024-01-01\nu2,view\nu3,view,2024-01-01,extra,more\nu4,view,2024-01-02\n"
    )
    result = ingest_file(ws, "events", _csv(tmp_path, text))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    rej = rejects_for(ws.con, result.batch_id)
    assert rej["row_number"].to_list() == [2, 3]
    assert all(r.startswith("malformed csv line") for r in rej["reason"])
    assert rej["raw_line"].to_list() == ["u2,view", "u3,view,2024-01-01,extra,more"]


def test_failed_load_leaves_workspace_unchanged(ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_file(ws, "events", _csv(tmp_path, "user_id,event,ts\nu0,a,2024-01-01\n", "first.csv"))
    before = (
        ws.row_counts(),
        ws.versions(),
        ws.con.execute("SELECT count(*) FROM batches").fetchall(),
        ws.con.execute("SELECT count(*) FROM rejects").fetchall(),
    )

    def boom(row_expr: str) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(kinds, "rejects_sql", boom)  # fails after the events insert, before commit
    with pytest.raises(RuntimeError):
        ingest_file(ws, "events", _csv(tmp_path, EVENTS, "second.csv"))
    after = (
        ws.row_counts(),
        ws.versions(),
        ws.con.execute("SELECT count(*) FROM batches").fetchall(),
        ws.con.execute("SELECT count(*) FROM rejects").fetchall(),
    )
    assert after == before
    assert ws.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'ul_%'").fetchall() == [
        (0,)
    ]


def test_failed_staged_load_leaves_workspace_unchanged(
    ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _csv(tmp_path, "req_id,title\nR1,A\n,missing\n")
    monkeypatch.setattr(kinds, "rejects_sql", lambda row_expr: "SELECT error('injected failure')")
    with pytest.raises(Exception, match="injected failure"):
        ingest_file(ws, "requirements", path)
    assert ws.row_counts()["requirements"] == 0
    assert ws.con.execute("SELECT count(*) FROM batches").fetchall() == [(0,)]


def test_duplicate_is_refused_and_replace_swaps_the_batch(ws, tmp_path: Path) -> None:
    path = _csv(tmp_path, EVENTS)
    first = ingest_file(ws, "events", path, max_reject_share=1)
    with pytest.raises(DuplicateFileError, match="use --replace"):
        ingest_file(ws, "events", path, max_reject_share=1)
    # the same bytes under another name are the same file
    copy = _csv(tmp_path, EVENTS, "renamed.csv")
    with pytest.raises(DuplicateFileError):
        ingest_file(ws, "events", copy, max_reject_share=1)
    second = ingest_file(ws, "events", path, replace=True, max_reject_share=1)
    assert second.batch_id != first.batch_id and "replaced batch 1" in second.warnings[-1]
    assert ws.con.execute("SELECT count(*), min(batch_id) FROM events").fetchall() == [(2, second.batch_id)]
    assert ws.con.execute("SELECT batch_id FROM batches").fetchall() == [(second.batch_id,)]
    assert ws.con.execute("SELECT DISTINCT batch_id FROM rejects").fetchall() == [(second.batch_id,)]
    # the same file as another kind is not a duplicate
    assert ingest_file(ws, "users", path, max_reject_share=1).rows_read == 7


def test_mapping_errors_name_file_column_and_alternatives(ws, tmp_path: Path) -> None:
    path = _csv(tmp_path, "who,what,when\nu1,a,2024-01-01\n")
    with pytest.raises(InputFileError, match="required field.*user_id, event, ts") as exc:
        ingest_file(ws, "events", path)
    assert "f.csv" in str(exc.value) and "--map user_id=COLUMN" in str(exc.value)
    listed = r"has no column 'uid'.*Available columns: 'who', 'what', 'when'"
    with pytest.raises(InputFileError, match=listed):
        ingest_file(ws, "events", path, mapping={"user_id": "uid", "event": "what", "ts": "when"})
    with pytest.raises(UserLensError, match="has no field 'colour'"):
        ingest_file(ws, "events", path, mapping={"colour": "who"})
    with pytest.raises(UserLensError, match="Unknown kind"):
        ingest_file(ws, "clicks", path)
    with pytest.raises(UserLensError, match="Unknown timezone"):
        ingest_file(
            ws,
            "events",
            path,
            mapping={"user_id": "who", "event": "what", "ts": "when"},
            timezone="Mars/Olympus",
        )
    result = ingest_file(
        ws, "events", path, mapping={"user_id": "who", "ts": "when"}, constants={"event": "x"}
    )
    assert result.rows_loaded == 1 and result.mapping == {"user_id": "who", "ts": "when"}
    assert ws.con.execute("SELECT event FROM events").fetchall() == [("x",)]


@pytest.mark.parametrize(
    "content, match",
    [
        (None, "does not exist"),
        (b"", "is empty"),
        (b"  \n\n", "is empty"),
        (b"user_id,event,ts\n", "no data rows"),
    ],
)
def test_unusable_files(ws, tmp_path: Path, content: bytes | None, match: str) -> None:
    path = tmp_path / "x.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputFileError, match=match):
        ingest_file(ws, "events", path)
    assert ws.con.execute("SELECT count(*) FROM batches").fetchall() == [(0,)]


def test_broken_xlsx_is_an_input_error(ws, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputFileError, match="xlsx"):
        ingest_file(ws, "events", path)


def test_display_name_is_recorded(ws, tmp_path: Path) -> None:
    path = _csv(tmp_path, "user_id,event,ts\nu1,a,2024-01-01\n", "tmpupload123.csv")
    result = ingest_file(ws, "events", path, display_name="march-events.csv")
    assert result.file_name == "march-events.csv"
    assert list_batches(ws.con)["file_name"].to_list() == ["march-events.csv"]
    assert result.to_json()["rows_read"] == 1
    assert list(result.to_json())[:6] == [
        "batch_id",
        "kind",
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "reject_reasons",
    ]
