"""Report: the prioritised requirement report, previewed here and downloaded as HTML, PDF, Excel,
Markdown, CSV or JSON."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.prioritise import METHODS
from analytics.report import FORMATS
from dashboard import cache, ui

LABELS = {"rice": "RICE", "ice": "ICE", "wsjf": "WSJF", "value-effort": "Value / effort",
          "weighted": "Weighted scoring", "kano": "Kano-weighted"}
FORMAT_LABELS = {"html": "HTML", "pdf": "PDF", "xlsx": "Excel", "md": "Markdown", "csv": "CSV (ranking)",
                 "json": "JSON"}
KANO_NAMES = {"M": "must-be", "O": "one-dimensional", "A": "attractive", "I": "indifferent", "R": "reverse",
              "Q": "questionable"}

ui.header("Report", "One document with the ranking and where every number came from, the Kano results, the "
          "user evidence, personas and retention — to share with people who do not open the dashboard.")
ui.require("requirements")


def options() -> dict:
    """Report options; the weights are the Prioritisation page's defaults for the method."""
    with st.container(border=True):
        c = st.columns([2, 1, 1, 1, 1], vertical_alignment="bottom")
        title = c[0].text_input("Title", "Prioritised requirements", key="rep-title", max_chars=120)
        method = c[1].selectbox("Method", METHODS, format_func=LABELS.get, key="rep-method")
        table = c[2].selectbox("Kano table", ["standard", "pouliot"], key="rep-kano", format_func=str.title)
        quotes = c[3].number_input("Quotes per item", 1, 5, value=3, key="rep-quotes")
        evidence = c[4].toggle("Use evidence", value=True, key="rep-evidence",
                               help="Fill missing reach/confidence from the linked feedback, impact from "
                                    "Kano.")
    return {"method": method, "title": title or None, "kano_table": table, "quotes": int(quotes),
            "use_evidence": evidence}


def downloads(opts: dict) -> None:
    """One button per format; each file is rendered when its button is pressed (and then cached)."""
    st.markdown("**Download**")
    cols = st.columns(len(FORMATS))
    stem = (opts["title"] or "report").lower().replace(" ", "-")[:60]
    for col, (fmt, (ext, mime)) in zip(cols, FORMATS.items(), strict=True):
        with col:
            st.download_button(FORMAT_LABELS[fmt], lambda f=fmt: cache.report_bytes(f, **opts),
                               file_name=f"{stem}{ext}", mime=mime, key=f"dl-report-{fmt}",
                               icon=":material/download:", width="stretch",
                               type="primary" if fmt == "html" else "secondary")


def preview(rep) -> None:  # noqa: ANN001 - analytics.report.Report
    """The report's sections rendered with Streamlit elements (user text is escaped)."""
    st.markdown(f"## {ui.md_escape(rep.title)}")
    st.caption(f"Generated {rep.generation.generated_at} by {rep.generation.generator} · workspace "
               f"{rep.generation.workspace} · timezone {rep.generation.settings.get('timezone')}")
    st.markdown("#### Key findings")
    for finding in rep.findings:
        st.markdown("- " + ui.md_escape(finding))
    st.markdown(f"#### Ranking — {rep.method.label}")
    st.caption(rep.method.description)
    ranking = pl.DataFrame([{"rank": r.rank, "req_id": r.req_id, "title": r.title, "score": r.score,
                             "quadrant": r.quadrant, "kano": KANO_NAMES.get(r.kano_category or ""),
                             "evidence users": r.evidence_users, "personas": ", ".join(r.personas),
                             "defaults used": "; ".join(r.flags)} for r in rep.ranking])
    ui.table(ranking, column_config={"score": st.column_config.NumberColumn(format="%.2f")})
    left, right = st.columns(2)
    with left:
        st.markdown("#### Kano")
        if rep.kano.available:
            ui.table(pl.DataFrame([{"feature": f.feature, "category": KANO_NAMES.get(f.category, f.category),
                                    "better": f.better, "worse": f.worse, "n": f.n,
                                    "significant": f.significant} for f in rep.kano.features]))
        else:
            st.info(rep.kano.message)
    with right:
        st.markdown("#### Personas")
        if rep.personas.available:
            ui.table(pl.DataFrame([{"persona": p.name, "users": p.size, "share": p.share,
                                    "keywords": ", ".join(p.keywords[:5])} for p in rep.personas.personas]),
                     column_config={"share": st.column_config.NumberColumn(format="percent")})
        else:
            st.info(rep.personas.message)
    st.markdown("#### What users say about the top items")
    if not rep.evidence.available:
        st.info(rep.evidence.message)
    for r in [r for r in rep.ranking if r.quotes][:5]:
        st.markdown(f"**#{r.rank} {ui.md_escape(r.title)}** — {r.evidence_users:,} users")
        for q in r.quotes[:2]:
            ui.quote(q)
    st.markdown("#### Retention")
    if rep.retention.available:
        avg = list(rep.retention.average[1:5])
        st.write(f"{rep.retention.message}: "
                 + ", ".join(f"{rep.retention.period} {i + 1}: {'–' if v is None else f'{v:.1f} %'}"
                             for i, v in enumerate(avg)) + ".")
    else:
        st.info(rep.retention.message)
    st.markdown("#### Data sources")
    ui.table(pl.DataFrame([{"batch": s.batch_id, "kind": s.kind, "file": s.file_name,
                            "rows read": s.rows_read, "loaded": s.rows_loaded, "rejected": s.rows_rejected,
                            "pseudonymised": s.pseudonymised} for s in rep.sources]))


with ui.errors():
    opts = options()
    with st.spinner("Building the report ..."):
        rep = cache.report(**opts)
    downloads(opts)
    st.divider()
    with st.container(border=True):
        preview(rep)
