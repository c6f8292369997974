"""Where the application keeps its files: one root, overridable with LBA_DESKTOP_HOME."""

from __future__ import annotations

import contextlib
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
    named by the pointer file, else the OS one. It holds personal data: owner-only."""
    override = os.environ.get("LBA_DESKTOP_HOME")
    root = Path(override) if override else (pointed_data_root() or default_data_root())
    private_folder(root)
    return root


# Owner-only modes for what holds personal data (POSIX). On Windows the data folder lies in the
# user's profile (%LOCALAPPDATA%), whose ACLs already keep other accounts out, and chmod only
# toggles the read-only flag: nothing to do there.
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
_POSIX = os.name == "posix"


def private_folder(folder: Path) -> Path:
    """Create `folder` (and its parents) owner-only; tighten it if it is ours and wider."""
    if not folder.is_dir():
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    _tighten(folder, PRIVATE_FOLDER)
    return folder


def private_file(path: Path, *, create: bool = True) -> None:
    """Make `path` owner-only, creating it empty first when it does not exist (so that a
    program creating it afterwards, SQLite for instance, never makes it readable by all)."""
    if create and not path.exists():
        # FileExistsError: another thread created it meanwhile (owner-only too).
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    if path.exists():
        _tighten(path, PRIVATE_FILE)


def _tighten(path: Path, mode: int) -> None:
    if not _POSIX:
        return
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            os.chmod(path, mode)
    except OSError:
        pass  # a folder we may not change (shared drive, FAT USB key): it stays as it is


def catalogue_path() -> Path:
    """What syncs and data packs bring; may be replaced whole."""
    return data_root() / "catalogue.sqlite"


def user_db_path() -> Path:
    """What counsellors type; never touched by a sync."""
    return data_root() / "user.sqlite"


def logs_dir() -> Path:
    return private_folder(data_root() / "logs")


def resource(*parts: str) -> Path:
    return RESOURCES_DIR.joinpath(*parts)
