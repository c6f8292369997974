"""A data folder on a network file system is refused before user.sqlite is opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from lba_desktop.data import network_fs
from lba_desktop.data.userdb import UserDbError
from lba_desktop.people import PeopleService

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
server:/export/home /mnt/home nfs4 rw,vers=4.2 0 0
//nas/partage /mnt/partage\\040commun cifs rw 0 0
/dev/sdb1 /mnt/home/local ext4 rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


def test_the_mount_holding_a_folder_is_the_longest_prefix() -> None:
    assert network_fs.mount_type(Path("/mnt/home/lea/lba"), MOUNTS) == "nfs4"
    assert network_fs.mount_type(Path("/mnt/home/local/lba"), MOUNTS) == "ext4"
    assert network_fs.mount_type(Path("/mnt/homework"), MOUNTS) == "ext4"  # not /mnt/home
    assert network_fs.mount_type(Path("/mnt/partage commun/lba"), MOUNTS) == "cifs"


def test_only_network_types_count() -> None:
    assert network_fs.network_filesystem(Path("/mnt/home/lea"), mounts=MOUNTS) == "nfs4"
    assert network_fs.network_filesystem(Path("/tmp/x"), mounts=MOUNTS) == ""
    assert network_fs.network_filesystem(Path("/var/lib"), mounts="") == ""


def test_a_data_folder_on_nfs_is_refused_with_the_reason(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Path(isolated_home).resolve()
    monkeypatch.setattr(
        network_fs, "_read_mounts", lambda: f"/dev/sda1 / ext4 rw 0 0\nsrv:/x {real} nfs4 rw 0 0\n"
    )
    with pytest.raises(UserDbError) as caught:
        PeopleService()
    assert "disque réseau (nfs4)" in caught.value.message
    assert "PostgreSQL" in caught.value.hint
    assert not (isolated_home / "user.sqlite").exists()
