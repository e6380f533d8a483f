"""The Tasklane story: personas, behaviour parameters, calendar events, Kano features and backlog.

Everything the generator draws from lives here as plain data so that the story can be read (and
changed) in one place. ``sample_data/data/README.md`` tells the same story in prose.
"""

from __future__ import annotations

from datetime import date

PRODUCT = "Tasklane"
END_DATE = date(2026, 10, 31)  # last day of data (inclusive)

# Product moments that shape the data (dates are days of the 6-month window).
PRICE_CHANGE = date(2026, 8, 3)  # Pro price 6 -> 9 USD; signups dip in August, pricing complaints rise
SYNC_INCIDENT = (date(2026, 7, 7), date(2026, 7, 9))  # sync outage: a burst of sync bug reports
PRODUCT_EMAILS = {  # re-activation campaigns: churned users come back within a few days of these
    date(2026, 6, 16): "email_june_tips",
    date(2026, 8, 18): "email_tasklane_2_0",
    date(2026, 9, 29): "email_calendar_launch",
}
EXPERIMENT = "onboarding_checklist"  # users.variant: A = control, B = guided checklist

# ---------------------------------------------------------------------------- personas
PERSONAS = ["solo_planner", "team_lead", "integrator", "casual_churner", "enterprise_admin"]
PERSONA_LABELS = {
    "solo_planner": "Solo planners",
    "team_lead": "Team leads",
    "integrator": "Integrators / power users",
    "casual_churner": "Casual churners",
    "enterprise_admin": "Enterprise admins",
}
PERSONA_SHARE = [0.29, 0.22, 0.15, 0.24, 0.10]

PLANS = ["free", "pro", "team"]
PLAN_MIX = {  # P(plan | persona), current plan at the end of the window
    "solo_planner": [0.58, 0.40, 0.02],
    "team_lead": [0.22, 0.20, 0.58],
    "integrator": [0.18, 0.52, 0.30],
    "casual_churner": [0.93, 0.06, 0.01],
    "enterprise_admin": [0.02, 0.08, 0.90],
}
PLATFORMS = ["web", "ios", "android"]
PLATFORM_MIX = {
    "solo_planner": [0.14, 0.46, 0.40],
    "team_lead": [0.70, 0.17, 0.13],
    "integrator": [0.86, 0.09, 0.05],
    "casual_churner": [0.26, 0.34, 0.40],
    "enterprise_admin": [0.90, 0.06, 0.04],
}
COUNTRIES = ["US", "GB", "DE", "FR", "NL", "IN", "BR", "CA", "AU", "JP", "CN"]
COUNTRY_UTC_OFFSET_H = [-5, 0, 1, 1, 1, 5.5, -3, -5, 10, 9, 8]
COUNTRY_MIX = {
    "solo_planner": [0.28, 0.09, 0.08, 0.06, 0.03, 0.12, 0.10, 0.05, 0.05, 0.05, 0.09],
    "team_lead": [0.32, 0.12, 0.12, 0.07, 0.05, 0.08, 0.06, 0.06, 0.05, 0.03, 0.04],
    "integrator": [0.34, 0.10, 0.13, 0.05, 0.06, 0.12, 0.04, 0.06, 0.04, 0.03, 0.03],
    "casual_churner": [0.25, 0.08, 0.07, 0.07, 0.03, 0.15, 0.13, 0.05, 0.04, 0.05, 0.08],
    "enterprise_admin": [0.40, 0.15, 0.17, 0.07, 0.06, 0.04, 0.02, 0.05, 0.02, 0.01, 0.01],
}
SEATS_RANGE = {  # team size a user works in (users.seats)
    "solo_planner": (1, 1), "team_lead": (3, 25), "integrator": (1, 12),
    "casual_churner": (1, 3), "enterprise_admin": (40, 400),
}

# Onboarding funnel: P(step | previous step) per persona, in FUNNEL order after "signup".
FUNNEL = ["signup", "onboarding_started", "profile_completed", "project_created", "task_created",
          "invite_sent"]
FUNNEL_P = {
    "solo_planner": [0.92, 0.80, 0.78, 0.90, 0.07],
    "team_lead": [0.93, 0.84, 0.82, 0.91, 0.78],
    "integrator": [0.95, 0.76, 0.86, 0.93, 0.40],
    "casual_churner": [0.82, 0.62, 0.52, 0.78, 0.09],
    "enterprise_admin": [0.96, 0.88, 0.84, 0.92, 0.66],
}
VARIANT_B_LIFT = 0.09  # added to P(project_created | profile_completed) for the checklist variant

# Retention: after activation, share who churn in weeks 1-3, and mean life (days) of the rest.
EARLY_CHURN = {"solo_planner": 0.42, "team_lead": 0.28, "integrator": 0.22, "casual_churner": 0.86,
               "enterprise_admin": 0.14}
LONG_LIFE_DAYS = {"solo_planner": 95, "team_lead": 130, "integrator": 150, "casual_churner": 30,
                  "enterprise_admin": 170}
REACTIVATION_P = {"solo_planner": 0.26, "team_lead": 0.22, "integrator": 0.20, "casual_churner": 0.12,
                  "enterprise_admin": 0.18}
DAILY_ACTIVE_P = {"solo_planner": 0.48, "team_lead": 0.58, "integrator": 0.64, "casual_churner": 0.30,
                  "enterprise_admin": 0.50}
WEEKDAY_FACTOR = {  # Monday .. Sunday
    "solo_planner": [1.0, 1.0, 0.98, 0.97, 0.9, 0.74, 0.70],
    "team_lead": [1.08, 1.05, 1.03, 1.0, 0.88, 0.24, 0.18],
    "integrator": [1.05, 1.05, 1.03, 1.0, 0.9, 0.32, 0.28],
    "casual_churner": [1.0, 1.0, 1.0, 0.95, 0.9, 0.6, 0.55],
    "enterprise_admin": [1.1, 1.06, 1.04, 1.0, 0.86, 0.12, 0.08],
}
SESSIONS_EXTRA = {"solo_planner": 0.55, "team_lead": 0.55, "integrator": 0.7, "casual_churner": 0.15,
                  "enterprise_admin": 0.35}  # sessions per active day = 1 + Poisson(this)
EVENTS_PER_SESSION = {"solo_planner": 2.7, "team_lead": 3.3, "integrator": 3.7, "casual_churner": 1.5,
                      "enterprise_admin": 2.9}  # after app_open: Poisson(this)

ACTIVITY_EVENTS = ["task_created", "task_completed", "comment_added", "invite_sent", "project_created",
                   "integration_connected", "report_exported", "calendar_synced", "file_uploaded",
                   "search"]
EVENT_MIX = {  # weights over ACTIVITY_EVENTS
    "solo_planner": [0.33, 0.30, 0.02, 0.005, 0.04, 0.005, 0.01, 0.13, 0.05, 0.11],
    "team_lead": [0.20, 0.15, 0.24, 0.05, 0.05, 0.01, 0.05, 0.04, 0.11, 0.10],
    "integrator": [0.18, 0.15, 0.07, 0.015, 0.04, 0.055, 0.14, 0.04, 0.06, 0.25],
    "casual_churner": [0.36, 0.14, 0.03, 0.01, 0.12, 0.005, 0.005, 0.04, 0.045, 0.25],
    "enterprise_admin": [0.14, 0.13, 0.15, 0.09, 0.04, 0.04, 0.16, 0.03, 0.10, 0.12],
}
INTEGRATIONS = ["slack", "jira", "github", "google_drive", "outlook"]

# A journey worth finding (issue 16): users stuck at the profile step open a help article from the
# onboarding session and leave. Added by sample_data/journeys.py from its own random stream, so every
# other event of the story stays as it was.
HELP_EVENT = "help_article_viewed"
HELP_P_STUCK = 0.55  # P(help article | onboarding started, profile never completed)
HELP_P_DONE = 0.06  # P(help article | profile completed): the article rarely precedes success
HELP_STREAM = 16  # the extra stream: numpy.random.default_rng([seed, HELP_STREAM])

# ---------------------------------------------------------------------------- Kano survey
# Shares of the Kano categories (A, O, M, I, R) each feature's respondents hold, before the
# segment shifts below. The category with the largest share is the one the analysis must find.
KANO_CATEGORIES = ["A", "O", "M", "I", "R"]
KANO_FEATURES: dict[str, list[float]] = {
    "Reliable sync": [0.05, 0.24, 0.60, 0.10, 0.01],
    "Data export": [0.06, 0.20, 0.50, 0.23, 0.01],
    "Two-factor login": [0.05, 0.14, 0.48, 0.30, 0.03],
    "Fast search": [0.15, 0.55, 0.20, 0.09, 0.01],
    "Calendar integration": [0.24, 0.48, 0.10, 0.17, 0.01],
    "Offline mode": [0.18, 0.50, 0.14, 0.17, 0.01],
    "AI task suggestions": [0.52, 0.12, 0.03, 0.25, 0.08],
    "Workload view": [0.50, 0.16, 0.05, 0.27, 0.02],
    "Custom themes": [0.22, 0.06, 0.02, 0.64, 0.06],
    "Gamification badges": [0.15, 0.03, 0.01, 0.60, 0.21],
}
# Segment shifts: extra weight on a category for respondents of one persona.
KANO_SEGMENT_SHIFT = {
    ("Offline mode", "solo_planner"): ("O", 0.35),
    ("Workload view", "team_lead"): ("A", 0.40),
    ("Two-factor login", "enterprise_admin"): ("M", 0.60),
    ("Data export", "enterprise_admin"): ("M", 0.40),
    ("AI task suggestions", "solo_planner"): ("A", 0.25),
    ("Calendar integration", "solo_planner"): ("O", 0.25),
    ("Fast search", "integrator"): ("O", 0.30),
}

# ---------------------------------------------------------------------------- backlog
REQ_COLUMNS = ["req_id", "title", "description", "kano_feature", "reach", "impact", "confidence",
               "effort", "cost", "business_value", "time_criticality", "risk_reduction"]
# (title, description, kano_feature, reach, impact, confidence, effort, business_value,
#  time_criticality, risk_reduction); None = left blank in the export on purpose.
BACKLOG: list[tuple] = [
    ("Fix sync conflicts and lost edits",
     "Tasks edited on two devices sometimes disappear or duplicate after sync; resolve conflicts "
     "field by field and never lose an edit.", "Reliable sync", 3200, 3, 1.0, 2, 13, 13, 13),
    ("Sync status indicator",
     "Show when the app last synced and which changes are still waiting, so people trust their list.",
     "Reliable sync", 2600, 1, 0.8, 0.5, 5, 3, 5),
    ("Offline mode for mobile",
     "Create, edit and complete tasks without a connection on the subway or a flight; sync when back "
     "online.", "Offline mode", 1700, 2, 0.8, 4, 8, 5, 3),
    ("Make the onboarding checklist the default",
     "Roll out the guided onboarding checklist (variant B) to every new signup: fewer steps, a sample "
     "project, a clear first task.", "", 2400, 2, 1.0, 0.5, 8, 8, 2),
    ("Workload view",
     "A capacity view per team member showing who is overloaded this week, with drag-and-drop "
     "reassignment.", "Workload view", 900, 2, 0.8, 5, 13, 5, 2),
    ("Two-way Jira sync",
     "Keep Tasklane tasks and Jira issues in sync both ways, including status, assignee and comments.",
     "", 600, 2, 0.8, 4, 8, 5, 1),
    ("GitHub and Slack integration",
     "Link pull requests to tasks, close tasks from commits and post task updates to Slack channels.",
     "", 700, 1, 0.8, 3, 5, 3, 1),
    ("Single sign-on (SAML / Okta)",
     "SSO with SAML 2.0 and Okta / Azure AD so security teams approve Tasklane for company-wide use.",
     "", 350, 3, 1.0, 3, 20, 13, 8),
    ("Audit log",
     "An exportable audit log of who changed, shared or deleted what, for security and compliance "
     "reviews.", "", 350, 2, 0.8, None, 13, 8, 13),
    ("Full data export (CSV / JSON)",
     "Export all projects, tasks, comments and attachments as CSV or JSON, on demand and on a "
     "schedule.", "Data export", 1500, 1, 1.0, 1.5, 8, 3, 8),
    ("Enforce two-factor login",
     "Two-factor authentication for every account, and let workspace admins require it.",
     "Two-factor login", 1200, 1, 1.0, 1, 8, 5, 13),
    ("Faster search with filters",
     "Instant search across tasks, comments and files with filters for assignee, project and date.",
     "Fast search", 2800, 1, 0.8, 2, 5, 2, 1),
    ("Two-way calendar sync",
     "Show tasks with due dates in Google Calendar and Outlook and move them from the calendar.",
     "Calendar integration", 1900, 1, 0.8, 2, 5, 3, 1),
    ("AI task suggestions",
     "Suggest next tasks, due dates and sub-tasks from the project history.",
     "AI task suggestions", 2000, 1, 0.5, 6, 8, 3, 1),
    ("Custom themes and dark mode",
     "Let people pick colour themes and a dark mode.", "Custom themes", 800, 0.5, 0.8, 1.5, 2, 1, 1),
    ("Gamification badges",
     "Badges and streaks for completing tasks.", "Gamification badges", 1200, 0.25, 0.5, 2, 1, 1, 1),
    ("Home-screen widgets",
     "iOS and Android widgets that show today's tasks and allow a quick add.", "", 1400, 1, None, 1.5,
     5, 2, 1),
    ("Smart reminders",
     "Recurring and location-based reminders with snooze, so personal to-dos are not forgotten.", "",
     1600, 1, 0.8, 2, 5, 2, 1),
    ("Bulk edit",
     "Select many tasks and change assignee, due date, labels or project at once.", "", 800, 1, 1.0, 1,
     3, 2, 1),
    ("Keyboard shortcuts",
     "Shortcuts for every common action and a command palette for power users.", "", 600, 0.5, 1.0,
     0.5, 2, 1, 1),
    ("Granular permissions and guest access",
     "Roles per project (owner, editor, viewer) and guest access for clients and contractors.", "",
     1000, 2, 0.8, 3, 8, 5, 5),
    ("Notification digest",
     "Replace the flood of emails with a daily digest and per-project notification settings.", "",
     1800, 1, 0.8, 1, 5, 3, 1),
    ("Simpler pricing and a cheaper solo plan",
     "Explain the plans on one page and add a low-priced solo plan after the August price change.", "",
     None, None, 0.5, 1, 8, 8, 2),
    ("Public API and webhooks",
     "A documented REST API with webhooks for task events.", "", 500, 1, 0.8, 4, 5, 2, 1),
    ("Fix crash when uploading files on Android",
     "The Android app crashes when attaching large photos or PDFs to a task.", "", 1100, 1, 1.0, 0.5, 3,
     5, 3),
]
COST_PER_PERSON_MONTH = 12000  # cost column = effort x this (EUR)
