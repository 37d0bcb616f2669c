"""Entry point: page setup, navigation and the shared sidebar. Every page lives in pages/ and holds UI only."""

from __future__ import annotations

import streamlit as st

from rankings import ui

st.set_page_config(
    page_title="Digital-government rankings",
    page_icon=":material/leaderboard:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page("pages/trends.py", title="Trends", icon=":material/show_chart:", url_path="trends"),
    st.Page("pages/compare.py", title="Compare", icon=":material/bar_chart:", url_path="compare"),
    st.Page("pages/profile.py", title="Country profile", icon=":material/flag:", url_path="profile"),
    st.Page("pages/data.py", title="Data", icon=":material/database:", url_path="data"),
    st.Page("pages/survey.py", title="Survey check", icon=":material/fact_check:", url_path="survey"),
]

page = st.navigation(PAGES)
ui.focus_country()
page.run()
