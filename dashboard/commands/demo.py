"""`userlens demo`: the bundled Tasklane sample in the dashboard, built on first use.

The first start loads the sample and runs personas, themes and requirement linking with the
bundled model (printing progress), so every page has something to show; later starts find the
runs in the workspace and open at once.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from analytics.workspace import Workspace
    from embeddings.encoder import Encoder

DEMO_WORKSPACE = Path.home() / ".userlens" / "demo.duckdb"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `demo` verb."""
    parser = sub.add_parser("demo", help="the dashboard on the bundled sample data",
                            description="Build the demo workspace (~/.userlens/demo.duckdb) from the bundled "
                                        "Tasklane sample if it is not there yet, with personas, feedback "
                                        "themes and backlog evidence, then open the dashboard.")
    parser.add_argument("--workspace", metavar="PATH", default=None,
                        help="DuckDB workspace file (default ~/.userlens/demo.duckdb)")
    parser.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    parser.set_defaults(func=run)


class ProgressLines:
    """``progress(done, total)`` that prints "Embedding 3,052 feedback texts … 45 %" as it goes.

    On a terminal the line is rewritten in place; otherwise (logs, tests) a line is printed at
    every `step` percent and at the end, so a slow first start shows that it is working.
    """

    def __init__(self, what: str, *, step: int = 10, stream: TextIO | None = None) -> None:
        self.what = what
        self.step = step
        self.stream = stream or sys.stdout
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        pct = 100 if total <= 0 else min(100, int(100 * done / total))
        tty = self.stream.isatty()
        if not tty and pct < 100 and pct // self.step == self.last // self.step:
            return
        if pct == self.last:
            return
        self.last = pct
        line = f"  Embedding {total:,} {self.what} … {pct} %"
        if tty:
            print("\r" + line, end="\n" if pct == 100 else "", file=self.stream, flush=True)
        else:
            print(line, file=self.stream, flush=True)


def ensure_analyses(ws: Workspace, *, encoder: Encoder | None = None) -> list[str]:
    """Run personas, themes and requirement linking where the workspace has no run of that kind.

    Parameters
    ----------
    ws : Workspace
        The demo workspace (with its sample loaded).
    encoder : Encoder, optional
        Text model shared by the three runs; the workspace default (the bundled model for the
        English sample) when not given. Embeddings are cached, so only the first run encodes.

    Returns
    -------
    list of str
        The kinds that were run now ('personas', 'themes', 'evidence'), in that order.
    """
    from analytics.errors import UserLensError
    from analytics.sqlfiles import run_sql
    from embeddings.features import workspace_encoder
    from embeddings.linking import link_requirements
    from embeddings.personas import run_personas
    from embeddings.themes import run_themes

    todo = [kind for kind in ("personas", "themes", "evidence")
            if run_sql(ws.con, "latest_analysis_run", kind=kind).is_empty()]
    if not todo:
        return []
    encoder = encoder or workspace_encoder(ws)
    def personas() -> str:
        run = run_personas(ws, seed=0, encoder=encoder, progress=ProgressLines("feedback texts"))
        return f"{len(run.clusters)} personas"

    def themes() -> str:
        run = run_themes(ws, seed=0, encoder=encoder, progress=ProgressLines("feedback texts"))
        return f"{len(run.clusters)} themes"

    def evidence() -> str:
        linked = link_requirements(ws, encoder=encoder)
        return f"{int((linked['evidence_count'] > 0).sum())} of {linked.height} requirements have evidence"

    steps = {"personas": ("Finding personas", personas), "themes": ("Finding feedback themes", themes),
             "evidence": ("Linking the backlog to feedback", evidence)}
    done = []
    for i, kind in enumerate(todo, 1):
        label, step = steps[kind]
        print(f"[{i}/{len(todo)}] {label} (model {encoder.name}) ...", flush=True)
        started = time.perf_counter()
        try:
            result = step()
        except UserLensError as exc:  # the dashboard still opens; the page offers to run it
            print(f"  skipped: {exc}", flush=True)
            continue
        print(f"  {result} ({time.perf_counter() - started:.1f} s)", flush=True)
        done.append(kind)
    return done


def ensure_demo(path: Path, *, encoder: Encoder | None = None) -> bool:
    """Make the demo workspace at `path` ready: the bundled sample, then personas, themes, evidence.

    The sample is loaded unless the workspace already holds events; each analysis runs when the
    workspace has no run of its kind yet (`ensure_analyses`), printing progress as it goes.

    Parameters
    ----------
    path : Path
        The demo workspace file (created when missing).
    encoder : Encoder, optional
        Text model for the analyses (tests pass a fast fake); the bundled model by default.

    Returns
    -------
    bool
        True when the sample was loaded now.
    """
    from analytics.ingest import ingest_file
    from analytics.workspace import open_workspace
    from sample_data.demo import DEMO_KINDS, DISPLAY_NAMES, demo_files

    ws = open_workspace(path)
    try:
        loaded = ws.row_counts()["events"] == 0
        if loaded:
            files = demo_files()
            print(f"Building the demo workspace {path} from the bundled Tasklane sample ...", flush=True)
            for i, kind in enumerate(DEMO_KINDS, 1):
                result = ingest_file(ws, kind, files[kind], replace=True, display_name=DISPLAY_NAMES[kind])
                print(f"  [{i}/{len(DEMO_KINDS)}] {DISPLAY_NAMES[kind]}: {result.rows_loaded:,} rows loaded, "
                      f"{result.rows_rejected:,} rejected", flush=True)
        ensure_analyses(ws, encoder=encoder)
        print(f"Demo workspace {path} is ready.", flush=True)
    finally:
        ws.close()
    return loaded


def run(args: argparse.Namespace) -> int:
    """Build if needed, then serve until Ctrl+C."""
    from dashboard.server import serve

    path = Path(args.workspace).expanduser() if args.workspace else DEMO_WORKSPACE
    ensure_demo(path)
    return serve(path, args.port, open_browser=not args.no_browser)
