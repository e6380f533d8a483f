"""The metric declarations (docs/DESIGN.md §9): one frozen query class per metric.

Each class is the one place where a metric's options, their allowed values, labels and help, the SQL
files it runs and the tables they read are written down (the machinery is in `analytics.query`). The CLI
verb, the dashboard page and the dashboard cache all read these classes, and
tests/analytics/test_queries.py checks that ``TABLES`` covers every table the ``SQL`` files read.
Adding a retention option means adding a field to `RetentionQuery` and using it in its SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analytics.errors import UserLensError
from analytics.eventspec import parse_breakdown
from analytics.kano_tables import TABLES as KANO_TABLES
from analytics.names import METHOD_LABELS
from analytics.periods import PERIODS
from analytics.query import Query, option

MAX_PERIODS = 400
BREAKDOWN_METAVAR = "attr:KEY|prop:KEY"
TOP_MESSAGE = "The breakdown shows the top N values: N must be a whole number >= 1, not {value!r}."


@dataclass(frozen=True)
class RetentionQuery(Query):
    """Cohort retention (DESIGN §4 "Retention"), optionally one matrix per breakdown value."""

    NAME = "retention"
    FUNCTION = "analytics.retention_breakdown:retention_query"
    SQL = ("retention", "retention_activity", "activity_key", "activity_build", "breakdown_values")
    TABLES = ("events", "users")

    period: str = option("week", choices=PERIODS, label="Period",
                         help="calendar period of rows and columns (rolling: 24 h, 7 d or 30 d)")
    cohort: str = option(
        "first", choices=("first", "recurring"), label="Cohort",
        names={"first": "First time (new users)", "recurring": "Recurring (every active period)"},
        help="first: anchor on the first start event; recurring: every period with a start event")
    unbounded: bool = option(False, kind=bool, label="Count a return",
                             names={False: "exactly in period k", True: "on or after period k"},
                             help="count a user in every period up to their latest return ('on or after')")
    window: str = option(
        "calendar", choices=("calendar", "rolling"), label="Periods are",
        names={"calendar": "Calendar periods", "rolling": "Rolling (24 h / 7 d / 30 d after start)"},
        help="calendar periods in the workspace timezone, or exact 24 h / 7 d / 30 d after the anchor")
    periods: int = option(8, kind=int, interval=(0, MAX_PERIODS), ui_interval=(1, 52), metavar="N",
                          label="Number of periods", help="periods after the cohort period",
                          message="periods must be a whole number from {lo} to {hi}, not {value!r}.")
    start_event: str | None = option(None, metavar="E", label="Start event",
                                     help="anchor event (default: any event)")
    return_event: str | None = option(None, metavar="E", label="Return event",
                                      help="return event (default: any event)")
    date_from: date | None = option(
        None, kind=date, flag="--from", metavar="DATE", label="Cohorts starting between",
        help="first anchor date (YYYY-MM-DD, local); anchors are still first events over all data")
    date_to: date | None = option(None, kind=date, flag="--to", metavar="DATE", page=False,
                                  help="last anchor date (inclusive)")
    breakdown: str | None = option(
        None, metavar=BREAKDOWN_METAVAR, label="Break down by", names={None: "No breakdown"},
        help="one retention matrix per value of a user attribute or of the property on each user's first "
             "start event")
    top: int = option(10, kind=int, interval=(1, None), metavar="N", label="Values shown", page=False,
                      help="breakdown values with their own matrix; the rest are '(other)' (default 10)",
                      message=TOP_MESSAGE)

    def check(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise UserLensError(f"The date range is empty: --from {self.date_from} is after "
                                f"--to {self.date_to}.")
        parse_breakdown(self.breakdown)
        object.__setattr__(self, "start_event", self.start_event or None)
        object.__setattr__(self, "return_event", self.return_event or None)
        object.__setattr__(self, "breakdown", (self.breakdown or "").strip() or None)

    def matrix_params(self) -> dict:
        """The options of one matrix (`analytics.retention.retention`): everything but the breakdown."""
        params = self.params()
        del params["breakdown"], params["top"]
        return params


@dataclass(frozen=True)
class FunnelQuery(Query):
    """Ordered conversion funnel (DESIGN §4 "Funnel", "Funnel options"); rules in analytics/funnel.py."""

    NAME = "funnel"
    FUNCTION = "analytics.funnel:funnel"
    SQL = ("funnel",)
    TABLES = ("events", "users")

    steps: tuple[str, ...] = option((), kind=list, split=",", metavar="A,B,C", label="Steps, in order",
                                    help="event names in order, comma-separated")
    window_days: float = option(14, kind=float, interval=(0, None), ui_interval=(1, 365),
                                label="Conversion window (days)",
                                help="conversion window from the step-1 event")
    exclude: tuple[str, ...] = option((), kind=list, repeat=True, metavar="X[:i[-j]]", label="Exclusions",
                                      help="exclusion step: an X between step i and step j (default 1 to the "
                                           "last) drops the attempt at the step before it; repeatable")
    optional: tuple[str, ...] = option((), kind=list, repeat=True, split=",", metavar="STEP",
                                       label="Optional steps",
                                       help="a step (name or position, not the first or last) users may "
                                            "skip; repeatable")
    breakdown: str | None = option(None, metavar=BREAKDOWN_METAVAR, label="Break down by",
                                   help="one funnel per value of a user attribute or of the step-1 event's "
                                        "property")
    top: int = option(10, kind=int, interval=(1, None), metavar="N", label="Values shown",
                      help="breakdown values with their own funnel; the rest are '(other)' (default 10)",
                      message=TOP_MESSAGE)

    def check(self) -> None:
        object.__setattr__(self, "steps", tuple(s.strip() for s in self.steps if s.strip()))
        object.__setattr__(self, "optional", tuple(o.strip() for o in self.optional if o.strip()))
        parse_breakdown(self.breakdown)

    def params(self) -> dict:
        params = super().params()
        params.update(steps=list(self.steps), exclude=list(self.exclude), optional=list(self.optional))
        return params


@dataclass(frozen=True)
class KanoQuery(Query):
    """Kano categories, Better/Worse, Fong test and DuMouchel scores per feature (DESIGN §5)."""

    NAME = "kano"
    FUNCTION = "analytics.kano:kano_results"
    SQL = ("kano_answers_by_feature", "kano_attribute_keys", "kano_invalid_answers", "latest_analysis_run")
    TABLES = ("kano_responses", "users", "events", "settings", "personas", "persona_members",
              "analysis_runs")

    table: str = option(
        "standard", choices=tuple(KANO_TABLES), label="Evaluation table",
        names={"standard": "Standard", "pouliot": "Pouliot modification (Berger et al. 1993)"},
        help="Pouliot: the same answer to both questions is Questionable, except neutral/neutral")
    segment: str | None = option(None, metavar="COLUMN", label="Split by segment",
                                 names={None: "Whole sample", "persona": "Persona (latest run)",
                                        "cohort": "Signup cohort"},
                                 help="split by 'persona', 'cohort' (signup month) or a respondent attribute "
                                      "such as plan")
    tie_break_threshold: float | None = option(
        None, kind=float, interval=(0, 1), metavar="SHARE", label="Tie-break threshold",
        help="prefer M > O > A > I when the category strength is below this share (e.g. 0.05)",
        message="tie_break_threshold {value} must be a share between 0 and 1 (e.g. 0.05).")


@dataclass(frozen=True)
class PrioritiseQuery(Query):
    """Rank the requirements backlog with one method (DESIGN §6)."""

    NAME = "prioritise"
    FUNCTION = "analytics.prioritise:prioritise"
    SQL = ("requirements_with_evidence", "latest_analysis_run", *KanoQuery.SQL)
    TABLES = ("requirements", "requirement_evidence", *KanoQuery.TABLES)

    method: str = option("rice", choices=tuple(METHOD_LABELS), names=METHOD_LABELS, label="Method",
                         help="scoring method", message="Unknown prioritisation method {value!r}: use one of "
                                                        "{choices}.")
    weights: tuple[tuple[str, float], ...] | None = option(
        None, kind=dict, flag="--weight", metavar="NAME=W", label="Weights",
        help="change one weight of the method (repeatable), e.g. --weight reach=2")
    use_evidence: bool = option(True, kind=bool, flag="--no-evidence", label="Use evidence",
                                help="do not derive missing inputs from feedback evidence and Kano results")
    defaults: tuple[tuple[str, float], ...] | None = option(
        None, kind=dict, flag="--default", metavar="NAME=V", label="Defaults",
        help="value used where the backlog has none and nothing can be derived, e.g. effort=2")
    prefer_evidence_reach: bool = option(False, kind=bool, label="Prefer evidence reach",
                                         help="use the users in matching feedback as reach even where the "
                                              "backlog has one")


QUERIES: tuple[type[Query], ...] = (RetentionQuery, FunnelQuery, KanoQuery, PrioritiseQuery)
