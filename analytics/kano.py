"""Kano analysis (DESIGN §5): categories, satisfaction coefficients, Fong test, DuMouchel means.

Every answer pair is classified with an evaluation table (`analytics.kano_tables`), counted per
feature (and per segment), and summarised:

* ``category`` — the most frequent category; ties are broken M > O > A > I > R > Q.
  With ``tie_break_threshold=t`` (a share, 0..1): when the category strength is below ``t``,
  the candidates are the categories among M, O, A, I with at least one answer whose share is
  within ``t`` of the top share, and the first of them in the order M > O > A > I is taken
  (Berger et al.'s "when in doubt, take the category with the larger influence on the product").
  When no M/O/A/I category is within ``t`` (the top is R or Q by a wide margin) the mode stands.
* ``category_strength`` = (top count − second count) / n and ``total_strength`` = (A+O+M) / n,
  both shares 0..1 (multiply by 100 for percentage points); n counts every answer, R and Q too.
* ``better`` = (A+O)/(A+O+M+I), ``worse`` = −(O+M)/(A+O+M+I) (null when A+O+M+I = 0).
* Fong: top two counts a ≥ b; ``fong_value`` = a − b, ``fong_threshold`` =
  1.65·sqrt((a+b)(2n−a−b)/(2n)); ``significant`` when a − b ≥ threshold.
* DuMouchel continuous analysis: functional answers score like 4, must-be 2, neutral 0,
  live-with −1, dislike −2; dysfunctional like −2, must-be −1, neutral 0, live-with 2,
  dislike 4. ``functional_score`` / ``dysfunctional_score`` are the means over every answer of
  the feature (R and Q included), weighted by ``importance`` where given; an answer without an
  importance weighs as the mean importance of its group, and all weigh 1 when the group has none.
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import polars as pl

from analytics.errors import UserLensError
from analytics.kano_tables import CATEGORIES, table_cells
from analytics.queries import KanoQuery
from analytics.sqlfiles import run_sql

#: Order used to break ties between equally frequent categories.
TIE_ORDER: tuple[str, ...] = ("M", "O", "A", "I", "R", "Q")
#: Categories eligible for the threshold tie-break, in priority order.
THRESHOLD_ORDER: tuple[str, ...] = ("M", "O", "A", "I")
FONG_Z = 1.65
NONE_SEGMENT = "(none)"
SPECIAL_SEGMENTS = ("persona", "cohort")

KANO_SCHEMA: dict[str, Any] = {
    "segment": pl.Utf8, "feature": pl.Utf8, "n": pl.Int64,
    **{c: pl.Int64 for c in CATEGORIES},
    "category": pl.Utf8, "category_strength": pl.Float64, "total_strength": pl.Float64,
    "better": pl.Float64, "worse": pl.Float64, "fong_value": pl.Int64, "fong_threshold": pl.Float64,
    "significant": pl.Boolean, "mean_importance": pl.Float64, "functional_score": pl.Float64,
    "dysfunctional_score": pl.Float64,
}


def kano_results(con: duckdb.DuckDBPyConnection, *, table: str = "standard", segment: str | None = None,
                 tie_break_threshold: float | None = None) -> pl.DataFrame:
    """Kano result per feature, or per (segment, feature).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Workspace cursor (``ws.con``).
    table : {"standard", "pouliot"}
        Evaluation table (see `analytics.kano_tables`).
    segment : str, optional
        ``"persona"`` (latest personas run, by the respondent's user_id), ``"cohort"`` (month of the
        user's signup, else first event, in the workspace timezone), or any key of
        ``kano_responses.attributes`` (falling back to the linked ``users.attributes``).
        Answers without a value fall in the segment ``"(none)"``, so the segments add up to the whole.
    tie_break_threshold : float, optional
        Share 0..1; when the category strength is below it, prefer M > O > A > I among the
        categories within the threshold of the top (see the module docstring).

    Returns
    -------
    polars.DataFrame
        One row per (segment, feature), columns as in ``KANO_SCHEMA``; ``segment`` is null when
        unsegmented. Empty when the workspace holds no Kano answers.
    """
    q = KanoQuery(table=table, segment=segment, tie_break_threshold=tie_break_threshold)  # validated once
    params = _segment_params(con, q.segment)
    counts = run_sql(con, "kano_answers_by_feature", cells=table_cells(q.table), **params)
    if counts.height and counts["invalid"].sum() > 0:
        _raise_invalid(con)
    rows = [_summarise(r, q.tie_break_threshold) for r in counts.iter_rows(named=True)]
    return pl.DataFrame(rows, schema=KANO_SCHEMA, orient="row") if rows else pl.DataFrame(schema=KANO_SCHEMA)


def kano_json(frame: pl.DataFrame) -> dict[str, Any]:
    """The ``userlens kano --format json`` document (DESIGN §8) of a `kano_results` frame.

    Parameters
    ----------
    frame : polars.DataFrame
        Output of `kano_results`.

    Returns
    -------
    dict
        ``{"features": [{"feature", "n", "counts": {A, O, M, I, R, Q}, "category", "better",
        "worse", "significant", ...strengths, Fong and DuMouchel values}]}``; each entry carries
        ``"segment"`` when the frame is segmented.
    """
    segmented = "segment" in frame.columns and frame["segment"].null_count() < frame.height
    features = []
    for r in frame.iter_rows(named=True):
        item: dict[str, Any] = {"segment": r["segment"]} if segmented else {}
        item.update({
            "feature": r["feature"], "n": r["n"], "counts": {c: r[c] for c in CATEGORIES},
            "category": r["category"], "better": r["better"], "worse": r["worse"],
            "significant": r["significant"],
        })
        for key in ("category_strength", "total_strength", "fong_value", "fong_threshold",
                    "mean_importance", "functional_score", "dysfunctional_score"):
            item[key] = r[key]
        features.append(item)
    return {"features": features}


def kano_category(counts: dict[str, int], tie_break_threshold: float | None = None) -> str:
    """Category of a feature from its counts: the mode with the documented tie-breaks."""
    n = sum(counts.get(c, 0) for c in CATEGORIES)
    mode = max(TIE_ORDER, key=lambda c: (counts.get(c, 0), -TIE_ORDER.index(c)))
    if tie_break_threshold is None or n == 0:
        return mode
    top, second = _top_two(counts)
    if (top - second) / n >= tie_break_threshold:
        return mode
    for cat in THRESHOLD_ORDER:
        if counts.get(cat, 0) > 0 and counts.get(cat, 0) / n >= top / n - tie_break_threshold:
            return cat
    return mode


def fong(counts: dict[str, int]) -> tuple[int, float, bool]:
    """Fong test on the two most frequent categories: (a − b, threshold, significant)."""
    n = sum(counts.get(c, 0) for c in CATEGORIES)
    a, b = _top_two(counts)
    threshold = FONG_Z * math.sqrt((a + b) * (2 * n - a - b) / (2 * n)) if n else 0.0
    return a - b, threshold, n > 0 and (a - b) >= threshold


def better_worse(counts: dict[str, int]) -> tuple[float | None, float | None]:
    """Satisfaction coefficients (Better, Worse); None when A + O + M + I is zero."""
    base = sum(counts.get(c, 0) for c in ("A", "O", "M", "I"))
    if base == 0:
        return None, None
    better = (counts.get("A", 0) + counts.get("O", 0)) / base
    worse = -(counts.get("O", 0) + counts.get("M", 0)) / base
    return better, worse + 0.0  # + 0.0 turns −0.0 into 0.0


def _top_two(counts: dict[str, int]) -> tuple[int, int]:
    ordered = sorted((counts.get(c, 0) for c in CATEGORIES), reverse=True)
    return ordered[0], ordered[1]


def _summarise(row: dict[str, Any], tie_break_threshold: float | None) -> dict[str, Any]:
    counts = {c: int(row[c]) for c in CATEGORIES}
    n = int(row["n"])
    top, second = _top_two(counts)
    better, worse = better_worse(counts)
    fong_value, fong_threshold, significant = fong(counts)
    return {
        "segment": row["segment"], "feature": row["feature"], "n": n, **counts,
        "category": kano_category(counts, tie_break_threshold),
        "category_strength": (top - second) / n,
        "total_strength": (counts["A"] + counts["O"] + counts["M"]) / n,
        "better": better, "worse": worse, "fong_value": fong_value, "fong_threshold": fong_threshold,
        "significant": significant, "mean_importance": row["mean_importance"],
        "functional_score": row["functional_score"], "dysfunctional_score": row["dysfunctional_score"],
    }


def _segment_params(con: duckdb.DuckDBPyConnection, segment: str | None) -> dict[str, str]:
    params = {"segment_kind": "none", "persona_run": "", "attr_path": "$.none"}
    if segment is None:
        return params
    if segment == "persona":
        run = run_sql(con, "latest_analysis_run", kind="personas")
        if run.is_empty():
            raise UserLensError(
                "No persona run in this workspace: run `userlens personas` (or the Personas page) "
                "before splitting Kano results by persona."
            )
        return {**params, "segment_kind": "persona", "persona_run": run["run_id"][0]}
    if segment == "cohort":
        return {**params, "segment_kind": "cohort"}
    keys = run_sql(con, "kano_attribute_keys")["key"].to_list()
    if segment not in keys:
        known = ", ".join([*SPECIAL_SEGMENTS, *keys])
        raise UserLensError(
            f"Cannot split Kano results by {segment!r}: it is neither 'persona', 'cohort' nor an attribute "
            f"of the survey respondents. Choose one of: {known}."
        )
    path = '$."' + segment.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return {**params, "segment_kind": "attribute", "attr_path": path}


def _raise_invalid(con: duckdb.DuckDBPyConnection) -> None:
    bad = run_sql(con, "kano_invalid_answers").row(0, named=True)
    raise UserLensError(
        f"Kano answer of respondent {bad['respondent_id']!r} for feature {bad['feature']!r} (batch "
        f"{bad['batch_id']}) has codes functional={bad['functional']}, dysfunctional={bad['dysfunctional']}; "
        "codes must be 1..5 (1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike). "
        "Fix the file and re-ingest it with `userlens ingest kano FILE --replace`."
    )
