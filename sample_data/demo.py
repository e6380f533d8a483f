"""Load the bundled Tasklane sample into a workspace (what ``userlens demo`` shows)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from analytics.errors import UserLensError
from sample_data.generate import DATA_DIR, FILES

if TYPE_CHECKING:
    from analytics.ingest import IngestResult
    from analytics.workspace import Workspace

# Load order: users first (attributes), then behaviour, words, survey and backlog.
DEMO_KINDS = ("users", "events", "feedback", "kano", "requirements")
DISPLAY_NAMES = {
    "users": "Tasklane users", "events": "Tasklane events", "feedback": "Tasklane feedback",
    "kano": "Tasklane Kano survey", "requirements": "Tasklane backlog",
}


def demo_files(data_dir: Path | None = None) -> dict[str, Path]:
    """The five demo files by ingest kind, checked to exist.

    Parameters
    ----------
    data_dir : Path, optional
        Folder written by ``sample_data.generate.generate``; the bundled ``sample_data/data`` by default.

    Returns
    -------
    dict of str to Path
        Path per ingest kind (users, events, feedback, kano, requirements).
    """
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    paths = {kind: folder / FILES[kind] for kind in DEMO_KINDS}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise UserLensError(
            f"The sample data is incomplete: {', '.join(missing)} missing. "
            "Regenerate it with: python -m sample_data.generate")
    return paths


def build_demo_workspace(ws: Workspace, *, data_dir: Path | None = None) -> list[IngestResult]:
    """Load the five Tasklane files into `ws` through the normal ingestion path.

    The files contain a few deliberately unusable rows (two events without a user id, one event
    with an impossible timestamp, two feedback rows with empty text) so the demo shows rejects.
    Files already loaded (same sha256) are replaced, so calling this twice is harmless.

    Parameters
    ----------
    ws : Workspace
        The workspace to load into (usually a fresh one).
    data_dir : Path, optional
        Folder with the generated files; the bundled ``sample_data/data`` by default.

    Returns
    -------
    list of IngestResult
        One result per file, in load order (users, events, feedback, kano, requirements).
    """
    from analytics.ingest import ingest_file

    return [ingest_file(ws, kind, path, replace=True, display_name=DISPLAY_NAMES[kind])
            for kind, path in demo_files(data_dir).items()]
