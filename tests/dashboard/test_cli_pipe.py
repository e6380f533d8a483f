"""Every verb on every sample workspace, `--format json` into a closed pipe (issue 10 item 9).

`userlens funnel ... --format json | head -1` ended in a BrokenPipeError traceback. Each verb runs
as its own process (as a shell pipeline runs it) with stdout a pipe whose reader is already gone;
it must exit 0 (output cut short) or 2 (a problem it explains), never with a traceback.
Verbs that embed texts run with the fake encoder (the real model takes a minute per process).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.workspace import Workspace
from dashboard.commands import VERBS
from sample_data.generate import FILES

ROOT = Path(__file__).resolve().parents[2]
# The options each verb needs to do real work on the sample workspace ({data}: the sample files).
ARGS: dict[str, list[str]] = {
    "settings": [],
    "ingest": ["feedback", "{data}/" + FILES["feedback"], "--replace"],
    "forget": ["u00011"],
    "retention": [],
    "engagement": [],
    "lifecycle": [],
    "funnel": ["--steps", "signup,task_created"],
    "paths": ["--start", "signup"],
    "correlate": ["--target", "retained:1"],
    "experiment": ["--group", "plan", "--metric", "events"],
    "cohorts": [],
    "churn": [],
    "personas": ["--k", "3"],
    "themes": ["--k", "3"],
    "link": [],
    "intents": [],
    "kano": [],
    "prioritise": [],
    "report": ["--out", "{tmp}/report.json"],
}
NO_FORMAT = {"report"}  # writes a file and prints one line
FAKE_MODEL = {"personas", "themes", "link", "intents"}
SKIP = {
    "demo": "starts a dashboard server (and builds ~/.userlens/demo.duckdb); test_server_and_ui covers it",
    "serve": "starts a dashboard server until stopped; test_server_and_ui covers it",
}
# Runs dashboard.cli.main like the console script, with the sentence-transformers model replaced by
# the tests' fast fake encoder.
FAKE_MODEL_MAIN = ("import sys\nimport embeddings.encoders.sentence_transformer as encoder\n"
                   "from tests.helpers import "
                   "FakeEncoder\nencoder.SentenceTransformerEncoder = lambda *a, **k: FakeEncoder()\n"
                   "from dashboard.cli import main\nsys.exit(main(sys.argv[1:]))")


def test_every_verb_is_run_or_skipped_with_a_reason() -> None:
    assert set(ARGS) | set(SKIP) == {v.name for v in VERBS}
    assert not set(ARGS) & set(SKIP)


@pytest.fixture(scope="module")
def workspaces(sample_ws_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The small sample workspace (a private copy for this module) and an empty one."""
    empty = tmp_path_factory.mktemp("empty-ws") / "empty.duckdb"
    Workspace(empty).close()
    return {"sample": sample_ws_file, "empty": empty}


def _run_into_closed_pipe(argv: list[str], home: Path, model: bool) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("USERLENS_WORKSPACE", "USERLENS_MODEL")}
    env.update(PYTHONPATH=str(ROOT), HOME=str(home))
    cmd = [sys.executable, "-c", FAKE_MODEL_MAIN] if model else [sys.executable, "-m", "dashboard.cli"]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte, like `| head -0`
    try:
        return subprocess.run(cmd + argv, stdout=write_end, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                              env=env, cwd=ROOT, timeout=300)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("workspace", ["sample", "empty"])
@pytest.mark.parametrize("verb", sorted(ARGS))
def test_json_into_a_closed_pipe_exits_quietly(verb: str, workspace: str, workspaces: dict[str, Path],
                                               sample_data_dir: Path, tmp_path: Path) -> None:
    argv = [a.format(data=sample_data_dir, tmp=tmp_path) for a in ARGS[verb]]
    argv = [verb, *argv, "--workspace", str(workspaces[workspace])]
    if verb not in NO_FORMAT:
        argv += ["--format", "json"]
    done = _run_into_closed_pipe(argv, tmp_path / "home", model=verb in FAKE_MODEL)
    err = done.stderr.decode()
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert done.returncode in (0, 2), err
    if done.returncode == 2:  # a problem the person can act on: one line that names the verb
        assert err.startswith(f"userlens {verb}: ") and err.count("\n") == 1, err
    else:
        assert err == "", err


def test_a_closed_pipe_cut_a_long_output_short(sample_ws_file: Path, tmp_path: Path) -> None:
    # The table of every day is long: the write fails in the middle, not only at the final flush.
    copy = tmp_path / "ws.duckdb"
    shutil.copy(sample_ws_file, copy)
    done = _run_into_closed_pipe(["engagement", "--view", "daily", "--workspace", str(copy)], tmp_path, False)
    assert (done.returncode, done.stderr.decode()) == (0, "")
