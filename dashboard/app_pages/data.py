"""Data: upload files, check and change the detected column mapping, load, inspect rejects, manage batches,
workspace settings and privacy (pseudonymisation, forgetting a user)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from zoneinfo import available_timezones

import polars as pl
import streamlit as st

from analytics.datamgmt import delete_batch, forget_user
from analytics.errors import UserLensError
from analytics.ingest import ingest_file
from dashboard import cache, ui, workspaces

KINDS = ("events", "users", "feedback", "kano", "requirements")
NAME_HINTS = (("kano", "kano"), ("survey", "kano"), ("requirement", "requirements"),
              ("backlog", "requirements"), ("feedback", "feedback"), ("review", "feedback"),
              ("comment", "feedback"), ("event", "events"), ("user", "users"), ("customer", "users"))
NONE = "(not in this file)"
SHORT = {"events": "behaviour log (user, event, time)", "users": "one row per user with attributes",
         "feedback": "free-text feedback", "kano": "Kano survey answers", "requirements": "the backlog"}
Plan = tuple[str, Path, str, dict[str, str] | None]  # file name, saved path, kind, mapping (None: incomplete)

ui.header("Data", "Upload behaviour events, users, feedback, Kano surveys and the backlog; check what was "
          "loaded and what was rejected; set the workspace timezone and week start; erase a user.")
ws = cache.workspace()


def upload_dir() -> Path:
    """This browser session's folder for uploaded files (DuckDB reads them from disk)."""
    if "upload_dir" not in st.session_state:
        st.session_state.upload_dir = tempfile.mkdtemp(prefix="userlens-upload-")
    return Path(st.session_state.upload_dir)


def saved(upload: st.runtime.uploaded_file_manager.UploadedFile) -> Path:
    """Write an uploaded file to disk once (chunked) and return its path; the suffix keeps the format."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", upload.name)[-120:] or "upload"
    path = upload_dir() / f"{upload.file_id}-{safe}"
    if not path.exists():
        upload.seek(0)
        with open(path, "wb") as out:
            while chunk := upload.read(8 << 20):
                out.write(chunk)
    return path


def guess_kind(name: str, path: Path) -> str:
    """The kind a file most likely holds: from its name, else the kind whose required columns all match."""
    lower = name.lower()
    for hint, kind in NAME_HINTS:
        if hint in lower:
            return kind
    best, best_score = "events", -1
    for kind in KINDS:
        try:
            preview = cache.detect(str(path), kind)
        except Exception:  # noqa: BLE001 - an unreadable file is reported when its kind is shown
            return "events"
        found = sum(v is not None for v in preview.mapping.values())
        complete = preview.layout == "wide" or all(preview.mapping.get(f) for f in preview.required)
        score = found + (100 if complete else 0)
        if score > best_score:
            best, best_score = kind, score
    return best


def mapping_editor(upload_key: str, path: Path, kind: str) -> dict[str, str] | None:
    """Show the detected mapping with a picker per field; returns the mapping to load with, or None."""
    preview = cache.detect(str(path), kind)
    fmt = preview.format + (f", delimiter {preview.delimiter!r}" if preview.delimiter else "")
    st.caption(f"Read as {fmt}, encoding {preview.encoding}; {len(preview.columns)} columns. "
               "Required fields are marked *.")
    if preview.layout == "wide":
        st.info(f"Wide Kano survey: {len(preview.wide_features)} features found from "
                "<feature>_functional / <feature>_dysfunctional columns.", icon=":material/table_rows:")
    chosen: dict[str, str] = {}
    wide_parts = ("feature", "functional", "dysfunctional", "importance")
    fields = [f for f in preview.mapping if not (preview.layout == "wide" and f in wide_parts)]
    cols = st.columns(min(4, max(1, len(fields))))
    for i, fld in enumerate(fields):
        detected = preview.mapping[fld]
        required = fld in preview.required and preview.layout != "wide"
        options = list(preview.columns) if detected else [NONE, *preview.columns]
        index = options.index(detected) if detected in options else 0
        pick = cols[i % len(cols)].selectbox(f"{fld}{' *' if required else ''}", options, index=index,
                                             key=f"map-{upload_key}-{kind}-{fld}")
        if pick != NONE:
            chosen[fld] = pick
    missing = [f for f in preview.required if f not in chosen and preview.layout != "wide"]
    with st.expander("First rows of the file"):
        ui.table(preview.sample.head(10))
    if missing:
        st.warning(f"Choose a column for {', '.join(missing)} (required for {kind}).")
        return None
    return chosen


def upload_section() -> None:
    """Drag-and-drop several files, preview and adjust each mapping, then load them all."""
    st.subheader("Upload files", anchor=False)
    st.caption("CSV (any delimiter, UTF-8/GBK/Latin-1, gzip), Parquet or Excel, up to 1 GB per file. "
               "Nothing leaves this machine.")
    nonce = st.session_state.setdefault("uploader_nonce", 0)
    uploads = st.file_uploader("Drop files here", accept_multiple_files=True, key=f"uploader-{nonce}",
                               type=["csv", "tsv", "txt", "gz", "parquet", "xlsx"])
    if not uploads:
        left, right = st.columns([3, 2])
        kinds = "; ".join(f"**{k}** — {v}" for k, v in ui.KIND_HELP.items())
        left.info(f"Each file is one kind of data: {kinds}.", icon=":material/info:")
        with right:
            st.write("No data at hand? Try UserLens on a realistic sample product.")
            ui.sample_button("sample-data-page")
        return
    plans: list[Plan] = []
    for upload in uploads:
        path = saved(upload)
        with st.container(border=True):
            st.markdown(f"**{upload.name}** · {upload.size / 1e6:,.1f} MB")
            with ui.errors():
                guessed = guess_kind(upload.name, path)
                kind = st.selectbox("This file holds", KINDS, index=KINDS.index(guessed),
                                    key=f"kind-{upload.file_id}",
                                    format_func=lambda k: f"{k} — {SHORT[k]}")
                plans.append((upload.name, path, kind, mapping_editor(upload.file_id, path, kind)))
    with st.form("load-form", border=False):
        c1, c2, c3 = st.columns(3)
        tz = c1.text_input("Timezone of times without an offset", value=ws.timezone,
                           help="Naive timestamps in the files are read in this IANA zone.")
        pseudo = c2.checkbox("Pseudonymise", help="Store user ids as HMAC-SHA256 with this workspace's "
                             "secret and redact emails, phone and ID numbers in feedback text before "
                             "storing.")
        replace = c3.checkbox("Replace files loaded before", help="A file with the same content (sha256) is "
                              "refused unless this is ticked; ticking replaces the earlier batch.")
        ready = [p for p in plans if p[3] is not None]
        go = st.form_submit_button(f"Load {len(ready)} file{'s' if len(ready) != 1 else ''}", type="primary",
                                   disabled=not ready, icon=":material/play_arrow:")
    if go:
        load(ready, tz, pseudo, replace)


def load(plans: list[Plan], tz: str, pseudo: bool, replace: bool) -> None:
    """Load the planned files one by one with a progress bar; remember the summaries."""
    bar = st.progress(0.0, text="Loading ...")
    results, failures = [], []
    for i, (name, path, kind, mapping) in enumerate(plans):
        bar.progress(i / len(plans), text=f"Loading {name} as {kind} ({i + 1}/{len(plans)}) ...")
        try:
            results.append(ingest_file(ws, kind, path, mapping=mapping, timezone=tz or None,
                                       pseudonymise=pseudo, replace=replace, display_name=name).to_json())
        except UserLensError as exc:
            failures.append(f"{name}: {exc}")
    bar.progress(1.0, text="Done.")
    st.session_state.last_results = results
    st.session_state.last_failures = failures
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
        if r["rows_rejected"]:
            reasons = ", ".join(f"{reason} ({n:,})" for reason, n in r["reject_reasons"].items())
            st.warning(f"{r['file_name']}: {ui.plural(r['rows_rejected'], 'row')} rejected — {reasons}. "
                       "See them under Rejected rows below.", icon=":material/warning:")
        for warning in r.get("warnings") or []:
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
        tz = c1.selectbox("Timezone", zones, index=zones.index(current["timezone"])
                          if current["timezone"] in zones else zones.index("UTC"),
                          help="Days, weeks and months are calendar periods in this zone.")
        week = c2.radio("Weeks start on", ["monday", "sunday"], horizontal=True,
                        index=0 if current["week_start"] == "monday" else 1, format_func=str.title)
        if st.form_submit_button("Save settings", icon=":material/save:"):
            with ui.errors():
                ws.set_setting("timezone", tz)
                ws.set_setting("week_start", week)
                st.session_state.flash = f"Settings saved: {tz}, weeks start on {week.title()}."
                st.rerun()


def privacy_section() -> None:
    """Forget a user everywhere (right to erasure)."""
    st.subheader("Forget a user", anchor=False)
    st.caption("Removes the user's events, profile, feedback, Kano answers, persona and theme membership, "
               "requirement evidence and rejected lines. Pseudonymised ids are found from the original id.")
    with st.form("forget-form"):
        uid = st.text_input("User id as in your source data")
        sure = st.checkbox("I understand this cannot be undone")
        if st.form_submit_button("Forget this user", icon=":material/person_remove:"):
            if not sure:
                st.warning("Tick the confirmation first.")
            else:
                with ui.errors():
                    removed = forget_user(ws, uid)
                    total = sum(removed.values())
                    detail = ", ".join(f"{t} {n:,}" for t, n in removed.items() if n)
                    st.session_state.flash = (f"Forgot user {uid!r}: {total:,} rows removed ({detail})."
                                              if total else f"No rows held user {uid!r}.")
                    st.rerun()


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
