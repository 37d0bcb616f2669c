"""Demo files in the EU eGovernment Benchmark layouts: the 2021 and 2023 report workbooks and the 2023
machine-readable file, with fictitious values.

One fictitious set of life-event scores per country, measurement year and indicator (from the shared demo
maturity, so Denmark sits near the top as in the UN demo) is aggregated the Commission's way: sub-indicators to
key dimensions to the overall score, life events to the year's average, two years to the biennial average. The
report workbooks carry the publisher's quirks: empty column A, a title, a sparse group-header row above the real
header, header cells with line breaks and reversed years, ``.`` and ``. `` for missing values, the EU codes
``EL`` and ``UK``, the aggregate rows ``AVERAGE_EU27`` and ``EU27+``, the renamed indicator ``3.3 Authentic
sources`` / ``3.3 Pre-filled forms`` and the old ``2.x`` transparency indicator, and a ``7. DESI`` sheet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from rankings.demo.maturity import SEED, maturity_by_iso3

EU27 = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
]  # fmt: skip
OTHERS = ["AL", "CH", "IS", "ME", "MK", "NO", "RS", "TR"]
ISO3 = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK", "EE": "EST",
    "EL": "GRC", "ES": "ESP", "FI": "FIN", "FR": "FRA", "HR": "HRV", "HU": "HUN", "IE": "IRL", "IT": "ITA",
    "LT": "LTU", "LU": "LUX", "LV": "LVA", "MT": "MLT", "NL": "NLD", "PL": "POL", "PT": "PRT", "RO": "ROU",
    "SE": "SWE", "SI": "SVN", "SK": "SVK", "AL": "ALB", "CH": "CHE", "IS": "ISL", "ME": "MNE", "MK": "MKD",
    "NO": "NOR", "RS": "SRB", "TR": "TUR", "UK": "GBR",
}  # fmt: skip
LATE_JOINERS = {"AL": 2018, "ME": 2018, "MK": 2018}  # not assessed before (as in the real files)
FIRST_YEAR = 2016


@dataclass(frozen=True)
class Indicator:
    key: str
    labels: tuple[str, str]  # (2021 report, 2023 report)
    dimension: str | None  # None for the overall score and the dimensions themselves
    mrf_code: str | None
    offset: float = 0.0  # typical distance from the country's level, for plausible profiles
    first: int = FIRST_YEAR
    last: int = 2100


SUBS = [
    Indicator("oa", ("1.1 Online availability",) * 2, "uc", "e_gov_1a_uc_oa", 0.05),
    Indicator("mf", ("1.2 Mobile friendliness",) * 2, "uc", "e_gov_1b_uc_mf", 0.08),
    Indicator("us", ("1.3 User support",) * 2, "uc", "e_gov_1c_uc_us", 0.04),
    Indicator("sd", ("2.1 Transparency of service delivery",) * 2, "tr", "e_gov_2a_tr_sd", -0.12),
    Indicator("pd", ("2.2 Transparency of personal data",) * 2, "tr", "e_gov_2b_tr_pd", -0.05),
    Indicator("de", ("2.3 Transparency of service design",) * 2, "tr", "e_gov_2c_tr_de", -0.15, first=2020),
    Indicator("po", ("2.x Transparency of public organisations (old indicator)", ""), "tr", None, -0.02, last=2019),
    Indicator("eid", ("3.1 eID",) * 2, "ke", "e_gov_3a_ke_eid", -0.06),
    Indicator("edoc", ("3.2 eDocuments",) * 2, "ke", "e_gov_3b_ke_edoc", -0.02),
    Indicator("as", ("3.3 Authentic sources", "3.3 Pre-filled forms"), "ke", "e_gov_3c_ke_as", -0.1),
    Indicator("dp", ("3.4 Digital Post",) * 2, "ke", "e_gov_3d_ke_dp", -0.04),
    Indicator("cboa", ("4.1 Cross-border online availability",) * 2, "cb", "e_gov_4a_cb_oa", -0.15),
    Indicator("cbus", ("4.2 Cross-border user support",) * 2, "cb", "e_gov_4b_cb_us", -0.08),
    Indicator("cbeid", ("4.3 Cross-border eID",) * 2, "cb", "e_gov_4c_cb_eid", -0.4),
    Indicator("cbedoc", ("4.4 Cross-border eDocuments",) * 2, "cb", "e_gov_4d_cb_edoc", -0.25),
]
DIMENSIONS = {
    "uc": Indicator("uc", ("1. User centricity",) * 2, None, "e_gov_1_uc"),
    "tr": Indicator("tr", ("2. Transparency",) * 2, None, "e_gov_2_tr"),
    "ke": Indicator("ke", ("3. Key Enablers",) * 2, None, "e_gov_3_ke"),
    "cb": Indicator("cb", ("4. Cross-border services",) * 2, None, "e_gov_4_cb"),
}
OVERALL = Indicator("overall", ("0. OVERALL SCORE",) * 2, None, "e_gov_0_score")


def row_order() -> list[Indicator]:
    out = [OVERALL]
    for dim, ind in DIMENSIONS.items():
        out += [ind, *(s for s in SUBS if s.dimension == dim)]
    return out


@dataclass(frozen=True)
class LifeEvent:
    label: str  # as the report of that year printed it
    business: bool
    mrf: str  # the machine-readable file's code


def life_events(year: int) -> list[LifeEvent]:
    if year % 2 == 0:
        career = "Career" if year >= 2020 else "Losing and Finding a Job"
        return [
            LifeEvent("Business Start-up", True, "e_gov_EVENTS_5"),
            LifeEvent("Family", False, "e_gov_EVENTS_6"),
            LifeEvent(career, False, "e_gov_EVENTS_7"),
            LifeEvent("Studying", False, "e_gov_EVENTS_8"),
        ]
    if year >= 2021:
        return [
            LifeEvent("Regular business operations", True, "e_gov_EVENTS_1"),
            LifeEvent("Transport", False, "e_gov_EVENTS_3"),
            LifeEvent("Justice", False, "e_gov_EVENTS_4"),
            LifeEvent("Moving", False, "e_gov_EVENTS_2"),
            LifeEvent("Health", False, "e_gov_EVENTS_9"),
        ]
    return [
        LifeEvent("Regular business operations", True, "e_gov_EVENTS_1"),
        LifeEvent("Moving", False, "e_gov_EVENTS_2"),
        LifeEvent("Owning and driving a car", False, "e_gov_EVENTS_3"),
        LifeEvent("Starting a small claims procedure", False, "e_gov_EVENTS_4"),
    ]


Scores = dict[tuple[str, int, str, str], float | None]  # (country, year, life event, indicator key) -> score


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


@cache
def life_event_scores() -> Scores:
    """The fictitious mystery-shopping result of every country, year, life event and sub-indicator."""
    rng = np.random.default_rng(SEED + 11)
    maturity = maturity_by_iso3()
    scores: Scores = {}
    for country in [*EU27, *OTHERS, "UK"]:
        level = maturity.get(ISO3[country], 0.6)
        for year in range(FIRST_YEAR, 2023):
            growth = 0.025 * (year - FIRST_YEAR) * (1.1 - level)
            for event in life_events(year):
                for ind in SUBS:
                    assessed = year >= LATE_JOINERS.get(country, 0) and ind.first <= year <= ind.last
                    assessed = assessed and not (country == "UK" and year > 2020)
                    # Some cross-border services are not applicable to a life event: no score.
                    if ind.dimension == "cb" and rng.random() < 0.04:
                        assessed = False
                    raw = 0.25 + 0.7 * level + growth + ind.offset + rng.normal(0, 0.07)
                    scores[(country, year, event.label, ind.key)] = (
                        float(round(100 * min(max(raw, 0.0), 1.0), 4)) if assessed else None
                    )
    return scores


@cache
def score(country: str, year: int, event: str, key: str) -> float | None:
    """Any indicator's score in one life event: sub-indicators as shopped, dimensions and overall as averages."""
    s = life_event_scores()
    if key == "overall":
        return _mean(score(country, year, event, d) for d in DIMENSIONS)
    if key in DIMENSIONS:
        return _mean(s.get((country, year, event, i.key)) for i in SUBS if i.dimension == key)
    return s.get((country, year, event, key))


@cache
def year_average(country: str, year: int, key: str, *, business: bool | None = None) -> float | None:
    events = [e for e in life_events(year) if business is None or e.business == business]
    return _mean(score(country, year, e.label, key) for e in events)


@cache
def biennial(country: str, first: int, key: str, *, business: bool | None = None) -> float | None:
    return _mean(year_average(country, y, key, business=business) for y in (first, first + 1))


def members(edition: int) -> list[str]:
    """The countries of a report (the UK up to the 2021 report)."""
    return sorted([*EU27, *OTHERS, *(["UK"] if edition <= 2021 else [])])


def _aggregate(codes: list[str], fn: Callable[..., float | None], *args: object) -> float | None:
    return _mean(fn(c, *args) for c in codes)


# ---------------------------------------------------------------- report workbook


@dataclass(frozen=True)
class Column:
    header: str
    group: str  # group header written above the column ("" for none)
    kind: str  # headline, business, citizen, year, event, biennial, central, regional, local
    year: int
    event: str = ""


def report_columns(edition: int) -> list[Column]:
    latest = edition - 1
    cols = [
        Column(f"Biennial average {latest - 1} + {latest}", "Overall Score", "headline", latest),
        Column(f"Business life events {latest - 1} + {latest}", "Business vs Citizens", "business", latest),
        Column(f"Citizen life events {latest - 1} + {latest}", "", "citizen", latest),
        Column(f"Average ({latest})", f"{latest} Data collection", "year", latest),
        *(Column(f"{e.label} ({latest})", "", "event", latest, e.label) for e in life_events(latest)),
        Column("Central", "Government level", "central", latest),
        Column("Regional", "", "regional", latest),
        Column("Local", "", "local", latest),
    ]
    for year in range(latest - 1, FIRST_YEAR - 1, -1):
        group = f"{year} Data collection" if year >= 2019 else f"{year} Data Collection"
        if year > FIRST_YEAR:
            # The Commission's own spelling varies: capitals, and the older pairs with the years reversed.
            text = f"Biennial average {year - 1} + {year}" if year >= 2020 else f"Biennial Average {year} + {year - 1}"
            cols.append(Column(text, group, "biennial", year))
            group = ""
        cols.append(Column(f"Average ({year})", group, "year", year))
        for e in life_events(year):
            header = f"{e.label}\n({year})" if year == FIRST_YEAR else f"{e.label} ({year})"
            cols.append(Column(header, "", "event", year, e.label))
    return cols


def cell(country: str, col: Column, key: str) -> float | None:
    if col.kind in ("headline", "biennial"):
        return biennial(country, col.year - 1, key)
    if col.kind in ("business", "citizen"):
        return biennial(country, col.year - 1, key, business=col.kind == "business")
    if col.kind == "year":
        return year_average(country, col.year, key)
    if col.kind == "event":
        return score(country, col.year, col.event, key)
    if key in ("oa", "mf", "eid", "edoc", "as"):  # government level: only where services exist at each level
        factor = {"central": 1.02, "regional": 0.9, "local": 0.8}[col.kind]
        base = biennial(country, col.year - 1, key)
        return None if base is None else min(100.0, base * factor)
    return None


def _missing(rng: np.random.Generator) -> str:
    return ". " if rng.random() < 0.05 else "."  # both spellings occur in the real files


def write_report(path: Path, edition: int) -> Path:
    rng = np.random.default_rng(SEED + edition)
    label_index = 0 if edition <= 2021 else 1
    indicators = [i for i in row_order() if i.labels[label_index]]
    cols = report_columns(edition)
    codes = members(edition)
    eu = [c for c in codes if c in EU27]
    wb = xlsxwriter.Workbook(path)
    cover = wb.add_worksheet("Cover")
    cover.write(2, 1, f"eGovernment Benchmark results for the {edition} reports")
    cover.write(4, 1, "DEMO DATA: fictitious values in the layout of the European Commission's results file.")
    ws = wb.add_worksheet(f"1. Scores {edition - 1}")
    ws.write(2, 1, "1. Overall eGovernment Benchmark scores")
    ws.write(3, 3 + len(cols) - 10, "Break in Series")
    for pos, col in enumerate(cols):
        if col.group:
            ws.write(4, 3 + pos, col.group)
        ws.write(5, 3 + pos, col.header)
    ws.write(5, 1, "Country")
    ws.write(5, 2, "Scoring")
    r = 6
    for code in [*codes, "AVERAGE_EU27", "EU27+"]:
        for ind in indicators:
            ws.write(r, 1, code)
            ws.write(r, 2, ind.labels[label_index])
            for pos, col in enumerate(cols):
                if code == "AVERAGE_EU27":
                    v = _aggregate(eu, cell, col, ind.key)
                elif code == "EU27+":
                    v = _aggregate(codes, cell, col, ind.key)
                else:
                    v = cell(code, col, ind.key)
                ws.write(r, 3 + pos, _missing(rng) if v is None else v)
            r += 1
    wb.add_worksheet("2a. Services EU27+").write(0, 0, "Demo: averages per question are not part of the demo")
    _desi_sheet(wb.add_worksheet("7. DESI Indicators"), edition, codes, eu)
    wb.close()
    return path


def _desi_sheet(ws: Worksheet, edition: int, codes: list[str], eu: list[str]) -> None:
    """The DESI inputs the benchmark team derives: online availability (national and cross-border) over citizen
    or business life events, and the pre-filled forms indicator."""
    latest = edition - 1
    period = f"Biennial average {latest - 1}/{latest}"
    numbers = ("5a3", "5a4", "5a2") if edition <= 2021 else ("4a2", "4a3", "4a4")
    prefilled = "3.3 Authentic sources" if edition <= 2021 else "3.3 Pre-filled forms"

    def availability(code: str, business: bool) -> tuple[float | None, ...]:
        national = biennial(code, latest - 1, "oa", business=business)
        cross = biennial(code, latest - 1, "cboa", business=business)
        return _mean([national, cross]), national, cross

    ws.write(2, 1, "7. DESI INDICATORS")
    ws.write_row(11, 1, ["Country", "Indicator - as used for eGov benchmark", "Indicator - as used for DESI"])
    ws.write(11, 4, "DESI score")
    r = 12
    for name, number, business in (("citizens", numbers[0], False), ("businesses", numbers[1], True)):
        kind = "Business" if business else "Citizen"
        ws.write(r, 1, f"The DESI Digital public services for {name} indicator (demo)")
        ws.write_row(r, 4, [period, *[f"{kind} life events {latest - 1}/{latest}"] * 2])
        ws.write_row(r + 1, 5, ["1.1 Online availability", "4.1 Cross-border online availability"])
        r += 2
        for code in [*codes, "EU27+", "AVERAGE_EU27"]:
            group = eu if code == "AVERAGE_EU27" else codes if code == "EU27+" else [code]
            values = [_mean(availability(c, business)[i] for c in group) for i in range(3)]
            ws.write_row(
                r, 1, [code, "(Cross-border) Online availability", f"{number} Digital public services for {name}"]
            )
            ws.write_row(r, 4, ["." if v is None else v for v in values])
            r += 1
    ws.write(r, 1, "The DESI Pre-filled forms indicator (demo)")
    ws.write(r, 4, period)
    r += 1
    for code in [*codes, "EU27+", "AVERAGE_EU27"]:
        group = eu if code == "AVERAGE_EU27" else codes if code == "EU27+" else [code]
        v = _mean(biennial(c, latest - 1, "as") for c in group)
        ws.write_row(r, 1, [code, prefilled, f"{numbers[2]} Pre-filled forms", "." if v is None else v])
        r += 1


# ---------------------------------------------------------------- machine-readable file


def _code(ind: Indicator, year: int) -> str:
    """The variable code; its letter case varies between years in the Commission's file."""
    assert ind.mrf_code is not None
    if year < 2022 or ind.key == "overall":
        return ind.mrf_code
    number, _, rest = ind.mrf_code.removeprefix("e_gov_").partition("_")
    return f"e_gov_{number}_{rest.upper()}"


def write_mrf(path: Path, release: int) -> Path:
    rng = np.random.default_rng(SEED + release + 1)
    codes = members(release)
    eu = [c for c in codes if c in EU27]
    indicators = [i for i in row_order() if i.mrf_code]
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Machine Readable Format")
    ws.write_row(0, 0, ["year", "Country", "variable", "brkdown", "unit", "Value"])
    r = 1
    for year in (2020, 2021, release - 1):
        for code in [*codes, "EU", "EUplus"]:
            group = eu if code == "EU" else codes if code == "EUplus" else [code]
            for ind in indicators:
                cells: list[tuple[str, float | None]] = [
                    (e.mrf, _mean(score(c, year, e.label, ind.key) for c in group)) for e in life_events(year)
                ]
                cells.append(("EGOV_LIFE_EVENTS", _mean(biennial(c, year - 1, ind.key) for c in group)))
                for brkdown, v in cells:
                    ws.write_row(r, 0, [float(year), code, _code(ind, year), brkdown, "eGov_score"])
                    ws.write(r, 5, _missing(rng).strip() if v is None else v)
                    r += 1
    wb.close()
    return path


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_report(folder / "DEMO_eGovernment_Benchmark_2021__Source_Data.xlsx", 2021),
        write_report(folder / "DEMO_6_eGovernment_Benchmark_2023__Final_Results.xlsx", 2023),
        write_mrf(folder / "DEMO_8_eGovernment_Benchmark_2023__Machine_readable_format.xlsx", 2023),
    ]
