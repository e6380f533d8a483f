"""Self-contained HTML of a report: one file, inline CSS and SVG charts, no script, no external request.

The Jinja template (``analytics/templates/report.html.j2``) autoescapes everything; only the SVG
charts, built here with their own escaping, are inserted as markup. The PDF renderer uses the
same template with ``pdf=True`` (print page rules, page breaks, page numbers).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from analytics.report.charts import kano_svg, ranking_svg, value_effort_svg
from analytics.report.findings import fmt_number
from analytics.names import KANO_NAMES
from analytics.report.model import Report

LABELS: dict[str, str] = {
    "confidence": "conf.",
    "business_value": "business value",
    "time_criticality": "time criticality",
    "risk_reduction": "risk reduction",
    "job_size": "job size",
    "M": "must-be",
    "O": "one-dimensional",
    "A": "attractive",
    "I": "indifferent",
}


def _num(value: Any, digits: int = 3) -> str:
    return fmt_number(None if value is None else float(value), digits)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _when(value: str | None) -> str:
    if not value:
        return "–"
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return value


def _kano(code: str | None) -> str:
    return "–" if not code else f"{KANO_NAMES.get(code, code)} ({code})"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("analytics", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        num=_num,
        pct=_pct,
        share=_share,
        when=_when,
        kano=_kano,
        kano_short=lambda c: KANO_NAMES.get(c, c) if c else "–",
        label=lambda k: LABELS.get(k, str(k).replace("_", " ")),
    )
    return env


def _colgroup(widths: list[float]) -> Markup:
    """Column widths in percent (the PDF lays tables out with fixed widths: one pass, no measuring)."""
    total = sum(widths)
    return Markup(
        "<colgroup>" + "".join(f'<col style="width: {100 * w / total:.2f}%">' for w in widths) + "</colgroup>"
    )


def derivation_items(text: str) -> list[str]:
    """The bullet points of `analytics.prioritise_inputs.DERIVATION_DESCRIPTION` as plain sentences."""
    items = [" ".join(part.split()) for part in re.split(r"(?:^|\n)\* ", text) if part.strip()]
    return [item.replace("``", "") for item in items]


def render_html(report: Report, *, pdf: bool = False) -> str:
    """The report as one HTML document.

    Parameters
    ----------
    report : Report
        Built by `analytics.report.build_report`.
    pdf : bool
        Use the print layout (A4 pages, page numbers, section page breaks) for weasyprint.

    Returns
    -------
    str
        A complete HTML5 document with no external references.
    """
    show = {"kano": any(q.kano_category for q in report.ranking), "evidence": report.evidence.available}
    n_inputs = len(report.method.inputs)
    ranking = [4, 9, 0, 7.5, *[6.5] * n_inputs, 8.5] + ([10, 5, 5.5] if show["kano"] else [])
    ranking += [5, 5] if show["evidence"] else []
    ranking[2] = max(14.0, 100 - sum(ranking))
    cols = {
        "ranking": _colgroup(ranking),
        "evidence": _colgroup([7, 20, 7, 6, 18, 42]),
        "provenance": _colgroup([6, 8, 72, 14]),
    }
    charts = {
        "ranking": Markup(ranking_svg(report)),
        "matrix": Markup(value_effort_svg(report)),
        "kano": Markup(kano_svg(report)),
    }
    template = _environment().get_template("report.html.j2")
    return template.render(
        r=report,
        charts=charts,
        pdf=pdf,
        show=show,
        cols=cols,
        derivations=derivation_items(report.method.derivations),
    )
