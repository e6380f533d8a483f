"""`userlens demo` opens with personas, themes and evidence ready (fast fake encoder).

`sample_data.demo.ensure_demo` builds the workspace and reports progress through a callback; the
verb's `ProgressPrinter` prints it.
"""

from __future__ import annotations

import io
from pathlib import Path

from analytics.sqlfiles import run_sql
from analytics.workspace import Workspace
from dashboard.commands.demo import ProgressPrinter
from sample_data.demo import ensure_demo
from tests.helpers import FakeEncoder

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
    assert ensure_demo(path, encoder=first, progress=ProgressPrinter()) is True
    out = capsys.readouterr().out
    assert "[1/3] Finding personas (model fake-bow) ..." in out
    assert "[2/3] Finding feedback themes" in out and "[3/3] Linking the backlog to feedback" in out
    assert "feedback texts … 100 %" in out and "requirements have evidence" in out
    assert out.rstrip().endswith("is ready.")
    assert first.encoded > 0
    assert _runs(path) == {"personas": 1, "themes": 1, "evidence": 1}

    second = FakeEncoder()  # a later start: nothing to load, nothing to run, nothing encoded
    assert ensure_demo(path, encoder=second, progress=ProgressPrinter()) is False
    out = capsys.readouterr().out
    assert "Finding" not in out and "Building" not in out and "is ready" in out
    assert second.calls == 0 and _runs(path) == {"personas": 1, "themes": 1, "evidence": 1}

    ws = Workspace(path)  # a workspace that lost one kind of run gets just that one again
    with ws.write("themes", "analysis_runs") as cur:
        cur.execute("DELETE FROM analysis_runs WHERE kind = 'themes'")
    ws.close()
    third = FakeEncoder()
    assert ensure_demo(path, encoder=third, progress=ProgressPrinter()) is False
    out = capsys.readouterr().out
    assert "[1/1] Finding feedback themes" in out and "Finding personas" not in out and "Linking" not in out
    assert third.encoded == 0  # the texts were embedded by the first start and cached
    assert _runs(path) == {"personas": 1, "themes": 1, "evidence": 1}
    ws = Workspace(path)
    assert not run_sql(ws.con, "persona_map_latest").is_empty()  # the map is ready too
    ws.close()


def test_progress_lines_every_ten_percent_without_a_terminal() -> None:
    stream = io.StringIO()
    progress = ProgressPrinter(stream=stream)
    progress("[1/3] Finding personas (model m) ...")
    for done in range(50, 1001, 50):  # 5 %, 10 %, ..., 100 %
        progress("Embedding 1,000 feedback texts", done, 1000)
    progress("  4 personas (1.0 s)")
    for done in (100, 1000):  # a new counted line starts its own percentages
        progress("Embedding 1,000 feedback texts", done, 1000)
    lines = stream.getvalue().splitlines()
    assert lines == (["[1/3] Finding personas (model m) ..."]
                     + [f"  Embedding 1,000 feedback texts … {p} %" for p in (5, 10, 20, 30, 40, 50, 60, 70,
                                                                              80, 90, 100)]
                     + ["  4 personas (1.0 s)", "  Embedding 1,000 feedback texts … 10 %",
                        "  Embedding 1,000 feedback texts … 100 %"])
    empty = io.StringIO()
    ProgressPrinter(stream=empty)("Embedding 0 texts", 0, 0)
    assert empty.getvalue() == "  Embedding 0 texts … 100 %\n"


def test_ensure_demo_reports_every_step_through_the_callback(tmp_path: Path, sample_data_dir: Path) -> None:
    # The callback gets every line `userlens demo` prints, and counted embedding progress.
    calls: list[tuple[str, int | None, int | None]] = []
    assert ensure_demo(tmp_path / "d.duckdb", encoder=FakeEncoder(), data_dir=sample_data_dir,
                       progress=lambda message, done=None, total=None: calls.append((message, done, total)))
    lines = [m for m, done, _ in calls if done is None]
    assert lines[0].startswith("Building the demo workspace") and lines[-1].endswith("is ready.")
    assert [line.split(":")[0] for line in lines[1:6]] == [
        "  [1/5] Tasklane users", "  [2/5] Tasklane events", "  [3/5] Tasklane feedback",
        "  [4/5] Tasklane Kano survey", "  [5/5] Tasklane backlog"]
    assert [line for line in lines if line.startswith("[")] == [
        "[1/3] Finding personas (model fake-bow) ...", "[2/3] Finding feedback themes (model fake-bow) ...",
        "[3/3] Linking the backlog to feedback (model fake-bow) ..."]
    counted = [(m, done, total) for m, done, total in calls if done is not None]
    assert counted and all(m == f"Embedding {total:,} feedback texts" for m, _, total in counted)
    assert counted[-1][1] == counted[-1][2]  # the embedding finished
