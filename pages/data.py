"""Data: what is stored, from which file, and how complete it is."""

from __future__ import annotations

import streamlit as st

from rankings import ui

ui.require_frame()

st.title("Stored data")
ui.demo_notice()

files = ui.data("stored_files")
if files.empty:
    ui.empty_store_notice()
    st.stop()

st.subheader("Files")
st.dataframe(
    files,
    hide_index=True,
    width="stretch",
    column_config={
        "sha256": st.column_config.TextColumn("sha256", width="small"),
        "is_demo": st.column_config.CheckboxColumn("demo"),
    },
)

st.subheader("Coverage")
coverage = ui.data("coverage")
matrix = coverage.pivot_table(index="source", columns="edition", values="rows", aggfunc="sum").fillna(0).astype(int)
st.caption("Observations stored per source and edition (0 = edition not loaded).")
st.dataframe(matrix, width="stretch")
