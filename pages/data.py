"""Data: what is stored and from which file, coverage, uploads, metadata and citations, downloads."""

from __future__ import annotations

import streamlit as st

from rankings import export, metadata, ui, uploads
from rankings.text import inert

ui.page()

st.title("Data")
ui.demo_notice()

files = ui.data("stored_files")
tabs = st.tabs(["Stored files", "Coverage", "Upload", "Indicators and methodology", "Sources and licences", "Download"])

with tabs[0]:
    if files.empty:
        ui.empty_store_notice()
    else:
        failed = files[files["status"] == "failed"]
        if not failed.empty:
            st.error(f"{len(failed)} file(s) failed at the last ingest; see the message column.")
        st.dataframe(
            files,
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
                "path": "file",
                "sha256": st.column_config.TextColumn("sha256 checksum", width="small"),
                "is_demo": st.column_config.CheckboxColumn("demo"),
                "size": st.column_config.NumberColumn("bytes"),
                "ingested_at": "ingested (UTC)",
                "stored_at": "stored version from (UTC)",
            },
        )

with tabs[1]:
    coverage = ui.data("coverage")
    if coverage.empty:
        ui.empty_store_notice()
    else:
        st.caption(
            "Countries stored per ranking and edition. '–' marks an edition the publisher released that is not loaded."
        )
        st.dataframe(ui.memo("data.coverage_matrix", lambda: ui.coverage_matrix(coverage)), width="stretch")
        st.dataframe(coverage, hide_index=True, width="stretch")

with tabs[2]:
    if not ui.allowed("admin"):
        st.info("Uploading raw files needs the admin role.", icon=":material/lock:")
    else:
        st.markdown(
            "Upload the publisher's file as downloaded (CSV or Excel). Each file is read and checked completely first; "
            "only a file that passes is stored (under `data/raw/uploads/`) and ingested."
        )
        chosen = st.file_uploader(
            "Raw files",
            type=sorted(s.lstrip(".") for s in uploads.DATA_SUFFIXES),
            accept_multiple_files=True,
            max_upload_size=uploads.MAX_UPLOAD_BYTES // (1024 * 1024),
        )
        if chosen and st.button("Check and store", type="primary"):
            progress = st.progress(0.0, text="Checking…")
            accepted = []
            for i, upload in enumerate(chosen):
                progress.progress(i / len(chosen), text=f"Checking {uploads.safe_name(upload.name)}…")
                result = uploads.check(upload.name, upload.getvalue(), ui.processed_dir())
                if result.ok:
                    editions = ", ".join(map(str, result.editions))
                    st.success(inert(f"{result.message} (editions {editions})"), icon=":material/check:")
                    for warning in result.warnings:
                        st.warning(inert(warning))
                    accepted.append(upload)
                else:
                    st.error(inert(result.message), icon=":material/error:")
            for i, upload in enumerate(accepted):
                progress.progress(i / max(1, len(accepted)), text=f"Storing {uploads.safe_name(upload.name)}…")
                if not ui.allowed("admin"):  # checked again at the moment of acting
                    st.error("Not permitted: uploading needs the admin role.")
                    st.stop()
                report = uploads.accept(upload.name, upload.getvalue(), ui.raw_dir(), ui.processed_dir())
                stored_as = f"{uploads.UPLOAD_FOLDER}/{uploads.safe_name(upload.name)}"
                for result in report.results:
                    if result.path == stored_as and result.status == "failed":
                        st.error(inert(result.message))
            progress.progress(1.0, text="Done.")
            if accepted:
                st.info(f"{len(accepted)} file(s) stored. Every page now shows the new data.")
                ui.forget_cached_data()

with tabs[3]:
    indicators = ui.data("indicator_metadata")
    sources = sorted(indicators["source"].unique())
    chosen_source = st.selectbox(
        "Ranking", sources, format_func=lambda s: metadata.source(s).title if s in metadata.sources() else s
    )
    shown = indicators[(indicators["source"] == chosen_source) & ~indicators["indicator"].str.contains("__")]
    st.dataframe(
        shown.drop(columns=["extra"], errors="ignore"),
        hide_index=True,
        width="stretch",
    )
    notes = shown[shown["methodology"].fillna("") != ""]
    if not notes.empty:
        st.markdown("**Methodology changes by edition**")
        for _, row in notes.iterrows():
            st.markdown(f"*{row['title']}*")
            st.text(row["methodology"])
    with st.expander("Breakdown series (life events, single years, …)"):
        st.dataframe(
            indicators[(indicators["source"] == chosen_source) & indicators["indicator"].str.contains("__")],
            hide_index=True,
            width="stretch",
        )

with tabs[4]:
    for src in metadata.sources().values():
        st.markdown(f"**{src.title}** — {src.publisher}")
        st.caption(
            f"Citation: {src.cite()}  \nLicence: {src.licence}  \nWhere to download: {src.download}  \n{src.url}"
        )

with tabs[5]:
    st.markdown("The whole tidy table of observations (the data model in the README).")
    left, right = st.columns(2)
    left.download_button(
        "Download CSV",
        lambda: export.to_csv_bytes(ui.data("observations")),
        "observations.csv",
        "text/csv",
        key="all-csv",
    )
    right.download_button(
        "Download Excel",
        lambda: export.to_excel_bytes(
            {
                "observations": ui.data("observations"),
                "indicators": ui.data("indicator_metadata"),
                "sources": ui.data("source_metadata"),
            }
        ),
        "observations.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="all-xlsx",
    )
