"""Where the application keeps its files: one root, overridable with LBA_DESKTOP_HOME."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "lba-desktop"
RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"


def data_root() -> Path:
    """The data folder: `LBA_DESKTOP_HOME` if set (tests, portable installs), else the OS one."""
    override = os.environ.get("LBA_DESKTOP_HOME")
    root = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    root.mkdir(parents=True, exist_ok=True)
    return root


def catalogue_path() -> Path:
    """What syncs and data packs bring; may be replaced whole."""
    return data_root() / "catalogue.sqlite"


def user_db_path() -> Path:
    """What counsellors type; never touched by a sync."""
    return data_root() / "user.sqlite"


def logs_dir() -> Path:
    path = data_root() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resource(*parts: str) -> Path:
    return RESOURCES_DIR.joinpath(*parts)
