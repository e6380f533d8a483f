"""The workspace: one DuckDB file holding every table, the settings and the data versions.

One process-wide connection per file; each thread gets its own cursor (DuckDB cursors are
cheap and isolate per-thread state); writes go through `Workspace.write()`, which serialises
them with a lock and wraps them in one transaction so a load lands whole or not at all.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from analytics.errors import UserLensError
from analytics.migrations import MIGRATIONS

DEFAULT_WORKSPACE = Path.home() / ".userlens" / "workspace.duckdb"
DATA_TABLES = ("events", "users", "feedback", "kano_responses", "requirements")
DEFAULT_SETTINGS = {"timezone": "UTC", "week_start": "monday"}
_OPEN: dict[str, Workspace] = {}
_OPEN_LOCK = threading.Lock()


class Workspace:
    """A DuckDB workspace file with migrations applied.

    Parameters
    ----------
    path : str or Path
        The DuckDB file, or ``":memory:"`` for a private in-memory workspace (tests).
    """

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_WORKSPACE) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            self.path = str(Path(self.path).expanduser())
        try:
            self._con = duckdb.connect(self.path)
        except duckdb.Error as exc:
            raise UserLensError(
                f"Cannot open the workspace {self.path}: {exc}. Close other programs using it "
                "or choose another file with --workspace."
            ) from exc
        # Timestamps are compared and printed in UTC; periods convert explicitly to the
        # workspace timezone in SQL, so the session zone never changes a number.
        self._con.execute("SET TimeZone = 'UTC'")
        self._write_lock = threading.RLock()
        self._local = threading.local()
        self._migrate()

    # -- connections -------------------------------------------------------------
    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the workspace."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            cur.execute("SET TimeZone = 'UTC'")
            self._local.cursor = cur
        return cur

    @contextmanager
    def write(self, *tables: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """Serialised, transactional write; bumps the data version of `tables` on commit."""
        with self._write_lock:
            cur = self.con
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
                for name in tables:
                    cur.execute(
                        "INSERT INTO table_versions VALUES ($n, 1) "
                        "ON CONFLICT (name) DO UPDATE SET version = table_versions.version + 1",
                        {"n": name},
                    )
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def close(self) -> None:
        """Close the connection (tests; the app keeps it for the life of the process)."""
        with _OPEN_LOCK:
            if _OPEN.get(self.path) is self:
                del _OPEN[self.path]
        self._con.close()

    # -- schema and settings -----------------------------------------------------
    def _migrate(self) -> None:
        with self._write_lock:
            self._con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ DEFAULT current_timestamp)"
            )
            done = {r[0] for r in self._con.execute("SELECT version FROM schema_migrations").fetchall()}
            for version, name, ddl in MIGRATIONS:
                if version in done:
                    continue
                self._con.execute("BEGIN TRANSACTION")
                try:
                    self._con.execute(ddl)
                    self._con.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
                    self._con.execute("COMMIT")
                except BaseException:
                    self._con.execute("ROLLBACK")
                    raise

    def schema_version(self) -> int:
        """Highest applied migration."""
        return int(_first_row(self.con, "SELECT max(version) FROM schema_migrations")[0])

    def get_setting(self, key: str) -> str:
        """A setting's value, or its default."""
        row = _first_row(self.con, "SELECT value FROM settings WHERE key = ?", [key])
        return row[0] if row else DEFAULT_SETTINGS.get(key, "")

    def settings(self) -> dict[str, str]:
        """All settings with defaults filled in (the secret is never included)."""
        out = dict(DEFAULT_SETTINGS)
        out.update({k: v for k, v in self.con.execute("SELECT key, value FROM settings").fetchall()
                    if not k.startswith("_")})
        return out

    def set_setting(self, key: str, value: str) -> None:
        """Validate and store a setting; period results depend on it, so it bumps every version."""
        if key == "timezone":
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise UserLensError(
                    f"Unknown timezone {value!r}: use an IANA name such as 'Europe/Berlin' or 'UTC'."
                ) from exc
        elif key == "week_start":
            value = value.lower()
            if value not in ("monday", "sunday"):
                raise UserLensError(f"week_start must be 'monday' or 'sunday', not {value!r}.")
        elif not key.startswith("_"):
            raise UserLensError(f"Unknown setting {key!r}: the settings are timezone and week_start.")
        with self.write(*DATA_TABLES) as cur:
            cur.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [key, value])

    @property
    def timezone(self) -> str:
        return self.get_setting("timezone")

    @property
    def week_start(self) -> str:
        return self.get_setting("week_start")

    def secret(self) -> bytes:
        """Per-workspace secret for pseudonymisation, created on first use and never shown."""
        row = _first_row(self.con, "SELECT value FROM settings WHERE key = '_hmac_secret'")
        if row:
            return bytes.fromhex(row[0])
        value = secrets.token_hex(32)
        with self._write_lock:
            self.con.execute("INSERT OR IGNORE INTO settings VALUES ('_hmac_secret', ?)", [value])
        return bytes.fromhex(_first_row(self.con, "SELECT value FROM settings WHERE key = '_hmac_secret'")[0])

    def versions(self) -> dict[str, int]:
        """Data version per table: a cache key that changes only when that table changes."""
        rows = dict(self.con.execute("SELECT name, version FROM table_versions").fetchall())
        # every table ever written (intents, labels, proposals ...) keys the caches that read it
        known = (*DATA_TABLES, "personas", "themes", "requirement_evidence")
        return {**{t: 0 for t in known}, **{str(t): int(v) for t, v in rows.items()}}

    def row_counts(self) -> dict[str, int]:
        """Row count of each data table."""
        return {t: int(_first_row(self.con, f"SELECT count(*) FROM {t}")[0]) for t in DATA_TABLES}


def _first_row(cur: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> tuple | None:
    """First row of a query, fully fetched: DuckDB 2.0 refuses further work on a cursor whose
    execute() result is left half-read (fetchone), so never leave one open."""
    rows = cur.execute(query, params or []).fetchall()
    return rows[0] if rows else None


def open_workspace(path: str | os.PathLike[str] | None = None) -> Workspace:
    """The process-wide Workspace for `path` (default ~/.userlens/workspace.duckdb).

    ``":memory:"`` always gives a fresh private workspace.
    """
    path = str(path or os.environ.get("USERLENS_WORKSPACE") or DEFAULT_WORKSPACE)
    if path == ":memory:":
        return Workspace(path)
    key = str(Path(path).expanduser())
    with _OPEN_LOCK:
        ws = _OPEN.get(key)
        if ws is None:
            ws = _OPEN[key] = Workspace(key)
        return ws
