"""Key findings: the few sentences at the top of the report, each computed from the report model."""

from __future__ import annotations

from collections import Counter

from analytics.names import KANO_NAMES
from analytics.report.model import Report

KANO_ORDER = ("M", "O", "A", "I", "R", "Q")


def fmt_number(value: float | int | None, digits: int = 3) -> str:
    """A number for people: thousands separators, at most `digits` decimals, no trailing zeros, '–' for None.

    Parameters
    ----------
    value : float, int or None
    digits : int
        Maximum number of decimals.

    Returns
    -------
    str
    """
    if value is None:
        return "–"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_percent(share: float | None, digits: int = 1) -> str:
    """A percentage value (already 0..100) with one decimal, '–' for None."""
    return "–" if share is None else f"{share:.{digits}f} %"


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 file', '2 files' (thousands separated)."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def _names(items: list[str], limit: int = 3) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def key_findings(report: Report) -> list[str]:
    """The report's key findings, one sentence each, computed from the model (never invented).

    Parameters
    ----------
    report : Report
        A report whose sections are filled (findings are ignored).

    Returns
    -------
    list of str
    """
    ranking, n = report.ranking, len(report.ranking)
    out = _backlog_findings(report) if ranking else [report.backlog.message + "."]
    if report.kano.available:
        by_cat: dict[str, list[str]] = {}
        for f in report.kano.features:
            by_cat.setdefault(f.category, []).append(f.feature)
        parts = [f"{_kano_label(c)} {_names(by_cat[c])}" for c in KANO_ORDER if c in by_cat]
        out.append(f"Kano survey over {len(report.kano.features)} features: " + "; ".join(parts) + ".")
    else:
        out.append(report.kano.message + ".")
    if report.evidence.available and ranking:
        best = max(ranking, key=lambda r: (r.evidence_users, r.evidence_count, -r.rank))
        k = report.evidence.requirements_with_evidence
        line = f"{k} of {plural(n, 'requirement')} {'has' if k == 1 else 'have'} matching user feedback"
        if best.evidence_count:
            line += (
                f"; most evidence: {best.req_id} “{best.title}” ({plural(best.evidence_count, 'item')} from "
                f"{plural(best.evidence_users, 'user')})"
            )
        out.append(line + ".")
    elif ranking:
        out.append(report.evidence.message + ".")
    if report.themes.available:
        big_theme = report.themes.themes[0]
        share = "" if big_theme.share is None else f", {fmt_percent(100 * big_theme.share)} of the items"
        out.append(
            f"{plural(len(report.themes.themes), 'feedback theme')}; the largest is {big_theme.name} "
            f"({plural(big_theme.size, 'item')}{share})."
        )
    if report.personas.available:
        big = report.personas.personas[0]
        share = "" if big.share is None else f", {fmt_percent(100 * big.share)} of users"
        out.append(
            f"{plural(len(report.personas.personas), 'persona')}; the largest is {big.name} "
            f"({plural(big.size, 'user')}{share})."
        )
    if report.retention.available and report.retention.average[1:2] != [None]:
        avg = report.retention.average
        week4 = f", week 4 {fmt_percent(avg[4])}" if len(avg) > 4 and avg[4] is not None else ""
        out.append(
            f"Average retention week 1 {fmt_percent(avg[1])}{week4} over "
            f"{plural(report.retention.cohorts, 'weekly cohort')} ({plural(report.retention.users, 'user')})."
        )
    else:
        out.append(report.retention.message + ".")
    loaded = sum(s.rows_loaded for s in report.sources)
    rejected = sum(s.rows_rejected for s in report.sources)
    if report.sources:
        out.append(
            f"{plural(loaded, 'row')} loaded from {plural(len(report.sources), 'file')}; "
            f"{plural(rejected, 'row')} rejected "
            "(reasons under Data sources)."
        )
    return out


def _backlog_findings(report: Report) -> list[str]:
    """The ranking's headline, its defaults and its quick wins."""
    ranking, n = report.ranking, len(report.ranking)
    top = [f"{r.req_id} “{r.title}” ({fmt_number(r.score)})" for r in ranking[:3]]
    out = [
        f"{plural(n, 'requirement')} ranked by {report.method.label}; the top {len(top)}: {'; '.join(top)}."
    ]
    flagged = [r for r in ranking if r.flags]
    if flagged:
        counts = Counter(f for r in flagged for f in r.flags)
        which = ", ".join(f"{name} ({k})" for name, k in counts.most_common())
        out.append(
            f"{len(flagged)} of {plural(n, 'requirement')} {'uses' if len(flagged) == 1 else 'use'} "
            f"a default for a missing input — {which}; fill these in the backlog to sharpen the ranking."
        )
    else:
        out.append("Every score input comes from the backlog or from user evidence; no defaults were used.")
    quick = [r.req_id for r in ranking if r.quadrant == "quick win"]
    if quick:
        out.append(
            f"{plural(len(quick), 'quick win')} (value at or above the median, effort at or below it): "
            f"{_names(quick, 5)}."
        )
    return out


def _kano_label(code: str) -> str:
    return KANO_NAMES.get(code, code)
