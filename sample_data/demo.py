"""Load the bundled Tasklane sample into a workspace (what ``userlens demo`` shows).

`build_demo_workspace` loads the five files; `ensure_demo` makes a demo workspace file ready to
open (sample loaded, personas, themes and backlog evidence run), reporting progress through a
callback so the command line can print it and a page could show it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from analytics.errors import UserLensError
from sample_data.generate import DATA_DIR, FILES

if TYPE_CHECKING:
    from analytics.ingest import IngestResult
    from analytics.workspace import Workspace
    from embeddings.encoders import Encoder

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


def build_demo_workspace(ws: Workspace, *, data_dir: Path | None = None,
                         progress: Progress | None = None) -> list[IngestResult]:
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
    progress : Progress, optional
        Told "[i/5] <file>: N rows loaded, M rejected" after each file.

    Returns
    -------
    list of IngestResult
        One result per file, in load order (users, events, feedback, kano, requirements).
    """
    from analytics.ingest import ingest_file

    results = []
    for i, (kind, path) in enumerate(demo_files(data_dir).items(), 1):
        result = ingest_file(ws, kind, path, replace=True, display_name=DISPLAY_NAMES[kind])
        if progress:
            progress(f"  [{i}/{len(DEMO_KINDS)}] {DISPLAY_NAMES[kind]}: {result.rows_loaded:,} rows loaded, "
                     f"{result.rows_rejected:,} rejected")
        results.append(result)
    return results


class Progress(Protocol):
    """Where `ensure_demo` reports what it does.

    ``progress(message)`` is one finished line ("[1/3] Finding personas (model …) ..."); while texts
    are embedded, ``progress(message, done, total)`` is called repeatedly with the same message
    ("Embedding 3,192 feedback texts") and a growing `done`.
    """

    def __call__(self, message: str, done: int | None = None, total: int | None = None) -> None: ...


def _silent(message: str, done: int | None = None, total: int | None = None) -> None:
    """The default `Progress`: report nothing."""


def _counted(progress: Progress, what: str) -> Callable[[int, int], None]:
    """An embedding ``progress(done, total)`` that reports "Embedding N <what>" through `progress`."""
    def report(done: int, total: int) -> None:
        progress(f"Embedding {total:,} {what}", done, total)

    return report


def ensure_analyses(ws: Workspace, *, encoder: Encoder | None = None,
                    progress: Progress | None = None) -> list[str]:
    """Run personas, themes and requirement linking where the workspace has no run of that kind.

    Parameters
    ----------
    ws : Workspace
        The demo workspace (with its sample loaded).
    encoder : Encoder, optional
        Text model shared by the three runs; the workspace default (the bundled model for the
        English sample) when not given. Embeddings are cached, so only the first run encodes.
    progress : Progress, optional
        Told about each step, its result and the embedding progress; silent by default.

    Returns
    -------
    list of str
        The kinds that were run now ('personas', 'themes', 'evidence'), in that order. A run that
        fails with a `UserLensError` is reported ("skipped: …") and left out: the dashboard still
        opens and its page offers to run it.
    """
    from analytics.sqlfiles import run_sql
    from embeddings.features import workspace_encoder
    from embeddings.linking import link_requirements
    from embeddings.personas import run_personas
    from embeddings.themes import run_themes

    progress = progress or _silent
    todo = [kind for kind in ("personas", "themes", "evidence")
            if run_sql(ws.con, "latest_analysis_run", kind=kind).is_empty()]
    if not todo:
        return []
    encoder = encoder or workspace_encoder(ws)

    def personas() -> str:
        run = run_personas(ws, seed=0, encoder=encoder, progress=_counted(progress, "feedback texts"))
        return f"{len(run.clusters)} personas"

    def themes() -> str:
        run = run_themes(ws, seed=0, encoder=encoder, progress=_counted(progress, "feedback texts"))
        return f"{len(run.clusters)} themes"

    def evidence() -> str:
        linked = link_requirements(ws, encoder=encoder)
        return f"{int((linked['evidence_count'] > 0).sum())} of {linked.height} requirements have evidence"

    steps = {"personas": ("Finding personas", personas), "themes": ("Finding feedback themes", themes),
             "evidence": ("Linking the backlog to feedback", evidence)}
    done = []
    for i, kind in enumerate(todo, 1):
        label, step = steps[kind]
        progress(f"[{i}/{len(todo)}] {label} (model {encoder.name}) ...")
        started = time.perf_counter()
        try:
            result = step()
        except UserLensError as exc:
            progress(f"  skipped: {exc}")
            continue
        progress(f"  {result} ({time.perf_counter() - started:.1f} s)")
        done.append(kind)
    return done


def ensure_demo(path: Path, *, encoder: Encoder | None = None, progress: Progress | None = None,
                data_dir: Path | None = None) -> bool:
    """Make the demo workspace at `path` ready: the bundled sample, then personas, themes, evidence.

    The sample is loaded unless the workspace already holds events; each analysis runs when the
    workspace has no run of its kind yet (`ensure_analyses`), so a later start does nothing.

    Parameters
    ----------
    path : Path
        The demo workspace file (created when missing).
    encoder : Encoder, optional
        Text model for the analyses (tests pass a fast fake); the bundled model by default.
    progress : Progress, optional
        Told about every file loaded and every analysis step (``userlens demo`` prints them).
    data_dir : Path, optional
        Folder with the generated files; the bundled ``sample_data/data`` by default.

    Returns
    -------
    bool
        True when the sample was loaded now.
    """
    from analytics.workspace import open_workspace

    progress = progress or _silent
    ws = open_workspace(path)
    try:
        loaded = ws.row_counts()["events"] == 0
        if loaded:
            demo_files(data_dir)  # a missing file is reported before anything is printed or loaded
            progress(f"Building the demo workspace {path} from the bundled Tasklane sample ...")
            build_demo_workspace(ws, data_dir=data_dir, progress=progress)
        ensure_analyses(ws, encoder=encoder, progress=progress)
        progress(f"Demo workspace {path} is ready.")
    finally:
        ws.close()
    return loaded
