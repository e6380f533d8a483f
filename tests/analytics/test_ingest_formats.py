"""Every input format and encoding loads the same three hand-written rows."""

from __future__ import annotations

import gzip
from datetime import datetime, UTC
from pathlib import Path

import duckdb
import pytest

from analytics.ingest import detect_mapping, ingest_file

ROWS = [
    ("u1", "view", "2024-03-01 10:00:00", "Zoë café"),
    ("u2", "buy", "2024-03-01 11:30:00", "北京"),
    ("u1", "buy", "2024-03-02 09:15:00", "plain"),
]
EXPECTED_TS = [
    datetime(2024, 3, 1, 10, tzinfo=UTC),
    datetime(2024, 3, 1, 11, 30, tzinfo=UTC),
    datetime(2024, 3, 2, 9, 15, tzinfo=UTC),
]


def _text(delimiter: str = ",", rows=ROWS) -> str:
    lines = [delimiter.join(("user_id", "event", "ts", "city"))]
    lines += [delimiter.join(r) for r in rows]
    return "\n".join(lines) + "\n"


def _check(ws, result, cities=("Zoë café", "北京", "plain")) -> None:
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 3, 0)
    got = ws.con.execute("SELECT user_id, event, ts, properties->>'city' FROM events ORDER BY ts").fetchall()
    assert [g[0] for g in got] == ["u1", "u2", "u1"]
    assert [g[1] for g in got] == ["view", "buy", "buy"]
    assert [g[2] for g in got] == EXPECTED_TS
    assert [g[3] for g in got] == list(cities)


@pytest.mark.parametrize(
    "encoding, label",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_unicode_encodings(ws, tmp_path: Path, encoding: str, label: str) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(
        _text().encode(encoding)
        if "gb" not in encoding
        else _text(rows=[(*r[:3], r[3].replace("Zoë café", "上海")) for r in ROWS]).encode(encoding)
    )
    assert detect_mapping(path, "events").encoding == label
    result = ingest_file(ws, "events", path)
    _check(ws, result, ("上海", "北京", "plain") if "gb" in encoding else ("Zoë café", "北京", "plain"))
    batch = ws.con.execute("SELECT mapping->>'encoding' FROM batches").fetchone()[0]
    assert batch == label


def test_latin1(ws, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    rows = [(*r[:3], c) for r, c in zip(ROWS, ("Zoë café", "Müller", "plain"), strict=True)]
    path.write_bytes(_text(rows=rows).encode("latin-1"))
    assert detect_mapping(path, "events").encoding == "latin-1"
    _check(ws, ingest_file(ws, "events", path), ("Zoë café", "Müller", "plain"))


@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_delimiters(ws, tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "d.csv"
    path.write_text(_text(delimiter), encoding="utf-8")
    assert detect_mapping(path, "events").delimiter == delimiter
    _check(ws, ingest_file(ws, "events", path))


def test_gzip_csv(ws, tmp_path: Path) -> None:
    path = tmp_path / "e.csv.gz"
    path.write_bytes(gzip.compress(_text(";").encode("utf-8")))
    assert detect_mapping(path, "events").format == "csv.gz"
    _check(ws, ingest_file(ws, "events", path))


def test_gzip_gbk(ws, tmp_path: Path) -> None:
    path = tmp_path / "e.csv.gz"
    rows = [(*r[:3], c) for r, c in zip(ROWS, ("上海", "北京", "plain"), strict=True)]
    path.write_bytes(gzip.compress(_text(rows=rows).encode("gbk")))
    _check(ws, ingest_file(ws, "events", path), ("上海", "北京", "plain"))


def test_parquet_keeps_types_readable(ws, tmp_path: Path) -> None:
    path = tmp_path / "e.parquet"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"""COPY (SELECT * FROM (VALUES (1, 'view', TIMESTAMP '2024-03-01 10:00:00', 'Zoë café'),
        (2, 'buy', TIMESTAMP '2024-03-01 11:30:00', '北京'),
        (1, 'buy', TIMESTAMP '2024-03-02 09:15:00', 'plain'))
        t(user_id, event, ts, city)) TO '{path}' (FORMAT parquet)""")
    assert detect_mapping(path, "events").format == "parquet"
    result = ingest_file(ws, "events", path)
    assert (result.rows_read, result.rows_loaded) == (3, 3)
    got = ws.con.execute("SELECT user_id, ts FROM events ORDER BY ts").fetchall()
    assert got == [("1", EXPECTED_TS[0]), ("2", EXPECTED_TS[1]), ("1", EXPECTED_TS[2])]


def test_xlsx(ws, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["user_id", "event", "ts", "city"])
    sheet.append([17850.0, "view", datetime(2024, 3, 1, 10), "Zoë café"])
    sheet.append(["u2", "buy", "2024-03-01 11:30:00", "北京"])
    sheet.append([None, None, None, None])  # blank rows at the end of a sheet are not data
    sheet.append(["u1", "buy", datetime(2024, 3, 2, 9, 15), "plain"])
    path = tmp_path / "e.xlsx"
    book.save(path)
    preview = detect_mapping(path, "events")
    assert preview.format == "xlsx" and preview.columns == ["user_id", "event", "ts", "city"]
    result = ingest_file(ws, "events", path)
    assert (result.rows_read, result.rows_loaded) == (3, 3)
    got = ws.con.execute("SELECT user_id, ts, properties->>'city' FROM events ORDER BY ts").fetchall()
    assert got == [
        ("17850", EXPECTED_TS[0], "Zoë café"),
        ("u2", EXPECTED_TS[1], "北京"),
        ("u1", EXPECTED_TS[2], "plain"),
    ]


def test_quoted_fields_with_delimiters_and_newlines(ws, tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        'user_id,event,ts,note\nu1,view,2024-03-01 10:00:00,"a, b"\n'
        'u2,view,2024-03-01 10:00:00,"line1\nline2"\n',
        encoding="utf-8",
    )
    result = ingest_file(ws, "events", path)
    assert result.rows_loaded == 2
    notes = [
        r[0] for r in ws.con.execute("SELECT properties->>'note' FROM events ORDER BY user_id").fetchall()
    ]
    assert notes == ["a, b", "line1\nline2"]


def test_detect_mapping_preview(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("Customer ID;Action;Created At;Plan\nc1;open;2024-01-01;pro\n", encoding="utf-8")
    preview = detect_mapping(path, "events")
    assert preview.columns == ["Customer ID", "Action", "Created At", "Plan"]
    assert preview.mapping == {
        "user_id": "Customer ID",
        "event": "Action",
        "ts": "Created At",
        "session_id": None,
    }
    assert preview.required == ["user_id", "event", "ts"]
    assert preview.sample.shape == (1, 4) and preview.delimiter == ";" and preview.encoding == "utf-8"
