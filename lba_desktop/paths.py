"""Where the application keeps its files: one root, overridable with LBA_DESKTOP_HOME."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "lba-desktop"
# Frozen by PyInstaller, the resources sit in the bundle (sys._MEIPASS), not beside the sources.
RESOURCES_DIR = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent)) / "resources"
# A one-line text file in the OS default folder naming another data folder (settings dialog).
POINTER_FILE = "dossier-des-donnees.txt"


def default_data_root() -> Path:
    """The OS data folder, where the pointer file lives whatever the chosen folder."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def pointed_data_root() -> Path | None:
    """The folder the pointer file names, if any (never created here: it may be a USB key)."""
    try:
        text = (default_data_root() / POINTER_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(text) if text else None


def data_root() -> Path:
    """The data folder: `LBA_DESKTOP_HOME` if set (tests, portable installs), else the folder
    named by the pointer file, else the OS one."""
    override = os.environ.get("LBA_DESKTOP_HOME")
    root = Path(override) if override else (pointed_data_root() or default_data_root())
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
