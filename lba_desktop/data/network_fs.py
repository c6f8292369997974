"""Is a folder on a network file system? SQLite's WAL mode needs shared memory and locks that
NFS, SMB and their kind do not give: user.sqlite there would be corrupted, so it is refused."""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

# Linux file system types (as /proc/self/mounts names them) served over a network.
NETWORK_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.glusterfs",
        "fuse.s3fs",
        "davfs",
        "fuse.davfs2",
        "lustre",
        "gpfs",
        "ocfs2",
        "gfs2",
    }
)
DRIVE_REMOTE = 4  # GetDriveTypeW


def _unescape(field: str) -> str:
    # /proc/mounts writes a space as \040, a tab as \011, a backslash as \134.
    return (field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")).replace(
        "\\134", "\\"
    )


def mount_type(folder: Path, mounts: str) -> str:
    """The file system type of the mount holding `folder`, from a /proc/mounts text."""
    best, kind = "", ""
    target = str(folder)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def _read_mounts() -> str:
    try:
        return Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def network_filesystem(folder: Path, *, mounts: str | None = None) -> str:
    """The network file system type holding `folder` (« nfs4 », « cifs », « réseau »), or
    "" when it is local or cannot be told."""
    resolved = Path(os.path.realpath(folder))
    if sys.platform == "win32":
        text = str(resolved)
        if text.startswith("\\\\"):
            return "réseau"
        drive = os.path.splitdrive(text)[0]
        if drive:
            kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
            if kernel.GetDriveTypeW(drive + "\\") == DRIVE_REMOTE:
                return "réseau"
        return ""
    kind = mount_type(resolved, _read_mounts() if mounts is None else mounts)
    return kind if kind in NETWORK_TYPES else ""
