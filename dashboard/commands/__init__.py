"""The `userlens` verbs, listed once (DESIGN §8).

Each verb is one line in `VERBS`: its name, the module in this package that implements it, and the
help shown by `userlens --help`. The module defines ``add_arguments(parser)`` (the verb's options)
and ``run(args) -> int``; it is imported only when its verb runs or shows its own ``--help``, so
``userlens --help`` never loads scikit-learn, torch or plotly. Adding a verb is one line here plus
its module (and a line in README.md's "Command line" section: a test checks every verb is there).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verb:
    """One CLI verb: what `userlens --help` lists and where its code lives."""

    name: str
    module: str  # module name in dashboard/commands/
    help: str  # one line in `userlens --help`
    description: str | None = None  # the first paragraph of `userlens NAME --help` (default: help)

    @property
    def import_path(self) -> str:
        """The dotted module path, e.g. ``dashboard.commands.retention``."""
        return f"{__name__}.{self.module}"


VERBS: tuple[Verb, ...] = (
    Verb("demo", "demo", "the dashboard on the bundled sample data",
         "Build the demo workspace (~/.userlens/demo.duckdb) from the bundled Tasklane sample if it is not "
         "there yet, with personas, feedback themes and backlog evidence, then open the dashboard."),
    Verb("serve", "serve", "open the dashboard on a workspace",
         "Open the UserLens dashboard in the browser on a workspace (localhost only; uploads up to 1 GB "
         "per file)."),
    Verb("settings", "settings", "show or set workspace settings (timezone, week start)"),
    Verb("ingest", "ingest", "load a CSV/Parquet/XLSX file of events, users, feedback, kano or requirements"),
    Verb("forget", "forget", "erase one user everywhere",
         "Remove a user's events, profile, feedback, Kano answers, persona and theme membership, "
         "requirement evidence, rejected lines holding their id, their words in stored quotes (re-picked "
         "without them) and the cached embeddings of texts only they wrote."),
    Verb("retention", "retention", "cohort retention matrix (counts or percentages)"),
    Verb("engagement", "engagement", "KPIs, DAU/WAU/MAU, stickiness, power users and sessions"),
    Verb("lifecycle", "lifecycle", "new, returning, resurrecting and dormant users per period"),
    Verb("funnel", "funnel", "ordered conversion funnel over event names"),
    Verb("paths", "paths", "user journeys: the paths users take after or before an event"),
    Verb("correlate", "correlate", "what predicts conversion or retention (odds ratios)"),
    Verb("experiment", "experiment", "compare groups (A/B) on a per-user metric"),
    Verb("cohorts", "cohorts", "score cohorts: size, retention 1/4/12, active days, engagement score"),
    Verb("churn", "churn", "churn risk per user (gradient boosting, time-based holdout AUC)"),
    Verb("personas", "personas", "find personas by clustering users' feedback and behaviour"),
    Verb("themes", "themes", "find feedback themes by clustering feedback texts"),
    Verb("link", "link", "link requirements to supporting feedback by text similarity"),
    Verb("intents", "intents", "an intent (bug report, feature request ...) and sentiment per feedback item",
         "Classify every feedback item into the team's intents (default: bug report, feature request, "
         "praise, complaint, question, other) and a sentiment: zero-shot from the intents' descriptions, "
         "or learned from labels (a CSV of feedback_id,label; labels accumulate in the workspace)."),
    Verb("kano", "kano", "Kano analysis of the survey answers (categories, Better/Worse, Fong)"),
    Verb("prioritise", "prioritise", "rank the requirements backlog with evidence from users"),
    Verb("report", "report",
         "write the prioritised requirement report (.html, .pdf, .xlsx, .md, .csv, .json)"),
)
