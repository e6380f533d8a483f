"""`userlens demo` opens with personas, themes and evidence ready (fast fake encoder)."""

from __future__ import annotations

import io
from pathlib import Path

from analytics.sqlfiles import run_sql
from analytics.workspace import Workspace
from dashboard.commands import demo
from tests.embeddings.conftest import FakeEncoder

KINDS = ("personas", "themes", "evidence")


def _runs(path: Path) -> dict[str, int]:
    ws = Workspace(path)
    try:
        return {k: ws.con.execute("SELECT count(*) FROM analysis_runs WHERE kind = ?", [k]).fetchone()[0]
                for k in KINDS}
    finally:
        ws.close()


def test_first_start_runs_every_analysis_and_later_starts_reuse_them(tmp_path: Path, capsys) -> None:
    path = tmp_path / "demo.duckdb"
    first = FakeEncoder()
    assert demo.ensure_demo(path, encoder=first) is True
    out = capsys.readouterr().out
    assert "[1/3] Finding personas (model fake-bow) ..." in out
    assert "[2/3] Finding feedback themes" in out and "[3/3] Linking the backlog to feedback" in out
    assert "feedback texts … 100 %" in out and "requirements have evidence" in out
    assert out.rstrip().endswith("is ready.")
    assert first.encoded > 0
    assert _runs(path) == {"personas": 1, "themes": 1, "evidence": 1}

    second = FakeEncoder()  # a later start: nothing to load, nothing to run, nothing encoded
    assert demo.ensure_demo(path, encoder=second) is False
    out = capsys.readouterr().out
    assert "Finding" not in out and "Building" not in out and "is ready" in out
    assert second.calls == 0 and _runs(path) == {"personas": 1, "themes": 1, "evidence": 1}

    ws = Workspace(path)  # a workspace that lost one kind of run gets just that one again
    with ws.write("themes", "analysis_runs") as cur:
        cur.execute("DELETE FROM analysis_runs WHERE kind = 'themes'")
    ws.close()
    third = FakeEncoder()
    assert demo.ensure_demo(path, encoder=third) is False
    out = capsys.readouterr().out
    assert "[1/1] Finding feedback themes" in out and "Finding personas" not in out and "Linking" not in out
    assert third.encoded == 0  # the texts were embedded by the first start and cached
    assert _runs(path) == {"personas": 1, "themes": 1, "evidence": 1}
    ws = Workspace(path)
    assert not run_sql(ws.con, "persona_map_latest").is_empty()  # the map is ready too
    ws.close()


def test_progress_lines_every_ten_percent_without_a_terminal() -> None:
    stream = io.StringIO()
    progress = demo.ProgressLines("feedback texts", stream=stream)
    for done in range(50, 1001, 50):  # 5 %, 10 %, ..., 100 %
        progress(done, 1000)
    lines = stream.getvalue().splitlines()
    assert lines == [f"  Embedding 1,000 feedback texts … {p} %" for p in (5, 10, 20, 30, 40, 50, 60, 70, 80,
                                                                            90, 100)]
    empty = io.StringIO()
    demo.ProgressLines("texts", stream=empty)(0, 0)
    assert empty.getvalue() == "  Embedding 0 texts … 100 %\n"
