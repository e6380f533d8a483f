"""Fixtures for the embeddings tests: a fast deterministic fake encoder and a planted workspace."""

from __future__ import annotations


import pytest

from analytics.workspace import Workspace
from tests.helpers import GROUP_EVENTS, GROUP_TEXTS, FakeEncoder, insert_rows, planted_rows  # noqa: F401


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def planted_ws(ws: Workspace) -> Workspace:
    """The in-memory workspace with `planted_rows` inserted."""
    insert_rows(ws, *planted_rows())
    return ws
