"""The Data page offers an admin's fetch only when config/app.yaml enables it (default off)."""

from __future__ import annotations

import pytest
from test_pages import app, demo_store  # noqa: F401 (demo_store: the fixture)


@pytest.mark.parametrize("enabled", [False, True])
def test_the_data_page_offers_a_fetch_only_when_configured(demo_store, monkeypatch, tmp_path, enabled):  # noqa: F811
    config = tmp_path / "app.yaml"
    config.write_text(f"language: en\nfetch: {{enabled: {str(enabled).lower()}}}\n", encoding="utf-8")
    monkeypatch.setenv("RANKINGS_APP_CONFIG", str(config))
    at = app(demo_store, monkeypatch, "pages/data.py")
    assert not at.exception, at.exception
    assert any(b.label == "Fetch now" for b in at.button) is enabled
    assert any("Fetching from the publishers is switched off" in c.value for c in at.caption) is not enabled
