"""UserLens dashboard: the entry point run by `streamlit run` (see dashboard/server.py).

The workspace comes from ``--workspace W`` after ``--`` or from ``$USERLENS_WORKSPACE``; the sidebar
switches this browser session to another workspace of the same folder or creates one. Pages live in
dashboard/app_pages/ and are wired here with `st.navigation`; the sidebar shows the workspace file and
what it holds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboard/streamlit_app.py` puts dashboard/ on sys.path, not the project root.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from analytics.errors import UserLensError  # noqa: E402
from analytics.names import TABLE_LABELS  # noqa: E402
from dashboard import cache, workspaces  # noqa: E402

st.set_page_config(page_title="UserLens", page_icon=":material/insights:", layout="wide")

HERE = Path(__file__).resolve().parent
# (section, file, title, icon); the Report page needs analytics.report.
SPECS = [
    ("Data", "data.py", "Data", ":material/upload_file:"),
    ("Behaviour", "overview.py", "Overview", ":material/monitoring:"),
    ("Behaviour", "retention.py", "Retention", ":material/grid_on:"),
    ("Behaviour", "funnels.py", "Funnels & experiments", ":material/filter_alt:"),
    ("Behaviour", "journeys.py", "Journeys", ":material/route:"),
    ("Voice of the user", "personas.py", "Personas", ":material/groups:"),
    ("Voice of the user", "themes.py", "Feedback themes", ":material/forum:"),
    ("Voice of the user", "kano.py", "Kano", ":material/scatter_plot:"),
    ("Decide", "prioritise.py", "Prioritisation", ":material/low_priority:"),
    ("Decide", "report.py", "Report", ":material/description:"),
]
try:
    from analytics.report import build_report, render_bytes  # noqa: F401
    HAS_REPORT = True
except ImportError:  # the report module has not landed in this tree
    HAS_REPORT = False
PAGES: dict[str, list[st.Page]] = {}
for section, file, title, icon in SPECS:
    if (HERE / "app_pages" / file).exists() and (file != "report.py" or HAS_REPORT):
        PAGES.setdefault(section, []).append(
            st.Page(f"app_pages/{file}", title=title, icon=icon, default=file == "data.py"))


def workspace_picker(path: str) -> None:
    """Pick, create and name workspaces (one DuckDB file each, listed from the workspace's folder)."""
    paths = [str(p) for p in workspaces.list_workspaces(path)]
    # the picker always shows the workspace in use (also after the sample button switched it)
    st.session_state["workspace-pick"] = str(workspaces.absolute(path))

    def switch() -> None:
        cache.switch_workspace(st.session_state["workspace-pick"])

    def label(p: str) -> str:
        return workspaces.name_of(p) + (" (sample data)" if workspaces.is_demo(p) else "")

    st.selectbox("Workspace", paths, key="workspace-pick", on_change=switch, format_func=label,
                 help="A workspace is one product: everything in it is analysed together. Each is its own "
                      f"DuckDB file in {workspaces.folder_of(path)}.")
    with (st.popover("New workspace", icon=":material/add:", width="stretch"),
          st.form("new-workspace", border=False)):
        name = st.text_input("Name", placeholder="e.g. acme-app", key="new-workspace-name",
                             help="Letters, digits, '-' and '_'; it becomes the file name.")
        if st.form_submit_button("Create and open", type="primary", icon=":material/add:",
                                 key="new-workspace-create"):
            try:
                cache.switch_workspace(workspaces.create_workspace(workspaces.folder_of(path), name))
            except UserLensError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                st.rerun()
    if workspaces.is_demo(path):
        st.info("This is the sample workspace (a made-up product). For your own data, create a new "
                "workspace above and load your files there.", icon=":material/science:")


def sidebar() -> None:
    """Workspace picker, settings and row counts."""
    with st.sidebar:
        st.markdown("### :material/insights: UserLens")
        try:
            ws = cache.workspace()
            counts = cache.row_counts()
        except UserLensError as exc:
            st.error(str(exc))
            st.stop()
        workspace_picker(ws.path)
        if st.session_state.get("remembered-workspace") != ws.path:  # `userlens serve` reopens it
            workspaces.remember(ws.path)
            st.session_state["remembered-workspace"] = ws.path
        st.code(ws.path, language=None, wrap_lines=True)
        settings = ws.settings()
        st.caption(f"Timezone {settings['timezone']} · weeks start on {settings['week_start'].title()}")
        rows = "\n".join(f"| {TABLE_LABELS[t]} | {n:,} |" for t, n in counts.items())
        st.markdown("| Table | Rows |\n|---|---:|\n" + rows)


sidebar()
st.navigation(PAGES).run()
