"""AppTest of the shell (sidebar) and the Data page on the sample workspace and on an empty one."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from analytics.workspace import Workspace
from tests.helpers import texts


def counts_of(path: Path) -> dict[str, int]:
    ws = Workspace(path)
    try:
        return ws.row_counts()
    finally:
        ws.close()


def test_sidebar_shows_workspace_and_row_counts(app: AppTest, sample_ws_file: Path) -> None:
    app.run()
    assert not app.exception
    shown = "\n".join([*(str(m.value) for m in app.sidebar.markdown), *(c.value for c in app.sidebar.code)])
    assert str(sample_ws_file) in shown
    counts = counts_of(sample_ws_file)
    assert f"| Events | {counts['events']:,} |" in shown
    assert f"| Kano answers | {counts['kano_responses']:,} |" in shown


def test_batches_and_rejects_are_listed(app: AppTest) -> None:
    app.run()
    assert not app.exception
    batches = app.dataframe[0].value
    assert set(batches["file_name"]) >= {"Tasklane events", "Tasklane feedback", "Tasklane backlog"}
    events = batches[batches["kind"] == "events"].iloc[0]
    assert events["rows_read"] == events["rows_loaded"] + events["rows_rejected"]
    # the sample's deliberate rejects: 2 events without a user id, 1 impossible timestamp
    picker = app.selectbox(key="reject-batch")
    picker.select(int(events["batch_id"])).run()
    rejects = app.dataframe[1].value
    assert len(rejects) == 3
    assert sorted(rejects["reason"]) == ["missing user_id", "missing user_id", "unparseable ts"]
    assert any(b.label == "Download CSV" for b in app.get("download_button"))


def test_settings_are_saved(app: AppTest, sample_ws_file: Path) -> None:
    app.run()
    form_week = app.radio(key="settings-week-start")
    form_week.set_value("sunday")
    app.selectbox(key="settings-timezone").select("Europe/Berlin")
    app.button(key="settings-save").click().run()
    assert not app.exception
    assert "Settings saved: Europe/Berlin, weeks start on Sunday." in texts(app)
    assert "Timezone Europe/Berlin · weeks start on Sunday" in texts(app)


def test_delete_batch_removes_its_rows(app: AppTest, sample_ws_file: Path) -> None:
    app.run()
    batches = app.dataframe[0].value
    req = int(batches[batches["kind"] == "requirements"]["batch_id"].iloc[0])
    app.selectbox(key="delete-batch").select(req).run()
    app.checkbox(key="delete-sure").check().run()
    app.button(key="delete-go").click().run()
    assert not app.exception
    assert f"Batch {req} deleted" in texts(app)
    assert "| Requirements | 0 |" in "\n".join(str(m.value) for m in app.sidebar.markdown)


def test_empty_workspace_offers_the_sample_in_one_click(empty_app: AppTest, tmp_path: Path) -> None:
    empty_app.run()
    assert not empty_app.exception
    assert "| Events | 0 |" in "\n".join(str(m.value) for m in empty_app.sidebar.markdown)
    empty_app.button(key="sample-data-page").click().run(timeout=180)
    assert not empty_app.exception
    shown = "\n".join(str(m.value) for m in empty_app.sidebar.markdown)
    assert "| Events | 0 |" not in shown and "| Requirements | 25 |" in shown
    # the sample went into its own workspace next to this one, which stays empty (issue 12)
    assert empty_app.sidebar.code[0].value == str(tmp_path / "demo.duckdb")
    assert sum(counts_of(tmp_path / "empty.duckdb").values()) == 0


def test_forget_user_removes_them_everywhere(app: AppTest, sample_ws_file: Path) -> None:
    app.run()
    before = counts_of_user(sample_ws_file, "u00007")
    assert before > 0
    app.text_input(key="forget-user").input("u00007")
    app.checkbox(key="forget-sure").check()
    app.button(key="forget-go").click().run()
    assert not app.exception
    assert "Forgot user 'u00007'" in texts(app)
    # the same table by table account as `userlens forget`
    shown = [d.value for d in app.dataframe if list(d.value.columns) == ["table", "rows_removed",
                                                                          "rows_rewritten"]]
    assert len(shown) == 1 and {"events", "users"} <= set(shown[0]["table"])
    assert shown[0]["rows_removed"].sum() >= before
    assert counts_of_user(sample_ws_file, "u00007") == 0


def counts_of_user(path: Path, user_id: str) -> int:
    ws = Workspace(path)
    try:
        return sum(ws.con.execute(f"SELECT count(*) FROM {t} WHERE user_id = ?", [user_id]).fetchall()[0][0]
                   for t in ("events", "users", "feedback"))
    finally:
        ws.close()


# --- upload and mapping preview (files from tests/data, written by tests/data/make_files.py) ---------
DATA = Path(__file__).resolve().parents[1] / "data"


def upload(at: AppTest, *files: Path) -> None:
    at.file_uploader[0].set_value([(f.name, f.read_bytes(), "application/octet-stream") for f in files]).run()
    assert not at.exception


def widget(at: AppTest, kind: str, prefix: str, suffix: str = ""):  # noqa: ANN201 - a Streamlit widget
    found = [w for w in getattr(at, kind) if w.key and w.key.startswith(prefix) and w.key.endswith(suffix)]
    assert len(found) == 1, [w.key for w in getattr(at, kind)]
    return found[0]


def test_purchase_log_with_delimiter_and_constant_event(empty_app: AppTest) -> None:
    at = empty_app
    at.run()
    upload(at, DATA / "real_shaped" / "purchase_log.txt")
    assert widget(at, "selectbox", "delim-").value == "detected"
    assert "detected: whitespace" in widget(at, "selectbox", "delim-").options
    widget(at, "selectbox", "kind-").select("events").run()
    event = widget(at, "selectbox", "map-", "-events-event")
    assert event.value == "(not in this file)"
    assert "Choose a column for event (required for events), or set one value for every row." in texts(at)
    assert at.button(key="load-go").disabled
    event.select("(one value for every row)").run()
    widget(at, "text_input", "const-", "-events-event").input("purchase").run()
    # the fill rate of the mapped columns, and how the yyyymmdd numbers are read
    assert "filled in 100% of the first 49 rows" in texts(at)
    # 49 rows sampled (line 41 is malformed); 19970230 (row 23) is no date: 48 of them are
    assert "Times in ts ← 'date': 48 of 49 sampled numbers are yyyymmdd dates" in texts(at)
    assert at.button(key="load-go").label == "Load 1 file"
    at.button(key="load-go").click().run()
    assert not at.exception
    assert "purchase_log.txt: 2 rows rejected (4.0% of 50)" in texts(at)
    assert "| Events | 48 |" in "\n".join(str(m.value) for m in at.sidebar.markdown)


def test_delimiter_choice_changes_the_preview(empty_app: AppTest) -> None:
    at = empty_app
    at.run()
    upload(at, DATA / "real_shaped" / "purchase_log.txt")
    assert "Read as csv, delimiter whitespace, encoding utf-8; 4 columns." in texts(at)
    widget(at, "selectbox", "delim-").select("comma").run()
    assert not at.exception
    assert "Read as csv, delimiter comma, encoding utf-8; 1 columns." in texts(at)
    widget(at, "selectbox", "delim-").select("detected").run()
    assert "4 columns." in texts(at)


def test_sparse_column_is_not_picked_and_warned_when_chosen(empty_app: AppTest) -> None:
    at = empty_app
    at.run()
    upload(at, DATA / "hostile" / "sparse_name_column.csv")
    widget(at, "selectbox", "kind-").select("events").run()
    event = widget(at, "selectbox", "map-", "-events-event")
    assert event.value == "type"  # `name` is filled in 1 of 10 rows
    assert "Mostly empty" not in texts(at)
    event.select("name").run()
    assert "Mostly empty in the first 10 rows: event ← 'name' (10%)." in texts(at)
    assert "filled in 10% of the first 10 rows" in texts(at)


def test_sheet_picker_for_a_workbook_with_data_on_sheet_2(empty_app: AppTest) -> None:
    at = empty_app
    at.run()
    upload(at, DATA / "hostile" / "xlsx_data_on_sheet2.xlsx")
    sheet = widget(at, "selectbox", "sheet-")
    assert sheet.options == ["Notes", "Data"] and sheet.value == "Notes"
    listed = "sheet 'Notes' is empty; the workbook's sheets are 'Notes', 'Data'"
    assert any(listed in e.value for e in at.error)
    assert at.button(key="load-go").label == "Load 0 files"
    sheet.select("Data").run()
    assert not at.exception and not at.error
    assert "Read as xlsx, sheet 'Data', encoding utf-8; 3 columns." in texts(at)
    widget(at, "selectbox", "kind-").select("events").run()
    assert at.button(key="load-go").label == "Load 1 file"
    at.button(key="load-go").click().run()
    assert not at.exception
    assert "| Events | 3 |" in "\n".join(str(m.value) for m in at.sidebar.markdown)
