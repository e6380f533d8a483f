"""Requirement linking on planted evidence, and the personas/themes/link command line."""

from __future__ import annotations

import csv
import json

import polars as pl
import pytest

from analytics.sqlfiles import run_sql
from analytics.workspace import Workspace
from dashboard.cli import main
from embeddings.linking import link_requirements
from embeddings.personas import run_personas
from tests.helpers import FakeEncoder, planted_rows

REQS = [("R1", "CSV export of the report", "Export report to csv and pdf"),
        ("R2", "Jira and Slack sync", "Keep jira slack sync working"),
        ("R3", "Dark mode", "A dark colour theme for night owls")]


def add_requirements(ws: Workspace) -> None:
    frame = pl.DataFrame(REQS, schema=["req_id", "title", "description"], orient="row")
    with ws.write("requirements") as cur:
        cur.register("_r", frame)
        cur.execute("INSERT INTO requirements (req_id, title, description) SELECT * FROM _r")
        cur.unregister("_r")


def test_linking_finds_planted_evidence(planted_ws, fake_encoder):
    add_requirements(planted_ws)
    run_personas(planted_ws, k=2, encoder=fake_encoder)
    out = link_requirements(planted_ws, threshold=0.3, encoder=fake_encoder)
    rows = {r["req_id"]: r for r in out.to_dicts()}
    assert set(rows) == {"R1", "R2", "R3"}
    assert rows["R3"]["evidence_count"] == 0 and rows["R3"]["quotes"] == []
    assert rows["R3"]["personas_affected"] == []
    for req in ("R1", "R2"):
        r = rows[req]
        assert r["evidence_count"] >= 4 and r["distinct_users"] == r["evidence_count"]
        assert len(r["personas_affected"]) == 1
        assert 1 <= len(r["quotes"]) <= 3
    evidence = planted_ws.con.sql("SELECT req_id, user_id, similarity FROM requirement_evidence").pl()
    assert evidence.height == rows["R1"]["evidence_count"] + rows["R2"]["evidence_count"]
    assert evidence.filter(pl.col("req_id") == "R1")["user_id"].str.starts_with("exp").all()
    assert evidence.filter(pl.col("req_id") == "R2")["user_id"].str.starts_with("int").all()
    assert evidence["similarity"].min() >= 0.3
    # what prioritisation reads: the latest evidence run only
    link_requirements(planted_ws, threshold=0.99, encoder=fake_encoder)
    latest = run_sql(planted_ws.con, "requirement_evidence_latest")
    assert latest.height == 0 or latest["max_similarity"].min() >= 0.99


@pytest.fixture
def ws_file(tmp_path, monkeypatch):
    """A workspace file with the planted groups and requirements; the CLI uses the fake encoder."""
    path = tmp_path / "ws.duckdb"
    ws = Workspace(path)
    events, feedback = planted_rows()
    from tests.helpers import insert_rows

    insert_rows(ws, events, feedback)
    add_requirements(ws)
    ws.close()
    fake = FakeEncoder()
    monkeypatch.setattr("embeddings.features.default_encoder", lambda *a, **k: fake)
    yield path
    from analytics.workspace import open_workspace

    open_workspace(path).close()


def test_cli_personas_json_and_assignments(ws_file, tmp_path, capsys):
    out_csv = tmp_path / "assign.csv"
    rc = main(["personas", "--workspace", str(ws_file), "--k", "2", "--format", "json",
               "--assignments", str(out_csv)])
    assert rc == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {"clusters", "run_id", "encoder"} and doc["encoder"] == "fake-bow"
    assert len(doc["clusters"]) == 2
    for card in doc["clusters"]:
        assert set(card) >= {"id", "name", "size", "keywords", "quotes", "share", "figures", "confidence"}
    with out_csv.open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 30 and set(rows[0]) == {"user_id", "cluster", "name"}
    names = {str(c["id"]): c["name"] for c in doc["clusters"]}
    assert all(names[r["cluster"]] == r["name"] for r in rows)


def test_cli_themes_and_link(ws_file, tmp_path, capsys):
    out_csv = tmp_path / "themes.csv"
    assert main(["themes", "--workspace", str(ws_file), "--k", "2", "--format", "json",
                 "--assignments", str(out_csv)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sum(c["size"] for c in doc["clusters"]) == 30 and doc["run_id"].startswith("themes-")
    assert "trend" in doc["clusters"][0]["figures"]
    assert out_csv.read_text().splitlines()[0] == "feedback_id,cluster,name"
    assert main(["link", "--workspace", str(ws_file), "--threshold", "0.3", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    by_id = {r["req_id"]: r for r in doc["requirements"]}
    assert by_id["R3"]["evidence_count"] == 0 and by_id["R1"]["evidence_count"] >= 4
    assert set(by_id["R1"]) >= {"evidence_count", "distinct_users", "personas_affected", "quotes"}


def test_cli_errors_are_one_line(ws_file, capsys):
    assert main(["personas", "--workspace", str(ws_file), "--k", "many"]) == 2
    err = capsys.readouterr().err
    assert "--k must be 'auto' or a positive whole number" in err and "Traceback" not in err
    assert main(["personas", "--workspace", str(ws_file), "--k", "2", "--text-weight", "3"]) == 2
    assert "text weight" in capsys.readouterr().err
