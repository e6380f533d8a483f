"""Data: upload files, check and change the detected column mapping, load, inspect rejects, manage batches,
workspace settings and privacy (pseudonymisation, forgetting a user)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

import polars as pl
import streamlit as st

from analytics.datamgmt import delete_batch
from analytics.errors import UserLensError
from analytics.ingest import FilePlan, MappingPreview, file_sheets, guess_kind, load_files
from analytics.ingest_detect import KINDS, MIN_FILL
from analytics.ingest_dialect import DELIMITER_NAMES
from analytics.ingest_kinds import FIELD_TYPES
from analytics.names import DATA_KINDS
from dashboard import cache, ui, uploads, workspaces
from embeddings.erasure import forget_user_everywhere

NONE = "(not in this file)"
CONSTANT = "(one value for every row)"
AUTO = "detected"
DELIMITERS = (AUTO, "comma", "semicolon", "tab", "pipe", "whitespace")

ui.header("Data", "Upload behaviour events, users, feedback, Kano surveys and the backlog; check what was "
          "loaded and what was rejected; set the workspace timezone and week start; erase a user.")
ws = cache.workspace()


def upload_dir() -> Path:
    """This browser session's private folder for uploaded files (DuckDB reads them from disk); it is
    deleted when the session ends (`dashboard.uploads`)."""
    folder = cache.upload_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def saved(upload: st.runtime.uploaded_file_manager.UploadedFile) -> Path:
    """Write an uploaded file to disk once (chunked) and return its path; the suffix keeps the format."""
    return uploads.save(upload, upload.file_id, upload.name, upload_dir())


def reading_options(upload_key: str, path: Path) -> tuple[str | None, str | None]:
    """The delimiter and sheet the person chose for a file (widgets drawn by `reading_pickers`)."""
    delimiter = st.session_state.get(f"delim-{upload_key}", AUTO)
    sheets = file_sheets(path)
    sheet = st.session_state.get(f"sheet-{upload_key}") if sheets else None
    return (None if delimiter == AUTO else delimiter), (sheet if sheet in sheets else None)


def reading_pickers(upload_key: str, path: Path, preview: MappingPreview | None, where: Any) -> None:
    """A sheet picker for workbooks, a delimiter picker for text files."""
    sheets = file_sheets(path)
    if sheets:
        where.selectbox("Sheet", sheets, key=f"sheet-{upload_key}",
                        help="The worksheet that holds the table (column names in its first row).")
    elif preview is None or preview.delimiter is not None:
        found = DELIMITER_NAMES.get(preview.delimiter, repr(preview.delimiter)) if preview else "?"
        where.selectbox("Delimiter", DELIMITERS, key=f"delim-{upload_key}",
                        format_func=lambda d: f"detected: {found}" if d == AUTO else d,
                        help="What separates the columns; whitespace means runs of spaces or tabs.")


def field_picker(where: Any, preview: MappingPreview, key: str, fld: str,
                 required: bool) -> tuple[str | None, str | None]:
    """One field's column (or one value for every row); returns (column, constant)."""
    detected = preview.mapping[fld]
    options = [*([] if detected else [NONE]), *preview.columns, CONSTANT]
    index = options.index(detected) if detected in options else 0
    pick = where.selectbox(f"{fld}{' *' if required else ''}", options, index=index, key=f"map-{key}-{fld}")
    if pick == CONSTANT:
        value = where.text_input(f"Value of {fld} for every row", key=f"const-{key}-{fld}",
                                 placeholder="e.g. purchase")
        return None, (value.strip() or None)
    if pick == NONE:
        return None, None
    if preview.sample_rows:
        where.caption(f"filled in {preview.fill.get(pick, 0):.0%} of the first {preview.sample_rows:,} rows")
    return pick, None


def mapping_editor(name: str, upload_key: str, path: Path, kind: str, preview: MappingPreview) -> FilePlan:
    """Show the detected mapping with a picker per field; returns what to load, with mapping None while
    a required field has neither a column nor a value."""
    delimiter = (f", delimiter {DELIMITER_NAMES.get(preview.delimiter, repr(preview.delimiter))}"
                 if preview.delimiter else "")
    sheet = f", sheet {preview.sheet!r}" if preview.sheet else ""
    st.caption(f"Read as {preview.format}{delimiter}{sheet}, encoding {preview.encoding}; "
               f"{len(preview.columns)} columns. Required fields are marked *.")
    if preview.layout == "wide":
        st.info(f"Wide Kano survey: {len(preview.wide_features)} features found from "
                "<feature>_functional / <feature>_dysfunctional columns.", icon=":material/table_rows:")
    chosen: dict[str, str] = {}
    constants: dict[str, str] = {}
    wide_parts = ("feature", "functional", "dysfunctional", "importance")
    fields = [f for f in preview.mapping if not (preview.layout == "wide" and f in wide_parts)]
    cols = st.columns(min(4, max(1, len(fields))))
    for i, fld in enumerate(fields):
        required = fld in preview.required and preview.layout != "wide"
        column, value = field_picker(cols[i % len(cols)], preview, f"{upload_key}-{kind}", fld, required)
        if column is not None:
            chosen[fld] = column
        elif value is not None:
            constants[fld] = value
    sparse = [f"{fld} ← {col!r} ({preview.fill.get(col, 0):.0%})" for fld, col in chosen.items()
              if preview.sample_rows and preview.fill.get(col, 1.0) < MIN_FILL]
    if sparse:
        st.warning(f"Mostly empty in the first {preview.sample_rows:,} rows: {', '.join(sparse)}. Rows "
                   "without a value are rejected; pick a better-filled column or set one value for every "
                   "row.",
                   icon=":material/warning:")
    for fld, col in chosen.items():
        if col in preview.time_rules and FIELD_TYPES[kind].get(fld) == "ts":
            st.caption(f"Times in {fld} ← {col!r}: {preview.time_rules[col]}.")
    missing = [f for f in preview.required
               if f not in chosen and f not in constants and preview.layout != "wide"]
    with st.expander("First rows of the file"):
        ui.table(preview.sample.head(10))
    if missing:
        st.warning(f"Choose a column for {', '.join(missing)} (required for {kind}), or set one value for "
                   "every row.")
    delimiter_choice, sheet_choice = reading_options(upload_key, path)
    return FilePlan(name=name, path=path, kind=kind, mapping=None if missing else chosen, constants=constants,
                    delimiter=delimiter_choice, sheet=sheet_choice)


def file_card(upload: st.runtime.uploaded_file_manager.UploadedFile) -> FilePlan | None:
    """One uploaded file: how it is read (delimiter or sheet), what it holds, its mapping."""
    path = saved(upload)
    st.markdown(f"**{upload.name}** · {upload.size / 1e6:,.1f} MB")
    left, right = st.columns([3, 2])
    delimiter, sheet = reading_options(upload.file_id, path)
    try:
        preview = cache.detect(str(path), "events", delimiter=delimiter, sheet=sheet)
    except UserLensError as exc:
        reading_pickers(upload.file_id, path, None, right)
        st.error(str(exc), icon=":material/error:")
        return None
    reading_pickers(upload.file_id, path, preview, right)
    kind = left.selectbox("This file holds", KINDS, index=KINDS.index(guess_kind(upload.name, preview)),
                          key=f"kind-{upload.file_id}", format_func=lambda k: f"{k} — {DATA_KINDS[k].short}")
    with ui.errors():
        preview = cache.detect(str(path), kind, delimiter=delimiter, sheet=sheet)
        return mapping_editor(upload.name, upload.file_id, path, kind, preview)
    return None


def upload_section() -> None:
    """Drag-and-drop several files, preview and adjust each mapping, then load them all."""
    st.subheader("Upload files", anchor=False)
    st.caption("CSV (any delimiter, UTF-8/GBK/Latin-1, gzip), Parquet or Excel, up to 1 GB per file. "
               "Nothing leaves this machine.")
    nonce = st.session_state.setdefault("uploader_nonce", 0)
    files = st.file_uploader("Drop files here", accept_multiple_files=True, key=f"uploader-{nonce}",
                             type=["csv", "tsv", "txt", "gz", "parquet", "xlsx"])
    if not files:
        uploads.keep_only(upload_dir(), [])  # taken out of the uploader: gone from disk too
        left, right = st.columns([3, 2])
        kinds = "; ".join(f"**{k}** — {v}" for k, v in ui.KIND_HELP.items())
        left.info(f"Each file is one kind of data: {kinds}.", icon=":material/info:")
        with right:
            st.write("No data at hand? Try UserLens on a realistic sample product.")
            ui.sample_button("sample-data-page")
        return
    plans: list[FilePlan] = []
    uploads.keep_only(upload_dir(), [saved(f) for f in files])  # a file taken out of the uploader is deleted
    for upload in files:
        with st.container(border=True):
            plan = file_card(upload)
        if plan is not None:
            plans.append(plan)
    with st.form("load-form", border=False):
        c1, c2, c3 = st.columns(3)
        tz = c1.text_input("Timezone of times without an offset", value=ws.timezone, key="load-timezone",
                           help="Naive timestamps in the files are read in this IANA zone.")
        pseudo = c2.checkbox("Pseudonymise", key="load-pseudonymise",
                             help="Store user, session and respondent ids as HMAC-SHA256 with this "
                                  "workspace's secret and redact emails, phone and ID numbers in every "
                                  "stored text (rejected lines included) before storing.")
        replace = c3.checkbox("Replace files loaded before", key="load-replace",
                              help="A file with the same content (sha256) is refused unless this is "
                                   "ticked; ticking replaces the earlier batch.")
        ready = [p for p in plans if p.ready]
        go = st.form_submit_button(f"Load {len(ready)} file{'s' if len(ready) != 1 else ''}", type="primary",
                                   disabled=not ready, icon=":material/play_arrow:", key="load-go")
    if go:
        load(ready, tz, pseudo, replace)


def load(plans: list[FilePlan], tz: str, pseudo: bool, replace: bool) -> None:
    """Load the planned files one by one with a progress bar; remember the summaries."""
    bar = st.progress(0.0, text="Loading ...")

    def step(i: int, plan: FilePlan) -> None:
        bar.progress(i / len(plans), text=f"Loading {plan.name} as {plan.kind} ({i + 1}/{len(plans)}) ...")

    try:
        outcome = load_files(ws, plans, timezone=tz or None, pseudonymise=pseudo, replace=replace,
                             progress=step)
    finally:  # loaded or not, the uploads leave the disk now; the uploader is reset below
        for plan in plans:
            uploads.discard(plan.path)
        uploads.keep_only(upload_dir(), [])
        cache.forget_upload_previews()
    bar.progress(1.0, text="Done.")
    st.session_state.last_results = outcome.results
    st.session_state.last_failures = outcome.failures
    st.session_state.uploader_nonce += 1
    st.rerun()


def summary_section() -> None:
    """What the last load did."""
    results = st.session_state.get("last_results") or []
    for failure in st.session_state.get("last_failures") or []:
        st.error(failure, icon=":material/error:")
    if not results:
        return
    st.subheader("Last load", anchor=False)
    frame = pl.DataFrame([{k: r[k] for k in ("batch_id", "kind", "file_name", "rows_read", "rows_loaded",
                                               "rows_rejected")} for r in results])
    ui.table(frame)
    for r in results:
        notes = list(r.get("warnings") or [])
        if r["rows_rejected"]:
            reasons = ", ".join(f"{reason} ({n:,})" for reason, n in r["reject_reasons"].items())
            share = r["rows_rejected"] / r["rows_read"]
            st.warning(f"{r['file_name']}: {ui.plural(r['rows_rejected'], 'row')} rejected "
                       f"({share:.1%} of {r['rows_read']:,}) — {reasons}. See them under Rejected rows "
                       "below.",
                       icon=":material/warning:")
            notes = notes[1:]  # the first note says the same
        for warning in notes:
            st.caption(f"{r['file_name']}: {warning}")


def batches_section() -> None:
    """Loaded batches with delete, and the rejected rows of a batch."""
    batches = cache.read("list_batches")
    st.subheader("Loaded batches", anchor=False)
    if batches.is_empty():
        st.caption("No file loaded yet.")
        return
    ui.table(batches.drop("sha256"))
    label = {r["batch_id"]: f"#{r['batch_id']} {r['kind']} — {r['file_name']} "
                            f"({ui.plural(r['rows_loaded'], 'row')})"
             for r in batches.iter_rows(named=True)}
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown("**Rejected rows**")
        with_rejects = [b for b in label if batches.filter(pl.col("batch_id") == b)["rows_rejected"][0] > 0]
        if not with_rejects:
            st.caption("No batch has rejected rows.")
        else:
            bid = st.selectbox("Batch", with_rejects, format_func=label.get, key="reject-batch")
            rejects = cache.read("rejects_for", batch_id=bid)
            ui.table(rejects, height=220)
            ui.download(rejects, f"rejects-batch-{bid}", key="dl-rejects")
    with right, st.container(border=True):
        st.markdown("**Delete a batch**")
        bid = st.selectbox("Batch to delete", list(label), format_func=label.get, key="delete-batch")
        sure = st.checkbox("Yes, remove every row this file brought in", key="delete-sure")
        if st.button("Delete batch", disabled=not sure, icon=":material/delete:", key="delete-go"):
            with ui.errors():
                removed = delete_batch(ws, int(bid))
                st.session_state.flash = f"Batch {bid} deleted ({sum(removed.values()):,} rows removed)."
                st.rerun()


def settings_section() -> None:
    """Timezone and week start: every period computation uses them."""
    st.subheader("Workspace settings", anchor=False)
    zones = sorted(available_timezones())
    current = ws.settings()
    with st.form("settings-form"):
        c1, c2 = st.columns(2)
        tz = c1.selectbox("Timezone", zones, key="settings-timezone", index=zones.index(current["timezone"])
                          if current["timezone"] in zones else zones.index("UTC"),
                          help="Days, weeks and months are calendar periods in this zone.")
        week = c2.radio("Weeks start on", ["monday", "sunday"], horizontal=True, key="settings-week-start",
                        index=0 if current["week_start"] == "monday" else 1, format_func=str.title)
        if st.form_submit_button("Save settings", icon=":material/save:", key="settings-save"):
            with ui.errors():
                ws.set_setting("timezone", tz)
                ws.set_setting("week_start", week)
                st.session_state.flash = f"Settings saved: {tz}, weeks start on {week.title()}."
                st.rerun()


def privacy_section() -> None:
    """Forget a user everywhere (right to erasure) and show what was removed, table by table."""
    st.subheader("Forget a user", anchor=False)
    st.caption("Removes the user's events, profile, feedback, Kano answers, persona and theme membership, "
               "requirement evidence, rejected lines that hold their id, their words in stored quotes "
               "(re-picked from the other members) and the cached embeddings of texts only they wrote. "
               "Pseudonymised ids are found from the original id. The same as `userlens forget USER`.")
    with st.form("forget-form"):
        uid = st.text_input("User id as in your source data", key="forget-user")
        sure = st.checkbox("I understand this cannot be undone", key="forget-sure")
        if st.form_submit_button("Forget this user", icon=":material/person_remove:", key="forget-go"):
            if not sure:
                st.warning("Tick the confirmation first.")
            else:
                with ui.errors():
                    erasure = forget_user_everywhere(ws, uid)
                    doc = erasure.to_json()
                    st.session_state.flash = (
                        f"Forgot user {erasure.user_id!r}: {doc['rows_removed']:,} rows removed, "
                        f"{doc['rows_rewritten']:,} rows rewritten. The workspace file is rewritten "
                        "without their bytes the next time the dashboard starts."
                        if doc["rows_removed"] or doc["rows_rewritten"]
                        else f"No rows held user {erasure.user_id!r}.")
                    st.session_state.forgot = erasure.frame()
                    st.rerun()
    forgot = st.session_state.pop("forgot", None)
    if forgot is not None and forgot.height:
        st.markdown("**What was removed, table by table**")
        ui.table(forgot, key="forgot-table")


if flash := st.session_state.pop("flash", None):
    st.success(flash, icon=":material/check_circle:")
if workspaces.is_demo(cache.workspace_path()):
    st.warning("This is the sample workspace: files loaded here are analysed together with the made-up "
               "Tasklane product. For your own data, create a new workspace in the sidebar first.",
               icon=":material/science:")
else:
    st.caption("Everything in this workspace is analysed together as one product. Another product goes into "
               "its own workspace (sidebar → New workspace).")
upload_tab, batches_tab, settings_tab = st.tabs(["Upload", "Batches & rejects", "Settings & privacy"])
with upload_tab:
    upload_section()
    summary_section()
with batches_tab:
    batches_section()
with settings_tab:
    settings_section()
    st.divider()
    privacy_section()
