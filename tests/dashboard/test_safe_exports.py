"""No CSV or XLSX that UserLens writes holds a live formula: every --format csv verb, --assignments,
the report, and every download button of every page, on a workspace full of formula-like text."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.ingest import ingest_file
from analytics.workspace import Workspace, open_workspace
from dashboard.cli import main
from tests.analytics.test_tabular import live_formula_cells
from tests.helpers import APP, FakeEncoder, insert_rows, planted_rows

EVIL = '=HYPERLINK("http://evil.example","click")'


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The planted personas workspace plus formula-like text in every kind of file, with persona,
    theme and evidence runs (fake encoder)."""
    from embeddings.linking import link_requirements
    from embeddings.personas import run_personas
    from embeddings.themes import run_themes

    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "ws.duckdb"
    ws = Workspace(path)
    insert_rows(ws, *planted_rows())
    users = [f"exp{u:02d}" for u in range(15)] + [f"int{u:02d}" for u in range(15)]
    quoted = EVIL.replace('"', '""')
    events = "".join(f'{u},"{quoted}",2024-01-0{1 + i % 9},@SUM(1)\n'
                     f'{u},@SUM(1),2024-01-0{1 + i % 9} 01:00,x\n'
                     f'{u},+cmd,2024-01-0{1 + i % 9} 02:00,x\n' for i, u in enumerate(users))
    ingest_file(ws, "events", _write(folder, "e.csv", "user_id,event,ts,note\n" + events
                                     + "int00,+cmd,not a time,-2+3\n"))
    profiles = "".join(f"{u},{'=cmd' if u.startswith('exp') else '+team'},{'@x' if i % 2 else '-2+3'}\n"
                       for i, u in enumerate(users))
    ingest_file(ws, "users", _write(folder, "u.csv", "user_id,plan,country\n" + profiles))
    answers = "".join(f"r{i},{u},{'=HYPERLINK(1)' if i % 2 else '@feat'},{1 + i % 5},{5 - i % 5}\n"
                      for i, u in enumerate(users))
    ingest_file(ws, "kano", _write(folder, "k.csv", "respondent,user_id,feature,functional,dysfunctional\n"
                                   + answers))
    ingest_file(ws, "requirements", _write(folder, "r.csv",
        "req_id,title,description,kano_feature,reach,impact,confidence,effort\n"
        "R1,\"+cmd|' /C calc'!A0\",Export report to csv and pdf,=HYPERLINK(1),100,2,0.8,2\n"
        "R2,-2+3 Jira and Slack sync,Keep jira slack sync working,@feat,50,1,0.5,1\n"
        "=R3,@SUM(1) dark mode,A dark colour theme,,10,0.5,0.5,3\n"))
    ingest_file(ws, "feedback", _write(folder, "f.csv", "user_id,text\n" + "".join(
        f"{u},=1+2 export report csv fails\n" for u in users[:5]) + "int01,-2+3 jira slack sync breaks\n"))
    fake = FakeEncoder()
    run_personas(ws, k=2, encoder=fake)
    run_themes(ws, k=2, encoder=fake)
    link_requirements(ws, threshold=0.3, encoder=fake)
    ws.close()
    yield path
    open_workspace(path).close()


def check_csv(data: bytes, where: str) -> int:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows, where
    assert live_formula_cells(rows) == [], where
    return sum(len(r) for r in rows)


def check_xlsx(data: bytes, where: str) -> None:
    book = zipfile.ZipFile(io.BytesIO(data))
    for name in book.namelist():
        if name.startswith("xl/worksheets/sheet"):
            assert "<f>" not in book.read(name).decode(), f"{where}: formula cell in {name}"
    strings = re.findall(r"<t[^>]*>([^<]*)</t>", book.read("xl/sharedStrings.xml").decode())
    assert live_formula_cells([[s.replace("&quot;", '"') for s in strings]]) == [], where


CSV_VERBS = [
    ["retention", "--periods", "4"], ["engagement"], ["lifecycle"],
    ["funnel", "--steps", "@SUM(1),+cmd"], ["kano"], ["kano", "--segment", "plan"],
    ["cohorts", "--by", "attr:plan"], ["churn", "--horizon-days", "5"],
    ["experiment", "--group", "plan", "--metric", "events"],
    *[["prioritise", "--method", m] for m in ("rice", "ice", "wsjf", "value-effort", "weighted", "kano")],
    ["personas", "--k", "2"], ["themes", "--k", "2"], ["link", "--threshold", "0.3"],
]


@pytest.mark.parametrize("argv", CSV_VERBS, ids=lambda a: "-".join(a[:2]))
def test_every_csv_verb_writes_inert_cells(hostile_ws: Path, argv: list[str], capsys, monkeypatch) -> None:
    fake = FakeEncoder()
    monkeypatch.setattr("embeddings.features.default_encoder", lambda *a, **k: fake)
    assert main([*argv, "--workspace", str(hostile_ws), "--format", "csv"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert check_csv(out.encode(), " ".join(argv)) > 0


@pytest.mark.parametrize("verb", ["personas", "themes"])
def test_assignments_files_are_inert(hostile_ws: Path, verb: str, tmp_path: Path, capsys,
                                    monkeypatch) -> None:
    fake = FakeEncoder()
    monkeypatch.setattr("embeddings.features.default_encoder", lambda *a, **k: fake)
    out = tmp_path / f"{verb}.csv"
    assert main([verb, "--workspace", str(hostile_ws), "--k", "2", "--format", "json",
                 "--assignments", str(out)]) == 0
    capsys.readouterr()
    check_csv(out.read_bytes(), f"{verb} --assignments")


def test_report_csv_and_xlsx_are_inert(hostile_ws: Path, tmp_path: Path, capsys) -> None:
    for ext in ("csv", "xlsx"):
        out = tmp_path / f"report.{ext}"
        assert main(["report", "--workspace", str(hostile_ws), "--out", str(out)]) == 0
        (check_csv if ext == "csv" else check_xlsx)(out.read_bytes(), f"report.{ext}")
    assert "'+cmd" in (tmp_path / "report.csv").read_text(encoding="utf-8-sig")  # the title is there, inert


# pages whose downloads sit in lazily rendered tabs: (tabs key, tab label) to open in turn
LAZY_TABS = {"overview.py": [("ov-tabs", "Lifecycle"), ("ov-tabs", "Power users")],
             "retention.py": [("ret-tabs", "Table")], "prioritise.py": [("prio-tabs", "Table")],
             "kano.py": [("kano-tabs", "Categories")],
             "funnels.py": [("funnel-more-tabs", "What predicts conversion")]}
PAGES = ["data.py", "overview.py", "retention.py", "funnels.py", "journeys.py", "personas.py", "themes.py",
         "kano.py", "prioritise.py", "report.py"]


def test_every_download_button_is_inert(hostile_ws: Path, monkeypatch) -> None:
    import streamlit as st

    captured: dict[str, tuple[str, bytes]] = {}

    def record(label, data, file_name=None, *args, key=None, **kwargs):  # noqa: ANN001, ANN202
        name = file_name or ""
        payload = data() if callable(data) and name.endswith((".csv", ".xlsx")) else data
        captured[key or label] = (name, payload if isinstance(payload, bytes | str) else b"")
        return False

    monkeypatch.setattr(st, "download_button", record)
    monkeypatch.setenv("USERLENS_WORKSPACE", str(hostile_ws))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for page in PAGES:
        at.switch_page(f"app_pages/{page}").run()
        assert not at.exception, page
        for key, label in LAZY_TABS.get(page, []):
            at.session_state[key] = label
            at.run()
            assert not at.exception, (page, label)
    assert {"dl-rejects", "dl-dwm", "dl-life", "dl-power", "dl-ret-counts", "dl-ret-pct", "dl-funnel",
            "dl-prio", "dl-prio-xlsx", "dl-evidence", "dl-personas", "dl-themes", "dl-kano",
            "dl-report-csv", "dl-report-xlsx", "dl-paths"} <= set(captured), sorted(captured)
    checked = 0
    for key, (name, data) in captured.items():
        if name.endswith(".csv"):
            check_csv(data if isinstance(data, bytes) else data.encode(), key)
            checked += 1
        elif name.endswith(".xlsx"):
            check_xlsx(data, key)
            checked += 1
    assert checked >= 9
