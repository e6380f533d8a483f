"""Fixtures for the dashboard tests: a small sample workspace *file* the app process can open."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.workspace import Workspace
from tests.helpers import APP, texts  # noqa: F401  (re-exported for tests not yet importing tests.helpers)


@pytest.fixture(scope="session")
def sample_ws_template(sample_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace file with the small sample (600 users) loaded, built once per session."""
    from sample_data.demo import build_demo_workspace

    path = tmp_path_factory.mktemp("ws-template") / "sample.duckdb"
    ws = Workspace(path)
    build_demo_workspace(ws, data_dir=sample_data_dir)
    ws.close()
    return path


@pytest.fixture(scope="module")
def sample_ws_file(sample_ws_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the sample workspace for one test module (tests may write to it)."""
    path = tmp_path_factory.mktemp("ws") / "sample.duckdb"
    shutil.copy(sample_ws_template, path)
    return path


@pytest.fixture
def app(sample_ws_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The dashboard on the sample workspace, not yet run."""
    monkeypatch.setenv("USERLENS_WORKSPACE", str(sample_ws_file))
    yield AppTest.from_file(APP, default_timeout=60)


@pytest.fixture
def empty_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The dashboard on a new, empty workspace."""
    monkeypatch.setenv("USERLENS_WORKSPACE", str(tmp_path / "empty.duckdb"))
    yield AppTest.from_file(APP, default_timeout=60)


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """~/.userlens of the tests (the last-used registry) is a temporary folder, never the real one."""
    from dashboard import workspaces

    home = tmp_path_factory.mktemp("home") / ".userlens"
    monkeypatch.setattr(workspaces, "home_folder", lambda: home)
    return home
