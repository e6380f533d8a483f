"""Errors a person can act on: every message says what went wrong, where, and what to do."""

from __future__ import annotations


class UserLensError(Exception):
    """Base class for errors shown to users (CLI stderr, dashboard message) without a traceback."""


class InputFileError(UserLensError):
    """A problem with an input file, located by file, row and column where known."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None, hint: str | None = None) -> None:
        self.file, self.row, self.column, self.hint = file, row, column, hint
        where = []
        if file:
            where.append(f"file {file}")
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column {column!r}")
        text = (", ".join(where) + ": " if where else "") + message
        if hint:
            text += f" {hint}"
        super().__init__(text)


class DuplicateFileError(UserLensError):
    """The same file (by sha256) was loaded before."""
