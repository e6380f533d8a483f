"""Browser-test fixtures: the sample's demo workspace is built once per run and each test gets its own copy
(tests write to it: labels, runs), so the slow build is not repeated per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def _demo_workspace_file(sample_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from analytics.workspace import Workspace
    from sample_data.demo import build_demo_workspace

    path = tmp_path_factory.mktemp("e2e-demo") / "demo.duckdb"
    ws = Workspace(path)
    build_demo_workspace(ws, data_dir=sample_data_dir)
    ws.close()
    return path


@pytest.fixture
def demo_workspace(_demo_workspace_file: Path, tmp_path: Path) -> Path:
    """A private copy of the demo workspace built from the small seeded sample."""
    path = tmp_path / _demo_workspace_file.name
    shutil.copyfile(_demo_workspace_file, path)
    return path
