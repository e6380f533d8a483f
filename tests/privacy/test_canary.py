"""Privacy you can prove: plant a canary user everywhere, forget them, then search everything.

The canary has events (one row with a padded id, an e-mail in an extra column), a profile with
contact details, feedback that a theme, a persona and requirement evidence quote, Kano answers,
rejected lines (padded id, a line that never parsed, an empty text) and a browser upload. After
personas, themes, linking and a report, `userlens forget` must leave no trace: no column of any
table (the list comes from the database catalogue, so a table added later is searched too; JSON,
lists and the embedding cache included, where the canary's texts are looked for by their sha256)
and no export format (HTML, Markdown, CSV, JSON, XLSX, PDF text) holds the id, the contact details,
the canary's words or their hashes. With pseudonymisation the raw id and contact details appear
nowhere, rejects included, even before any forget.

The default run uses the project's fake encoder; ``-m slow`` repeats the search with the bundled
sentence-transformers model (CI runs the slow set on a schedule).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from analytics.ingest import ingest_file
from analytics.pseudonymise import hmac_id
from analytics.report import FORMATS, build_report, render_bytes
from analytics.workspace import Workspace, open_workspace
from dashboard.cli import main
from tests.helpers import FakeEncoder, insert_rows, planted_rows

CANARY = "zq-canary-77"
EMAIL = "zq.canary@example.com"
PHONE = "020 7946 0958"
MOBILE = "13812345678"
NATIONAL_ID = "11010519491231002X"
# The canary's words: close to the exporters' texts and to requirement R1, so they get quoted.
TEXTS = ["csv export of the report to csv and pdf quuxtastic",
         "export report to csv fails and export report as pdf please because csv export of report is slow "
         "and report export needs csv charts zorblaxian"]
WORDS = ["zorblaxian", "quuxtastic"]
CONTACT = [EMAIL, PHONE, MOBILE, NATIONAL_ID]
REQS = ("req_id,title,description\n"
        "R1,CSV export of the report,Export report to csv and pdf\n"
        "R2,Jira and Slack sync,Keep jira slack sync working\n")


def canary_files(folder: Path) -> dict[str, Path]:
    """One file per kind with the canary in it (padded ids, rejects, contact details in every column)."""
    files = {
        "events": ("user_id,event,ts,email,phone\n"
                   f" {CANARY} ,export_report,2024-01-02T10:00:00,{EMAIL},{PHONE}\n"
                   f"{CANARY},export_report,2024-01-03T10:00:00,{EMAIL},{MOBILE}\n"
                   f"{CANARY},view_dashboard,2024-01-04T10:00:00,{EMAIL},{NATIONAL_ID}\n"
                   f"{CANARY},export_report,not a time,{EMAIL},{PHONE}\n"  # rejected: unparseable ts
                   f"{CANARY},app_open\n"  # rejected: a line that never parsed
                   "exp00,export_report,2024-01-05T10:00:00,someone@else.example,\n"
                   "exp01,export_report,garbage,,\n"),  # another user's reject: it stays
        "users": ("user_id,plan,email,phone,national_id\n"
                  f" {CANARY} ,pro,{EMAIL},{PHONE},{NATIONAL_ID}\nexp00,free,,,\n"),
        "feedback": ("feedback_id,user_id,text,rating,channel\n"
                     f"fc1,{CANARY},{TEXTS[0]},1,{EMAIL}\n"
                     f"fc2,{CANARY},{TEXTS[1]},2,{PHONE}\n"
                     f"fc3, {CANARY} ,,2,app\n"),  # rejected: empty text
        "kano": ("respondent,user_id,feature,functional,dysfunctional,email\n"
                 f"rc1,{CANARY},Dark mode,I like it,I dislike it,{EMAIL}\n"
                 f"rc2,{CANARY},Dark mode,maybe,I dislike it,{EMAIL}\n"  # rejected: unrecognised answer
                 "rx,exp00,Dark mode,I expect it,I dislike it,\n"),
        "requirements": REQS,
    }
    out = {}
    for kind, text in files.items():
        out[kind] = folder / f"{kind}.csv"
        out[kind].write_text(text, encoding="utf-8")
    return out


def build(path: Path, folder: Path, encoder, *, pseudonymise: bool = False) -> None:
    """The planted personas workspace plus the canary; personas, themes and evidence runs."""
    from embeddings.linking import link_requirements
    from embeddings.personas import run_personas
    from embeddings.themes import run_themes

    ws = Workspace(path)
    insert_rows(ws, *planted_rows())
    for kind, file in canary_files(folder).items():
        ingest_file(ws, kind, file, pseudonymise=pseudonymise)
    run_personas(ws, k=2, encoder=encoder)
    run_themes(ws, k=2, encoder=encoder)
    link_requirements(ws, threshold=0.3, encoder=encoder)
    ws.close()


def catalogue(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Every base table and its columns, from information_schema (so new tables are covered)."""
    rows = con.execute(
        "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns AS c "
        "JOIN information_schema.tables AS t USING (table_schema, table_name) "
        "WHERE t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position").fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, []).append((column, dtype))
    return out


def search_tables(con: duckdb.DuckDBPyConnection, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every column of every table whose text holds a needle."""
    hits = []
    for table, columns in catalogue(con).items():
        for column, dtype in columns:
            if dtype in ("FLOAT[]", "DOUBLE[]", "BLOB"):
                continue  # vectors and bytes hold no text
            for needle in needles:
                found = con.execute(f'SELECT count(*) FROM "{table}" WHERE contains(lower(CAST("{column}" '
                                    'AS VARCHAR)), lower($n))', {"n": needle}).fetchall()[0][0]
                if found:
                    hits.append((table, column, needle))
    return hits


def export_texts(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The text of the report in every format it is written in."""
    report = build_report(con)
    out = {}
    for fmt in FORMATS:
        data = render_bytes(report, fmt)
        if fmt == "pdf":
            out[fmt] = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        elif fmt == "xlsx":
            book = zipfile.ZipFile(io.BytesIO(data))
            out[fmt] = "\n".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
        else:
            out[fmt] = data.decode("utf-8-sig")
    return out


def search_exports(con: duckdb.DuckDBPyConnection, needles: list[str]) -> list[tuple[str, str]]:
    return [(fmt, n) for fmt, text in export_texts(con).items() for n in needles if n.lower() in text.lower()]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def cards(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, list]:
    rows = con.execute(f"SELECT run_id, list(quotes ORDER BY 1) FROM {table} GROUP BY run_id").fetchall()
    return dict(rows)


def _planted_everywhere(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    """Preconditions: without them the search after forgetting would prove nothing."""
    for table in ("events", "users", "feedback", "kano_responses", "persona_members", "requirement_evidence"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE list_contains($i, user_id)",
                           {"i": ids}).fetchall()[0][0] > 0, table
    themed = con.execute("SELECT count(*) FROM theme_members WHERE feedback_id IN ('fc1', 'fc2')")
    assert themed.fetchall()[0][0] == 2
    rejects = [r[0] for r in con.execute("SELECT raw_line FROM rejects").fetchall()]
    assert sum(any(i in line for i in ids) for line in rejects) >= 4  # ts, never parsed, empty text, kano
    for table in ("personas", "themes"):  # a persona and a theme quote the canary
        quotes = con.execute(f"SELECT flatten(list(quotes)) FROM {table}").fetchall()[0][0]
        assert set(quotes) & set(TEXTS), table
    assert con.execute("SELECT count(*) FROM embedding_cache WHERE list_contains($h, text_sha256)",
                       {"h": [sha(t) for t in TEXTS]}).fetchall()[0][0] == 2


def forget_and_search(path: Path, ids: list[str], capsys) -> None:
    """Forget through the CLI, then search every table and every export format."""
    con = open_workspace(path).con
    runs_before = cards(con, "personas") | cards(con, "themes")
    users_before = con.execute("SELECT count(DISTINCT user_id) FROM events").fetchall()[0][0]
    assert main(["forget", f"  {CANARY} ", "--workspace", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["user_id"] == CANARY and doc["file_compacted"] is True
    raw = path.read_bytes()  # the rewritten file holds no byte of the erased rows either
    assert [n for n in [*ids, EMAIL, *WORDS] if n.encode() in raw] == []
    con = open_workspace(path).con
    assert doc["removed"]["events"] == 3 and doc["removed"]["rejects"] == 4
    assert doc["removed"]["embedding_cache"] == 2 and doc["rewritten"]["personas"] >= 1
    needles = [*ids, *CONTACT, *WORDS, *TEXTS, *[sha(t) for t in TEXTS]]
    assert search_tables(con, needles) == []
    assert search_exports(con, needles) == []
    # the runs are kept, their quotes re-picked from the other members
    runs_after = cards(con, "personas") | cards(con, "themes")
    assert runs_after.keys() == runs_before.keys()
    for run, quotes in runs_after.items():
        assert [len(q) for q in quotes] == [len(q) for q in runs_before[run]], run
    # other users' data and rejects are untouched
    assert con.execute("SELECT count(*) FROM rejects").fetchall()[0][0] == 1
    assert con.execute("SELECT count(DISTINCT user_id) FROM events").fetchall()[0][0] == users_before - 1


@pytest.fixture
def fake_cli(monkeypatch) -> FakeEncoder:
    fake = FakeEncoder()
    monkeypatch.setattr("embeddings.features.default_encoder", lambda *a, **k: fake)
    return fake


def test_canary_is_forgotten_everywhere(tmp_path: Path, fake_cli: FakeEncoder, capsys) -> None:
    path = tmp_path / "ws.duckdb"
    build(path, tmp_path, fake_cli)
    con = open_workspace(path).con
    _planted_everywhere(con, [CANARY])
    text = "\n".join(export_texts(con).values())
    assert TEXTS[0] in text and CANARY not in text  # the report quotes the canary's words
    try:
        forget_and_search(path, [CANARY], capsys)
    finally:
        open_workspace(path).close()


def test_pseudonymised_canary_never_stored_raw_and_forgotten(tmp_path: Path, fake_cli: FakeEncoder,
                                                             capsys) -> None:
    path = tmp_path / "ws.duckdb"
    build(path, tmp_path, fake_cli, pseudonymise=True)
    con = open_workspace(path).con
    try:
        secret = open_workspace(path).secret()
        hashed = hmac_id(secret, CANARY)
        _planted_everywhere(con, [hashed])
        # nothing raw anywhere, rejects and exports included, before any forget
        assert search_tables(con, [CANARY, *CONTACT]) == []
        assert search_exports(con, [CANARY, *CONTACT]) == []
        forget_and_search(path, [CANARY, hashed], capsys)
    finally:
        open_workspace(path).close()


@pytest.mark.slow
@pytest.mark.parametrize("pseudonymise", [False, True])
def test_canary_with_the_real_model(tmp_path: Path, pseudonymise: bool, capsys) -> None:
    from embeddings.encoders import default_encoder

    path = tmp_path / "ws.duckdb"
    build(path, tmp_path, default_encoder(), pseudonymise=pseudonymise)
    try:
        ids = [CANARY] + ([hmac_id(open_workspace(path).secret(), CANARY)] if pseudonymise else [])
        assert main(["forget", CANARY, "--workspace", str(path), "--format", "json"]) == 0
        capsys.readouterr()
        con = open_workspace(path).con
        needles = [*ids, *CONTACT, *WORDS, *TEXTS, *[sha(t) for t in TEXTS]]
        assert search_tables(con, needles) == []
        assert search_exports(con, needles) == []
    finally:
        open_workspace(path).close()



def test_canary_uploaded_in_the_browser_leaves_no_copy(tmp_path: Path, monkeypatch) -> None:
    """Through the Data page: a pseudonymised upload, then forget from the same page."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import uploads
    from tests.helpers import APP

    root = tmp_path / "uploads"
    monkeypatch.setenv(uploads.ENV, str(root))
    monkeypatch.setattr(uploads, "_SWEPT", set())
    path = tmp_path / "ws.duckdb"
    monkeypatch.setenv("USERLENS_WORKSPACE", str(path))
    st.cache_resource.clear()
    events = canary_files(tmp_path)["events"].read_bytes()
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.file_uploader[0].set_value(("events.csv", events, "text/csv")).run()
    assert [p for p in root.rglob("*") if p.is_file()]  # on disk while the mapping is checked
    at.checkbox(key="load-pseudonymise").check()
    at.button(key="load-go").click().run()
    assert not at.exception
    assert [p for p in root.rglob("*") if p.is_file()] == []
    con = open_workspace(path).con
    hashed = hmac_id(open_workspace(path).secret(), CANARY)
    assert con.execute("SELECT count(*) FROM events WHERE user_id = $u", {"u": hashed}).fetchall()[0][0] == 3
    assert search_tables(con, [CANARY, *CONTACT]) == []
    at.text_input(key="forget-user").input(CANARY)
    at.checkbox(key="forget-sure").check()
    at.button(key="forget-go").click().run()
    assert not at.exception
    assert search_tables(open_workspace(path).con, [CANARY, hashed, *CONTACT]) == []
    open_workspace(path).close()
