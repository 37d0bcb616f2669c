"""Entry point: page setup, navigation and the shared sidebar. Every page lives in pages/ and holds UI only.

Pages a user may not open are hidden from the navigation, and every page checks the role it needs itself
(``ui.page(role)``), so a deep link to a hidden page says "not permitted" and shows none of its data.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from rankings import ui

st.set_page_config(
    page_title=ui.t("app.title"),
    page_icon=str(Path(__file__).parent / "static" / "icons" / "favicon.svg"),  # served by the app, not a CDN
    layout="wide",
    initial_sidebar_state="expanded",
)

# (file, title, icon, url path, role needed). The first page is the home page. Titles are catalogue keys.
PAGES = [
    ("pages/overview.py", "nav.overview", ":material/dashboard:", "overview", "analyst"),
    ("pages/trends.py", "nav.trends", ":material/show_chart:", "trends", "analyst"),
    ("pages/compare.py", "nav.compare", ":material/bar_chart:", "compare", "analyst"),
    ("pages/profile.py", "nav.profile", ":material/flag:", "profile", "analyst"),
    ("pages/data.py", "nav.data", ":material/database:", "data", "analyst"),
    ("pages/survey.py", "nav.survey", ":material/fact_check:", "survey", "coordinator"),
]

try:
    user = ui.current_user()
except Exception:  # a broken access configuration: every page says so itself
    user = None
page = st.navigation(
    [
        st.Page(
            path,
            title=ui.t(title),
            icon=icon,
            url_path=url,
            default=(i == 0),
            visibility="visible" if user is not None and user.may(role) else "hidden",
        )
        for i, (path, title, icon, url, role) in enumerate(PAGES)
    ]
)
# The language selector is drawn after the navigation (a widget drawn before it loses its value when the page
# changes); the navigation's titles already follow the choice, which is in the session state before a rerun.
ui.language()
if user is not None and user.may("analyst"):
    ui.focus_country()
ui.user_box()
page.run()
