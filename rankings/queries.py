"""The questions pages ask of the store, as plain functions returning DataFrames (SQL on the DuckDB views)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rankings import db, metadata
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


def coverage(processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """Source by edition: reference periods, indicators, countries and rows stored."""
    return db.query(
        """
        SELECT source, edition,
               string_agg(DISTINCT reference_period, ', ' ORDER BY reference_period) AS reference_periods,
               count(DISTINCT indicator) AS indicators,
               count(DISTINCT iso3) AS countries,
               count(*) AS rows
        FROM observations GROUP BY source, edition ORDER BY source, edition
        """,
        processed=processed,
    )


def countries(processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """Every country with at least one stored observation (iso3, entity), by name."""
    return db.query(
        """
        SELECT iso3, any_value(entity) AS entity FROM observations
        WHERE NOT is_aggregate GROUP BY iso3 ORDER BY entity
        """,
        processed=processed,
    )


def headline_series(processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """The headline indicator of every stored source, for every country and edition, with the number assessed.

    One row per source, edition, country: value, rank, rank_official, value_status, decimals, reference_period
    and ``assessed`` (countries with a published value in that edition). Where an edition carries several
    reference periods for the headline indicator, the source's ``headline_reference_period`` rule picks one.
    """
    heads = pd.DataFrame(
        [
            {"source": s.id, "indicator": s.headline_indicator, "ref_rule": s.headline_reference_period}
            for s in metadata.sources().values()
        ]
    )
    cur = db.query(
        """
        WITH h AS (SELECT * FROM heads),
        base AS (
          SELECT o.source, o.edition, o.reference_period, o.iso3, o.entity, o.indicator, o.value, o.value_status,
                 o.decimals, o.rank, o.rank_official, h.ref_rule
          FROM observations o JOIN h ON o.source = h.source AND o.indicator = h.indicator
          WHERE NOT o.is_aggregate
        ),
        periods AS (
          SELECT source, edition,
                 CASE WHEN any_value(ref_rule) = 'widest'
                      THEN arg_max(reference_period, length(reference_period))
                      ELSE max(reference_period) END AS reference_period
          FROM base GROUP BY source, edition
        )
        SELECT b.*, count(*) FILTER (WHERE b.value_status = 'published')
                      OVER (PARTITION BY b.source, b.edition) AS assessed
        FROM base b JOIN periods p USING (source, edition, reference_period)
        ORDER BY b.source, b.edition, b.rank NULLS LAST, b.entity
        """,
        processed=processed,
        register={"heads": heads},
    )
    return cur.drop(columns=["ref_rule"])


def country_observations(iso3: str, processed: Path | str = DEFAULT_PROCESSED) -> pd.DataFrame:
    """Everything stored for one country, with the indicator titles."""
    return db.query(
        """
        SELECT o.source, o.edition, o.reference_period, o.indicator, i.title AS indicator_title, o.value,
               o.value_status, o.decimals, o.rank, o.rank_official, o.source_file
        FROM observations o LEFT JOIN indicators i USING (source, indicator)
        WHERE o.iso3 = ? ORDER BY o.source, o.indicator, o.edition
        """,
        [iso3],
        processed=processed,
    )
