"""Survey check: coordinators verify the country's answers to an international survey before submission.

The flow mirrors the rankings: a submission workbook (``data/surveys/``) -> :mod:`~rankings.survey.workbook`
(read and validated into tidy frames) -> the survey store (``<processed>/surveys/``, Parquet parts + manifest,
see :mod:`~rankings.survey.store`) -> :mod:`~rankings.survey.rules` (flags) -> decisions of the coordinators
(:mod:`~rankings.survey.decisions`, SQLite) -> the Excel report (:mod:`~rankings.survey.report`).

Drafts are confidential and are not ranking data, so their workbooks live in their own folder, never under
``data/raw/`` (the ranking ingest would try to read them): ``data/surveys/`` by default, or the folder named by
the environment variable ``RANKINGS_SURVEYS``.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SURVEYS = Path("data/surveys")
STORE_FOLDER = "surveys"  # under the processed folder


def surveys_dir() -> Path:
    """The folder of submission workbooks: ``RANKINGS_SURVEYS`` or ``data/surveys``."""
    return Path(os.environ.get("RANKINGS_SURVEYS", str(DEFAULT_SURVEYS))).resolve()


def store_dir(processed: Path | str) -> Path:
    """The survey store inside a processed folder."""
    return Path(processed) / STORE_FOLDER
