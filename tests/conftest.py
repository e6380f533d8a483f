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
