"""Every cell of both Kano evaluation tables, directly and through the SQL that counts answers."""

from __future__ import annotations

import pytest

from analytics.errors import UserLensError
from analytics.kano import kano_results
from analytics.kano_tables import classify

LIKE, MUST, NEUTRAL, LIVE, DISLIKE = 1, 2, 3, 4, 5

# (functional, dysfunctional) -> category, written out from DESIGN §5 row by row.
STANDARD_CELLS = {
    (LIKE, LIKE): "Q", (LIKE, MUST): "A", (LIKE, NEUTRAL): "A", (LIKE, LIVE): "A", (LIKE, DISLIKE): "O",
    (MUST, LIKE): "R", (MUST, MUST): "I", (MUST, NEUTRAL): "I", (MUST, LIVE): "I", (MUST, DISLIKE): "M",
    (NEUTRAL, LIKE): "R", (NEUTRAL, MUST): "I", (NEUTRAL, NEUTRAL): "I", (NEUTRAL, LIVE): "I",
    (NEUTRAL, DISLIKE): "M",
    (LIVE, LIKE): "R", (LIVE, MUST): "I", (LIVE, NEUTRAL): "I", (LIVE, LIVE): "I", (LIVE, DISLIKE): "M",
    (DISLIKE, LIKE): "R", (DISLIKE, MUST): "R", (DISLIKE, NEUTRAL): "R", (DISLIKE, LIVE): "R",
    (DISLIKE, DISLIKE): "Q",
}
# Pouliot: the same answer twice is Q except neutral/neutral.
POULIOT_CELLS = {
    (LIKE, LIKE): "Q", (LIKE, MUST): "A", (LIKE, NEUTRAL): "A", (LIKE, LIVE): "A", (LIKE, DISLIKE): "O",
    (MUST, LIKE): "R", (MUST, MUST): "Q", (MUST, NEUTRAL): "I", (MUST, LIVE): "I", (MUST, DISLIKE): "M",
    (NEUTRAL, LIKE): "R", (NEUTRAL, MUST): "I", (NEUTRAL, NEUTRAL): "I", (NEUTRAL, LIVE): "I",
    (NEUTRAL, DISLIKE): "M",
    (LIVE, LIKE): "R", (LIVE, MUST): "I", (LIVE, NEUTRAL): "I", (LIVE, LIVE): "Q", (LIVE, DISLIKE): "M",
    (DISLIKE, LIKE): "R", (DISLIKE, MUST): "R", (DISLIKE, NEUTRAL): "R", (DISLIKE, LIVE): "R",
    (DISLIKE, DISLIKE): "Q",
}


@pytest.mark.parametrize(("pair", "expected"), sorted(STANDARD_CELLS.items()))
def test_standard_cell(pair: tuple[int, int], expected: str) -> None:
    assert classify(*pair, table="standard") == expected


@pytest.mark.parametrize(("pair", "expected"), sorted(POULIOT_CELLS.items()))
def test_pouliot_cell(pair: tuple[int, int], expected: str) -> None:
    assert classify(*pair, table="pouliot") == expected


def test_tables_differ_only_where_pouliot_says() -> None:
    differ = {k for k in STANDARD_CELLS if STANDARD_CELLS[k] != POULIOT_CELLS[k]}
    assert differ == {(MUST, MUST), (LIVE, LIVE)}


@pytest.mark.parametrize(("table", "cells"), [("standard", STANDARD_CELLS), ("pouliot", POULIOT_CELLS)])
def test_sql_classifies_every_cell(ws, table: str, cells: dict) -> None:
    # one feature per cell, one answer each: the feature's category is the cell's category
    ws.con.executemany(
        "INSERT INTO kano_responses VALUES ('r1', ?, ?, ?, NULL, NULL, NULL, 1)",
        [[f"f{f}{d}", f, d] for (f, d) in cells],
    )
    out = kano_results(ws.con, table=table)
    got = {(int(r["feature"][1]), int(r["feature"][2])): r["category"] for r in out.iter_rows(named=True)}
    assert got == cells
    for r in out.iter_rows(named=True):
        assert r["n"] == 1 and r[r["category"]] == 1


def test_unknown_table_and_bad_codes(ws) -> None:
    with pytest.raises(UserLensError, match="pouliot"):
        classify(1, 1, table="berger")
    with pytest.raises(UserLensError, match="1..5"):
        classify(0, 3)
    ws.con.execute("INSERT INTO kano_responses VALUES ('r9', 'Dark mode', 6, 3, NULL, NULL, NULL, 4)")
    with pytest.raises(UserLensError, match="r9.*Dark mode.*batch 4"):
        kano_results(ws.con)
