"""Upstream API settings read from environment variables (until the settings module exists)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from lba_desktop.data.apprentissage_client import DEFAULT_APPRENTISSAGE_URL
from lba_desktop.data.lba_client import DEFAULT_LBA_URL

# The upstream refuses trainings calls without `caller`; this default still names the product.
DEFAULT_CALLER = "lba-desktop"


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """Where the upstream APIs are and who calls them; the key never shows in a repr."""

    lba_url: str = DEFAULT_LBA_URL
    apprentissage_url: str = DEFAULT_APPRENTISSAGE_URL
    caller: str = DEFAULT_CALLER
    api_key: str = field(default="", repr=False)


def read_api_settings() -> ApiSettings:
    """LBA_API_URL, LBA_API_APPRENTISSAGE_URL, LBA_CALLER and LBA_API_KEY, with defaults."""
    lba_url = os.environ.get("LBA_API_URL") or DEFAULT_LBA_URL
    return ApiSettings(
        lba_url=lba_url,
        # Both APIs live under the same /api upstream; follow LBA_API_URL when only it is set.
        apprentissage_url=os.environ.get("LBA_API_APPRENTISSAGE_URL") or lba_url,
        caller=os.environ.get("LBA_CALLER") or DEFAULT_CALLER,
        api_key=os.environ.get("LBA_API_KEY", ""),
    )
