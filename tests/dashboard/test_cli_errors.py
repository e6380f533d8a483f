"""Never a traceback (issue 10 item 8): an unexpected error is one sentence plus a log file.

Also the regression for a workspace holding a timestamp in year 10000 (which DuckDB stores and
Python's datetime cannot hold): `userlens engagement` and `churn` ended in tracebacks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from analytics.workspace import Workspace
from dashboard import cli

ROOT = Path(__file__).resolve().parents[2]


def _log_path(sentence: str) -> Path:
    found = re.search(r"log file (\S+\.log)", sentence)
    assert found, sentence
    return Path(found.group(1))


def test_an_unexpected_error_is_one_sentence_and_the_traceback_goes_to_a_log(tmp_path: Path, capsys,
                                                                            monkeypatch) -> None:
    import dashboard.commands.funnel as funnel_verb

    def broken(args: object) -> int:
        raise RuntimeError("boom\nsecond line of the message")

    monkeypatch.setattr(cli, "LOG_DIR", tmp_path / "logs")
    monkeypatch.setattr(funnel_verb, "run", broken)
    status = cli.main(["funnel", "--steps", "a,b", "--workspace", str(tmp_path / "w.duckdb")])
    captured = capsys.readouterr()
    assert status == cli.INTERNAL_ERROR == 3
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err
    assert lines[0].startswith("userlens funnel failed unexpectedly (RuntimeError: boom); "
                               "please report this bug")
    log = _log_path(lines[0])
    assert log.parent == tmp_path / "logs" and log.name.startswith("userlens-") and "-funnel-" in log.name
    text = log.read_text()
    assert text.startswith("userlens funnel --steps a,b --workspace ")
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom" in text
    assert "in broken" in text


def test_the_log_falls_back_to_the_temp_folder(tmp_path: Path, capsys, monkeypatch) -> None:
    import dashboard.commands.settings as settings_verb

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr(cli, "LOG_DIR", blocker / "logs")  # cannot be created
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr("tempfile.tempdir", None)  # re-read TMPDIR
    monkeypatch.setattr(settings_verb, "run", lambda args: 1 / 0)
    assert cli.main(["settings"]) == 3
    log = _log_path(capsys.readouterr().err)
    assert log.parent == tmp_path / "tmp" and "ZeroDivisionError" in log.read_text()


def test_user_errors_stay_one_line_with_exit_2(tmp_path: Path, capsys) -> None:
    assert cli.main(["retention", "--workspace", str(tmp_path / "empty.duckdb")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("userlens retention: ") and err.count("\n") == 1


def test_frame_records_writes_dates_python_cannot_hold_as_iso_text() -> None:
    from dashboard.commands._common import frame_records

    frame = pl.DataFrame({"n": [1]}).with_columns(
        ts=pl.lit("2024-03-01T10:30:00").str.to_datetime(time_zone="UTC"),
        day=pl.lit("2024-03-01").str.to_date())
    assert [{k: str(v) for k, v in r.items()} for r in frame_records(frame)] == [
        {"n": "1", "ts": "2024-03-01 10:30:00+00:00", "day": "2024-03-01"}]  # ordinary values: unchanged
    far = frame.with_columns(pl.col("ts").dt.offset_by("7976y"), pl.col("day").dt.offset_by("7976y"))
    assert frame_records(far) == [{"n": 1, "ts": "+10000-03-01T10:30:00+00:00", "day": "+10000-03-01"}]


@pytest.fixture(scope="module")
def year_10000_workspace(sample_ws_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample workspace plus an event in year 10000 for a known user and for a user of its own.

    Written straight into the events table: ingestion is being taught to reject such times, but a
    workspace loaded before that still holds them.
    """
    path = tmp_path_factory.mktemp("y10k") / "y10k.duckdb"
    shutil.copy(sample_ws_file, path)
    ws = Workspace(path)
    with ws.write("events") as cur:
        cur.execute("INSERT INTO events (user_id, event, ts) VALUES "
                    "('u00011', 'task_created', TIMESTAMPTZ '10000-01-01 00:00:00+00'), "
                    "('y10k', 'signup', TIMESTAMPTZ '10000-01-01 00:00:00+00')")
    ws.close()
    return path


def _userlens(*argv: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "USERLENS_WORKSPACE"}
    env.update(PYTHONPATH=str(ROOT), HOME=str(home))
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *argv], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def test_engagement_names_a_year_10000_event_instead_of_crashing(year_10000_workspace: Path,
                                                                  tmp_path: Path) -> None:
    # The metrics refuse times no calendar period can hold, in one sentence that names the rows
    # (analytics.periods.check_event_times; tests/analytics/test_metric_time_range.py).
    done = _userlens("engagement", "--workspace", str(year_10000_workspace), "--format", "json",
                     home=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "2 events have a time outside" in done.stderr and "user 'u00011' at 10000-01-01" in done.stderr


# Left out: `engagement --view daily` and `lifecycle` list every day / week up to year 10000 (millions
# of rows, minutes): correct for such data, and ingestion now refuses it.
@pytest.mark.parametrize("argv", [["churn"], ["engagement", "--view", "power"],
                                  ["retention", "--period", "month"], ["cohorts"],
                                  ["funnel", "--steps", "signup,task_created"]])
def test_no_verb_shows_a_traceback_on_a_year_10000_event(argv: list[str], year_10000_workspace: Path,
                                                         tmp_path: Path) -> None:
    done = _userlens(*argv, "--workspace", str(year_10000_workspace), "--format", "json", home=tmp_path)
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 2, 3), done.stderr
    if done.returncode:
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"userlens {argv[0]}"), done.stderr
    if done.returncode == 3:  # a bug still to fix at its root: the details are in the log
        log = _log_path(done.stderr)
        assert log.is_relative_to(tmp_path / ".userlens" / "logs") and "Traceback" in log.read_text()
