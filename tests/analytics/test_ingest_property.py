"""Hypothesis: arbitrary bytes never crash ingestion; every load keeps rows_read = loaded + rejected."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.errors import UserLensError
from analytics.ingest import ingest_file, rejects_for
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


# Messy but meaningful files: well-formed rows written by a CSV writer (values with delimiters, quotes and
# line breaks), random line endings (mixed within a file), blank lines, and one broken line.
NOTES = st.sampled_from(["plain", "a, b", 'say "hi"', "line1\nline2", "two\r\nlines", "", "tab\there",
                         "é ü 北京", "semi;colon", "pipe|d"])
BROKEN = {
    "unclosed quote": 'u999,view,"this quote never closes,2024-01-01',
    "too many columns": "u999,view,2024-01-01,x,y,z",
    "missing columns": "u999,view",
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    notes=st.lists(NOTES, min_size=1, max_size=30),
    endings=st.lists(st.sampled_from(["\n", "\r\n"]), min_size=31, max_size=31),
    blank_after=st.sets(st.integers(0, 30), max_size=3),
    broken=st.one_of(st.none(), st.tuples(st.sampled_from(sorted(BROKEN)), st.integers(0, 30))),
    sep=st.sampled_from([",", ";", "\t", "|"]),
)
def test_messy_csv_keeps_every_row_and_a_broken_line_costs_only_itself(
        notes: list[str], endings: list[str], blank_after: set[int], broken: tuple[str, int] | None,
        sep: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\n")
    writer.writerow(["user_id", "event", "ts", "note"])
    records = [buf.getvalue()]
    for i, note in enumerate(notes):
        buf = io.StringIO()
        csv.writer(buf, delimiter=sep, lineterminator="\n").writerow([f"u{i}", "view", "2024-01-01", note])
        records.append(buf.getvalue())
    lines, expected_reject = [], None
    for i, record in enumerate(records):
        lines.append(record[:-1] + endings[i % len(endings)])
        if broken and broken[1] == i and i < len(records) - 1:
            expected_reject = (i + 1, broken[0])  # rows before it: i (the header is record 0)
            lines.append(BROKEN[broken[0]].replace(",", sep) + "\n")
        if i in blank_after:
            lines.append("\n")
    data_rows = len(notes) + (1 if expected_reject else 0)
    ws = Workspace(":memory:")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "messy.csv"
            path.write_bytes("".join(lines).encode("utf-8"))
            result = ingest_file(ws, "events", path, max_reject_share=1)
            rejects = rejects_for(ws.con, result.batch_id)
        assert result.rows_read == result.rows_loaded + result.rows_rejected == data_rows
        if expected_reject is None:
            assert result.rows_rejected == 0
        else:
            row, reason = expected_reject
            assert result.rows_rejected == 1
            assert list(zip(rejects["row_number"], rejects["reason"], strict=True)) == [
                (row, f"malformed csv line ({reason})")]
        stored = [r[0] for r in ws.con.execute("SELECT properties->>'note' FROM events ORDER BY "
                                               "CAST(substr(user_id, 2) AS INTEGER)").fetchall()]
        assert stored == [n.strip(" \t\r\n") or None for n in notes]
    finally:
        ws.close()
