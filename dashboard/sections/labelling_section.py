"""Intents, sentiment and the Labelling section of the Feedback themes page (DESIGN §7).

The section shows the latest intents run (method, labels, held-out score, the intent and sentiment of
every item), proposes the text the run is least sure of as the next one to label (a keyboard form:
pick an intent with the arrow keys or type its number, Enter saves), re-learns the intents from the
stored labels, and lets a team edit its own intent set. Labels live in the workspace
(``feedback_labels``); the model code is `embeddings.intents`.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics.voice_filter import VoiceFilter
from dashboard import cache, ui
from embeddings.intent_labels import (
    add_labels, intent_definitions, most_uncertain, set_intent_definitions, stored_labels,
)
from embeddings.intents import CONFIDENCE_NOTE, latest_intents_summary, run_intents

SKIPPED = "label-skipped"  # session state: feedback ids skipped in this browser session
FLASH = "label-flash"  # session state: (kind, message) shown once after a label was saved


def learn() -> None:
    """Read intents again (few-shot from the stored labels when they allow) with progress."""
    ws = cache.workspace()
    with st.status("Reading intents ...", expanded=True) as status:
        bar = st.progress(0.0, text="Embedding feedback ...")

        def progress(done: int, total: int) -> None:
            bar.progress(min(1.0, done / max(total, 1)), text=f"Embedding feedback: {done:,} / {total:,}")

        result = run_intents(ws, progress=progress)
        score = result.heldout
        status.update(label=f"Intents read ({result.method})"
                      + (f": held-out macro-F1 {score['macro_f1']:.2f}." if score else "."),
                      state="complete", expanded=False)


def resolve(typed: str, choice: str | None, names: list[str]) -> str | None:
    """The label a submit means: a typed number picks that intent, typed text is the label, else the radio."""
    typed = (typed or "").strip()
    if typed.isdigit() and 1 <= int(typed) <= len(names):
        return names[int(typed) - 1]
    return typed or choice


def save_label(feedback_id: str, names: list[str]) -> None:
    """Form callback: store the label of `feedback_id` (runs before the page is drawn again)."""
    label = resolve(st.session_state.get("label-typed", ""), st.session_state.get("label-choice"), names)
    if not label:
        st.session_state[FLASH] = ("warning", "Pick an intent (or type its number) before saving.")
        return
    report = add_labels(cache.workspace(), [(feedback_id, label)], source="ui")
    if report.stored:
        st.session_state[FLASH] = ("success", f"Labelled {feedback_id} as “{label}”.")
    else:
        st.session_state[FLASH] = ("warning", " ".join(report.messages) or f"{feedback_id} was not labelled.")


def skip(feedback_id: str) -> None:
    """Form callback: do not propose `feedback_id` again in this session."""
    st.session_state.setdefault(SKIPPED, []).append(feedback_id)


def next_text(names: list[str]) -> None:
    """The form for the most uncertain unlabelled text (Enter in the text box saves)."""
    skipped = st.session_state.get(SKIPPED, [])
    queue = most_uncertain(cache.workspace(), n=len(skipped) + 1)
    queue = queue.filter(~pl.col("feedback_id").is_in(skipped))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        (st.success if flash[0] == "success" else st.warning)(flash[1])
    if queue.is_empty():
        st.info("Nothing left to label: every text is labelled or skipped.", icon=":material/done_all:")
        return
    item = queue.row(0, named=True)
    fid = str(item["feedback_id"])
    with st.form("label-form", clear_on_submit=True, enter_to_submit=True, border=True):
        st.markdown(f"**Label this text next** — the current run is least sure of it ({fid}):")
        ui.quote(item["text"])
        st.caption(f"Now read as **{ui.md_escape(item['intent'])}** with confidence "
                   f"{ui.fmt_num(item['confidence'], 2)}.")
        current = names.index(item["intent"]) if item["intent"] in names else None
        st.radio("Intent", names, index=current, horizontal=True, key="label-choice",
                 format_func=lambda n: f"{names.index(n) + 1} · {n}",
                 help="Arrow keys move between intents; Enter in the box below saves.")
        st.text_input("Or type the intent's number (or a new intent) and press Enter", key="label-typed",
                      placeholder=f"1–{len(names)}, or empty to save the intent picked above")
        c1, c2, _ = st.columns([3, 2, 3])
        c1.form_submit_button("Save label", type="primary", icon=":material/label:", key="label-save",
                              on_click=save_label, args=(fid, names))
        c2.form_submit_button("Skip", key="label-skip", on_click=skip, args=(fid,))


def run_summary(summary: dict, n_labels: int) -> None:
    """KPIs of the latest intents run and its messages."""
    score = summary.get("heldout")
    ui.kpi_row([
        ("Items read", ui.fmt_int(summary.get("n_items")), "Feedback items of the latest intents run."),
        ("Method", str(summary.get("method", "")),
         "zero-shot: from the intents' descriptions; self-training / logistic: learned from your labels."),
        ("Labels", ui.fmt_int(n_labels), "Labels stored in this workspace (yours win over the model)."),
        ("Held-out macro-F1", ui.display.MISSING if not score else f"{score['macro_f1']:.2f}",
         score["note"] if score else "Shown once every learned intent has at least 4 labels: 25 % of each "
         "intent's labels are held back and predicted by a model trained on the rest."),
    ])
    messages = summary.get("messages") or []
    if messages:
        with st.expander(f"Notes on this run ({len(messages)})", icon=":material/sticky_note_2:"):
            for message in messages:
                st.caption(message)


def definitions_editor() -> None:
    """The team's intent set (label and description), saved into the workspace."""
    ws = cache.workspace()
    with st.expander("Your intents (names and descriptions)", icon=":material/edit_note:"):
        st.caption("Zero-shot intents come from these descriptions; labels teach the model beyond them. "
                   "Save, then press **Learn from labels** to read the feedback with the new set.")
        current = intent_definitions(ws)
        frame = pl.DataFrame({"label": list(current), "description": list(current.values())})
        edited = st.data_editor(frame.to_pandas(), num_rows="dynamic", width="stretch", key="intent-defs",
                                hide_index=True)
        if st.button("Save intents", key="intent-defs-save", icon=":material/save:"):
            rows = edited.fillna("").to_dict("records")
            set_intent_definitions(ws, {str(r["label"]): str(r["description"]) for r in rows
                                        if str(r["label"]).strip() or str(r["description"]).strip()})
            st.success(f"Saved {len(rows)} intents.")


def labelling_section(voice: VoiceFilter) -> None:
    """Intents and sentiment of every item, the next text to label, re-learning and the intent set."""
    ws = cache.workspace()
    st.subheader("Intents and sentiment", anchor=False)
    summary = latest_intents_summary(ws)
    if summary is None:
        st.info("No intents yet: press **Read intents** to give every item an intent (bug report, feature "
                "request, praise, complaint, question, other) and a sentiment.", icon=":material/info:")
        if st.button("Read intents", type="primary", key="intents-run", icon=":material/psychology:"):
            learn()
            st.rerun()
        definitions_editor()
        return
    labels = stored_labels(ws)
    run_summary(summary, labels.height)
    names = [n for n in intent_definitions(ws)]
    names += sorted(set(labels["label"].to_list()) - set(names))
    left, right = st.columns([3, 2])
    with left:
        st.markdown("##### Labelling")
        next_text(names)
    with right:
        st.markdown("##### Learn")
        st.caption("Few-shot learning on the sentence embeddings starts at two labels for each of two "
                   "intents; your labels always win for the items they label.")
        new = labels.height - int(summary.get("n_labels") or 0)
        label = f"Learn from {ui.plural(labels.height, 'label')}" + (f" ({new} new)" if new > 0 else "")
        if st.button(label, type="primary", key="intents-learn", icon=":material/model_training:",
                     disabled=labels.height == 0):
            with ui.errors():
                learn()
                st.rerun()
        definitions_editor()
    items = cache.read("voice_items", voice=voice)
    which = f", {voice.describe()}" if voice.active else ""
    st.markdown(f"##### Items ({ui.fmt_int(items.height)}{which})")
    for field in ("intent", "sentiment"):
        counts = items[field].drop_nulls().value_counts(sort=True).iter_rows()
        shown = " · ".join(f"{ui.md_escape(v)} {n:,}" for v, n in counts)
        st.markdown(f"**{field.capitalize()}s:** {shown}")
    mix = items.group_by("intent", "sentiment").len("items").pivot("sentiment", index="intent",
                                                                   values="items").fill_null(0)
    if not mix.is_empty():
        ui.table(mix.sort("intent"), key="intent-mix")
    ui.table(items.select("feedback_id", "text", "intent", "confidence", "sentiment", "labelled_as"),
             key="intent-items", helps={"confidence": CONFIDENCE_NOTE})
    ui.download(items, "intents", key="dl-intents")
