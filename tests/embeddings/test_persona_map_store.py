"""The persona map is stored with the run (schema migration 4) and read back after a restart."""

from __future__ import annotations

import numpy as np
import polars as pl

import analytics.workspace as workspace_mod
from analytics.datamgmt import forget_user
from analytics.migrations import MIGRATIONS
from analytics.workspace import Workspace
from embeddings.personas import run_personas
from embeddings.store import latest_persona_map, latest_persona_members, new_run_id, write_clusters
from tests.helpers import insert_rows, planted_rows


def test_map_coordinates_survive_reopening(tmp_path, fake_encoder):
    path = tmp_path / "w.duckdb"
    ws = Workspace(path)
    insert_rows(ws, *planted_rows())
    run = run_personas(ws, k=2, seed=0, encoder=fake_encoder)
    ws.close()

    again = Workspace(path)  # a server restart: nothing of the run is left in memory
    stored = latest_persona_map(again.con)
    expected = run.coords.sort("user_id")
    assert stored.columns == ["user_id", "x", "y", "persona_id", "persona"]
    assert stored["user_id"].to_list() == expected["user_id"].to_list()
    assert stored["persona_id"].to_list() == expected["persona_id"].to_list()
    assert stored["persona"].to_list() == expected["persona"].to_list()
    assert np.allclose(stored["x"].to_numpy(), expected["x"].to_numpy(), atol=1e-6)
    assert np.allclose(stored["y"].to_numpy(), expected["y"].to_numpy(), atol=1e-6)
    # the member reader other analyses use is unchanged
    assert latest_persona_members(again.con).columns == ["user_id", "persona_id", "persona"]
    again.close()


def test_map_follows_the_latest_run_and_erasure(ws):
    cards = [{"id": 0, "name": "A", "size": 2, "keywords": [], "quotes": [], "figures": {}},
             {"id": 1, "name": "B", "size": 1, "keywords": [], "quotes": [], "figures": {}}]
    old = pl.DataFrame({"user_id": ["u1", "u2"], "persona_id": [0, 0], "x": [9.0, 9.0], "y": [9.0, 9.0]})
    write_clusters(ws, kind="personas", run_id="personas-1", params={}, summary={}, clusters=cards,
                   members=old)
    new = pl.DataFrame({"user_id": ["u2", "u1", "u3"], "persona_id": [0, 0, 1],
                        "x": [0.5, -1.0, 2.0], "y": [0.25, 1.5, -3.0]})
    write_clusters(ws, kind="personas", run_id=new_run_id("personas"), params={}, summary={}, clusters=cards,
                   members=new)
    got = latest_persona_map(ws.con)
    assert got.rows() == [("u1", -1.0, 1.5, 0, "A"), ("u2", 0.5, 0.25, 0, "A"), ("u3", 2.0, -3.0, 1, "B")]
    forget_user(ws, "u2")
    assert latest_persona_map(ws.con)["user_id"].to_list() == ["u1", "u3"]
    # a run written without coordinates (themes-style members) has no map, but its members are read
    write_clusters(ws, kind="personas", run_id=new_run_id("personas"), params={}, summary={}, clusters=cards,
                   members=new.select("user_id", "persona_id"))
    assert latest_persona_map(ws.con).is_empty()
    assert latest_persona_members(ws.con)["user_id"].to_list() == ["u1", "u2", "u3"]


def test_migration_4_adds_coordinates_to_an_existing_workspace(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    monkeypatch.setattr(workspace_mod, "MIGRATIONS", [m for m in MIGRATIONS if m[0] < 4])
    old = Workspace(path)
    old.con.execute("INSERT INTO analysis_runs (run_id, kind) VALUES ('r1', 'personas')")
    old.con.execute("INSERT INTO personas (run_id, persona_id, name) VALUES ('r1', 0, 'A')")
    old.con.execute("INSERT INTO persona_members VALUES ('r1', 'u1', 0)")  # the three-column layout
    old.close()
    monkeypatch.setattr(workspace_mod, "MIGRATIONS", MIGRATIONS)
    ws = Workspace(path)
    assert ws.schema_version() == max(v for v, _, _ in MIGRATIONS) >= 4
    columns = [r[0] for r in ws.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'persona_members' "
        "ORDER BY ordinal_position").fetchall()]
    assert columns == ["run_id", "user_id", "persona_id", "x", "y"]
    assert latest_persona_members(ws.con).rows() == [("u1", 0, "A")]
    assert latest_persona_map(ws.con).is_empty()  # stored before coordinates were: the page asks to re-run
    ws.close()


def test_theme_members_take_no_coordinates(ws):
    cards = [{"id": 0, "name": "T", "size": 1, "keywords": [], "quotes": [], "figures": {}}]
    write_clusters(ws, kind="themes", run_id="themes-1", params={}, summary={}, clusters=cards,
                   members=pl.DataFrame({"feedback_id": ["f1"], "theme_id": [0]}))
    assert ws.con.execute("SELECT * FROM theme_members").fetchall() == [("themes-1", "f1", 0)]
