"""Shared fixtures: an in-memory workspace, empty or seeded from the sample generator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics.workspace import Workspace

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_DATA = SHARED / "data"


@pytest.fixture
def ws() -> Iterator[Workspace]:
    """A fresh, empty in-memory workspace."""
    workspace = Workspace(":memory:")
    yield workspace
    workspace.close()


def needs_shared(relative: str) -> Path:
    """Path to a file under ../shared/data, skipping the test when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared is only on the developers' and CI machines)")
    return path


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small seeded Tasklane data set (600 users, seed 7, 184 days) written to a temp folder."""
    from sample_data.generate import generate

    folder = tmp_path_factory.mktemp("sample_data")
    generate(folder, users=600, seed=7)
    return folder


@pytest.fixture(scope="session")
def sample_ws(sample_data_dir: Path) -> Iterator[Workspace]:
    """An in-memory workspace with the small sample loaded (shared by the session: do not write to it)."""
    from sample_data.demo import build_demo_workspace

    workspace = Workspace(":memory:")
    build_demo_workspace(workspace, data_dir=sample_data_dir)
    yield workspace
    workspace.close()
