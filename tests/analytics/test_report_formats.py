"""Every report format opens, holds the same ranking, and keeps hostile user text inert."""

from __future__ import annotations

import csv
import io
import json
import shutil
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from pypdf import PdfReader
from report_seed import HOSTILE, SCRIPT, seed

from analytics.errors import UserLensError
from analytics.report import build_report, render_bytes, write_report
from analytics.report import render_pdf as pdf_module
from analytics.report.safety import markdown_text, neutralise
from dashboard.cli import main

EXPECTED = [("R2", 1500.0), ("R1", 800.0), ("R3", 200.0), ("R4", 40.0)]


@pytest.fixture
def report(ws):
    seed(ws)
    return build_report(ws.con)


class _Tables(HTMLParser):
    """Cell texts of every <table id=...>, plus every tag and attribute seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self._table = dict(attrs).get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _parse_html(data: bytes) -> _Tables:
    parser = _Tables()
    parser.feed(data.decode("utf-8"))
    return parser


def test_html_table_holds_the_ranking_and_makes_no_request(report):
    parsed = _parse_html(render_bytes(report, "html"))
    rows = parsed.tables["ranking"]
    assert rows[0][:4] == ["Rank", "ID", "Title", "Score"]
    assert [(r[1], float(r[3].replace(",", ""))) for r in rows[1:]] == EXPECTED
    assert [r[2] for r in rows[1:]] == ["批量导入 CSV", "Export to PDF", "+Dark mode", "Offline sync"]
    # self-contained: no script, no stylesheet link, no src/href to anywhere
    assert not [t for t, _ in parsed.tags if t in ("script", "link", "img", "iframe")]
    assert not [a for _, a in parsed.tags if "src" in a or "href" in a]
    assert sum(1 for t, _ in parsed.tags if t == "svg") == 3  # ranking bars, value/effort, Kano


def test_html_escapes_user_text(report):
    text = render_bytes(report, "html").decode()
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; crashes" in text
    evidence = _parse_html(text.encode()).tables["evidence-table"]
    r1 = next(r for r in evidence if r[0] == "R1")
    assert HOSTILE in r1[5] and SCRIPT in r1[5]  # shown as text, parsed back unchanged


def test_csv_round_trip_and_neutralised(report):
    data = render_bytes(report, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["req_id"], float(r["score"])) for r in rows] == EXPECTED
    r3 = rows[2]
    assert r3["title"] == "'+Dark mode" and float(r3["worse"]) == pytest.approx(-1 / 3)
    assert rows[3]["flags"] == "effort" and rows[3]["effort_source"] == "default"
    assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for r in rows for v in r.values())


def test_json_round_trip(report):
    doc = json.loads(render_bytes(report, "json"))
    assert [(r["req_id"], r["score"]) for r in doc["ranking"]] == EXPECTED
    r1 = doc["ranking"][1]
    assert r1["quotes"][0] == HOSTILE  # JSON carries the text as data, never evaluated
    assert {i["name"]: i["source"] for i in r1["inputs"]} == {
        "reach": "backlog",
        "impact": "backlog",
        "confidence": "backlog",
        "effort": "backlog",
    }
    assert doc["method"]["name"] == "rice" and doc["kano"]["available"] is True


def test_xlsx_sheets_numbers_and_no_formulas(report):
    wb = openpyxl.load_workbook(io.BytesIO(render_bytes(report, "xlsx")))
    assert wb.sheetnames == ["Summary", "Ranking", "Kano", "Evidence", "Themes", "Proposals", "Personas",
                             "Sources"]
    ranking = list(wb["Ranking"].iter_rows(min_row=3, values_only=True))
    header = list(ranking[0])
    got = [(r[header.index("req_id")], r[header.index("score")]) for r in ranking[1:]]
    assert got == EXPECTED and all(isinstance(s, float | int) for _, s in got)
    assert ranking[3][header.index("title")] == "'+Dark mode"
    evidence = list(wb["Evidence"].iter_rows(values_only=True))
    r1 = next(r for r in evidence if r[1] == "R1")
    assert r1[7] == "'" + HOSTILE and r1[9] == SCRIPT
    personas = list(wb["Personas"].iter_rows(values_only=True))
    assert personas[2][6] == "'" + HOSTILE
    kano = list(wb["Kano"].iter_rows(values_only=True))
    assert kano[2][:9] == ("export", 4, 1, 3, 0, 0, 0, 0, "O") and kano[2][10:12] == (1.0, -0.75)
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None


def test_markdown_holds_the_ranking_and_escapes(report):
    text = render_bytes(report, "md").decode()
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("| Rank | ID | Title | Score")))
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines[start + 2 : start + 6]]
    assert [(r[1], float(r[3].replace(",", ""))) for r in rows] == EXPECTED
    # HTML in user text is backslash-escaped: inert, and shown as written (never as "&lt;" / "&amp;")
    assert "<script>" not in text and r"\<script\>alert(1)\</script\> crashes" in text
    assert "&lt;" not in text
    assert f"> {markdown_text(HOSTILE)}" in text and markdown_text(HOSTILE).startswith("\\=")


@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
def test_pdf_has_pages_and_text(report, engine, monkeypatch):
    if engine == "chromium" and not shutil.which("chromium"):
        pytest.skip("no chromium on PATH (CI installs it)")
    monkeypatch.setenv("USERLENS_PDF_ENGINE", engine)
    reader = PdfReader(io.BytesIO(render_bytes(report, "pdf")))
    assert len(reader.pages) >= 4
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    for needle in (
        "Prioritised requirements",
        "Ranked requirements",
        "Export to PDF",
        "Offline sync",
        "Kano analysis",
        "Method, weights and settings",
        "Data sources",
    ):
        assert needle in flat, needle
    if engine == "weasyprint":  # Chromium extracts 入 as the radical ⼊; CJK reports never go there
        assert "批量导入" in flat
    assert flat.index("R2 ") < flat.index("R1 Export to PDF") < flat.index("R3 +Dark mode")
    assert "Page 1 of" in flat


def test_pdf_engine_choice(monkeypatch):
    monkeypatch.delenv("USERLENS_PDF_ENGINE", raising=False)
    monkeypatch.setattr(pdf_module, "_chromium", lambda: "/usr/bin/chromium")
    assert pdf_module.pdf_engine("<p>Export to PDF</p>") == "chromium"
    assert pdf_module.pdf_engine("<p>批量导入 CSV</p>") == "weasyprint"
    monkeypatch.setattr(pdf_module, "_chromium", lambda: None)
    assert pdf_module.pdf_engine("<p>Export to PDF</p>") == "weasyprint"
    monkeypatch.setenv("USERLENS_PDF_ENGINE", "chromium")
    assert pdf_module.pdf_engine("<p>批量导入</p>") == "chromium"
    monkeypatch.setenv("USERLENS_PDF_ENGINE", "latex")
    with pytest.raises(UserLensError, match="USERLENS_PDF_ENGINE"):
        pdf_module.pdf_engine("")


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "-2"),  # issue 11: text that is a number stays a number
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_cli_writes_every_format(ws, tmp_path, capsys):
    path = tmp_path / "w.duckdb"
    from analytics.workspace import Workspace

    disk = Workspace(path)
    seed(disk, kano=False, evidence=False, events=False)
    disk.close()
    for ext in ("html", "pdf", "xlsx", "md", "csv", "json"):
        out = tmp_path / "out" / f"report.{ext}"
        assert (
            main(
                [
                    "report",
                    "--workspace",
                    str(path),
                    "--out",
                    str(out),
                    "--method",
                    "rice",
                    "--weight",
                    "reach=1",
                ]
            )
            == 0
        )
        assert out.stat().st_size > 0
    doc = json.loads((tmp_path / "out" / "report.json").read_text())
    assert [r["req_id"] for r in doc["ranking"]] == ["R2", "R1", "R3", "R4"]
    assert doc["kano"]["available"] is False
    assert main(["report", "--workspace", str(path), "--out", str(tmp_path / "x.docx")]) == 2
    assert "end the file name with" in capsys.readouterr().err


def test_write_report_returns_the_path(ws, tmp_path):
    seed(ws)
    out = write_report(ws.con, tmp_path / "a" / "r.md", method="wsjf", title="WSJF view")
    assert out.read_text().startswith("# WSJF view")
    assert not list(out.parent.glob("*.part"))
