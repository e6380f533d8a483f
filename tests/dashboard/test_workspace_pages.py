"""Issue 12, guardrails: the sample data lives in its own workspace (item 1); the workspace's name is on
every page, workspaces are created and switched from the sidebar, and `serve` reopens the last one
used (item 2); `demo --help` names its own default and a report is stamped when it is downloaded
(item 13)."""

from __future__ import annotations

import argparse
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.workspace import Workspace
from dashboard import workspaces
from tests.helpers import APP, texts

PAGES = ("data", "overview", "retention", "funnels", "journeys", "personas", "themes", "kano", "prioritise",
         "report")


def counts(path: Path) -> dict[str, int]:
    ws = Workspace(path)
    try:
        return ws.row_counts()
    finally:
        ws.close()


def sidebar_text(at: AppTest) -> str:
    return "\n".join([*(str(m.value) for m in at.sidebar.markdown), *(c.value for c in at.sidebar.code)])


@pytest.fixture
def acme(sample_ws_template: Path, tmp_path: Path) -> Path:
    """A workspace of real data (here: a copy of the small sample) called "acme", alone in its folder."""
    path = tmp_path / "workspaces" / "acme.duckdb"
    path.parent.mkdir()
    shutil.copy(sample_ws_template, path)
    return path


@pytest.fixture
def acme_app(acme: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("USERLENS_WORKSPACE", str(acme))
    return AppTest.from_file(APP, default_timeout=60)


# -- 1. the sample never goes into a real workspace -------------------------------------------------

def test_sample_button_opens_the_demo_workspace_and_leaves_this_one_alone(acme: Path, acme_app: AppTest,
                                                                         sample_ws_template: Path) -> None:
    demo = acme.parent / "demo.duckdb"
    shutil.copy(sample_ws_template, demo)  # the demo is built already: the button only opens it
    before = counts(acme)
    acme_app.run()
    button = acme_app.button(key="sample-data-page")
    assert button.label == "Open the sample workspace (Tasklane)"
    assert "Your workspace **acme** is not changed" in texts(acme_app)
    button.click().run()
    assert not acme_app.exception
    assert str(demo) in sidebar_text(acme_app)
    assert "Workspace **demo** · sample data" in texts(acme_app)
    assert counts(acme) == before  # nothing merged: 0 rows added to the real workspace


# -- 2. workspaces: name on every page, create, switch, last used -----------------------------------

def test_the_workspace_name_is_on_every_page(acme_app: AppTest) -> None:
    for page in PAGES:
        acme_app.switch_page(f"app_pages/{page}.py").run()
        assert not acme_app.exception, page
        assert "Workspace **acme**" in texts(acme_app), page


def test_create_name_and_switch_workspaces_from_the_sidebar(acme: Path, acme_app: AppTest) -> None:
    acme_app.run()
    picker = acme_app.selectbox(key="workspace-pick")
    assert picker.label == "Workspace" and picker.options == ["acme"]
    acme_app.sidebar.text_input(key="new-workspace-name").input("Chat export")
    acme_app.button(key="new-workspace-create").click().run()
    assert not acme_app.exception
    created = acme.parent / "Chat-export.duckdb"
    assert created.is_file() and str(created) in sidebar_text(acme_app)
    assert r"Workspace **Chat\-export**" in texts(acme_app)  # the name, markdown-escaped
    assert "| Events | 0 |" in sidebar_text(acme_app)  # a new, empty product
    picker = acme_app.selectbox(key="workspace-pick")
    assert sorted(picker.options) == ["Chat-export", "acme"]  # one DuckDB file each, listed from the folder
    picker.select(str(acme)).run()
    assert "Workspace **acme**" in texts(acme_app)
    assert f"| Events | {counts(acme)['events']:,} |" in sidebar_text(acme_app)
    acme_app.sidebar.text_input(key="new-workspace-name").input("acme")
    acme_app.button(key="new-workspace-create").click().run()
    assert "A workspace called 'acme' exists already" in "\n".join(e.value for e in acme_app.sidebar.error)


def test_serve_without_a_workspace_opens_the_last_one_used(acme: Path, acme_app: AppTest,
                                                           sample_ws_template: Path, monkeypatch) -> None:
    from dashboard import server
    from dashboard.commands import serve

    demo = acme.parent / "demo.duckdb"
    shutil.copy(sample_ws_template, demo)
    acme_app.run()  # the dashboard opened acme: it is the last one used
    assert workspaces.last_used() == acme
    acme_app.selectbox(key="workspace-pick").select(str(demo)).run()
    assert "Workspace **demo**" in texts(acme_app)
    assert workspaces.last_used() == acme  # trying the sample does not make it the default
    opened = []
    monkeypatch.setattr(server, "serve", lambda path, port, open_browser: opened.append(Path(path)) or 0)
    assert serve.run(argparse.Namespace(workspace=None, port=1, no_browser=True)) == 0
    assert opened == [acme]


def test_serve_falls_back_to_the_default_workspace(private_home: Path) -> None:
    assert workspaces.last_used() is None
    assert workspaces.default_workspace() == private_home / "workspace.duckdb"


# -- 13. demo --help, report time ---------------------------------------------------------------------

def test_demo_help_names_the_demo_workspace(capsys: pytest.CaptureFixture[str]) -> None:
    from dashboard.cli import main

    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--workspace PATH DuckDB workspace file (default ~/.userlens/demo.duckdb)" in text
    assert "workspace.duckdb" not in text


def _report_twice() -> None:
    import json
    import time

    import streamlit as st

    from dashboard import cache

    built = cache.report().generation.generated_at
    time.sleep(1.2)
    again = cache.report().generation.generated_at  # the cached build
    downloaded = json.loads(cache.report_bytes("json"))["generation"]["generated_at"]
    st.text(f"{built}|{again}|{downloaded}")


def test_a_downloaded_report_is_stamped_with_the_download_time(acme: Path, monkeypatch) -> None:
    monkeypatch.setenv("USERLENS_WORKSPACE", str(acme))
    at = AppTest.from_function(_report_twice, default_timeout=60).run()
    assert not at.exception
    built, again, downloaded = at.text[0].value.split("|")
    assert built == again  # the model is cached
    stamped = datetime.fromisoformat(downloaded)
    assert stamped > datetime.fromisoformat(built)
    assert abs((datetime.now(UTC) - stamped).total_seconds()) < 30
