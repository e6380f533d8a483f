"""The launcher's command line, the demo/serve verbs' wiring, and the shared error display."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import server
from dashboard.cli import build_parser


def test_command_binds_localhost_with_a_1_gb_upload_limit(tmp_path: Path) -> None:
    argv = server.command(tmp_path / "w.duckdb", 8765)

    def flag(name: str, line: list[str] = argv) -> str:
        return line[line.index(name) + 1]

    assert argv[1:4] == ["-m", "streamlit", "run"] and argv[4].endswith("dashboard/streamlit_app.py")
    assert flag("--server.address") == "127.0.0.1"
    assert flag("--server.port") == "8765"
    assert flag("--server.maxUploadSize") == "1024"
    assert flag("--server.headless") == "true"
    assert flag("--client.disableDataExport") == "true"  # the tables' raw CSV export is off
    assert argv[-3:] == ["--", "--workspace", str(tmp_path / "w.duckdb")]


def test_config_file_matches_the_launcher() -> None:
    import tomllib

    config = tomllib.loads((Path(server.APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["maxUploadSize"] == server.UPLOAD_LIMIT_MB == 1024
    assert config["client"]["disableDataExport"] is True


def test_free_port_is_bindable() -> None:
    import socket

    port = server.free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_verbs_are_registered() -> None:
    parser = build_parser()
    args = parser.parse_args(["demo", "--port", "9000", "--no-browser"])
    assert args.port == 9000 and args.no_browser and args.func.__module__ == "dashboard.commands.demo"
    args = parser.parse_args(["serve", "--workspace", "x.duckdb"])
    assert args.workspace == "x.duckdb" and args.port == 8501
    args = parser.parse_args(["forget", "u1", "--format", "json"])
    assert args.user_id == "u1"


def test_demo_builds_the_workspace_once(tmp_path: Path, capsys, monkeypatch) -> None:
    from dashboard.commands.demo import ProgressPrinter
    from sample_data.demo import ensure_demo
    from tests.helpers import FakeEncoder

    path = tmp_path / "demo.duckdb"
    assert ensure_demo(path, encoder=FakeEncoder(), progress=ProgressPrinter()) is True  # test_demo_start.py
    out = capsys.readouterr().out
    assert "Building the demo workspace" in out and "[5/5] Tasklane backlog: 25 rows loaded" in out
    assert ensure_demo(path, encoder=FakeEncoder(), progress=ProgressPrinter()) is False
    assert "is ready" in capsys.readouterr().out


def test_forget_verb_prints_what_was_removed(sample_ws_file: Path, capsys) -> None:
    from dashboard.cli import main

    assert main(["forget", "u00011", "--workspace", str(sample_ws_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Forgot user 'u00011':")
    table_rows = {line.split("┆")[0].strip("│ ") for line in out.splitlines() if "┆" in line}
    assert {"table", "events", "users"} <= table_rows and "rows_removed" in out
    # a second run finds nothing; --format json says so table by table
    assert main(["forget", "u00011", "--workspace", str(sample_ws_file), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["user_id"] == "u00011" and doc["rows_removed"] == 0 and doc["removed"]["events"] == 0


def _raises_user_error() -> None:
    import streamlit as st

    from analytics.errors import UserLensError
    from dashboard import ui

    with ui.errors():
        st.write("before")
        raise UserLensError("The file has no column 'ts': map it on the Data page.")
    st.write("after")


def test_user_errors_are_messages_not_tracebacks() -> None:
    at = AppTest.from_function(_raises_user_error).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["The file has no column 'ts': map it on the Data page."]
    assert [m.value for m in at.markdown] == ["before", "after"]


def test_md_escape_makes_user_text_inert() -> None:
    from dashboard.ui import md_escape

    assert md_escape("<img src=x onerror=alert(1)> **bold** [a](http://x)") == (
        r"\<img src=x onerror=alert\(1\)\> \*\*bold\*\* \[a\]\(http\://x\)"
    )


def test_sigterm_stops_the_streamlit_child(tmp_path: Path) -> None:
    # `userlens serve` runs Streamlit as a child; killing the parent must not leave it serving.
    port = server.free_port()
    parent = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "serve", "--workspace", str(tmp_path / "w.duckdb"),
         "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    else:
        parent.kill()
        raise AssertionError("the dashboard never started listening")
    parent.send_signal(signal.SIGTERM)
    assert parent.wait(timeout=30) == 130
    time.sleep(0.5)
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "Streamlit is still serving after SIGTERM"


def _raises_a_bug() -> None:
    import streamlit as st

    from dashboard import ui

    with ui.errors():
        st.write("before")
        raise KeyError("last_event")
    st.write("after")


def test_unexpected_errors_are_one_sentence_with_details_not_an_exception_box() -> None:
    at = AppTest.from_function(_raises_a_bug, default_timeout=60).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "This part of the page failed with an unexpected error (KeyError: 'last_event'); reload the page, "
        "and if it happens again, please report it with the details below."]
    assert [m.value for m in at.markdown] == ["before", "after"]  # the rest of the page still renders
    assert [x.label for x in at.expander] == ["Details for a bug report"]
    assert "Traceback (most recent call last)" in at.code[0].value and "KeyError" in at.code[0].value


def _stops_inside_errors() -> None:
    import streamlit as st

    from dashboard import ui

    with ui.errors():
        st.write("shown")
        st.stop()
    st.write("never shown")


def test_st_stop_inside_errors_still_stops_the_page() -> None:
    at = AppTest.from_function(_stops_inside_errors, default_timeout=60).run()
    assert not at.exception and not at.error
    assert [m.value for m in at.markdown] == ["shown"]


def test_pages_show_no_exception_box_on_a_year_10000_event(sample_ws_file: Path, tmp_path: Path,
                                                           monkeypatch) -> None:
    # Issue 10 item 8: the Overview and Retention pages showed Streamlit's exception box.
    import shutil

    from analytics.workspace import Workspace

    path = tmp_path / "y10k.duckdb"
    shutil.copy(sample_ws_file, path)
    ws = Workspace(path)
    with ws.write("events") as cur:
        cur.execute("INSERT INTO events (user_id, event, ts) VALUES "
                    "('u00011', 'task_created', TIMESTAMPTZ '10000-01-01 00:00:00+00')")
    ws.close()
    monkeypatch.setenv("USERLENS_WORKSPACE", str(path))
    for page in ("app_pages/overview.py", "app_pages/retention.py"):
        at = AppTest.from_file(str(server.APP), default_timeout=120).run()
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        for error in at.error:  # whatever still fails at its root is one sentence, not a traceback
            assert "Traceback" not in error.value and error.value.count(". ") <= 1, error.value


def test_the_launcher_is_always_headless_and_answers_with_stdin_never_written(tmp_path: Path) -> None:
    # Streamlit's first run without --server.headless true asks for an email on the terminal and
    # waits; `userlens serve` (browser wanted) must start anyway, then open the browser from Python.
    import os

    argv = server.command(tmp_path / "w.duckdb", 1)
    assert argv[argv.index("--server.headless") + 1] == "true"
    port = server.free_port()
    url = f"http://127.0.0.1:{port}"
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"  # what $BROWSER runs: records the URL and whether it answered then
    browser.write_text(f"#!{sys.executable}\nimport sys\nfrom dashboard.server import is_serving\n"
                       f"open({str(opened)!r}, 'w').write(f'{{sys.argv[1]}} {{is_serving(sys.argv[1])}}')\n")
    browser.chmod(0o755)
    root = str(Path(server.APP).parents[1])
    env = dict(os.environ, HOME=str(tmp_path / "fresh-home"), BROWSER=str(browser), PYTHONPATH=root)
    env.pop("USERLENS_WORKSPACE", None)
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "serve", "--workspace",
                             str(tmp_path / "w.duckdb"), "--port", str(port)],
                            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not opened.exists() and proc.poll() is None:
            time.sleep(0.3)
        time.sleep(0.5)  # let the browser script finish writing
        assert opened.exists(), (tmp_path / "serve.log").read_text()
        assert opened.read_text() == f"{url} True"  # opened once the dashboard answered
        assert server.is_serving(url)
        assert not (tmp_path / "fresh-home" / ".streamlit" / "credentials.toml").exists()  # never prompted
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
