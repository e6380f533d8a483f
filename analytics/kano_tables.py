"""The two Kano evaluation tables (DESIGN §5) and the answer codes they are indexed by.

Rows are the functional answer, columns the dysfunctional answer, both coded
1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike. Each table is written as five
five-letter rows so that it can be read against the published grid cell by cell.
"""

from __future__ import annotations

from analytics.errors import UserLensError

ANSWER_CODES: dict[int, str] = {1: "like", 2: "must-be", 3: "neutral", 4: "live-with", 5: "dislike"}
CATEGORIES: tuple[str, ...] = ("A", "O", "M", "I", "R", "Q")
CATEGORY_NAMES: dict[str, str] = {
    "A": "attractive", "O": "one-dimensional", "M": "must-be",
    "I": "indifferent", "R": "reverse", "Q": "questionable",
}

#: Kano's standard table (Berger et al. 1993).
STANDARD: tuple[str, ...] = (
    # D: like  must-be  neutral  live-with  dislike
    "QAAAO",  # F: like
    "RIIIM",  # F: must-be
    "RIIIM",  # F: neutral
    "RIIIM",  # F: live-with
    "RRRRQ",  # F: dislike
)

#: Pouliot's modification (Berger et al. 1993, p. 33): the same answer to both questions is
#: questionable, except neutral/neutral, so must-be/must-be and live-with/live-with become Q.
POULIOT: tuple[str, ...] = (
    "QAAAO",
    "RQIIM",
    "RIIIM",
    "RIIQM",
    "RRRRQ",
)

TABLES: dict[str, tuple[str, ...]] = {"standard": STANDARD, "pouliot": POULIOT}


def table_cells(table: str) -> str:
    """The 25 categories of a table as one string, cell (f, d) at index 5·(f−1) + (d−1).

    This is the form the SQL takes as a parameter (``substr($cells, 5*(f-1)+d, 1)``).
    """
    return "".join(_table(table))


def classify(functional: int, dysfunctional: int, table: str = "standard") -> str:
    """Category letter (A, O, M, I, R, Q) of one answer pair under `table`.

    Parameters
    ----------
    functional, dysfunctional : int
        Answer codes 1..5 (1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike).
    table : {"standard", "pouliot"}
        Evaluation table.

    Returns
    -------
    str
        One of ``CATEGORIES``.
    """
    rows = _table(table)
    for name, code in (("functional", functional), ("dysfunctional", dysfunctional)):
        if code not in ANSWER_CODES:
            raise UserLensError(
                f"Kano {name} answer {code!r} is not a code 1..5 (1 like, 2 must-be, 3 neutral, "
                "4 live-with, 5 dislike): re-ingest the survey with `userlens ingest kano`."
            )
    return rows[functional - 1][dysfunctional - 1]


def _table(table: str) -> tuple[str, ...]:
    try:
        return TABLES[table]
    except KeyError:
        raise UserLensError(
            f"Unknown Kano evaluation table {table!r}: use 'standard' or 'pouliot'."
        ) from None
