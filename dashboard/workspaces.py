"""Workspaces as a person sees them: one DuckDB file per product, in one folder, and the last one used.

A workspace's name is its file name without ``.duckdb``; the workspaces offered are the ``*.duckdb``
files of the current workspace's folder (``~/.userlens/`` by default). The demo workspace is the
``demo.duckdb`` of that folder: the sample data lives there and never in a workspace of real data.
The last workspace opened in the dashboard is remembered in a small registry file
(``~/.userlens/last-workspace``), so ``userlens serve`` without ``--workspace`` opens it again; the
demo is never remembered, so trying the sample does not make it the default for real data.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from analytics.errors import UserLensError

SUFFIX = ".duckdb"
DEMO_NAME = "demo"
REGISTRY_FILE = "last-workspace"
_NAME = re.compile(r"[^\w.-]+", re.UNICODE)


def home_folder() -> Path:
    """``$USERLENS_HOME``, else ``~/.userlens`` (read at call time: tests and screenshots use their own)."""
    return Path(os.environ.get("USERLENS_HOME") or Path.home() / ".userlens")


def default_workspace() -> Path:
    """The workspace `userlens serve` opens without ``--workspace``: the last one used, else the default.

    Returns
    -------
    Path
        The file recorded by `remember` when it still exists, else ``~/.userlens/workspace.duckdb``.
    """
    return last_used() or home_folder() / f"workspace{SUFFIX}"


def registry_path() -> Path:
    """The file that records the last workspace used."""
    return home_folder() / REGISTRY_FILE


def last_used() -> Path | None:
    """The last workspace opened in the dashboard, or None (never recorded, or its file is gone)."""
    try:
        text = registry_path().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = Path(text) if text else None
    return path if path is not None and path.is_file() else None


def remember(path: str | os.PathLike[str]) -> bool:
    """Record `path` as the last workspace used (not the demo, not ``:memory:``).

    Returns True when it was recorded. A registry that cannot be written is skipped silently:
    remembering is a convenience, never a reason to fail.
    """
    if str(path) == ":memory:" or is_demo(path):
        return False
    target = absolute(path)
    registry = registry_path()
    try:
        registry.parent.mkdir(parents=True, exist_ok=True)
        tmp = registry.with_name(registry.name + ".part")
        tmp.write_text(str(target) + "\n", encoding="utf-8")
        tmp.replace(registry)
    except OSError:
        return False
    return True


def name_of(path: str | os.PathLike[str]) -> str:
    """A workspace's name: its file name without ``.duckdb`` ("in memory" for ``:memory:``)."""
    if str(path) == ":memory:":
        return "in memory"
    p = Path(path)
    return p.name[: -len(SUFFIX)] if p.name.endswith(SUFFIX) else p.name


def is_demo(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is a demo workspace (a file named ``demo.duckdb``)."""
    return str(path) != ":memory:" and Path(path).name == DEMO_NAME + SUFFIX


def folder_of(path: str | os.PathLike[str]) -> Path:
    """The folder whose workspaces are listed next to `path` (``~/.userlens`` for ``:memory:``)."""
    return home_folder() if str(path) == ":memory:" else absolute(path).parent


def demo_path(current: str | os.PathLike[str]) -> Path:
    """The demo workspace that belongs with `current`: ``demo.duckdb`` in the same folder."""
    return Path(current) if is_demo(current) else folder_of(current) / (DEMO_NAME + SUFFIX)


def list_workspaces(current: str | os.PathLike[str]) -> list[Path]:
    """The workspaces of `current`'s folder, sorted by name (the current one is always included).

    Parameters
    ----------
    current : str or PathLike
        The workspace open now.

    Returns
    -------
    list of Path
        Every ``*.duckdb`` file of the folder (DuckDB's ``.wal`` files are not workspaces).
    """
    folder = folder_of(current)
    try:
        found = {absolute(p) for p in folder.glob(f"*{SUFFIX}") if p.is_file()}
    except OSError:
        found = set()
    if str(current) != ":memory:":
        found.add(absolute(current))
    return sorted(found, key=lambda p: (name_of(p).lower(), str(p)))


def absolute(path: str | os.PathLike[str]) -> Path:
    """`path` made absolute without resolving links (the same file keeps one spelling in this app)."""
    return Path(os.path.abspath(Path(path).expanduser()))


def file_name_for(name: str) -> str:
    """The file name of a new workspace called `name`: letters, digits, '.', '-' and '_' kept.

    Raises
    ------
    UserLensError
        When nothing usable is left of the name.
    """
    stem = _NAME.sub("-", name.strip()).strip("-._")
    if not stem:
        raise UserLensError(f"{name!r} cannot name a workspace: use letters, digits, '-' or '_' "
                            "(for example acme-app).")
    return stem[:80] + SUFFIX


def create_workspace(folder: str | os.PathLike[str], name: str) -> Path:
    """Create an empty workspace called `name` in `folder` and return its path.

    Raises
    ------
    UserLensError
        When the name is unusable or a workspace of that name exists already.
    """
    from analytics.workspace import open_workspace

    path = absolute(folder) / file_name_for(name)
    if path.exists():
        raise UserLensError(f"A workspace called {name_of(path)!r} exists already: pick it in the list, or "
                            "choose another name.")
    open_workspace(path)  # creates the file with the schema; stays open for this app
    return path
