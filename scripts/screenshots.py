"""Screenshots of every dashboard page, taken in Chromium, into docs/screenshots/<page>.png.

    python scripts/screenshots.py [--workspace W] [--out docs/screenshots] [--pages journeys,funnels]

Without --workspace a temporary workspace is built from the bundled Tasklane sample, with a persona
run, a theme run and requirement linking, so every page has something to show (plus the Data page with
two files dropped, data-upload.png). With --workspace the pages of that workspace are taken as they
are (e.g. one built from a chat export and a purchase log): one command per workspace and folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.browser import chromium, dashboard, open_page, settle  # noqa: E402

PAGES = [("data", "Data"), ("overview", "Overview"), ("retention", "Retention"),
         ("funnels", "Funnels & experiments"), ("journeys", "Journeys"), ("personas", "Personas"),
         ("themes", "Feedback themes"), ("kano", "Kano"), ("prioritise", "Prioritisation"),
         ("report", "Report")]


def build(path: Path) -> None:
    """The bundled sample plus persona, theme and evidence runs."""
    from analytics.workspace import Workspace
    from embeddings.linking import link_requirements
    from embeddings.personas import run_personas
    from embeddings.themes import run_themes
    from sample_data.demo import build_demo_workspace

    ws = Workspace(path)
    t = time.perf_counter()
    build_demo_workspace(ws)
    print(f"sample loaded ({time.perf_counter() - t:.1f} s)", flush=True)
    run_personas(ws, seed=0)
    run_themes(ws, seed=0)
    link_requirements(ws)
    print(f"personas, themes, evidence done ({time.perf_counter() - t:.1f} s)", flush=True)
    ws.close()


def shoot(workspace: Path, out: Path, width: int = 1440, height: int = 1800,
          upload: bool = True, only: set[str] | None = None) -> list[Path]:
    """Open each page (those in `only`, when given) and save a screenshot (and the upload preview when
    `upload`); returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with dashboard(workspace) as url, chromium(width=width, height=height) as page:
        page.goto(url)
        settle(page)
        for name, title in PAGES:
            if only and name not in only:
                continue
            open_page(page, title)
            time.sleep(0.5)  # let Plotly finish its transitions
            path = out / f"{name}.png"
            page.screenshot(path=str(path))
            written.append(path)
            if name == "data" and upload:  # the mapping preview of two dropped files (not loaded)
                from sample_data.generate import DATA_DIR

                page.locator('input[type="file"]').set_input_files(
                    [str(DATA_DIR / "feedback.csv"), str(DATA_DIR / "kano_survey.csv")])
                settle(page)
                path = out / "data-upload.png"
                page.screenshot(path=str(path))
                written.append(path)
            if name == "personas" and page.get_by_text("Map of users").count():  # the map is below the cards
                page.get_by_text("Map of users").scroll_into_view_if_needed()
                time.sleep(1.0)
                path = out / "personas-map.png"
                page.screenshot(path=str(path))
                written.append(path)
            below = {"themes": ("Labelling", "themes-labelling"),  # sections below the first screen
                     "prioritise": ("Proposed requirements", "prioritise-proposals")}.get(name)
            if below and page.get_by_text(below[0], exact=True).count():
                page.get_by_text(below[0], exact=True).first.scroll_into_view_if_needed()
                time.sleep(1.0)
                path = out / f"{below[1]}.png"
                page.screenshot(path=str(path))
                written.append(path)
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", flush=True)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--pages", default=None, metavar="NAME,NAME",
                        help=f"only these pages ({', '.join(n for n, _ in PAGES)}); default all")
    args = parser.parse_args(argv)
    only = {p.strip() for p in args.pages.split(",") if p.strip()} if args.pages else None
    unknown = (only or set()) - {n for n, _ in PAGES}
    if unknown:
        parser.error(f"unknown page {sorted(unknown)[0]!r}: use {', '.join(n for n, _ in PAGES)}")
    if args.workspace:
        if not args.workspace.is_file():
            parser.error(f"no workspace file at {args.workspace}")
        shoot(args.workspace, args.out, upload=False, only=only)
        return 0
    with tempfile.TemporaryDirectory(prefix="userlens-shots-") as tmp:
        path = Path(tmp) / "demo.duckdb"
        build(path)
        shoot(path, args.out, only=only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
