"""Hypothesis: arbitrary bytes never crash ingestion; every load keeps rows_read = loaded + rejected."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.errors import UserLensError
from analytics.ingest import ingest_file
from analytics.workspace import Workspace

CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "u1",
            "17850.0",
            "2024-01-01",
            "2024-01-01T10:00:00+02:00",
            "1538405774",
            "1538405774195002",
            "nan",
            "inf",
            "-1e308",
            "I like it",
            "不喜欢",
            '"',
            "a,b",
            "é",
            "9 - Extremely important",
            "12/1/2010 8:26",
            "\x00",
            "9" * 40,
        ]
    ),
    st.text(max_size=12),
)


def _check(ws: Workspace, kind: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.csv"
        path.write_bytes(data)
        try:
            result = ingest_file(ws, kind, path)
        except UserLensError:  # InputFileError and DuplicateFileError are UserLensErrors
            assert ws.con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'ul_%'"
            ).fetchall() == [(0,)]
            return
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    assert sum(result.reject_reasons.values()) == result.rows_rejected
    stored = ws.con.execute(
        "SELECT rows_read, rows_loaded, rows_rejected FROM batches WHERE batch_id = $b",
        {"b": result.batch_id},
    ).fetchall()
    assert stored == [(result.rows_read, result.rows_loaded, result.rows_rejected)]
    rejects = ws.con.execute("SELECT count(*) FROM rejects WHERE batch_id = $b", {"b": result.batch_id})
    assert rejects.fetchall() == [(result.rows_rejected,)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=400),
    kind=st.sampled_from(["events", "users", "feedback", "kano", "requirements"]),
)
def test_arbitrary_bytes_never_crash(data: bytes, kind: str) -> None:
    ws = Workspace(":memory:")
    try:
        _check(ws, kind, data)
    finally:
        ws.close()


HEADERS = {
    "events": "user_id,event,ts,extra",
    "users": "user_id,signup_ts,plan,first_seen",
    "feedback": "feedback_id,text,rating,ts",
    "kano": "respondent,feature,functional,dysfunctional",
    "requirements": "req_id,reach,effort,title",
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(HEADERS)),
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=5), min_size=1, max_size=12),
    sep=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
)
def test_valid_header_arbitrary_rows(kind: str, rows: list[list[str]], sep: str, encoding: str) -> None:
    header = HEADERS[kind].replace(",", sep)
    text = header + "\n" + "\n".join(sep.join(r) for r in rows) + "\n"
    ws = Workspace(":memory:")
    try:
        _check(ws, kind, text.encode(encoding, errors="replace"))
    finally:
        ws.close()
