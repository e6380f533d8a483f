"""Seeded generator of the bundled Tasklane demo data (``python -m sample_data.generate``).

Writes events.csv.gz, users.csv, feedback.csv, kano_survey.csv, requirements.csv and
persona_truth.csv (the persona each user was simulated from: for checking persona discovery, not
loaded by the demo). The same seed and sizes give byte-identical files.
"""

from __future__ import annotations

import argparse
import gzip
import io
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from sample_data import story
from sample_data.behaviour import simulate_events, simulate_users
from sample_data.feedback import simulate_feedback
from sample_data.requests import unmet_requests
from sample_data.journeys import add_help_detours
from sample_data.kano import backlog_frame, simulate_kano

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = {
    "events": "events.csv.gz",
    "users": "users.csv",
    "feedback": "feedback.csv",
    "kano": "kano_survey.csv",
    "requirements": "requirements.csv",
    "persona_truth": "persona_truth.csv",
}
# Deliberately unusable rows, so the demo shows the rejects table (documented in data/README.md):
# (row position in the file, what is wrong) for events; (row position, text) for feedback.
BAD_EVENT_ROWS = [(1000, "missing user_id"), (52_345, "missing user_id"),
                  (123_456, "unparseable timestamp")]
BAD_FEEDBACK_ROWS = [(250, ""), (1700, "   ")]


def _iso(seconds: pl.Expr, start: datetime) -> pl.Expr:
    """Seconds since `start` -> ISO-8601 UTC text ("2026-05-01T09:12:33Z")."""
    return (pl.lit(start) + pl.duration(seconds=seconds)).dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _csv_bytes(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_csv(buf, null_value="")
    return buf.getvalue()


def _write(path: Path, df: pl.DataFrame) -> Path:
    data = _csv_bytes(df)
    if path.name.endswith(".gz"):
        out = io.BytesIO()
        # mtime=0 and no file name in the header: the gzip bytes depend on the content only.
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
            gz.write(data)
        data = out.getvalue()
    path.write_bytes(data)
    return path


def _insert_rows(df: pl.DataFrame, rows: list[dict], positions: list[int]) -> pl.DataFrame:
    """Insert `rows` before the given row positions (clipped to the frame)."""
    parts, last = [], 0
    for pos, row in sorted(zip(positions, rows, strict=True), key=lambda t: t[0]):
        pos = min(pos, df.height)
        parts += [df.slice(last, pos - last), pl.DataFrame([row], schema=df.schema)]
        last = pos
    parts.append(df.slice(last))
    return pl.concat(parts)


def _integral_text(df: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Write whole numbers without a trailing ".0" (3200 rather than 3200.0)."""
    return df.with_columns(
        pl.when(pl.col(c) == pl.col(c).round()).then(pl.col(c).cast(pl.Int64).cast(pl.String))
        .otherwise(pl.col(c).cast(pl.String)).alias(c) for c in columns)


def generate(out_dir: Path, *, users: int = 5000, seed: int = 7, days: int = 184) -> dict[str, Path]:
    """Simulate Tasklane and write the demo files.

    Parameters
    ----------
    out_dir : Path
        Folder to write into (created if missing); existing files of the same names are replaced.
    users : int
        Number of users signing up over the window (about 60 events and 0.6 texts each).
    seed : int
        Seed of the numpy generator; the same seed, users and days give byte-identical files.
    days : int
        Length of the window in days; it always ends on 2026-10-31 (UTC).

    Returns
    -------
    dict of str to Path
        Path per file kind: events, users, feedback, kano, requirements, persona_truth.
    """
    if users < 50 or days < 28:
        raise ValueError("generate() needs at least 50 users and 28 days")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    start_day = story.END_DATE - timedelta(days=days - 1)
    start = datetime(start_day.year, start_day.month, start_day.day)
    u = simulate_users(rng, users, days, start_day)
    ids = u.ids
    ev = add_help_detours(simulate_events(rng, u, days, start_day), seed)
    who = pl.DataFrame({"u": np.arange(users), "user_id": ids, "platform": u.platform.astype(str)})
    events = ev.join(who, on="u", how="left", maintain_order="left").select(
        "user_id", "event",
        timestamp=_iso(pl.col("ts"), start),
        session_id=pl.format("{}-s{}", "user_id",
                             pl.col("sess").rank("dense").over("u").cast(pl.String).str.zfill(3)),
        platform="platform",
        integration=pl.when(pl.col("integration") != "").then("integration"),
        campaign=pl.when(pl.col("campaign") != "").then("campaign"),
    )
    bad = [{"user_id": None if what == "missing user_id" else ids[min(17, users - 1)],
            "event": "task_created",
            "timestamp": "2026-13-45 25:61:00" if what == "unparseable timestamp" else "2026-07-01T12:00:00Z",
            "session_id": None, "platform": "web", "integration": None, "campaign": None}
           for _, what in BAD_EVENT_ROWS]
    events = _insert_rows(events, bad, [p for p, _ in BAD_EVENT_ROWS])

    user_df = pl.DataFrame({
        "user_id": ids, "signup_ts": u.signup_s, "plan": u.plan.astype(str),
        "country": u.country.astype(str), "platform": u.platform.astype(str),
        "variant": u.variant.astype(str), "seats": u.seats,
    }).with_columns(signup_ts=_iso(pl.col("signup_ts"), start))

    fb = simulate_feedback(rng, u, ids, days, start_day)
    fb = fb.select("feedback_id", "user_id", timestamp=_iso(pl.col("ts"), start), text="text",
                   rating=pl.col("rating").cast(pl.Int64), score_0_10=pl.col("score_0_10").cast(pl.Int64),
                   channel="channel")
    bad_fb = [{"feedback_id": f"F9{i + 1:04d}", "user_id": ids[(i * 37) % users],
               "timestamp": "2026-09-01T10:00:00Z", "text": text, "rating": 3, "score_0_10": None,
               "channel": "support"} for i, (_, text) in enumerate(BAD_FEEDBACK_ROWS)]
    fb = _insert_rows(fb, bad_fb, [p for p, _ in BAD_FEEDBACK_ROWS])
    written = dict(fb.group_by("user_id").len().drop_nulls().iter_rows())
    asks = unmet_requests(seed, ids, u, days, written)  # own random stream, appended: nothing above moves
    asks = asks.select("feedback_id", "user_id", timestamp=_iso(pl.col("ts"), start), text="text",
                       rating="rating", score_0_10="score_0_10", channel="channel")
    fb = pl.concat([fb, asks], how="vertical_relaxed")

    kano = simulate_kano(rng, u, ids)
    reqs = _integral_text(backlog_frame(), story.REQ_COLUMNS[4:])
    truth = pl.DataFrame({"user_id": ids,
                          "persona": np.asarray(story.PERSONAS)[u.persona]})
    frames = {"events": events, "users": user_df, "feedback": fb, "kano": kano, "requirements": reqs,
              "persona_truth": truth}
    return {kind: _write(out_dir / FILES[kind], frames[kind]) for kind in FILES}


def main(argv: list[str] | None = None) -> int:
    """Command line: regenerate the bundled data (or write elsewhere with --out)."""
    parser = argparse.ArgumentParser(description="Regenerate the Tasklane sample data.")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=184)
    args = parser.parse_args(argv)
    paths = generate(args.out, users=args.users, seed=args.seed, days=args.days)
    for kind, path in paths.items():
        print(f"{kind:14s} {path}  {path.stat().st_size / 1e6:6.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
