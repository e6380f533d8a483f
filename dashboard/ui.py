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
from dashboard import cache

# What each kind of data is, for empty states and the Data page.
KIND_HELP: dict[str, str] = {
    "events": "a behaviour log: one row per event with a user id, an event name and a timestamp",
    "users": "one row per user: user id, signup time and any attributes (plan, country, variant ...)",
    "feedback": "free-text feedback: text, and optionally user id, time, rating, NPS score, channel",
    "kano": "Kano survey answers: feature, functional and dysfunctional answer (long) or "
            "`<feature>_functional` / `<feature>_dysfunctional` columns (wide)",
    "requirements": "the backlog: requirement id, title, description and any of reach, impact, "
                    "confidence, effort, business value, time criticality, risk reduction",
}
TABLE_OF_KIND = {"events": "events", "users": "users", "feedback": "feedback", "kano": "kano_responses",
                 "requirements": "requirements"}


def header(title: str, caption: str) -> None:
    """Page title and a one-line explanation of what the page answers."""
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


def load_sample_data() -> None:
    """Load the bundled Tasklane sample into this app's workspace, showing progress per file."""
    from sample_data.demo import DEMO_KINDS, DISPLAY_NAMES, demo_files

    from analytics.ingest import ingest_file

    ws = cache.workspace()
    files = demo_files()
    bar = st.progress(0.0, text="Loading the sample data ...")
    for i, kind in enumerate(DEMO_KINDS):
        step = f"({i + 1}/{len(DEMO_KINDS)})"
        bar.progress(i / len(DEMO_KINDS), text=f"Loading {DISPLAY_NAMES[kind]} {step} ...")
        ingest_file(ws, kind, files[kind], replace=True, display_name=DISPLAY_NAMES[kind])
    bar.progress(1.0, text="Sample data loaded.")


def sample_button(key: str) -> None:
    """One click loads the sample data (and reruns the page to show it)."""
    if st.button("Load the sample data (Tasklane, 5 files)", key=key, type="primary",
                 icon=":material/dataset:"):
        with errors():
            load_sample_data()
            st.rerun()


def require(*kinds: str) -> bool:
    """Stop the page with an empty state unless every kind of data in `kinds` is loaded.

    Returns True when the data is there (the page goes on); otherwise it shows what to upload,
    a link to the Data page and the one-click sample, and stops the script.
    """
    counts = cache.row_counts()
    missing = [k for k in kinds if counts.get(TABLE_OF_KIND[k], 0) == 0]
    if not missing:
        return True
    with st.container(border=True):
        st.subheader("Nothing to show yet")
        st.write("This page needs data that is not in the workspace yet:")
        for kind in missing:
            st.markdown(f"- **{kind}** — {KIND_HELP[kind]}")
        st.write("Upload your files on the Data page, or try UserLens on the bundled sample data.")
        left, right = st.columns([1, 3])
        with left:
            st.page_link("app_pages/data.py", label="Go to the Data page", icon=":material/upload_file:")
        with right:
            sample_button(key=f"sample-{'-'.join(missing)}")
    st.stop()
    return False


def kpi_row(items: Sequence[tuple[str, Any, str]]) -> None:
    """A row of metrics: (label, value, explanation shown as the metric's help)."""
    cols = st.columns(len(items))
    for col, (label, value, help_text) in zip(cols, items, strict=True):
        col.metric(label, value, help=help_text, border=True)


def fmt_int(value: Any) -> str:
    """12345 -> '12,345'; None -> '–'."""
    return "–" if value is None else f"{int(value):,}"


def fmt_pct(value: Any, digits: int = 1) -> str:
    """0.1234 -> '12.3 %'; None -> '–'."""
    return "–" if value is None else f"{100 * float(value):.{digits}f} %"


def plot(fig: go.Figure, key: str | None = None) -> None:
    """A Plotly figure across the page width."""
    fig.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 10})
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})


def table(frame: pl.DataFrame, *, key: str | None = None, height: int | str = "auto",
          column_config: dict[str, Any] | None = None) -> None:
    """A frame as an interactive table (values are rendered as text, never as HTML)."""
    st.dataframe(frame, hide_index=True, width="stretch", height=height, key=key, column_config=column_config)


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
