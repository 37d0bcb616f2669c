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

from rankings import access, export, i18n, queries
from rankings.db import manifest_stamp
from rankings.text import inert

DEFAULT_COUNTRY = "DNK"
# Each language is named in itself, so a reader finds their own in either interface.
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}


def configured_language() -> str:
    """The configured default language; English (and a notice in the sidebar) when the setting is broken."""
    try:
        return i18n.default_language()
    except i18n.LanguageError as exc:
        st.sidebar.error(inert(exc))
        return i18n.FALLBACK_LANGUAGE


def language() -> str:
    """The language selector (in the sidebar, in the URL as ``?lang=da``), drawn by dashboard.py first."""
    default = configured_language()
    chosen = url_choice(
        "Sprog · Language",
        list(i18n.LANGUAGES),
        key="lang",
        default=default,
        format_func=lambda code: LANGUAGE_NAMES.get(code, code),
        container=st.sidebar,
        help=t("language.help"),
    )
    if st.session_state.get("_lang_shown", chosen) != chosen:
        forget_choices()
    st.session_state["_lang_shown"] = chosen
    return chosen


def forget_choices() -> None:
    """Drop the choices of every keyed widget but the language, once, when the language changes.

    Streamlit returns a select box's value as its label, and the labels are in the old language: read in the new
    one they would be no option at all. The choices bound to the URL come back from it; the others start afresh.
    """
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key != "lang" and not key.startswith("_"):
            del st.session_state[key]


def lang() -> str:
    """The interface's language for this run: the sidebar's choice, else the URL's, else the configured one."""
    chosen = st.session_state.get("lang")
    if chosen in i18n.LANGUAGES:
        return str(chosen)
    from_url = st.query_params.get("lang")
    return from_url if from_url in i18n.LANGUAGES else configured_language()


def t(key: str, /, **params: object) -> str:
    """The message ``key`` in this run's language (see :func:`rankings.i18n.t`)."""
    return i18n.t(key, lang(), **params)


def country_name(iso3: str, entity: str) -> str:
    """A country's name in this run's language (the stored name for what is not a country)."""
    from rankings.overview import entity_name

    return entity_name(iso3, entity, lang())


def localise_entities(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its ``entity`` column in this run's language (rows with an ``iso3`` code)."""
    if lang() == "en" or "entity" not in frame.columns or "iso3" not in frame.columns or frame.empty:
        return frame
    from rankings.overview import entity_name

    code = lang()
    out = frame.copy()
    out["entity"] = [entity_name(i, e, code) for i, e in zip(out["iso3"], out["entity"], strict=True)]
    return out


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
        st.error(t("access.broken", error=inert(exc)))
        st.stop()
    if user is None:
        st.title(t("access.sign_in"))
        st.info(t("access.sign_in.why"))
        st.button(t("access.sign_in"), type="primary", on_click=st.login, key="sign-in")
        st.stop()
    if not user.may(role):
        st.title(t("access.not_permitted"))
        st.error(t("access.not_permitted.why", account=inert(user.email or user.name), role=t(f"role.{role}")))
        st.stop()
    return user


def user_box() -> None:
    """Who is signed in, with which role, and the sign-out button; or the local-mode notice."""
    user = current_user()
    if user is None:
        return
    if user.local:
        st.sidebar.caption(":material/person: " + t("access.local_mode"))
        return
    top = t(f"role.{max(user.roles, key=access.ROLES.index)}") if user.roles else t("role.none")
    st.sidebar.caption(f":material/person: {inert(user.email or user.name)} · {top}")
    st.sidebar.button(t("access.sign_out"), on_click=st.logout, key="sign-out")


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
    """``queries.<name>(*args)`` on the app's store, cached until the store changes; read-only.

    A store that cannot be read (a manifest or a part damaged on disk) stops the page with one message naming the
    folder and the problem: nothing is shown rather than a partial result."""
    import duckdb

    from rankings.errors import StoreError

    try:
        return _cached(name, _stamp(), str(processed_dir()), args)
    except (StoreError, duckdb.Error) as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        st.error(inert(t("store.unreadable", folder=str(processed_dir()), problem=problem)), icon=":material/error:")
        st.stop()


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
        st.warning(t("notice.demo"), icon=":material/science:")


def empty_store_notice() -> bool:
    """Explain what to do when nothing is stored yet; True when the store is empty."""
    if data("coverage").empty:
        st.info(t("notice.empty_store"), icon=":material/inbox:")
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
    placeholder: str | None = None,
) -> list[str]:
    """A multi-select whose values live in the URL as ``?key=a&key=b``."""
    container = container or st
    from_url = [v for v in st.query_params.get_all(key) if v in options]
    if key not in st.session_state:
        st.session_state[key] = from_url or [d for d in default if d in options]
    else:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    values = container.multiselect(
        label,
        options,
        key=key,
        format_func=format_func,
        help=help,
        max_selections=max_selections,
        placeholder=placeholder or t("field.choose"),
    )
    if st.query_params.get_all(key) != values:
        st.query_params[key] = values
    return values


def focus_country() -> tuple[str, str]:
    """The focus country selector (in the sidebar, in the URL as ``?country=DNK``), drawn by dashboard.py."""
    options = data("countries")
    names = {iso3: country_name(iso3, entity) for iso3, entity in zip(options["iso3"], options["entity"], strict=True)}
    if not names:
        return DEFAULT_COUNTRY, country_name(DEFAULT_COUNTRY, "Denmark")
    iso3 = url_choice(
        t("focus.label"),
        sorted(names, key=lambda c: i18n.sort_key(names[c], lang())),
        key="country",
        default=DEFAULT_COUNTRY,
        format_func=lambda c: names.get(c, c),
        container=st.sidebar,
        help=t("focus.help"),
    )
    st.session_state["_focus"] = (iso3, names[iso3])
    return iso3, names[iso3]


def focus() -> tuple[str, str]:
    """The focus country chosen in the sidebar for this run (ISO3, name)."""
    return st.session_state.get("_focus", (DEFAULT_COUNTRY, country_name(DEFAULT_COUNTRY, "Denmark")))


def headers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the column names the catalogue knows (``column.<name>``) in this run's language."""
    code = lang()
    names: dict[object, str] = {}
    for c in frame.columns:
        name = i18n.column(str(c), code)
        names[c] = name if name not in names.values() else str(c)  # never two columns of one name
    return frame.rename(columns=names)


def table(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as the interface shows it: country names, column names and decimal numbers in the language.

    For display only: downloads keep the numbers as numbers (:func:`downloads`).
    """
    out = localise_entities(frame)
    code = lang()
    if code != "en":
        out = out.copy()
        for column in out.columns:
            if pd.api.types.is_float_dtype(out[column]):
                out[column] = [i18n.plain(v, code) for v in out[column]]
        if "value_status" in out.columns:
            out["value_status"] = [
                i18n.t(f"status.{v}", code) if f"status.{v}" in i18n.catalogue() else v for v in out["value_status"]
            ]
    return headers(out)


Sheet = pd.DataFrame | Callable[[], pd.DataFrame]


def downloads(sheets: dict[str, Sheet], name: str, *, key: str, container: Any = None, rows: int | None = None) -> None:
    """Download buttons for ``sheets`` (the first sheet is the CSV's): a machine-readable CSV (comma, dot
    decimals, the data's own column names), an Excel workbook (numbers as numbers, the language's headers) and,
    in Danish, a CSV that Danish Excel opens as written (semicolons, decimal commas).

    A sheet may be a function returning the frame: it is then read only when a button is clicked, so a page
    offering the whole store does not hold it in memory. ``rows`` is the largest sheet's length when not every
    sheet is at hand; a workbook that would exceed Excel's row limit is not offered (the CSV is).
    """
    container = container or st
    code = lang()

    def frame(sheet: Sheet) -> pd.DataFrame:
        return sheet() if callable(sheet) else sheet

    def first() -> pd.DataFrame:
        return frame(next(iter(sheets.values())))

    def shown() -> dict[str, pd.DataFrame]:  # on the click only: the whole store can be large
        return {sheet: headers(localise_entities(frame(df))) for sheet, df in sheets.items()}

    if rows is None:
        rows = max((len(df) for df in sheets.values() if isinstance(df, pd.DataFrame)), default=0)
    fits = rows <= export.EXCEL_MAX_ROWS
    limit = export.EXCEL_MAX_ROWS
    too_large = t("download.excel.too_large", rows=i18n.integer(rows, code), limit=i18n.integer(limit, code))
    columns = container.columns(3 if code == "da" else 2)
    columns[0].download_button(
        t("download.csv"),
        lambda: export.to_csv_bytes(first()),
        f"{name}.csv",
        "text/csv",
        key=f"csv-{key}",
        help=t("download.csv.help"),
    )
    columns[1].download_button(
        t("download.excel"),
        lambda: export.to_excel_bytes(shown()),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx-{key}",
        disabled=not fits,
        help=None if fits else too_large,
    )
    if code == "da":
        columns[2].download_button(
            t("download.csv_excel"),
            lambda: export.to_spreadsheet_csv_bytes(next(iter(shown().values())), code),
            f"{name}-excel.csv",
            "text/csv",
            key=f"csv-da-{key}",
            help=t("download.csv_excel.help"),
        )


def later(name: str, *args: Any) -> Callable[[], pd.DataFrame]:
    """``queries.<name>(*args)`` on the app's store when called, not cached: for downloads of the whole store,
    read on the click and let go after it."""
    processed = processed_dir()
    return lambda: getattr(queries, name)(*args, processed=processed)


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
    with st.expander(t("chart.show_data"), expanded=False):
        st.dataframe(table(frame), hide_index=True, width="stretch")
        downloads({"data": frame}, name, key=key)


def briefing_downloads(focus: str, counterpart: str, *, key: str, container: Any = None) -> None:
    """The buttons "Download briefing (PDF)" and "(PowerPoint)": ``focus`` beside ``counterpart``, in this language.

    The bytes are made on the click only (Streamlit calls the function then), so a rerun costs nothing."""
    from rankings import briefing

    container = container or st
    code, processed = lang(), processed_dir()
    names = {"focus": i18n.country(focus, code), "counterpart": i18n.country(counterpart, code)}
    left, right = container.columns(2)
    for column, fmt, label in ((left, "pdf", "briefing.download.pdf"), (right, "pptx", "briefing.download.pptx")):
        column.download_button(
            t(label),
            lambda fmt=fmt: briefing.build(processed, counterpart, focus, code, fmt),
            briefing.file_name(focus, counterpart, code, fmt),
            briefing.MEDIA_TYPES[fmt],
            key=f"briefing-{fmt}-{key}",
            help=t("briefing.download.help", **names),
            on_click="ignore",
            icon=":material/download:",
        )
