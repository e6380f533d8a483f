"""Files uploaded in the browser: where they sit on disk, and that they never stay there.

DuckDB reads an upload from disk, so the Data page writes it to a private folder first:
``<root>/<server pid>/session-XXXX/``, root ``$USERLENS_UPLOAD_DIR`` or a per-user folder in the
system temp directory (mode 0700). A file is deleted

- as soon as its load ends, loaded or failed (the Data page, `discard`);
- when it is taken out of the uploader, or the uploader is reset (`keep_only` on the next run);
- when the browser session ends (the session folder is a session-scoped resource whose release
  removes it: `dashboard.cache.upload_folder`);
- when the server stops (`dashboard.server.serve` removes its child's folder), and, after a crash,
  at the next server start (`remove_stale`: folders of server processes that no longer run).

No Streamlit here: the server process calls `remove_stale` before it starts Streamlit.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

ENV = "USERLENS_UPLOAD_DIR"
_CHUNK = 8 << 20
_SWEPT: set[str] = set()


def upload_root() -> Path:
    """The folder that holds every server's upload folders (created private to this user)."""
    configured = os.environ.get(ENV)
    user = re.sub(r"[^A-Za-z0-9_-]+", "_", getpass.getuser()) or "user"
    root = (Path(configured).expanduser() if configured
            else Path(tempfile.gettempdir()) / f"userlens-uploads-{user}")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = root.lstat()
    if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        raise PermissionError(f"{root} is not a private folder of this user; set {ENV} to one.")
    return root


def process_folder(pid: int | None = None) -> Path:
    """The upload folder of one server process (default: this one), created on first use.

    The first call in a process also removes the folders of server processes that no longer run.
    """
    root = upload_root()
    if str(root) not in _SWEPT:
        _SWEPT.add(str(root))
        remove_stale(root)
    folder = root / str(pid or os.getpid())
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def new_session_folder() -> Path:
    """A fresh private folder for one browser session's uploads."""
    return Path(tempfile.mkdtemp(prefix="session-", dir=process_folder()))


def safe_name(name: str) -> str:
    """A file name with only letters, digits and . _ - (its suffix keeps the format)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[-120:] or "upload"


def save(data: BinaryIO, file_id: str, name: str, folder: Path) -> Path:
    """Write an uploaded file into `folder` once (chunked) and return its path."""
    path = folder / f"{safe_name(file_id)}-{safe_name(name)}"
    if not path.exists():
        data.seek(0)
        with open(path, "wb") as out:
            while chunk := data.read(_CHUNK):
                out.write(chunk)
    return path


def discard(path: Path) -> None:
    """Delete one uploaded file (already gone is fine)."""
    Path(path).unlink(missing_ok=True)


def keep_only(folder: Path, keep: Iterable[Path]) -> list[Path]:
    """Delete every file in `folder` that is not in `keep` (uploads taken out of the uploader)."""
    wanted = {Path(p).resolve() for p in keep}
    removed = []
    if folder.is_dir():
        for path in folder.iterdir():
            if path.resolve() in wanted:
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                discard(path)
            removed.append(path)
    return removed


def remove_folder(folder: Path | None) -> None:
    """Delete an upload folder and everything in it."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but belongs to someone else, or cannot be asked: leave it
    return True


def remove_stale(root: Path | None = None) -> list[Path]:
    """Remove the upload folders of server processes that no longer run (left by a crash).

    Parameters
    ----------
    root : Path, optional
        Default `upload_root()`.

    Returns
    -------
    list of Path
        The folders removed.
    """
    root = root or upload_root()
    removed = []
    for child in root.iterdir():
        pid = int(child.name) if child.name.isdigit() else None
        if child.is_dir() and pid is not None and pid != os.getpid() and not _alive(pid):
            shutil.rmtree(child, ignore_errors=True)
            removed.append(child)
    return removed
