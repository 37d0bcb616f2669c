"""The questions pages ask of the store, as plain functions returning DataFrames (SQL on the DuckDB views).

Questions without arguments summarise the whole store, and every page asks some of them on every visit: their
answers are derived tables (see :func:`rankings.db.query`), computed once per store version, and the function
reads the small table. Questions with arguments filter the views, which DuckDB pushes down to the Parquet parts
(lists of values as ``IN`` lists, see :func:`_in`), and select the rows and columns their page reads.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rankings import db
from rankings.db import DEFAULT_PROCESSED


def stored_files(processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """The manifest: every raw file the store knows, with its status."""
    return db.query(
        """
        SELECT path, source, layout, editions, reference_periods, rows, status, message, is_demo,
               ingested_at, stored_at, sha256, size
        FROM manifest ORDER BY path
        """,
        processed=processed,
    )


def shows_demo_data(processed: Path | str = DEFAULT_PROCESSED) -> bool:
    """True when any stored observation comes from a demo file."""
    df = db.query("SELECT count(*) AS n FROM manifest WHERE is_demo AND rows > 0 AND parts > 0", processed=processed)
    return bool(df["n"].iloc[0])


COVERAGE = """
    SELECT source, edition,
           string_agg(DISTINCT reference_period, ', ' ORDER BY reference_period) AS reference_periods,
           count(DISTINCT indicator) AS indicators,
           count(DISTINCT iso3) AS countries,
           count(*) AS rows
    FROM observations GROUP BY source, edition
"""


def coverage(processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """Source by edition: reference periods, indicators, countries and rows stored."""
    return db.query(
        "SELECT * FROM coverage_summary ORDER BY source, edition",
        processed=processed,
        tables={"coverage_summary": COVERAGE},
    )


COUNTRIES = "SELECT iso3, any_value(entity) AS entity FROM observations WHERE NOT is_aggregate GROUP BY iso3"


def countries(processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """Every country with at least one stored observation (iso3, entity), by name."""
    return db.query(
        "SELECT * FROM countries_summary ORDER BY entity",
        processed=processed,
        tables={"countries_summary": COUNTRIES},
    )


def headline_series(focus: str | None = None, processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """The headline indicator of every stored source, for every country and edition, with the number assessed.

    One row per source, edition, country: value, rank, rank_official, value_status, decimals, reference_period
    and ``assessed``: the countries ranked in that edition (the "N" of "rank of N"; an OECD index ranks its
    members only, so partner countries with a value are not counted).

    With ``focus`` (an ISO3 code), only what a country's cards read (:func:`rankings.overview.build_cards`): the
    focus country's rows, and every country's rows of each source's latest edition (leader, neighbours, ties).
    """
    if focus is None:
        return db.query(
            "SELECT * FROM headline_series_summary ORDER BY source, edition, rank NULLS LAST, entity",
            processed=processed,
            tables={"headline_series_summary": HEADLINE_SERIES},
            arrow=True,  # tens of thousands of rows at scale (see db.query)
        )
    return db.query(
        """
        SELECT * EXCLUDE (latest) FROM headline_cards_summary WHERE iso3 = $focus OR latest
        ORDER BY source, edition, rank NULLS LAST, entity
        """,
        {"focus": focus},
        processed=processed,
        tables={"headline_series_summary": HEADLINE_SERIES, "headline_cards_summary": HEADLINE_CARDS},
    )


# The headline series with a flag on the rows of each source's latest edition (what every country's card reads).
HEADLINE_CARDS = """
    SELECT *, edition = max(edition) OVER (PARTITION BY source) AS latest FROM headline_series_summary
"""


# The sources table holds each source's headline indicator (from the reviewed metadata).
HEADLINE_SERIES = """
    SELECT h.source, h.edition, h.reference_period, h.iso3, h.entity, h.indicator, h.value, h.value_status,
           h.decimals, h.rank, h.rank_official,
           count(h.rank) OVER (PARTITION BY h.source, h.edition) AS assessed,
           h.revised_at, h.was_value, h.was_value_status, h.was_decimals
    FROM headline h JOIN sources s ON s.source = h.source AND s.headline_indicator = h.indicator
    WHERE NOT h.is_aggregate
"""

# The editions come from headline_periods (one row per source, edition and indicator stored); the countries are
# counted over the distinct (source, indicator, country) first, which needs half the memory of a DISTINCT
# aggregate grouped by every output column (a few hundred MB at 100 times today's store) and half the time.
CATALOGUE = """
    WITH editions AS (
             SELECT source, indicator, list(edition ORDER BY edition) AS editions FROM headline_periods GROUP BY ALL
         ),
         countries AS (
             SELECT source, indicator, count(iso3) AS countries
             FROM (SELECT DISTINCT source, indicator, iso3 FROM headline) GROUP BY ALL
         )
    SELECT c.source, c.indicator, coalesce(i.title, c.indicator) AS title, coalesce(i.short, c.indicator) AS short,
           i.parent, coalesce(i.composite, false) AS composite, coalesce(i.higher_is_better, true)
             AS higher_is_better,
           e.editions, c.countries
    FROM countries c JOIN editions e USING (source, indicator) LEFT JOIN indicators i USING (source, indicator)
"""


def catalogue(processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """What can be charted: per source and indicator, the stored editions (headline periods) and titles."""
    return db.query(
        "SELECT * FROM catalogue_summary ORDER BY source, composite DESC, indicator",
        processed=processed,
        tables={"catalogue_summary": CATALOGUE},
    )


def _in(column: str, name: str, values: tuple[object, ...], params: dict[str, object]) -> str:
    """``column IN ($name0, $name1, ...)`` with the values added to ``params``: a filter DuckDB pushes down to the
    Parquet scan (``list_contains`` on a list parameter it applies only after reading every row of the parts)."""
    keys = [f"{name}{i}" for i in range(len(values))]
    params.update(zip(keys, values, strict=True))
    return f"{column} IN ({', '.join('$' + k for k in keys)})" if keys else "false"


def trend(
    source: str, indicators: tuple[str, ...], iso3s: tuple[str, ...], processed: Path | str = DEFAULT_PROCESSED
) -> pd.DataFrame:
    """Headline values and ranks of some countries for some indicators of one source, over editions."""
    params: dict[str, object] = {"source": source}
    wanted = f"{_in('h.indicator', 'i', tuple(indicators), params)} AND {_in('h.iso3', 'c', tuple(iso3s), params)}"
    return db.query(
        f"""
        SELECT h.source, h.edition, h.reference_period, h.iso3, h.entity, h.indicator,
               coalesce(i.title, h.indicator) AS indicator_title, h.value, h.value_status, h.decimals,
               h.rank, h.rank_official, a.assessed, h.revised_at, h.was_value, h.was_value_status, h.was_decimals
        FROM headline h
        LEFT JOIN indicators i USING (source, indicator)
        LEFT JOIN assessed_summary a USING (source, edition, indicator)
        WHERE h.source = $source AND {wanted}
        ORDER BY h.indicator, h.iso3, h.edition
        """,
        params,
        processed=processed,
        tables={"assessed_summary": ASSESSED},
    )


# Countries ranked per source, edition and indicator (headline periods): the "N" of "rank of N".
ASSESSED = """
    SELECT source, edition, indicator, count(rank) AS assessed
    FROM headline WHERE NOT is_aggregate GROUP BY ALL
"""


def periods_within_edition(source: str, edition: int, processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """Every reference period an edition carries (e.g. DESI recalculates earlier years), for all its rows."""
    return db.query(
        """
        SELECT o.*, coalesce(i.title, o.indicator) AS indicator_title
        FROM observations o LEFT JOIN indicators i USING (source, indicator)
        WHERE o.source = ? AND o.edition = ? ORDER BY o.indicator, o.iso3, o.reference_period
        """,
        [source, edition],
        processed=processed,
        arrow=True,
    )


def edition(
    source: str,
    edition_: int,
    processed: Path | str = DEFAULT_PROCESSED,
    *,
    indicators: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """One edition of one source: every country and aggregate, every indicator (headline periods); only
    ``indicators`` when given."""
    params: dict[str, object] = {"source": source, "edition": edition_}
    wanted = "" if indicators is None else "AND " + _in("h.indicator", "i", tuple(indicators), params)
    return db.query(
        f"""
        SELECT h.*, coalesce(i.title, h.indicator) AS indicator_title, coalesce(i.short, h.indicator) AS short,
               i.parent, coalesce(i.composite, false) AS composite
        FROM headline h LEFT JOIN indicators i USING (source, indicator)
        WHERE h.source = $source AND h.edition = $edition {wanted}
        ORDER BY h.indicator, h.rank NULLS LAST, h.entity
        """,
        params,
        processed=processed,
        arrow=True,
    )


def editions(
    source: str,
    editions_: tuple[int, ...],
    processed: Path | str = DEFAULT_PROCESSED,
    *,
    indicators: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """:func:`edition` for several editions in one scan of the store, ordered by edition first."""
    params: dict[str, object] = {"source": source}
    wanted = _in("h.edition", "e", tuple(int(e) for e in editions_), params)
    if indicators is not None:
        wanted += " AND " + _in("h.indicator", "i", tuple(indicators), params)
    return db.query(
        f"""
        SELECT h.*, coalesce(i.title, h.indicator) AS indicator_title, coalesce(i.short, h.indicator) AS short,
               i.parent, coalesce(i.composite, false) AS composite
        FROM headline h LEFT JOIN indicators i USING (source, indicator)
        WHERE h.source = $source AND {wanted}
        ORDER BY h.edition, h.indicator, h.rank NULLS LAST, h.entity
        """,
        params,
        processed=processed,
        arrow=True,
    )


def rank_change_rows(
    source: str,
    indicator: str,
    parts: tuple[str, ...],
    iso3: str,
    editions_: tuple[int, ...],
    processed: Path | str = DEFAULT_PROCESSED,
) -> pd.DataFrame:
    """What a rank change's explanation reads (:func:`rankings.explain.between`), in some editions: every row of
    ``indicator`` and the ``iso3`` country's rows of the sub-indices ``parts``; the columns it reads, ordered as
    :func:`editions`."""
    params: dict[str, object] = {"source": source, "indicator": indicator, "iso3": iso3}
    wanted = _in("h.edition", "e", tuple(int(e) for e in editions_), params)
    subs = _in("h.indicator", "p", tuple(parts), params)
    return db.query(
        f"""
        SELECT h.source, h.edition, h.indicator, h.iso3, h.entity, h.is_aggregate, h.value, h.value_status, h.rank,
               coalesce(i.title, h.indicator) AS indicator_title
        FROM headline h LEFT JOIN indicators i USING (source, indicator)
        WHERE h.source = $source AND {wanted} AND (h.indicator = $indicator OR (h.iso3 = $iso3 AND {subs}))
        ORDER BY h.edition, h.indicator, h.rank NULLS LAST, h.entity
        """,
        params,
        processed=processed,
    )


def observations(processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """The whole tidy table (for download)."""
    return db.query(
        "SELECT * FROM observations ORDER BY source, edition, indicator, entity", processed=processed, arrow=True
    )


def observation_count(processed: Path | str = DEFAULT_PROCESSED) -> int:
    """How many observations the store holds (the whole table's length, without reading it)."""
    return int(db.query("SELECT count(*) AS n FROM observations", processed=processed)["n"].iloc[0])


def indicator_metadata(processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    return db.query("SELECT * FROM indicators ORDER BY source, indicator", processed=processed)


def source_metadata(processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    return db.query("SELECT * FROM sources ORDER BY source", processed=processed)


def country_observations(iso3: str, processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """Everything stored for one country, with the indicator titles."""
    return db.query(
        """
        SELECT o.source, o.edition, o.reference_period, o.indicator, i.title AS indicator_title, o.value,
               o.value_status, o.decimals, o.rank, o.rank_official, o.source_file,
               o.revised_at, o.was_value, o.was_value_status, o.was_decimals
        FROM marked o LEFT JOIN indicators i USING (source, indicator)
        WHERE o.iso3 = ? ORDER BY o.source, o.indicator, o.edition
        """,
        [iso3],
        processed=processed,
        arrow=True,
    )


def revisions(
    source: str | None = None,
    edition: int | None = None,
    iso3: str | None = None,
    processed: Path | str = DEFAULT_PROCESSED,
) -> pd.DataFrame:
    """The revision log (:mod:`rankings.revisions`), newest first; only one source, edition or country when given."""
    where, params = [], {}
    for column, value in (("source", source), ("edition", edition), ("iso3", iso3)):
        if value is not None:
            where.append(f"{column} = ${column}")
            params[column] = value
    return db.query(
        f"""
        SELECT * FROM revisions {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY generation DESC, source, edition, entity, indicator, reference_period
        """,
        params,
        processed=processed,
    )
