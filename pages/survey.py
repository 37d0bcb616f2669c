"""Survey check (coordinators): verify the country's draft answers to an international survey before submission.

UI only: reading, rules, decisions and the report live in rankings.survey. Text from a workbook is shown with
st.text, st.dataframe or escaped Markdown (review.md), never interpreted.
"""

from __future__ import annotations

import streamlit as st

from rankings import survey, ui
from rankings.errors import InputError, StoreError
from rankings.survey import report, review, template
from rankings.survey.decisions import STATUS_LABELS, DecisionError
from rankings.survey.rules import RULES, SEVERITIES
from rankings.survey.store import MAX_UPLOAD_BYTES, SurveyStore

user = ui.page("coordinator")

TABLE_SHOWN = ["question_id", "severity", "rule", "message", "status", "decided_by", "section"]

st.title("Survey check")
st.caption(
    "Before the country submits its answers to an international survey: every answer that needs checking and "
    "why, who verified it, and a report to circulate."
)

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
        st.session_state["upload_message"] = ("success", "Stored and checked: the flags below are the upload's.")
    except InputError as exc:
        st.session_state["upload_message"] = ("error", exc.message)


stored_table = store.submissions()
current = stored_table[stored_table["is_current"]]

with st.expander("Upload a draft, or download the template", expanded=current.empty, icon=":material/upload_file:"):
    with st.form("upload", clear_on_submit=True):
        left, right = st.columns(2)
        limit = f"Workbooks up to {MAX_UPLOAD_BYTES // 2**20} MB."
        draft_file = left.file_uploader("Draft submission workbook (.xlsx)", type=["xlsx"], help=limit)
        previous_file = right.file_uploader("Previous cycle's submission (optional, .xlsx)", type=["xlsx"], help=limit)
        if st.form_submit_button("Check and store", icon=":material/fact_check:"):
            if draft_file is None and previous_file is None:
                st.session_state["upload_message"] = ("error", "Choose a workbook to upload first.")
            else:
                _upload(draft_file, previous_file)
            st.rerun()
    st.caption(
        "A workbook is read and checked before it is stored; one that cannot be read is refused with the reason. "
        "Uploads are kept in the survey folder, a new upload of the same survey, cycle and country replaces the "
        "earlier one (decisions on unchanged answers stay). The previous cycle is found by survey and country."
    )
    st.download_button(
        "Download the template",
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
    with st.expander(f"{len(failed)} workbook(s) in the survey folder cannot be read", icon=":material/warning:"):
        st.dataframe(failed[["file", "message"]], hide_index=True, width="stretch")

if current.empty:
    st.info(
        "No submission is stored yet. Upload a draft above, or put submission workbooks in the survey folder "
        "(`data/surveys/`, or the folder in `RANKINGS_SURVEYS`); `python -m rankings demo` writes a demo.",
        icon=":material/inbox:",
    )
    st.stop()

labels = {
    r.submission_id: f"{r.survey} · cycle {r.cycle} · {r.country}"
    for r in current.sort_values("cycle", ascending=False).itertuples()
}
submission_id = ui.url_choice(
    "Submission",
    list(labels),
    key="submission",
    default=next(iter(labels)),
    format_func=lambda s: labels.get(s, s),
    help="Every current submission in the survey store (the newest version of each survey, cycle and country).",
)

submission = store.load(submission_id)
previous = store.previous(submission_id)
flags = store.flags(submission_id)
status = store.decisions.status(submission_id)
meta = submission.meta

if "DEMO" in meta.survey:
    st.warning(
        "**Demo submission.** Fictitious answers, written by `python -m rankings demo`.", icon=":material/science:"
    )

st.subheader(review.md(f"{meta.survey}, cycle {meta.cycle}: {meta.country_name}"))
compared = (
    f"compared with cycle {previous.meta.cycle} ({previous.file})"
    if previous
    else "no previous cycle stored (upload it to see changes and regressions)"
)
st.caption(
    review.md(
        f"Workbook {submission.file} · reference period {meta.reference_period_start} to "
        f"{meta.reference_period_end} · deadline {meta.deadline} · {compared}"
    )
)

ready = review.readiness(submission, flags, status)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Errors", ready.errors, help="Flags that must be fixed in the draft before submission.")
m2.metric("Warnings", ready.warnings, help="Flags to check: they may be right, a coordinator decides.")
m3.metric(
    "Verified",
    f"{ready.verified_share:.0%}" if ready.flagged_answers else "—",
    help=f"{ready.verified} of {ready.flagged_answers} flagged answers verified; {ready.needs_change} need a "
    f"change, {ready.open} are open.",
)
if ready.days_to_deadline < 0:
    m4.metric(
        "Deadline", "Overdue", delta=f"{ready.days_to_deadline} days", help=f"Submission deadline {meta.deadline}."
    )
else:
    m4.metric("Deadline", ready.deadline_text(), help=f"Submission deadline {meta.deadline}.")
if not flags:
    st.success("No flags: every answer passed the checks.", icon=":material/task_alt:")
elif ready.ready:
    st.success("No errors, and every flagged answer is verified: ready to submit.", icon=":material/task_alt:")

table = review.flag_table(submission, flags, status)

st.subheader("Flagged answers")
if table.empty:
    st.info("Nothing to verify.")
else:
    f1, f2, f3, f4 = st.columns(4)
    severities = f1.multiselect("Severity", list(SEVERITIES), default=[], placeholder="all")
    rules_chosen = f2.multiselect("Rule", sorted(table["rule"].unique()), default=[], placeholder="all")
    sections = f3.multiselect("Section", sorted(table["section"].unique()), default=[], placeholder="all")
    statuses = f4.multiselect("Status", [STATUS_LABELS[s] for s in STATUS_LABELS], default=[], placeholder="all")
    shown = table
    filters = {"severity": severities, "rule": rules_chosen, "section": sections, "status": statuses}
    for column, chosen in filters.items():
        if chosen:
            shown = shown[shown[column].isin(chosen)]
    st.caption(
        f"{len(shown)} of {len(table)} flags. Select an answer below to see it in full, verify it or ask for a "
        "change; the report holds every column."
    )
    st.dataframe(
        shown[TABLE_SHOWN],
        hide_index=True,
        width="stretch",
        column_config={
            "question_id": st.column_config.TextColumn("question", width="small"),
            "severity": st.column_config.TextColumn("severity", width="small"),
            "message": st.column_config.TextColumn("what to check", width="large"),
            "decided_by": st.column_config.TextColumn("decided by", width="small"),
        },
    )
    with st.expander("What each rule checks", icon=":material/rule:"):
        st.dataframe(
            [{"rule": r.id, "severity": r.severity, "flags": r.title} for r in RULES.values()],
            hide_index=True,
            width="stretch",
        )

    st.subheader("Verify an answer")
    flagged_ids = list(dict.fromkeys(table["question_id"]))
    state_of = dict(zip(table["question_id"], table["status"], strict=False))
    flag_counts = table["question_id"].value_counts().to_dict()

    def _label(qid: str) -> str:
        n = int(flag_counts.get(qid, 0))
        return f"{qid or '(no id)'} · {n} flag{'s' if n > 1 else ''} · {state_of.get(qid, 'open')}"

    qid = st.selectbox("Answer", flagged_ids, format_func=_label, key="decide_question")
    rows = table[table["question_id"] == qid]
    first = rows.iloc[0]
    st.session_state["decide_fingerprint"] = (submission_id, qid, first["fingerprint"])
    with st.container(border=True):
        st.text(f"Question: {first['question'] or '(not in the Questions sheet)'}")
        st.text(f"Answer: {first['answer'] or '(none)'}")
        if first["evidence_url"] or first["evidence_note"]:
            st.text(f"Evidence: {' · '.join(x for x in (first['evidence_url'], first['evidence_note']) if x)}")
        st.text(f"Answered by: {first['answered_by'] or '(not given)'}")
        for flag in rows.itertuples():
            st.text(f"{flag.severity.upper()} · {flag.rule}: {flag.message}")

    def _decide() -> None:
        sid, question, fingerprint = st.session_state["decide_fingerprint"]
        choice = st.session_state.get("decide_status", "verified")
        try:
            store.decisions.record(
                sid,
                question,
                fingerprint,
                "verified" if choice == "Verified" else "needs_change",
                st.session_state.get("decide_person", "") if user.local else (user.email or user.name),
                st.session_state.get("decide_comment", ""),
            )
        except (DecisionError, InputError) as exc:
            st.session_state["decision_message"] = ("error", exc.message)
            return
        st.session_state["decision_message"] = ("success", f"Recorded: {question} {choice.lower()}.")
        st.session_state["decide_comment"] = ""

    with st.form("decision"):
        d1, d2 = st.columns([2, 1])
        if user.local:
            d1.text_input(
                "Your name", key="decide_person", max_chars=100, help="Who decides. Not the person who answered."
            )
        else:
            d1.text(f"Deciding as {user.email or user.name} (signed in)")
        d2.radio("Decision", ["Verified", "Needs change"], key="decide_status", horizontal=True)
        st.text_area(
            "Comment", key="decide_comment", max_chars=2000, help="Required with 'Needs change': say what to change."
        )
        st.form_submit_button("Record decision", on_click=_decide, icon=":material/how_to_reg:")
    if "decision_message" in st.session_state:
        kind, text = st.session_state.pop("decision_message")
        (st.success if kind == "success" else st.error)(review.md(text))

    trail = store.decisions.trail(submission_id, qid)
    with st.expander(f"Audit trail of {review.md(qid or '(no id)')} ({len(trail)} events)", icon=":material/history:"):
        st.dataframe(trail[["at", "kind", "status", "person", "comment", "detail"]], hide_index=True, width="stretch")

st.subheader("Report")
st.download_button(
    "Download the report (Excel)",
    lambda: report.excel_report(
        submission, flags, store.decisions.status(submission_id), store.decisions.trail(submission_id), previous
    ),
    report.report_name(submission),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    help="Summary, every flag with its decision and comment, and the audit trail; ready to circulate.",
)
with st.expander("Audit trail of the whole submission", icon=":material/history:"):
    whole_trail = store.decisions.trail(submission_id).drop(columns=["id", "submission_id"])
    st.dataframe(whole_trail, hide_index=True, width="stretch")
if sync.superseded:
    st.caption(review.md("Older versions kept in the survey folder (not checked): " + ", ".join(sync.superseded)))
