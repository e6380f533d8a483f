"""Benchmark: how fast the command line starts (DESIGN §10: `userlens --help` ≤ 2 × importing duckdb
and polars).

Each command runs in a fresh Python process, best of `--repeat`, beside the baseline
`python -c "import duckdb, polars"` measured in the same run (timings on a shared machine are
noisy: read the ratios). The rows: the baseline, `userlens --help`, `userlens retention --help`,
and a real verb (`userlens retention --format json`) on a small sample workspace (600 users).
`--other PATH` times the same commands on another checkout too (e.g. the main branch, for a
before/after table).

    python bench/cli_start.py [--repeat N] [--other CHECKOUT] [--json [PATH]]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 2.0
# What the `userlens` console script runs.
USERLENS = "import sys; from dashboard.cli import main; sys.exit(main())"


def build_workspace(folder: Path) -> Path:
    """A small sample workspace (600 users, seed 7) built with this checkout's code."""
    code = ("import sys; from pathlib import Path; from sample_data.generate import generate; "
            "from sample_data.demo import build_demo_workspace; from analytics.workspace import Workspace; "
            "d = Path(sys.argv[1]); generate(d / 'data', users=600, seed=7); "
            "ws = Workspace(d / 'ws.duckdb'); build_demo_workspace(ws, data_dir=d / 'data'); ws.close()")
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, cwd=ROOT, env=_env(ROOT))
    return folder / "ws.duckdb"


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "USERLENS_WORKSPACE"}
    env["PYTHONPATH"] = str(root)
    return env


def best_of(argv: list[str], root: Path, repeat: int) -> tuple[float, bool]:
    """Fastest wall time of `repeat` runs of `argv` (stdout discarded), and whether every run exited 0."""
    times, ok = [], True
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(argv, cwd=root, env=_env(root), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
        ok = ok and done.returncode == 0
    return min(times), ok


def commands(workspace: Path) -> list[tuple[str, list[str]]]:
    """(label, argv) of every row; the first is the baseline."""
    py = sys.executable
    return [
        ('python -c "import duckdb, polars"', [py, "-c", "import duckdb, polars"]),
        ("userlens --help", [py, "-c", USERLENS, "--help"]),
        ("userlens retention --help", [py, "-c", USERLENS, "retention", "--help"]),
        ("userlens retention --format json (600 users)",
         [py, "-c", USERLENS, "retention", "--workspace", str(workspace), "--format", "json"]),
    ]


def measure(root: Path, workspace: Path, repeat: int) -> list[dict[str, Any]]:
    """Each command's best time and its ratio to the baseline, for the checkout at `root`."""
    rows = []
    for label, argv in commands(workspace):
        seconds, ok = best_of(argv, root, repeat)
        rows.append({"command": label, "seconds": seconds, "exit_0": ok})
    for row in rows:
        row["ratio"] = row["seconds"] / rows[0]["seconds"]
    return rows


def _flag(row: dict[str, Any]) -> str:
    return "" if row["exit_0"] else " !"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per command; the best counts (default 5)")
    parser.add_argument("--other", type=Path, default=None, metavar="CHECKOUT",
                        help="also time another checkout of UserLens (e.g. the main branch)")
    parser.add_argument("--json", nargs="?", const="-", default=None, metavar="PATH",
                        help="also write the results as JSON (to stdout without PATH)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="userlens-cli-start-") as tmp:
        workspace = build_workspace(Path(tmp))
        results = {"this": measure(ROOT, workspace, args.repeat)}
        if args.other:
            other_ws = Path(tmp) / "other.duckdb"  # its own copy: the other code may migrate it
            shutil.copy(workspace, other_ws)
            results["other"] = measure(args.other.resolve(), other_ws, args.repeat)
    header = f"{'command':<46} {'this s':>8} {'× base':>7}"
    if args.other:
        header += f" {'other s':>8} {'× base':>7}"
    print(f"CLI start, best of {args.repeat} (a fresh process each; target: --help ≤ "
          f"{TARGET_RATIO:.0f} × base; ! = the command failed)")
    print(header)
    for i, row in enumerate(results["this"]):
        line = f"{row['command']:<46} {row['seconds']:>8.3f} {row['ratio']:>7.2f}{_flag(row)}"
        if args.other:
            other = results["other"][i]
            line += f" {other['seconds']:>8.3f} {other['ratio']:>7.2f}{_flag(other)}"
        print(line)
    help_ratio = results["this"][1]["ratio"]
    print(f"userlens --help: {help_ratio:.2f} × base ({'meets' if help_ratio <= TARGET_RATIO else 'misses'} "
          f"the {TARGET_RATIO:.0f} × target)")
    if args.json:
        document = json.dumps({"repeat": args.repeat, "target_ratio": TARGET_RATIO, **results}, indent=2)
        if args.json == "-":
            print(document)
        else:
            Path(args.json).write_text(document + "\n")


if __name__ == "__main__":
    main()
