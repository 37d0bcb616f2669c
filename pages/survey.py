"""Survey check (coordinators): verify the country's draft answers to an international survey before submission.

UI only: reading, rules, decisions and the report live in rankings.survey. Text from a workbook is shown with
st.text, st.dataframe or escaped Markdown (review.md), never interpreted.
"""

from __future__ import annotations

import streamlit as st

from rankings import i18n, survey, ui
from rankings.errors import InputError, StoreError
from rankings.survey import report, review, template
from rankings.survey.decisions import STATUS_LABELS, DecisionError
from rankings.survey.rules import RULES, SEVERITIES
from rankings.survey.store import MAX_UPLOAD_BYTES, SurveyStore

user = ui.page("coordinator")
lang = ui.lang()
t = ui.t

TABLE_SHOWN = ["question_id", "severity", "rule", "message", "status", "decided_by", "section"]

st.title(t("survey.title"))
st.caption(t("survey.intro"))

store = SurveyStore(ui.processed_dir())
try:
    sync = store.sync(survey.surveys_dir())
except StoreError as exc:
    st.error(review.md(str(exc)), icon=":material/error:")
    st.stop()


def _upload(draft: object, previous: object) -> None:
    """Check and store the uploaded workbooks (the draft first); remember which submission to show."""
    folder = survey.surveys_dir()
    try:
        stored = None
        if draft is not None:
            stored = store.save_upload(draft.getvalue(), draft.name, folder)  # type: ignore[attr-defined]
            st.session_state["submission"] = stored.submission_id
        elif previous is not None and "submission" in st.session_state:
            stored = store.load(st.session_state["submission"])
        if previous is not None:
            if stored is None:
                raise InputError(previous.name, "is a previous cycle, but no draft is chosen")  # type: ignore[attr-defined]
            store.save_upload(previous.getvalue(), previous.name, folder, previous_of=stored)  # type: ignore[attr-defined]
        st.session_state["upload_message"] = ("success", t("survey.upload.stored"))
    except InputError as exc:
        st.session_state["upload_message"] = ("error", exc.message)


stored_table = store.submissions()
current = stored_table[stored_table["is_current"]]

with st.expander(t("survey.upload"), expanded=current.empty, icon=":material/upload_file:"):
    with st.form("upload", clear_on_submit=True):
        left, right = st.columns(2)
        limit = t("survey.upload.limit", mb=MAX_UPLOAD_BYTES // 2**20)
        draft_file = left.file_uploader(t("survey.upload.draft"), type=["xlsx"], help=limit)
        previous_file = right.file_uploader(t("survey.upload.previous"), type=["xlsx"], help=limit)
        if st.form_submit_button(t("data.upload.button"), icon=":material/fact_check:"):
            if draft_file is None and previous_file is None:
                st.session_state["upload_message"] = ("error", t("survey.upload.choose"))
            else:
                _upload(draft_file, previous_file)
            st.rerun()
    st.caption(t("survey.upload.how"))
    st.download_button(
        t("survey.template"),
        template.template_bytes,
        "survey-submission-template.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )

if "upload_message" in st.session_state:
    kind, text = st.session_state.pop("upload_message")
    (st.success if kind == "success" else st.error)(review.md(text))

failed = stored_table[stored_table["status"] == "failed"]
if not failed.empty:
    with st.expander(t("survey.failed", n=len(failed)), icon=":material/warning:"):
        st.dataframe(
            failed[["file", "message"]],
            hide_index=True,
            width="stretch",
            column_config={"file": t("column.file"), "message": t("column.message")},
        )

if current.empty:
    st.info(t("survey.none"), icon=":material/inbox:")
    st.stop()

labels = {
    r.submission_id: t("survey.label", survey=r.survey, cycle=r.cycle, country=r.country)
    for r in current.sort_values("cycle", ascending=False).itertuples()
}
submission_id = ui.url_choice(
    t("survey.submission"),
    list(labels),
    key="submission",
    default=next(iter(labels)),
    format_func=lambda s: labels.get(s, s),
    help=t("survey.submission.help"),
)

submission = store.load(submission_id)
previous = store.previous(submission_id)
flags = store.flags(submission_id)
status = store.decisions.status(submission_id)
meta = submission.meta

if "DEMO" in meta.survey:
    st.warning(t("survey.demo"), icon=":material/science:")

country_shown = ui.country_name(meta.country, meta.country_name)
st.subheader(review.md(t("survey.heading", survey=meta.survey, cycle=meta.cycle, country=country_shown)))
compared = t("survey.compared", cycle=previous.meta.cycle, file=previous.file) if previous else t("survey.no_previous")
st.caption(
    review.md(
        t(
            "survey.workbook",
            file=submission.file,
            start=i18n.date(meta.reference_period_start, lang, "medium"),
            end=i18n.date(meta.reference_period_end, lang, "medium"),
            deadline=i18n.date(meta.deadline, lang, "medium"),
            compared=compared,
        )
    )
)

ready = review.readiness(submission, flags, status)
deadline_help = t("survey.deadline.help", deadline=i18n.date(meta.deadline, lang, "long"))
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("survey.errors"), ready.errors, help=t("survey.errors.help"))
m2.metric(t("survey.warnings"), ready.warnings, help=t("survey.warnings.help"))
m3.metric(
    t("survey.verified"),
    i18n.percent(ready.verified_share, lang) if ready.flagged_answers else "—",
    help=t(
        "survey.verified.help",
        verified=ready.verified,
        flagged=ready.flagged_answers,
        needs_change=ready.needs_change,
        open=ready.open,
    ),
)
if ready.days_to_deadline < 0:
    m4.metric(
        t("survey.deadline"),
        t("survey.overdue"),
        delta=t("survey.days.other", n=ready.days_to_deadline),
        help=deadline_help,
    )
else:
    m4.metric(t("survey.deadline"), ready.deadline_text(lang), help=deadline_help)
if not flags:
    st.success(t("survey.no_flags"), icon=":material/task_alt:")
elif ready.ready:
    st.success(t("survey.ready"), icon=":material/task_alt:")

table = review.flag_table(submission, flags, status, lang)
severity_label = {s: t(f"survey.severity.{s}") for s in SEVERITIES}

st.subheader(t("survey.flagged"))
if table.empty:
    st.info(t("survey.nothing"))
else:
    f1, f2, f3, f4 = st.columns(4)
    every = t("field.all")
    severities = f1.multiselect(
        t("survey.severity"), list(SEVERITIES), default=[], placeholder=every, format_func=severity_label.get
    )
    rules_chosen = f2.multiselect(t("survey.rule"), sorted(table["rule"].unique()), default=[], placeholder=every)
    sections = f3.multiselect(t("survey.section"), sorted(table["section"].unique()), default=[], placeholder=every)
    statuses = f4.multiselect(
        t("survey.status"), [review.status_label(s, lang) for s in STATUS_LABELS], default=[], placeholder=every
    )
    shown = table
    filters = {"severity": severities, "rule": rules_chosen, "section": sections, "status": statuses}
    for column, chosen in filters.items():
        if chosen:
            shown = shown[shown[column].isin(chosen)]
    st.caption(t("survey.shown", n=len(shown), total=len(table)))
    st.dataframe(
        shown[TABLE_SHOWN].assign(severity=shown["severity"].map(lambda s: severity_label.get(s, s))),
        hide_index=True,
        width="stretch",
        column_config={
            "question_id": st.column_config.TextColumn(t("survey.column.question"), width="small"),
            "severity": st.column_config.TextColumn(t("survey.severity"), width="small"),
            "rule": t("survey.rule"),
            "message": st.column_config.TextColumn(t("survey.column.message"), width="large"),
            "status": t("column.status"),
            "decided_by": st.column_config.TextColumn(t("survey.column.decided_by"), width="small"),
            "section": t("survey.section"),
        },
    )
    if lang != "en":
        st.caption(t("survey.messages_language"))
    with st.expander(t("survey.rules"), icon=":material/rule:"):
        st.dataframe(
            [
                {
                    t("survey.rule"): r.id,
                    t("survey.severity"): severity_label[r.severity],
                    t("survey.column.flags"): t(f"survey.rule.{r.id}"),
                }
                for r in RULES.values()
            ],
            hide_index=True,
            width="stretch",
        )

    st.subheader(t("survey.verify"))
    flagged_ids = list(dict.fromkeys(table["question_id"]))
    state_of = dict(zip(table["question_id"], table["status"], strict=False))
    flag_counts = table["question_id"].value_counts().to_dict()

    def _label(qid: str) -> str:
        n = int(flag_counts.get(qid, 0))
        flags_text = t("survey.flags.one" if n == 1 else "survey.flags.other", n=n)
        state = state_of.get(qid, review.status_label("open", lang))
        return f"{qid or t('survey.no_id')} · {flags_text} · {state}"

    qid = st.selectbox(t("survey.answer"), flagged_ids, format_func=_label, key="decide_question")
    rows = table[table["question_id"] == qid]
    first = rows.iloc[0]
    st.session_state["decide_fingerprint"] = (submission_id, qid, first["fingerprint"])
    with st.container(border=True):
        st.text(t("survey.text.question", question=first["question"] or t("survey.text.not_in_questions")))
        st.text(t("survey.text.answer", answer=first["answer"] or t("survey.text.none")))
        if first["evidence_url"] or first["evidence_note"]:
            evidence = " · ".join(x for x in (first["evidence_url"], first["evidence_note"]) if x)
            st.text(t("survey.text.evidence", evidence=evidence))
        st.text(t("survey.text.answered_by", person=first["answered_by"] or t("survey.text.not_given")))
        for flag in rows.itertuples():
            st.text(f"{severity_label.get(flag.severity, flag.severity).upper()} · {flag.rule}: {flag.message}")

    def _decide() -> None:
        sid, question, fingerprint = st.session_state["decide_fingerprint"]
        choice = st.session_state.get("decide_status", "verified")
        try:
            store.decisions.record(
                sid,
                question,
                fingerprint,
                choice,
                st.session_state.get("decide_person", "") if user.local else (user.email or user.name),
                st.session_state.get("decide_comment", ""),
            )
        except (DecisionError, InputError) as exc:
            st.session_state["decision_message"] = ("error", exc.message)
            return
        st.session_state["decision_message"] = (
            "success",
            t("survey.recorded", question=question, decision=review.status_label(choice, lang)),
        )
        st.session_state["decide_comment"] = ""

    with st.form("decision"):
        d1, d2 = st.columns([2, 1])
        if user.local:
            d1.text_input(t("survey.name"), key="decide_person", max_chars=100, help=t("survey.name.help"))
        else:
            d1.text(t("survey.deciding_as", person=user.email or user.name))
        d2.radio(
            t("survey.decision"),
            ["verified", "needs_change"],
            key="decide_status",
            horizontal=True,
            format_func=lambda s: review.status_label(s, lang).capitalize(),
        )
        st.text_area(t("survey.comment"), key="decide_comment", max_chars=2000, help=t("survey.comment.help"))
        st.form_submit_button(t("survey.record"), on_click=_decide, icon=":material/how_to_reg:")
    if "decision_message" in st.session_state:
        kind, text = st.session_state.pop("decision_message")
        (st.success if kind == "success" else st.error)(review.md(text))

    trail = store.decisions.trail(submission_id, qid)
    with st.expander(
        t(
            "survey.trail",
            question=review.md(qid or t("survey.no_id")),
            events=t("survey.events.one" if len(trail) == 1 else "survey.events.other", n=len(trail)),
        ),
        icon=":material/history:",
    ):
        trail_columns = ["at", "kind", "status", "person", "comment", "detail"]
        st.dataframe(
            trail[trail_columns],
            hide_index=True,
            width="stretch",
            column_config={c: t(f"column.{c}") for c in trail_columns},
        )

st.subheader(t("survey.report"))
st.download_button(
    t("survey.report.download"),
    lambda: report.excel_report(
        submission, flags, store.decisions.status(submission_id), store.decisions.trail(submission_id), previous
    ),
    report.report_name(submission),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    help=t("survey.report.help"),
)
with st.expander(t("survey.trail.all"), icon=":material/history:"):
    whole_trail = store.decisions.trail(submission_id).drop(columns=["id", "submission_id"])
    st.dataframe(
        whole_trail,
        hide_index=True,
        width="stretch",
        column_config={c: i18n.column(c, lang) for c in whole_trail.columns},
    )
if sync.superseded:
    st.caption(review.md(t("survey.superseded", files=", ".join(sync.superseded))))
