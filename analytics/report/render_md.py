"""Markdown of a report (GitHub-flavoured tables); user text is escaped by `md` (`safety.markdown_text`
with HTML's characters backslash-escaped instead of written as entities)."""

from __future__ import annotations

import re
from typing import Any

from analytics.report.findings import fmt_number, plural
from analytics.names import KANO_NAMES
from analytics.report.model import Report
from analytics.report.render_html import derivation_items
from analytics.report.safety import markdown_text

_ENTITY = re.compile(r"&(amp|lt|gt);")
_CHAR = {"amp": "&", "lt": "<", "gt": ">"}


def md(value: Any) -> str:
    r"""User text inert in Markdown and readable as plain text: ``R&D <b>`` -> ``R\&D \<b\>``.

    `safety.markdown_text` writes ``&``, ``<`` and ``>`` as HTML entities, which a reader of the
    .md file (or a viewer that escapes again) sees as ``&amp;``. A backslash escape keeps the same
    protection (no tag, no entity can start) and shows the character itself. One pass from left to
    right, so a literal "&lt;" in the text stays "&lt;".
    """
    return _ENTITY.sub(lambda m: "\\" + _CHAR[m.group(1)], markdown_text(value))


def _n(value: float | None, digits: int = 3) -> str:
    return fmt_number(value, digits)


def _table(header: list[str], rows: list[list[Any]], right: set[int] | None = None) -> list[str]:
    align = ["---:" if i in (right or set()) else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _kano(code: str | None) -> str:
    return "–" if not code else f"{KANO_NAMES.get(code, code)} ({code})"


def render_markdown(report: Report) -> str:
    """The report as a Markdown document.

    Parameters
    ----------
    report : Report

    Returns
    -------
    str
    """
    g, m = report.generation, report.method
    kind = (f"Prioritised requirement report · {m.label}" if report.backlog.available
            else "What the data shows")
    out = [
        f"# {md(report.title)}",
        "",
        f"*{kind} · generated {g.generated_at} "
        f"· workspace {md(g.workspace)} · {md(g.generator)}*",
        "",
        *([f"*Filtered to feedback of {md(report.voice_filter)}.*", ""]
          if report.voice_filter != "all feedback" else []),
        "## Summary and key findings",
        "",
    ]
    out += [f"- {md(f)}" for f in report.findings] + [""]
    if report.ranking:
        out += _ranking(report)
    else:
        out += ["## Ranked requirements", "", f"> {md(report.backlog.message)}.", ""]
    out += ["## Kano analysis", ""]
    if report.kano.available:
        out += [f"{md(report.kano.message)}. Better = (A+O)/(A+O+M+I), Worse = −(O+M)/(A+O+M+I).", ""]
        out += _table(
            ["Feature", "n", *"AOMIRQ", "Category", "Better", "Worse", "Fong significant"],
            [
                [
                    md(f.feature),
                    f.n,
                    *[f.counts[c] for c in "AOMIRQ"],
                    _kano(f.category),
                    _n(f.better),
                    _n(f.worse),
                    "yes" if f.significant else "no",
                ]
                for f in report.kano.features
            ],
            {1, 2, 3, 4, 5, 6, 7, 9, 10},
        )
    else:
        out += [f"> {md(report.kano.message)}", ""]
    out += ["## Evidence from users", ""]
    if report.evidence.available:
        params = "; ".join(f"{md(k)} {md(v)}" for k, v in report.evidence.params.items())
        out += [
            f"Linking run {md(report.evidence.run_id)} ({report.evidence.created_at})"
            f"{'; ' + params if params else ''}.",
            "",
        ]
        for r in (r for r in report.ranking if r.evidence_count):
            who = ", ".join(r.personas) if r.personas else str(r.personas_affected)
            out += [
                f"**{md(r.req_id)} {md(r.title)}** — {plural(r.evidence_count, 'feedback item')}, "
                f"{plural(r.evidence_users, 'user')}, personas: {md(who)}",
                "",
            ]
            out += [f"> {md(q)}" + "\n" for q in r.quotes]
    elif report.ranking:
        out += [f"> {md(report.evidence.message)}", ""]
    else:
        out += ["> Evidence links each requirement to the feedback that asks for it: it needs a backlog.", ""]
    out += ["## Feedback themes", ""]
    if report.themes.available:
        out += [f"{md(report.themes.message)}.", ""]
        out += _table(
            ["Theme", "Items", "Share", "Mean rating", "NPS", "Keywords", "Quote"],
            [
                [
                    md(t.name),
                    f"{t.size:,}",
                    "–" if t.share is None else f"{100 * t.share:.1f} %",
                    _n(t.mean_rating, 2),
                    "–" if t.nps is None else f"{t.nps:+.0f}",
                    md(", ".join(t.keywords[:6])),
                    md(t.quotes[0] if t.quotes else ""),
                ]
                for t in report.themes.themes
            ],
            {1, 2, 3, 4},
        )
    else:
        out += [f"> {md(report.themes.message)}", ""]
    out += _proposals(report)
    out += ["## Personas", ""]
    if report.personas.available:
        out += _table(
            ["Persona", "Users", "Share", "Confidence", "Keywords", "Quote"],
            [
                [
                    md(p.name),
                    p.size,
                    "–" if p.share is None else f"{100 * p.share:.1f} %",
                    _n(p.confidence, 2),
                    md(", ".join(p.keywords[:6])),
                    md(p.quotes[0] if p.quotes else ""),
                ]
                for p in report.personas.personas
            ],
            {1, 2, 3},
        )
    else:
        out += [f"> {md(report.personas.message)}", ""]
    out += ["### Retention headline", ""]
    if report.retention.available:
        out += [
            f"{md(report.retention.message)}: {plural(report.retention.cohorts, 'weekly cohort')}, "
            f"{plural(report.retention.users, 'user')}.",
            "",
        ]
        avg = report.retention.average
        out += _table(
            [f"Week {k}" for k in range(len(avg))],
            [["–" if v is None else f"{v:.1f} %" for v in avg]],
            set(range(len(avg))),
        )
    else:
        out += [f"> {md(report.retention.message)}", ""]
    out += ["## Method, weights and settings", "", f"**{m.label}.** {md(m.description)}", ""]
    out += _table(
        ["Weight", "Used", "Default"],
        [[md(k), _n(v), _n(m.default_weights.get(k))] for k, v in m.weights.items()],
        {1, 2},
    )
    out += ["A value in the backlog always wins."]
    if m.use_evidence:
        out += ["A missing value is derived from the workspace where it holds evidence:", ""]
        out += [f"- {md(d)}" for d in derivation_items(m.derivations)] + [""]
    defaults = ", ".join(f"{md(k)} {_n(v)}" for k, v in m.defaults.items())
    out += [
        f"Otherwise a default is used and the requirement is flagged. Defaults: {defaults}; a missing effort "
        "defaults to the backlog's median effort.",
        "",
        f"Settings: timezone {md(g.settings.get('timezone'))}; "
        f"weeks start on {md(g.settings.get('week_start'))}; Kano table {m.kano_table}; "
        f"evidence {'used' if m.use_evidence else 'not used'}.",
        "",
    ]
    if report.ranking:
        out += ["### Score inputs and their provenance", ""]
        out += _table(
            ["Rank", "ID", "Provenance", "Defaults used"],
            [[r.rank, md(r.req_id), md("; ".join(r.provenance)), md(", ".join(r.flags))]
             for r in report.ranking],
            {0},
        )
    out += ["## Data sources", ""]
    out += (
        _table(
            ["Batch", "Kind", "File", "Read", "Loaded", "Rejected", "Reject reasons", "Loaded at"],
            [
                [
                    s.batch_id,
                    md(s.kind),
                    md(s.file_name or "–"),
                    s.rows_read,
                    s.rows_loaded,
                    s.rows_rejected,
                    md("; ".join(f"{k} ({v})" for k, v in s.reject_reasons.items())),
                    s.loaded_at or "–",
                ]
                for s in report.sources
            ],
            {0, 3, 4, 5},
        )
        if report.sources
        else ["No load is recorded.", ""]
    )
    options = "; ".join(f"{md(k)}={md(v)}" for k, v in g.options.items())
    out += [f"Generated at {g.generated_at} by {md(g.generator)} with {options}.", ""]
    return "\n".join(out)


def _ranking(report: Report) -> list[str]:
    """The ranked requirements table (only with a backlog)."""
    m = report.method
    out: list[str] = []
    out += [
        "## Ranked requirements",
        "",
        f"Score: {md(m.description)}",
        "",
        "Input sources: B backlog, E user evidence, K Kano result, D default (missing in the backlog).",
        "",
    ]
    header = [
        "Rank",
        "ID",
        "Title",
        "Score",
        *[md(n.replace("_", " ")) for n in m.inputs],
        "Quadrant",
        "Kano",
        "Better",
        "Worse",
        "Feedback",
        "Users",
        "Defaults used",
    ]
    rows = [
        [
            r.rank,
            md(r.req_id),
            md(r.title),
            _n(r.score, 2),
            *[f"{_n(i.value)} {i.source[0].upper()}" for i in r.inputs],
            r.quadrant or "–",
            _kano(r.kano_category),
            _n(r.better, 2),
            _n(r.worse, 2),
            r.evidence_count,
            r.evidence_users,
            md(", ".join(r.flags)),
        ]
        for r in report.ranking
    ]
    out += _table(
        header, rows, {0, 3, *range(4, 4 + len(m.inputs)), *range(6 + len(m.inputs), 10 + len(m.inputs))}
    )
    return out


def _proposals(report: Report) -> list[str]:
    """The proposed requirements section (feature-request themes no backlog item covers)."""
    out = ["## Proposed requirements", ""]
    if not report.proposals.available:
        return out + [f"> {md(report.proposals.message)}", ""]
    out += [f"{md(report.proposals.message)}.", ""]
    for p in report.proposals.proposals:
        who = ", ".join(p.personas) or "–"
        out += [f"**{md(p.proposal_id)} {md(p.title)}** ({md(p.status)}) — "
                f"{plural(p.evidence_count, 'feature request')}, {plural(p.distinct_users, 'user')}, "
                f"personas: {md(who)}", "", md(p.description), ""]
        out += [f"> {md(q)}" + "\n" for q in p.quotes]
    return out
