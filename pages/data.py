"""Data: what is stored and from which file, coverage, uploads, metadata and citations, downloads."""

from __future__ import annotations

import streamlit as st

from rankings import fetch, i18n, metadata, revisions, ui, uploads
from rankings.errors import InputError
from rankings.text import inert

ui.page()

lang = ui.lang()
t = ui.t
st.title(t("data.title"))
ui.demo_notice()

names = ("files", "coverage", "revisions", "upload", "indicators", "sources", "download")
tabs = st.tabs([t(f"data.tab.{name}") for name in names])

# The upload tab runs first (tabs can be filled in any order): the tabs before it then show what it stored.
with tabs[3]:
    if not ui.allowed("admin"):
        st.info(t("data.upload.admin"), icon=":material/lock:")
    else:
        st.markdown(t("data.upload.intro"))
        chosen = st.file_uploader(
            t("data.upload.files"),
            type=sorted(s.lstrip(".") for s in uploads.DATA_SUFFIXES),
            accept_multiple_files=True,
            max_upload_size=uploads.MAX_UPLOAD_BYTES // (1024 * 1024),
        )
        if chosen and st.button(t("data.upload.button"), type="primary"):
            progress = st.progress(0.0, text=t("data.upload.checking"))
            accepted = []
            for i, upload in enumerate(chosen):
                progress.progress(
                    i / len(chosen), text=t("data.upload.checking_file", file=uploads.safe_name(upload.name))
                )
                result = uploads.check(upload.name, upload.getvalue(), ui.processed_dir())
                if result.ok:
                    editions = ", ".join(map(str, result.editions))
                    st.success(
                        inert(t("data.upload.ok", message=result.message, editions=editions)), icon=":material/check:"
                    )
                    for warning in result.warnings:
                        st.warning(inert(warning))
                    for line in result.revisions:  # a new version of a stored file: what it will revise
                        st.warning(inert(line), icon=":material/history:")
                    accepted.append((upload, result.replaces, result.revisions))
                else:
                    st.error(inert(result.message), icon=":material/error:")
            for i, (upload, replaces, previewed) in enumerate(accepted):
                progress.progress(
                    i / max(1, len(accepted)), text=t("data.upload.storing", file=uploads.safe_name(upload.name))
                )
                if not ui.allowed("admin"):  # checked again at the moment of acting
                    st.error(t("data.upload.not_permitted"))
                    st.stop()
                try:
                    report = uploads.accept(
                        upload.name, upload.getvalue(), ui.raw_dir(), ui.processed_dir(), replaces=replaces
                    )
                except InputError as exc:
                    st.error(inert(exc.message))
                    continue
                stored_as = replaces or f"{uploads.UPLOAD_FOLDER}/{uploads.safe_name(upload.name)}"
                for result in report.results:
                    if result.path == stored_as and result.status == "failed":
                        st.error(inert(result.message))
                for revision in report.revisions:  # a corrected file replaced a stored edition (if not said above)
                    if revision.line() not in previewed:
                        st.warning(inert(revision.line()), icon=":material/history:")
            progress.progress(1.0, text=t("data.upload.done"))
            if accepted:
                st.info(t("data.upload.stored", n=len(accepted)))
                ui.forget_cached_data()

        st.subheader(t("data.fetch.title"))
        try:
            fetch_enabled = fetch.enabled()
        except fetch.FetchConfigError as exc:
            st.error(inert(str(exc)))
            fetch_enabled = False
        if not fetch_enabled:
            st.caption(t("data.fetch.off"))
        else:
            st.markdown(t("data.fetch.intro"))
            if st.button(t("data.fetch.button"), key="fetch"):
                if not ui.allowed("admin"):  # checked again at the moment of acting
                    st.error(t("data.upload.not_permitted"))
                    st.stop()
                with st.spinner(t("data.fetch.running")):
                    fetched, ingested = fetch.refresh(None, ui.raw_dir(), ui.processed_dir())
                st.code("\n".join(o.line() for o in fetched.outcomes), language=None, wrap_lines=True)
                if fetched.failed:
                    st.error(t("data.fetch.failed", n=len(fetched.failed)))
                else:
                    st.success(t("data.fetch.done", n=len(fetched.changed)))
                if ingested is not None:
                    for result in ingested.failed:
                        st.error(inert(f"{result.path}: {result.message}"))
                    for revision in ingested.revisions:
                        st.warning(inert(revision.line()), icon=":material/history:")
                    ui.forget_cached_data()

files = ui.data("stored_files")

with tabs[0]:
    if files.empty:
        ui.empty_store_notice()
    else:
        failed = files[files["status"] == "failed"]
        if not failed.empty:
            st.error(t("data.failed", n=len(failed)))
        shown_files = files.assign(
            status=[t(f"data.status.{v}") if f"data.status.{v}" in i18n.catalogue() else v for v in files["status"]]
        )
        st.dataframe(
            shown_files,
            hide_index=True,
            width="stretch",
            column_order=[
                "path",
                "status",
                "source",
                "editions",
                "reference_periods",
                "rows",
                "message",
                "is_demo",
                "ingested_at",
                "stored_at",
                "size",
                "sha256",
                "layout",
            ],
            column_config={
                **{c: t(f"column.{c}") for c in ("status", "source", "editions", "reference_periods", "rows")},
                "path": t("column.path"),
                "message": t("column.message"),
                "layout": t("column.layout"),
                "sha256": st.column_config.TextColumn(t("column.sha256"), width="small"),
                "is_demo": st.column_config.CheckboxColumn(t("column.is_demo")),
                "size": st.column_config.NumberColumn(t("column.size")),
                "ingested_at": t("column.ingested_at"),
                "stored_at": t("column.stored_at"),
            },
        )

with tabs[1]:
    coverage = ui.data("coverage")
    if coverage.empty:
        ui.empty_store_notice()
    else:
        st.caption(t("data.coverage"))
        st.dataframe(ui.memo("data.coverage_matrix", lambda: ui.coverage_matrix(coverage)), width="stretch")
        st.dataframe(ui.table(coverage), hide_index=True, width="stretch")

with tabs[2]:
    st.markdown(t("data.revisions.intro"))
    log = ui.data("revisions")
    if log.empty:
        st.info(t("data.revisions.none"), icon=":material/check:")
    else:
        editions = log[["source", "edition"]].drop_duplicates()
        st.markdown(
            t("data.revisions.count", n=i18n.integer(len(log), lang), editions=i18n.integer(len(editions), lang))
        )
        shown_log = ui.memo("data.revisions", lambda *_: revisions.table(log, lang), len(log), lang)
        st.dataframe(shown_log, hide_index=True, width="stretch")
        ui.downloads({"revisions": log}, "revisions", key="revisions")

with tabs[4]:
    indicators = ui.data("indicator_metadata")
    sources = sorted(indicators["source"].unique())
    chosen_source = st.selectbox(
        t("field.ranking"),
        sources,
        format_func=lambda s: metadata.source(s).title_in(lang) if s in metadata.sources() else s,
    )
    shown = indicators[(indicators["source"] == chosen_source) & ~indicators["indicator"].str.contains("__")]
    st.caption(t("data.indicators.language"))
    st.dataframe(
        ui.table(shown.drop(columns=["extra"], errors="ignore")),
        hide_index=True,
        width="stretch",
    )
    notes = [
        (ind.title, ind.methodology)
        for ind in metadata.indicators().values()
        if ind.source == chosen_source and ind.id in set(shown["indicator"]) and ind.methodology
    ]
    if notes:
        st.markdown(t("data.methodology"))
        for title, methodology in notes:
            st.markdown(f"*{title}*")
            st.text("\n".join(f"{m.edition}: {m.text(lang)}" for m in methodology))
    with st.expander(t("data.breakdowns")):
        st.dataframe(
            ui.table(indicators[(indicators["source"] == chosen_source) & indicators["indicator"].str.contains("__")]),
            hide_index=True,
            width="stretch",
        )

with tabs[5]:
    for src in metadata.sources().values():
        st.markdown(f"**{src.title_in(lang)}** — {src.publisher}")
        st.caption(t("data.source", citation=src.cite(), licence=src.licence, download=src.download, url=src.url))

with tabs[6]:
    st.markdown(t("data.download"))
    ui.downloads(
        {
            "observations": ui.later("observations"),
            "indicators": ui.data("indicator_metadata"),
            "sources": ui.data("source_metadata"),
        },
        "observations",
        key="all",
        rows=ui.data("observation_count"),
    )
