"""Benchmark: every dashboard page in real Chromium on a ~1 M-event workspace.

Builds (once, kept with --workspace) a Tasklane workspace with ~`--events` events from the sample
generator — users, events, feedback, Kano survey, backlog — optionally with persona, theme and
evidence runs (--runs; slow on CPU: every feedback text is embedded), starts the dashboard on a free
localhost port and measures in Chromium:

* first render: click the page in the sidebar of a freshly started server (nothing cached) until the
  script has finished and the DOM stops changing (the time of the last change is taken);
* cached revisit: the same page again (every read comes from dashboard/cache.py);
* cached interactions: Retention week -> month -> week (the last step is cached), Prioritisation
  RICE -> WSJF -> RICE;

and prints a table against the targets (first render <= 3 s, cached interaction <= 0.5 s). The
baseline in the same run is the Data page, which reads almost nothing: the Streamlit + browser
overhead every page pays (its first render is the initial page load, connection and imports included).

    python bench/dashboard.py [--events N] [--workspace PATH] [--runs] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.browser import chromium, dashboard, script_state, settle  # noqa: E402

PAGES = ["Data", "Overview", "Retention", "Funnels & experiments", "Journeys", "Personas", "Feedback themes",
         "Kano", "Prioritisation", "Report"]
FIRST_TARGET, CACHED_TARGET = 3.0, 0.5
EVENTS_PER_USER = 59  # the Tasklane generator's average over 184 days


def build(path: Path, events: int, runs: bool) -> dict[str, int]:
    """Generate the Tasklane sample at the size giving ~`events` events and load it into `path`."""
    from analytics.workspace import Workspace
    from sample_data.demo import build_demo_workspace
    from sample_data.generate import generate

    with tempfile.TemporaryDirectory(prefix="userlens-bench-") as tmp:
        t = time.perf_counter()
        generate(Path(tmp), users=max(600, events // EVENTS_PER_USER), seed=7)
        ws = Workspace(path)
        build_demo_workspace(ws, data_dir=Path(tmp))
        print(f"built {path} in {time.perf_counter() - t:.1f} s", flush=True)
    if runs:
        from embeddings.linking import link_requirements
        from embeddings.personas import run_personas
        from embeddings.themes import run_themes

        t = time.perf_counter()
        run_personas(ws, seed=0)
        run_themes(ws, seed=0)
        link_requirements(ws)
        print(f"persona, theme and evidence runs in {time.perf_counter() - t:.1f} s", flush=True)
    counts = ws.row_counts()
    ws.close()
    return counts


def timed(page: Any, action: Any, timeout: float = 300) -> float:
    """Seconds from `action()` until the script has run and the DOM's last change (quiet for 0.6 s)."""
    observe = """() => { window.__ulLast = performance.now();
        if (!window.__ulObs) {
            window.__ulObs = new MutationObserver(() => { window.__ulLast = performance.now(); });
            window.__ulObs.observe(document.body, {subtree: true, childList: true, attributes: true,
                                                   characterData: true}); } }"""
    page.evaluate(observe)
    start = page.evaluate("performance.now()")
    action()
    deadline = time.monotonic() + timeout
    seen_running = False
    while time.monotonic() < deadline:
        state = script_state(page)
        seen_running = seen_running or state != "notRunning"
        now, last = page.evaluate("[performance.now(), window.__ulLast]")
        started = seen_running or now - start > 1500
        if started and state == "notRunning" and now - last > 600:
            return (last - start) / 1000
        time.sleep(0.05)
    raise TimeoutError("the page did not settle")


def nav(page: Any, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()


def measure(workspace: Path) -> list[dict[str, Any]]:
    """Browser timings of every page, first and cached, plus two cached interactions."""
    rows: list[dict[str, Any]] = []
    with dashboard(workspace) as url, chromium(width=1440, height=1000) as page:
        t0 = time.perf_counter()
        page.goto(url)  # the Data page, first run of the script (imports included)
        settle(page, quiet=0.6, timeout=300)
        first: dict[str, float] = {"Data": time.perf_counter() - t0 - 0.6}
        for title in PAGES[1:]:
            first[title] = timed(page, lambda t=title: nav(page, t))
        for title in PAGES:
            cached = timed(page, lambda t=title: nav(page, t))
            rows.append({"what": f"page {title}", "first_s": first[title], "cached_s": cached})
        nav(page, "Retention")
        settle(page)
        period = page.get_by_test_id("stSelectbox").filter(has_text="Period").first

        def pick(box: Any, option: str) -> None:
            box.click()
            page.get_by_role("option", name=option, exact=True).click()

        month = timed(page, lambda: pick(period, "month"))
        week = timed(page, lambda: pick(period, "week"))
        rows.append({"what": "Retention: week -> month (new) / -> week (cached)", "first_s": month,
                     "cached_s": week})
        nav(page, "Prioritisation")
        settle(page)
        method = page.get_by_test_id("stSelectbox").filter(has_text="Method").first
        wsjf = timed(page, lambda: pick(method, "WSJF"))
        rice = timed(page, lambda: pick(method, "RICE"))
        rows.append({"what": "Prioritisation: RICE -> WSJF (new) / -> RICE (cached)", "first_s": wsjf,
                     "cached_s": rice})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--workspace", type=Path, default=None, help="build here once and reuse")
    parser.add_argument("--runs", action="store_true", help="also run personas, themes and linking")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="userlens-bench-ws-") as tmp:
        path = args.workspace or Path(tmp) / "bench.duckdb"
        if not path.exists():
            counts = build(path, args.events, args.runs)
        else:
            from analytics.workspace import Workspace

            ws = Workspace(path)
            counts, _ = ws.row_counts(), ws.close()
        print(f"workspace: {', '.join(f'{k} {v:,}' for k, v in counts.items())}", flush=True)
        rows = measure(path)
    base = rows[0]
    print(f"\n{'what':<58} {'first (s)':>10} {'cached (s)':>11}  verdict")
    rows[0]["what"] = "page Data (first = initial load, imports included)"
    for r in rows:
        ok = r["first_s"] <= FIRST_TARGET and r["cached_s"] <= CACHED_TARGET
        print(f"{r['what']:<58} {r['first_s']:>10.2f} {r['cached_s']:>11.2f}  "
              f"{'ok' if ok else 'OVER TARGET'}")
    print(f"\ntargets: first render <= {FIRST_TARGET} s, cached <= {CACHED_TARGET} s; baseline (Data page, "
          f"no analytics): first {base['first_s']:.2f} s, cached {base['cached_s']:.2f} s")
    if args.json:
        args.json.write_text(json.dumps({"counts": counts, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
