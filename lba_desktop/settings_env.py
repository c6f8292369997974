"""Upstream API settings: the stored settings, overridden by environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from lba_desktop.data.apprentissage_client import DEFAULT_APPRENTISSAGE_URL
from lba_desktop.data.inserjeunes_client import DEFAULT_INSERJEUNES_URL
from lba_desktop.data.lba_client import DEFAULT_LBA_URL
from lba_desktop.settings import DEFAULT_CALLER, load_settings


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """Where the upstream APIs are and who calls them; the key never shows in a repr."""

    lba_url: str = DEFAULT_LBA_URL
    apprentissage_url: str = DEFAULT_APPRENTISSAGE_URL
    caller: str = DEFAULT_CALLER
    api_key: str = field(default="", repr=False)
    inserjeunes_url: str = DEFAULT_INSERJEUNES_URL


def read_api_settings() -> ApiSettings:
    """The settings dialog's values; LBA_API_URL, LBA_API_APPRENTISSAGE_URL, LBA_CALLER and
    LBA_API_KEY override them (scripts, tests, a shared machine); LBA_INSERJEUNES_URL points
    at another open data portal (the tests' fake one)."""
    stored = load_settings()
    lba_url = os.environ.get("LBA_API_URL") or stored.lba_url or DEFAULT_LBA_URL
    # Both APIs live under the same /api upstream; follow LBA_API_URL when only it is set.
    apprentissage_url = os.environ.get("LBA_API_APPRENTISSAGE_URL") or (
        lba_url
        if os.environ.get("LBA_API_URL")
        else stored.apprentissage_url or lba_url or DEFAULT_APPRENTISSAGE_URL
    )
    return ApiSettings(
        lba_url=lba_url,
        apprentissage_url=apprentissage_url,
        caller=os.environ.get("LBA_CALLER") or stored.caller or DEFAULT_CALLER,
        api_key=os.environ.get("LBA_API_KEY") or stored.api_key,
        inserjeunes_url=os.environ.get("LBA_INSERJEUNES_URL") or DEFAULT_INSERJEUNES_URL,
    )
