"""The ranking as CSV and the whole report as JSON.

The CSV is UTF-8 with a byte-order mark (so Excel shows Chinese titles correctly) and one row per
requirement, written by the one safe writer `analytics.tabular` (every text cell that a spreadsheet
could run as a formula is neutralised, numbers stay numbers). The JSON is `Report.to_dict()`: its
``ranking`` list holds the same rows with every input, source and provenance sentence.
"""

from __future__ import annotations

import json
from typing import Any

from analytics.report.model import Report
from analytics.tabular import rows_csv_bytes


def ranking_rows(report: Report) -> tuple[list[str], list[list[Any]]]:
    """The ranking as a header and flat rows (numbers as int/float, None for missing, text as str).

    Parameters
    ----------
    report : Report

    Returns
    -------
    (list of str, list of list)
        Columns rank, req_id, title, score, each method input with ``<input>_source`` (and
        ``<input>_score`` for weighted scoring), quadrant, kano_feature, kano_category, better, worse,
        evidence_count, evidence_users, personas_affected, flags, provenance.
    """
    names = report.method.inputs
    weighted = any(i.normalised is not None for r in report.ranking for i in r.inputs)
    header = ["rank", "req_id", "title", "score"]
    for n in names:
        header += [n, f"{n}_source"] + ([f"{n}_score"] if weighted else [])
    header += [
        "quadrant",
        "kano_feature",
        "kano_category",
        "better",
        "worse",
        "evidence_count",
        "evidence_users",
        "personas_affected",
        "flags",
        "provenance",
    ]
    rows = []
    for r in report.ranking:
        row: list[Any] = [r.rank, r.req_id, r.title, r.score]
        for i in r.inputs:
            row += [i.value, i.source] + ([i.normalised] if weighted else [])
        row += [
            r.quadrant,
            r.kano_feature,
            r.kano_category,
            r.better,
            r.worse,
            r.evidence_count,
            r.evidence_users,
            r.personas_affected,
            ", ".join(r.flags),
            "; ".join(r.provenance),
        ]
        rows.append(row)
    return header, rows


def render_csv(report: Report) -> bytes:
    """The ranking as CSV bytes (UTF-8 with BOM, formula-like text neutralised).

    Parameters
    ----------
    report : Report

    Returns
    -------
    bytes
    """
    header, rows = ranking_rows(report)
    return rows_csv_bytes(header, rows, bom=True)


def render_json(report: Report) -> bytes:
    """The whole report as a JSON document (UTF-8, NaN as null).

    Parameters
    ----------
    report : Report

    Returns
    -------
    bytes
        ``{"title", "generation", "method", "findings", "ranking": [...], "kano", "evidence",
        "personas", "retention", "sources"}``.
    """
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, allow_nan=False).encode("utf-8")
