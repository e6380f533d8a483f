"""UserLens dashboard: the entry point run by `streamlit run` (see dashboard/server.py).

The workspace comes from ``--workspace W`` after ``--`` or from ``$USERLENS_WORKSPACE``. Pages live
in dashboard/app_pages/ and are wired here with `st.navigation`; the sidebar shows the workspace
file and what it holds.
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
from dashboard import cache  # noqa: E402

st.set_page_config(page_title="UserLens", page_icon=":material/insights:", layout="wide")

HERE = Path(__file__).resolve().parent
# (section, file, title, icon); the Report page needs analytics.report.
SPECS = [
    ("Data", "data.py", "Data", ":material/upload_file:"),
    ("Behaviour", "overview.py", "Overview", ":material/monitoring:"),
    ("Behaviour", "retention.py", "Retention", ":material/grid_on:"),
    ("Behaviour", "funnels.py", "Funnels & experiments", ":material/filter_alt:"),
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


def sidebar() -> None:
    """Workspace file, settings and row counts."""
    with st.sidebar:
        st.markdown("### :material/insights: UserLens")
        try:
            ws = cache.workspace()
            counts = cache.row_counts()
        except UserLensError as exc:
            st.error(str(exc))
            st.stop()
        st.caption("Workspace")
        st.code(ws.path, language=None, wrap_lines=True)
        settings = ws.settings()
        st.caption(f"Timezone {settings['timezone']} · weeks start on {settings['week_start'].title()}")
        labels = {"events": "Events", "users": "Users", "feedback": "Feedback",
                  "kano_responses": "Kano answers", "requirements": "Requirements"}
        rows = "\n".join(f"| {labels[t]} | {n:,} |" for t, n in counts.items())
        st.markdown("| Table | Rows |\n|---|---:|\n" + rows)


sidebar()
st.navigation(PAGES).run()
