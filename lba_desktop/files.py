"""Files a counsellor asks for (exports, e-mails, data packs): the path checked before any work,
the file written whole or not at all, owner-only when it holds personal data."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lba_desktop import paths
from lba_desktop.data.storage import storage_failure
from lba_desktop.errors import InvalidInput


def check_output(path: Path, *, example: str) -> Path:
    """`path` as a file to write, or InvalidInput (exit code 2) saying why not: a folder, a
    name that is no file name, a parent that is a file. Missing parent folders are fine."""
    path = Path(path).expanduser()
    text = str(path)
    if path.is_dir() or text.endswith(("/", os.sep)) or path.name in ("", ".", ".."):
        folder = path if path.name not in ("", ".", "..") else path.resolve()
        raise InvalidInput(
            f"« {text} » est un dossier : indiquez le nom du fichier à écrire.",
            hint=f"Par exemple : {folder / example}",
        )
    parent = next((p for p in path.parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise InvalidInput(
            f"« {parent} » est un fichier, pas un dossier : « {text} » ne peut pas être écrit.",
            hint="Choisissez un autre emplacement.",
        )
    return path


def write_file(path: Path, data: bytes, *, private: bool, example: str = "fichier") -> Path:
    """Write `data` to `path` atomically (a temporary file beside it, renamed once complete:
    a full disk leaves no half file under the final name). `private`: owner-only (0600), for
    anything holding personal data. Failures come out as typed French errors."""
    path = check_output(path, example=example)
    tmp: Path | None = None
    try:
        # A folder made for the file is owner-only when the file is; a folder that already
        # exists is the counsellor's (Documents, a USB key, /tmp) and keeps its mode: the file
        # itself is made owner-only below.
        new_folder_mode = paths.PRIVATE_FOLDER if private else 0o777
        path.parent.mkdir(mode=new_folder_mode, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".~", suffix=path.suffix)
        tmp = Path(name)  # mkstemp creates it 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not private and os.name == "posix":
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # an ordinary file, as any program would write it
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise storage_failure(
            exc,
            path=path,
            label=f"Le fichier « {path.name} »",
            damaged_hint="Choisissez un autre emplacement.",
            needed=len(data),
        ) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return path
