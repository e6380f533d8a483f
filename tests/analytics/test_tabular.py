"""The one CSV/XLSX writer: cells that start with = + - @ tab or CR are neutralised, numbers excepted."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import polars as pl
import pytest

from analytics.tabular import (
    FORMULA_PREFIXES, csv_bytes, csv_text, neutralise, rows_csv_bytes, safe_frame, write_csv, xlsx_bytes,
)

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "@SUM(1)", "+cmd|' /C calc'!A0", "\t=1+1",
           "\r=1+1", "-2+3", "- 5", "=1+2"]


def live_formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run: text starting with a formula prefix that is not a plain number."""
    out = []
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_PREFIXES):
                try:
                    float(cell)
                except ValueError:
                    out.append(cell)
    return out


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("@cmd", "'@cmd"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("-2+3", "'-2+3"), ("- 5", "'- 5"), ("-inf", "'-inf"), ("+", "'+"),
    # text that is a number stays a number
    ("-12.5", "-12.5"), ("-2", "-2"), ("+3", "+3"), ("-1e5", "-1e5"), ("-.5", "-.5"),
    ("plain", "plain"), ("a=b", "a=b"), (" =x", " =x"), ("", ""), (-2.5, -2.5), (7, 7), (None, None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_safe_frame_neutralises_text_lists_structs_and_headers():
    frame = pl.DataFrame({
        "title": ["=HYPERLINK(\"x\")", "-12.5", "ok", None],
        "worse": [-0.25, -1.0, 0.5, None],
        "tags": [["=a", "b"], ["c"], [], None],
        "=evil": [1, 2, 3, 4],
        "info": [{"k": "@x"}, {"k": "y"}, {"k": None}, None],
    })
    out = safe_frame(frame)
    assert out.columns == ["title", "worse", "tags", "'=evil", "info"]
    assert out["title"].to_list() == ["'=HYPERLINK(\"x\")", "-12.5", "ok", None]
    assert out["worse"].to_list() == [-0.25, -1.0, 0.5, None]  # numbers untouched, still floats
    assert out["tags"].to_list() == ["'=a; b", "c", "", None]
    assert out["info"].to_list() == ['{"k": "@x"}', '{"k": "y"}', '{"k": null}', None]


def test_csv_has_no_live_formula_and_keeps_numbers():
    frame = pl.DataFrame({"text": HOSTILE, "n": list(range(-4, 4))})
    rows = list(csv.reader(io.StringIO(csv_text(frame))))
    assert rows[0] == ["text", "n"] and len(rows) == len(HOSTILE) + 1
    assert live_formula_cells(rows) == []
    assert [r[0] for r in rows[1:]] == ["'" + h for h in HOSTILE]
    assert [r[1] for r in rows[1:]] == ["-4", "-3", "-2", "-1", "0", "1", "2", "3"]
    assert csv_bytes(frame, bom=True).startswith(b"\xef\xbb\xbf")


def test_rows_csv_keeps_float_precision_and_neutralises_header():
    data = rows_csv_bytes(["=h", "x"], [["@a", 0.1 + 0.2], [None, -3]], bom=False).decode()
    assert list(csv.reader(io.StringIO(data))) == [["'=h", "x"], ["'@a", "0.30000000000000004"], ["", "-3"]]


def test_write_csv_to_a_file_and_a_clear_error(tmp_path):
    path = write_csv(pl.DataFrame({"a": ["+x"]}), tmp_path / "out.csv")
    assert path.read_text() == "a\n'+x\n"
    from analytics.errors import UserLensError

    with pytest.raises(UserLensError, match="--assignments"):
        write_csv(pl.DataFrame({"a": [1]}), tmp_path / "missing" / "x.csv", flag="--assignments")


def _xlsx_cells(data: bytes) -> tuple[str, str]:
    book = zipfile.ZipFile(io.BytesIO(data))
    return book.read("xl/worksheets/sheet1.xml").decode(), book.read("xl/sharedStrings.xml").decode()


def test_xlsx_writes_strings_never_formulas():
    frame = pl.DataFrame({"text": HOSTILE[:3] + ["http://example.com"], "worse": [-0.5, 1.0, -2.0, 0.0],
                          "when": [datetime(2024, 1, 2, 3, 4, tzinfo=UTC)] * 4})
    sheet, strings = _xlsx_cells(xlsx_bytes(frame))
    assert "<f>" not in sheet  # no formula cell at all
    assert "'=HYPERLINK" in strings and "'@SUM(1)" in strings
    assert "<v>-0.5</v>" in sheet and "<v>-2</v>" in sheet  # numbers stay numbers
    assert "hyperlink" not in sheet.lower()
