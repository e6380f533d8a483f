"""Shared widgets of the dashboard: page header, error display, empty state, KPI row, downloads.

Nothing here builds HTML from user data: every text goes through Streamlit's own escaping
(markdown is only used for text this module or a page writes, never for uploaded values).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from analytics import tabular
from analytics.errors import UserLensError
from analytics.names import DATA_KINDS
from dashboard import cache, display, workspaces

# What each kind of data is, for empty states and the Data page (declared in analytics/names.py).
KIND_HELP: dict[str, str] = {kind: k.help for kind, k in DATA_KINDS.items()}
TABLE_OF_KIND: dict[str, str] = {kind: k.table for kind, k in DATA_KINDS.items()}


def header(title: str, caption: str) -> None:
    """The workspace this page shows, the page title and a one-line explanation of what it answers."""
    path = cache.workspace_path()
    note = " · sample data (Tasklane, a made-up product)" if workspaces.is_demo(path) else ""
    st.caption(f":material/database: Workspace **{md_escape(workspaces.name_of(path))}**{note}")
    st.title(title)
    st.caption(caption)


@contextmanager
def errors() -> Iterator[None]:
    """Show an exception raised inside the block as one sentence, never Streamlit's traceback box.

    A `UserLensError` (something the person can act on) is shown as it is. Anything else is a bug:
    one sentence says what failed and what to do, and the traceback waits in a closed expander for
    a bug report. Streamlit's own st.stop()/st.rerun() are BaseExceptions and pass through.
    """
    try:
        yield
    except UserLensError as exc:
        st.error(str(exc), icon=":material/error:")
    except Exception as exc:  # noqa: BLE001 - the rest of the page still renders
        import traceback

        first_line = (str(exc).splitlines() or [""])[0][:200]
        what = f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__
        st.error(f"This part of the page failed with an unexpected error ({what}); reload the page, and if "
                 "it happens again, please report it with the details below.", icon=":material/error:")
        with st.expander("Details for a bug report"):
            st.code(traceback.format_exc(), language=None)


def open_sample_workspace() -> None:
    """Switch this session to the demo workspace, loading the bundled sample into it if it is empty.

    The sample never goes into the workspace being shown (unless that is the demo itself): a real
    workspace stays exactly as it is.
    """
    from sample_data.demo import DEMO_KINDS, DISPLAY_NAMES, demo_files

    from analytics.ingest import ingest_file
    from analytics.workspace import open_workspace

    target = workspaces.demo_path(cache.workspace_path())
    ws = open_workspace(target)
    if ws.row_counts()["events"] == 0:
        files = demo_files()
        bar = st.progress(0.0, text="Loading the sample data ...")
        for i, kind in enumerate(DEMO_KINDS):
            step = f"({i + 1}/{len(DEMO_KINDS)})"
            bar.progress(i / len(DEMO_KINDS), text=f"Loading {DISPLAY_NAMES[kind]} {step} ...")
            ingest_file(ws, kind, files[kind], replace=True, display_name=DISPLAY_NAMES[kind])
        bar.progress(1.0, text="Sample data loaded.")
    cache.switch_workspace(target)


def sample_button(key: str) -> None:
    """The sample data in one click, in its own workspace (never mixed into this one)."""
    path = cache.workspace_path()
    if workspaces.is_demo(path) and cache.row_counts()["events"]:
        st.caption("This is the sample workspace and the sample is loaded: every page shows it.")
        return
    if workspaces.is_demo(path):
        label, note = "Load the sample data (Tasklane, 5 files)", (
            "Loads users, events, feedback, a Kano survey and a backlog of a made-up product into this "
            "demo workspace.")
    else:
        label, note = "Open the sample workspace (Tasklane)", (
            "Opens the separate workspace **demo** with a made-up product (users, events, feedback, a Kano "
            f"survey and a backlog). Your workspace **{md_escape(workspaces.name_of(path))}** is not "
            "changed; switch back in the sidebar.")
    clicked = st.button(label, key=key, type="primary", icon=":material/dataset:")
    st.caption(note)
    if clicked:
        with errors():
            open_sample_workspace()
            st.rerun()


def require(*kinds: str) -> bool:
    """Stop the page with an empty state unless every kind of data in `kinds` is loaded.

    Returns True when the data is there (the page goes on); otherwise it shows what to upload,
    a link to the Data page and the sample workspace, and stops the script.
    """
    counts = cache.row_counts()
    missing = [k for k in kinds if counts.get(TABLE_OF_KIND[k], 0) == 0]
    if not missing:
        return True
    empty_state(missing, "This page needs data that is not in the workspace yet:")
    return False


def require_any(*kinds: str) -> bool:
    """Stop the page with an empty state unless at least one kind of data in `kinds` is loaded."""
    counts = cache.row_counts()
    if any(counts.get(TABLE_OF_KIND[k], 0) for k in kinds):
        return True
    empty_state(list(kinds), "This page needs at least one of these in the workspace:")
    return False


def empty_state(missing: Sequence[str], intro: str) -> None:
    """What to upload, a link to the Data page and the sample workspace; stops the script."""
    with st.container(border=True):
        st.subheader("Nothing to show yet")
        st.write(intro)
        for kind in missing:
            st.markdown(f"- **{kind}** — {KIND_HELP[kind]}")
        st.write("Upload your files on the Data page, or try UserLens on a sample product first.")
        left, right = st.columns([1, 3])
        with left:
            st.page_link("app_pages/data.py", label="Go to the Data page", icon=":material/upload_file:")
        with right:
            sample_button(key=f"sample-{'-'.join(missing)}")
    st.stop()


def kpi_row(items: Sequence[tuple[str, Any, str]]) -> None:
    """A row of metrics: (label, value, explanation shown as the metric's help)."""
    cols = st.columns(len(items))
    for col, (label, value, help_text) in zip(cols, items, strict=True):
        col.metric(label, value, help=help_text, border=True)


fmt_int = display.fmt_int
fmt_pct = display.fmt_pct
fmt_num = display.fmt_num
fmt_duration = display.fmt_duration
plural = display.plural

# How new rows of each kind of data are counted in "N new ... since this run".
NEW_ROWS: dict[str, tuple[str, str]] = {
    "events": ("new event", "new events"), "feedback": ("new feedback item", "new feedback items"),
    "users": ("new user record", "new user records"), "requirements": ("new requirement", "new requirements"),
    "kano": ("new Kano answer", "new Kano answers"),
}


def stale_notice(kind: str, *, button: str, key: str) -> bool:
    """"N new items since this run — run again" with the run button, when the latest run of `kind` is stale.

    Parameters
    ----------
    kind : str
        The analysis run kind ('personas', 'themes', 'evidence', 'intents', ...).
    button : str
        Label of the button that runs it again.
    key : str
        Widget key of that button.

    Returns
    -------
    bool
        True when the button was pressed (the page then runs the analysis again).
    """
    fresh = cache.run_freshness(kind)
    if fresh.is_empty():
        return False
    parts = [plural(int(r["new_rows"]), *NEW_ROWS.get(r["data_kind"], ("new row", "new rows")))
             for r in fresh.iter_rows(named=True)]
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.warning(f"{' and '.join(parts)} since this run — run again to include them.",
                 icon=":material/update:")
    return right.button(button, key=key, type="primary", icon=":material/refresh:", width="stretch")


def plot(fig: go.Figure, key: str | None = None) -> None:
    """A Plotly figure across the page width."""
    fig.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 10})
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})


def table(frame: pl.DataFrame, *, key: str | None = None, height: int | str = "auto",
          column_config: dict[str, Any] | None = None, period: str | None = None,
          formats: dict[str, str] | None = None, labels: dict[str, str] | None = None,
          helps: dict[str, str] | None = None) -> None:
    """A frame as an interactive table for people (`dashboard.display.present`: human column names,
    percentages with one decimal, dates without midnight, "—" for missing; values rendered as text,
    never as HTML). `column_config` entries replace the generated ones."""
    shown, config, row_height = display.present(frame, period=period, formats=formats, labels=labels,
                                                helps=helps)
    config.update(column_config or {})
    if row_height and height == "auto":  # wrapped rows: show up to ten of them without scrolling
        height = 38 + row_height * min(shown.height, 10)
    st.dataframe(shown, hide_index=True, width="stretch", height=height, key=key, column_config=config,
                 placeholder=display.MISSING, row_height=row_height)


def download(frame: pl.DataFrame, file_stem: str, *, key: str, label: str = "Download CSV") -> None:
    """A CSV download button for a frame (`analytics.tabular`: lists joined with '; ', no live formula)."""
    st.download_button(label, tabular.csv_bytes(frame), file_name=f"{file_stem}.csv",
                       mime="text/csv", key=key, icon=":material/download:")


def download_xlsx(frame: pl.DataFrame, file_stem: str, *, key: str) -> None:
    """An Excel download button for a frame (`analytics.tabular`: text cells can never run as formulas)."""
    st.download_button("Download Excel", tabular.xlsx_bytes(frame), file_name=f"{file_stem}.xlsx", key=key,
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/table:")


def explain(title: str, body: str) -> None:
    """A collapsed expander that explains a metric (body is text written by the page, not user data)."""
    with st.expander(title, icon=":material/info:"):
        st.markdown(body)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: Any) -> str:
    """User text made inert for st.markdown: every markdown/HTML character is backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def quote(text: Any) -> None:
    """A user's words as a block quote (escaped: links, images and HTML in the text stay plain text)."""
    st.markdown("> " + md_escape(text))


def chips(words: Sequence[Any]) -> None:
    """Keywords as one line of plain text (escaped)."""
    st.markdown(" · ".join(f"`{str(w).replace('`', '')}`" for w in words))


def lazy_tabs(labels: Sequence[str], key: str) -> Sequence[Any]:
    """Tabs whose `.open` says which one is shown, so a page renders only the open tab's charts."""
    return st.tabs(list(labels), key=key, on_change="rerun")
