"""Browser uploads never stay on disk: gone once loaded, failed, taken out, at session end, after a crash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.workspace import Workspace
from dashboard import server, uploads
from tests.helpers import texts

GOOD = b"user_id,event,ts\ncanary-9,open,2024-01-01\ncanary-9,,2024-01-02\n"
EMPTY = b"user_id,event,ts\n"  # the load fails: a header but no data rows


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import streamlit as st

    monkeypatch.setenv(uploads.ENV, str(tmp_path / "uploads"))
    monkeypatch.setattr(uploads, "_SWEPT", set())
    st.cache_resource.clear()  # no session folder of an earlier test
    return uploads.upload_root()


def files_under(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_root_is_private(root: Path) -> None:
    assert root.is_dir() and (root.stat().st_mode & 0o777) == 0o700


def test_stale_folders_of_servers_that_died_are_removed_at_start(root: Path, tmp_path: Path) -> None:
    dead = root / str(dead_pid()) / "session-x"
    dead.mkdir(parents=True)
    (dead / "1-events.csv").write_bytes(GOOD)
    live = root / str(os.getppid())  # a running process: its uploads stay
    live.mkdir()
    other = root / "notes"
    other.mkdir()
    assert uploads.remove_stale(root) == [dead.parent]
    assert live.exists() and other.exists() and not dead.parent.exists()
    again = root / str(dead_pid())
    again.mkdir()
    server.prepare(tmp_path / "none.duckdb")  # what serve and start do before launching Streamlit
    assert not again.exists() and live.exists()


def test_keep_only_and_discard(root: Path) -> None:
    folder = uploads.new_session_folder()
    a = uploads.save(_Bytes(b"a"), "id1", "a b.csv", folder)
    b = uploads.save(_Bytes(b"b"), "id2", "../b.csv", folder)
    assert a.name == "id1-a_b.csv" and b.parent == folder  # no path escapes the folder
    assert uploads.keep_only(folder, [a]) == [b] and files_under(folder) == ["id1-a_b.csv"]
    uploads.discard(a)
    uploads.discard(a)  # already gone is fine
    assert files_under(folder) == []
    uploads.remove_folder(folder)
    assert not folder.exists()


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def seek(self, pos: int) -> None:
        self.pos = pos

    def read(self, n: int) -> bytes:
        out = self.data[self.pos:self.pos + n]
        self.pos += len(out)
        return out


def _load_button(at: AppTest):  # noqa: ANN202
    return at.button(key="load-go")


def test_an_upload_leaves_the_disk_when_taken_out_loaded_or_failed(empty_app: AppTest, root: Path,
                                                                    tmp_path: Path) -> None:
    at = empty_app
    at.run()
    at.file_uploader[0].set_value(("events.csv", GOOD, "text/csv")).run()
    assert not at.exception
    assert files_under(root) == [f for f in files_under(root) if f.endswith("-events.csv")] != []
    at.file_uploader[0].clear().run()  # taken out of the uploader
    assert not at.exception and files_under(root) == []

    both = [("events.csv", GOOD, "text/csv"), ("more-events.csv", EMPTY, "text/csv")]
    at.file_uploader[0].set_value(both).run()
    assert len(files_under(root)) == 2
    _load_button(at).click().run()
    assert not at.exception
    assert files_under(root) == []  # loaded or failed, both are gone
    shown = texts(at)
    assert "more-events.csv" in shown and "no data rows" in shown
    ws = Workspace(tmp_path / "empty.duckdb")
    try:
        assert ws.row_counts()["events"] == 1
    finally:
        ws.close()


def test_the_session_folder_is_removed_when_the_session_ends(empty_app: AppTest, root: Path) -> None:
    import streamlit as st

    at = empty_app
    at.run()
    at.file_uploader[0].set_value(("events.csv", GOOD, "text/csv")).run()
    folders = [p for p in root.rglob("session-*") if p.is_dir()]
    assert len(folders) == 1 and files_under(folders[0])
    st.cache_resource.clear()  # what Streamlit does with session-scoped resources when a session ends
    assert not folders[0].exists()
