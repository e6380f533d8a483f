"""Report: everything known about the product in one document — the prioritised backlog when there is
one, Kano results, feedback themes, personas, retention — previewed here and downloaded as HTML, PDF,
Excel, Markdown, CSV or JSON."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import streamlit as st

from analytics.names import KANO_NAMES
from analytics.queries import KanoQuery, PrioritiseQuery
from analytics.report import FORMATS
from dashboard import cache, ui
from dashboard import widgets as w
from dashboard.voice_ui import voice_filter

FORMAT_LABELS = {"html": "HTML", "pdf": "PDF", "xlsx": "Excel", "md": "Markdown", "csv": "CSV (ranking)",
                 "json": "JSON"}
# Where a missing part of the report is made: the page and the button there (never a command line).
MAKE = {
    "evidence": ("app_pages/prioritise.py", "Link feedback to requirements on the Prioritisation page"),
    "personas": ("app_pages/personas.py", "Find personas on the Personas page"),
    "themes": ("app_pages/themes.py", "Find themes on the Feedback themes page"),
    "data": ("app_pages/data.py", "Load it on the Data page"),
    "backlog": ("app_pages/data.py", "Load a backlog on the Data page"),
}

ui.header("Report", "One document with what the data shows — the ranked backlog and where every number came "
          "from, Kano results, feedback themes, personas and retention — to share with people who do not "
          "open the dashboard.")
ui.require_any("events", "feedback", "kano", "requirements")
HAS_BACKLOG = cache.row_counts()["requirements"] > 0


def options() -> dict:
    """Report options; the weights are the Prioritisation page's defaults for the method."""
    with st.container(border=True):
        c = st.columns([2, 1, 1, 1, 1], vertical_alignment="bottom")
        default = "Prioritised requirements" if HAS_BACKLOG else "What our users tell us"
        title = c[0].text_input("Title", default, key="rep-title", max_chars=120)
        table = w.selectbox(KanoQuery, "table", where=c[2], key="rep-kano", label="Kano table",
                            format_func=str.title)
        voice = {}
        if cache.row_counts()["feedback"]:  # only requirements, themes, personas with this kind of feedback
            chosen = voice_filter("rep-voice")
            voice = {"intents": list(chosen.intents) or None, "sentiments": list(chosen.sentiments) or None}
        if not HAS_BACKLOG:
            return {"method": "rice", "title": title or None, "kano_table": table, "quotes": 3,
                    "use_evidence": True, **voice}
        method = w.selectbox(PrioritiseQuery, "method", where=c[1], key="rep-method")
        quotes = c[3].number_input("Quotes per item", 1, 5, value=3, key="rep-quotes")
        evidence = c[4].toggle("Use evidence", value=True, key="rep-evidence",
                               help="Fill missing reach/confidence from the linked feedback, impact from "
                                    "Kano.")
    return {"method": method, "title": title or None, "kano_table": table, "quotes": int(quotes),
            "use_evidence": evidence, **voice}


def downloads(opts: dict) -> None:
    """One button per format; each file is rendered when its button is pressed, stamped with that time."""
    st.markdown("**Download**")
    cols = st.columns(len(FORMATS))
    stem = (opts["title"] or "report").lower().replace(" ", "-")[:60]
    for col, (fmt, (ext, mime)) in zip(cols, FORMATS.items(), strict=True):
        with col:
            st.download_button(FORMAT_LABELS[fmt], lambda f=fmt: cache.report_bytes(f, **opts),
                               file_name=f"{stem}{ext}", mime=mime, key=f"dl-report-{fmt}",
                               icon=":material/download:", width="stretch",
                               type="primary" if fmt == "html" else "secondary",
                               disabled=fmt == "csv" and not HAS_BACKLOG,
                               help="The ranking as CSV: needs a backlog." if fmt == "csv" else None)


def missing(message: str, make: str) -> None:
    """A part the report cannot show yet: why, and the page (and button) that makes it."""
    st.info(message + ".", icon=":material/info:")
    page, label = MAKE[make]
    st.page_link(page, label=label, icon=":material/arrow_forward:")


def preview(rep) -> None:  # noqa: ANN001 - analytics.report.Report
    """The report's sections rendered with Streamlit elements (user text is escaped)."""
    st.markdown(f"## {ui.md_escape(rep.title)}")
    built, g = datetime.fromisoformat(rep.generation.generated_at), rep.generation
    st.caption(f"Preview of the data as of {built:%Y-%m-%d %H:%M} UTC · workspace {g.workspace} · timezone "
               f"{g.settings.get('timezone')}. Each download is stamped with the time you download it.")
    if rep.voice_filter != "all feedback":
        st.info(f"Filtered to feedback of {rep.voice_filter}.", icon=":material/filter_alt:")
    st.markdown("#### Key findings")
    for finding in rep.findings:
        st.markdown("- " + ui.md_escape(finding))
    if rep.backlog.available:
        ranking_section(rep)
    elif HAS_BACKLOG:  # a filter left nothing
        st.markdown("#### Ranking")
        st.info(rep.backlog.message + ".", icon=":material/filter_alt_off:")
    else:
        st.markdown("#### Ranking")
        missing(rep.backlog.message, "backlog")
    proposals_section(rep)
    left, right = st.columns(2)
    with left:
        st.markdown("#### Kano")
        if rep.kano.available:
            ui.table(pl.DataFrame([{"feature": f.feature,
                                    "category_name": KANO_NAMES.get(f.category, f.category),
                                    "better": f.better, "worse": f.worse, "n": f.n,
                                    "significant": f.significant} for f in rep.kano.features]),
                     labels={"n": "Answers"})
        else:
            missing(rep.kano.message, "data")
    with right:
        st.markdown("#### Personas")
        if rep.personas.available:
            ui.table(pl.DataFrame([{"persona": p.name, "size": p.size, "share": p.share,
                                    "keywords": p.keywords[:5]} for p in rep.personas.personas]))
        else:
            missing(rep.personas.message, "personas")
    st.markdown("#### Feedback themes")
    if rep.themes.available:
        ui.table(pl.DataFrame([{"name": t.name, "size": t.size, "share": t.share,
                                "mean_rating": t.mean_rating, "nps": t.nps, "keywords": t.keywords[:5]}
                               for t in rep.themes.themes]),
                 labels={"name": "Theme", "size": "Items"})
    elif cache.row_counts()["feedback"]:
        missing(rep.themes.message, "themes")
    else:
        st.caption("No feedback loaded: themes need free-text feedback.")
    st.markdown("#### Retention")
    if rep.retention.available:
        avg = list(rep.retention.average[1:5])
        st.write(f"{rep.retention.message}: "
                 + ", ".join(f"{rep.retention.period} {i + 1}: {ui.fmt_pct(None if v is None else v / 100)}"
                             for i, v in enumerate(avg)) + ".")
    else:
        missing(rep.retention.message, "data")
    st.markdown("#### Data sources")
    ui.table(pl.DataFrame([{"batch_id": s.batch_id, "kind": s.kind, "file_name": s.file_name,
                            "rows_read": s.rows_read, "rows_loaded": s.rows_loaded,
                            "rows_rejected": s.rows_rejected, "pseudonymised": s.pseudonymised}
                           for s in rep.sources]))


def proposals_section(rep) -> None:  # noqa: ANN001 - analytics.report.Report
    """Proposed requirements: feature-request themes no backlog item covers (accepted on Prioritisation)."""
    st.markdown("#### Proposed requirements")
    if not rep.proposals.available:
        st.caption(rep.proposals.message + ".")
        return
    st.caption(rep.proposals.message + ". Accept them on the Prioritisation page.")
    ui.table(pl.DataFrame([{"proposal_id": p.proposal_id, "title": p.title,
                            "feature_requests": p.evidence_count, "users": p.distinct_users,
                            "personas": p.personas, "status": p.status} for p in rep.proposals.proposals]),
             key="rep-proposals")


def ranking_section(rep) -> None:  # noqa: ANN001 - analytics.report.Report
    """The ranked backlog and what users say about its top items."""
    st.markdown(f"#### Ranking — {rep.method.label}")
    st.caption(rep.method.description)
    ui.table(pl.DataFrame([{"rank": r.rank, "req_id": r.req_id, "title": r.title, "score": r.score,
                            "quadrant": r.quadrant, "kano_category": KANO_NAMES.get(r.kano_category or ""),
                            "evidence_users": r.evidence_users, "personas_affected": r.personas_affected,
                            "flags": r.flags} for r in rep.ranking]))
    st.markdown("#### What users say about the top items")
    if not rep.evidence.available:
        missing(rep.evidence.message, "evidence")
    for r in [r for r in rep.ranking if r.quotes][:5]:
        st.markdown(f"**#{r.rank} {ui.md_escape(r.title)}** — {ui.plural(r.evidence_users, 'user')}")
        for q in r.quotes[:2]:
            ui.quote(q)


with ui.errors():
    opts = options()
    with st.spinner("Building the report ..."):
        rep = cache.report(**opts)
    downloads(opts)
    st.divider()
    with st.container(border=True):
        preview(rep)
