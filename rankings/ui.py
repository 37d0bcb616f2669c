"""Streamlit pieces shared by the pages: cached data access, the focus country, demo notice, charts with data.

Pages hold UI only and call these; the data come from :mod:`rankings.queries` through bounded caches that are
keyed on the store's manifest, so a new ingest is seen at once and nothing is recomputed on a plain rerun.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from rankings import access, export, queries
from rankings.db import manifest_stamp
from rankings.text import inert

DEFAULT_COUNTRY = "DNK"


def require_frame() -> None:
    """Make sure the page runs inside dashboard.py's navigation frame.

    ``pages/`` is also Streamlit's legacy multipage folder: on a freshly started server, the first visitor of a
    deep link (``/trends``) would get the bare page script with the legacy navigation, because the legacy mode
    stays on until some session has run ``st.navigation``. Switching it off and rerunning hands the request to
    dashboard.py, which resolves the same page, so the first visitor sees what every later one sees.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def auth_configured() -> bool:
    """True when the deployment configures an OpenID Connect provider (an [auth] section in the secrets)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own error types
        return False


def current_user() -> access.User | None:
    """The user of this session: the signed-in user, the local user when no provider is configured, or None."""
    if not auth_configured():
        return access.LOCAL_USER
    if not st.user.is_logged_in:
        return None
    return access.from_claims(st.user.to_dict())


def allowed(role: str) -> bool:
    user = current_user()
    return user is not None and user.may(role)


def page(role: str = "analyst") -> access.User:
    """The first call of every page: the navigation frame, then sign-in and the role the page needs.

    Stops the page (before any of its data is read) for a visitor who is not signed in or lacks the role.
    """
    require_frame()
    try:
        user = current_user()
    except access.AccessConfigError as exc:
        st.error(f"The access configuration is broken, so nobody is let in: {inert(exc)}")
        st.stop()
    if user is None:
        st.title("Sign in")
        st.info("This tool holds confidential survey drafts. Sign in with your organisation's account.")
        st.button("Sign in", type="primary", on_click=st.login, key="sign-in")
        st.stop()
    if not user.may(role):
        st.title("Not permitted")
        st.error(
            f"Your account ({inert(user.email or user.name)}) does not have the {role} role this page needs. "
            "Ask an administrator to add you to config/access.yaml."
        )
        st.stop()
    return user


def user_box() -> None:
    """Who is signed in, with which role, and the sign-out button; or the local-mode notice."""
    user = current_user()
    if user is None:
        return
    if user.local:
        st.sidebar.caption(
            ":material/person: **Local single-user mode**: no sign-in is configured, so this session has every role. "
            "See the README to configure sign-in."
        )
        return
    top = max(user.roles, key=access.ROLES.index) if user.roles else "no role"
    st.sidebar.caption(f":material/person: {inert(user.email or user.name)} · {top}")
    st.sidebar.button("Sign out", on_click=st.logout, key="sign-out")


def processed_dir() -> Path:
    return Path(os.environ.get("RANKINGS_PROCESSED", "data/processed")).resolve()


def raw_dir() -> Path:
    return Path(os.environ.get("RANKINGS_RAW", "data/raw")).resolve()


def _stamp() -> tuple[int, int]:
    return manifest_stamp(processed_dir())


# Results are shared, not copied: st.cache_data would pickle and unpickle every frame on every rerun (the
# largest cost of a rerun with nothing changed). A query's answer never changes for a given manifest stamp, and
# pages and the modules they call treat the frames as read-only (pandas' copy-on-write keeps derived frames apart).
@st.cache_resource(max_entries=64, show_spinner=False)
def _cached(name: str, stamp: tuple[int, int], processed: str, args: tuple[Any, ...]) -> Any:
    return getattr(queries, name)(*args, processed=processed)


def data(name: str, *args: Any) -> Any:
    """``queries.<name>(*args)`` on the app's store, cached until the store changes; read-only."""
    return _cached(name, _stamp(), str(processed_dir()), args)


@st.cache_resource(max_entries=256, show_spinner=False)
def _memo(key: str, stamp: tuple[int, int], processed: str, args: tuple[Any, ...], _fn: Callable[..., Any]) -> Any:
    return _fn(*args)


def memo(key: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)``, computed once per store version and ``args`` and shared by every rerun and session.

    For what a page derives from the data (cards, figures): ``key`` names the computation, ``args`` (hashable:
    strings, numbers, tuples) are its inputs besides the store. The result is shared, so treat it as read-only.
    """
    return _memo(key, _stamp(), str(processed_dir()), tuple(args), fn)


def forget_cached_data() -> None:
    """Drop cached query results and what pages derived from them (the manifest stamp would catch it too)."""
    _cached.clear()
    _memo.clear()


def coverage_matrix(coverage: pd.DataFrame) -> pd.DataFrame:
    """Ranking by edition: countries stored, '–' where the publisher released an edition that is not loaded."""
    from rankings import metadata

    released = {s.id: set(s.editions) for s in metadata.sources().values()}
    stored = coverage.pivot_table(index="source", columns="edition", values="countries", aggfunc="max")
    editions = sorted(set(stored.columns) | {e for s in stored.index for e in released.get(s, ())})
    out = pd.DataFrame(index=stored.index, columns=[str(e) for e in editions], dtype=object)
    for source in stored.index:
        for edition in editions:
            value = stored.loc[source].get(edition)
            if value is not None and not pd.isna(value):
                out.loc[source, str(edition)] = str(int(value))
            elif edition in released.get(source, ()):
                out.loc[source, str(edition)] = "–"
            else:
                out.loc[source, str(edition)] = ""
    return out


def demo_notice() -> None:
    """Say plainly that the figures are fictitious, on every page that shows demo data."""
    if data("shows_demo_data"):
        st.warning(
            "**Demo data.** The figures shown are fictitious values generated for demonstration, in the "
            "publishers' layouts. Put the official downloads in `data/raw/` and run "
            "`python -m rankings ingest` to see published figures.",
            icon=":material/science:",
        )


def empty_store_notice() -> bool:
    """Explain what to do when nothing is stored yet; True when the store is empty."""
    if data("coverage").empty:
        st.info(
            "No rankings are stored yet. Put published files in `data/raw/` (or run `python -m rankings demo` "
            "for demo data), then run `python -m rankings ingest`.",
            icon=":material/inbox:",
        )
        return True
    return False


def url_choice(
    label: str,
    options: list[str],
    *,
    key: str,
    default: str,
    format_func: Callable[[str], str] = str,
    container: Any = None,
    help: str | None = None,
) -> str:
    """A select box whose value lives in the URL as ``?key=value``, so a link reopens the same view.

    On a session's first run the URL decides; afterwards the widget does, and writes its value back.
    """
    container = container or st
    from_url = st.query_params.get(key)
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = from_url if from_url in options else (default if default in options else options[0])
    value = container.selectbox(label, options, key=key, format_func=format_func, help=help)
    if st.query_params.get(key) != value:
        st.query_params[key] = value
    return value


def url_choices(
    label: str,
    options: list[str],
    *,
    key: str,
    default: list[str],
    format_func: Callable[[str], str] = str,
    container: Any = None,
    help: str | None = None,
    max_selections: int | None = None,
) -> list[str]:
    """A multi-select whose values live in the URL as ``?key=a&key=b``."""
    container = container or st
    from_url = [v for v in st.query_params.get_all(key) if v in options]
    if key not in st.session_state:
        st.session_state[key] = from_url or [d for d in default if d in options]
    else:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    values = container.multiselect(
        label, options, key=key, format_func=format_func, help=help, max_selections=max_selections
    )
    if st.query_params.get_all(key) != values:
        st.query_params[key] = values
    return values


def focus_country() -> tuple[str, str]:
    """The focus country selector (in the sidebar, in the URL as ``?country=DNK``), drawn by dashboard.py."""
    options = data("countries")
    names = dict(zip(options["iso3"], options["entity"], strict=True))
    if not names:
        return DEFAULT_COUNTRY, "Denmark"
    iso3 = url_choice(
        "Focus country",
        list(names),
        key="country",
        default=DEFAULT_COUNTRY,
        format_func=lambda c: names.get(c, c),
        container=st.sidebar,
        help="Highlighted on every chart. The choice is part of the page's link.",
    )
    st.session_state["_focus"] = (iso3, names[iso3])
    return iso3, names[iso3]


def focus() -> tuple[str, str]:
    """The focus country chosen in the sidebar for this run (ISO3, name)."""
    return st.session_state.get("_focus", (DEFAULT_COUNTRY, "Denmark"))


def chart_with_data(fig: go.Figure, frame: pd.DataFrame, name: str, *, key: str, topojson: bool = False) -> None:
    """A chart, its data as a table on request, and downloads of exactly that data (CSV, Excel).

    The chart's camera button saves it as a PNG image. Maps (``topojson``) load their outlines from the app.
    """
    config: dict[str, Any] = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
    }
    if topojson:
        from rankings.charts import TOPOJSON_URL

        config["topojsonURL"] = TOPOJSON_URL
    st.plotly_chart(fig, width="stretch", key=f"chart-{key}", config=config)
    with st.expander("Show data", expanded=False):
        st.dataframe(frame, hide_index=True, width="stretch")
        left, right = st.columns(2)
        left.download_button(
            "Download CSV", lambda: export.to_csv_bytes(frame), f"{name}.csv", "text/csv", key=f"csv-{key}"
        )
        right.download_button(
            "Download Excel",
            lambda: export.to_excel_bytes({"data": frame}),
            f"{name}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"xlsx-{key}",
        )
