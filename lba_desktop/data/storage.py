"""Storage failures told apart, for user.sqlite, the catalogue and every file written: a full
disk (with what is free, about what is needed, and where), a damaged file, or a file that
cannot be reached. SQLite reports a full disk in several ways (SQLITE_FULL on a write, a
« disk I/O error » when it cannot size its -shm file, « unable to open » when it cannot create
its journal), so the free space is read whenever the error could be that."""

from __future__ import annotations

import errno
import functools
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lba_desktop import paths
from lba_desktop.errors import (
    CatalogueError,
    LbaError,
    StorageDamaged,
    StorageFull,
    StorageUnavailable,
)

T = TypeVar("T")

# Below this much free space, an I/O error while writing is taken for a full disk.
LOW_SPACE = 2 * 1024 * 1024
# SQLite primary result codes (https://www.sqlite.org/rescode.html).
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 3, 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_RIGHTS_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}


def free_bytes(path: Path) -> int | None:
    """Free space on the disk holding `path` (its nearest existing folder), or None."""
    folder = Path(path)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder if folder.is_dir() else folder.parent).free
    except OSError:
        return None


def full_disk(path: Path, *, needed: int | None = None) -> StorageFull:
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    return StorageFull(folder, needed=max(needed or 0, LOW_SPACE), free=free_bytes(folder))


def _kind(exc: BaseException) -> str:
    """'full', 'damaged', 'busy', 'rights', 'io' or 'other' for a SQLite or OS error."""
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        if exc.errno in _FULL_ERRNOS:
            return "full"
        return "rights" if exc.errno in _RIGHTS_ERRNOS else "io"
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary == SQLITE_FULL or "full" in text or "no space" in text:
        return "full"
    if (
        primary in (SQLITE_CORRUPT, SQLITE_NOTADB)
        or "malformed" in text
        or "not a database" in text
    ):
        return "damaged"
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return "busy"
    if primary in (SQLITE_READONLY, SQLITE_PERM) or "readonly" in text:
        return "rights"
    if primary in (SQLITE_IOERR, SQLITE_CANTOPEN) or "i/o" in text or "unable to open" in text:
        return "io"
    return "other"


def storage_failure(
    exc: BaseException,
    *,
    path: Path,
    label: str,
    damaged_hint: str,
    needed: int | None = None,
    busy_message: str = "",
) -> LbaError:
    """The French error for a failure while reading or writing `path`.

    `label` names the file for a reader (« Les données des conseillers (user.sqlite) »);
    `damaged_hint` says what to do with a damaged one; `needed` estimates the bytes the
    operation needs, for the « disque plein » message.
    """
    if isinstance(exc, LbaError):
        return exc
    kind = _kind(exc)
    if kind in ("io", "other"):
        free = free_bytes(path)
        if free is not None and free < max(needed or 0, LOW_SPACE):
            kind = "full"
    if kind == "full":
        return full_disk(path, needed=needed)
    if kind == "damaged":
        return StorageDamaged(f"{label} : le fichier est endommagé ({path}).", hint=damaged_hint)
    if kind == "busy":
        return StorageUnavailable(
            busy_message or f"{label} : le fichier est occupé par une autre opération.",
            hint="Réessayez dans quelques secondes.",
        )
    if kind == "rights":
        return StorageUnavailable(
            f"{label} : écriture refusée dans « {Path(path).parent} » (droits ou disque en "
            "lecture seule).",
            hint="Vérifiez les droits du dossier, ou choisissez un autre dossier de données.",
        )
    return StorageUnavailable(
        f"{label} : lecture ou écriture impossible ({path} : {exc}).",
        hint="Vérifiez le disque (clé USB retirée ? disque réseau coupé ?) puis recommencez.",
    )


CATALOGUE_LABEL = "Le catalogue local"
CATALOGUE_DAMAGED_HINT = (
    "Il se remplace entier : resynchronisez, importez un paquet de données ou reconstruisez "
    "les données de démonstration (« lba-desktop demo »). Les données des conseillers "
    "(user.sqlite) n'y sont pas."
)


def catalogue_error(
    exc: BaseException, *, path: Path | None = None, needed: int | None = None
) -> LbaError:
    """The typed French error for a failure on a catalogue file (`path`, the application's
    one by default). `needed` estimates the bytes the operation needs."""
    error = storage_failure(
        exc,
        path=path or paths.catalogue_path(),
        label=CATALOGUE_LABEL,
        damaged_hint=CATALOGUE_DAMAGED_HINT,
        needed=needed,
    )
    if isinstance(error, StorageDamaged) and not isinstance(error, CatalogueError):
        return CatalogueDamaged(error.message, hint=error.hint)
    return error


class CatalogueDamaged(CatalogueError, StorageDamaged):
    """A catalogue file SQLite found damaged (it can be replaced whole)."""


def translated(method: Callable[..., T]) -> Callable[..., T]:
    """For a method of an object with a `path`: a failed read of that catalogue (a page
    damaged on disk, a removed USB key) raises the typed French error, not sqlite3's."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise catalogue_error(exc, path=self.path) from exc

    return wrapper
