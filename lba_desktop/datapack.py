"""Data packs service: export the catalogue to one file for a USB key, import one safely."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from lba_desktop import __version__, paths
from lba_desktop.data.catalogue import storage_error
from lba_desktop.data.datapack_io import (
    BadDataPack,
    extract_verified,
    set_pack_meta,
    write_datapack,
)
from lba_desktop.errors import CatalogueError
from lba_desktop.files import check_output
from lba_desktop.local_catalogue import swap_in

IMPORT_SUFFIX = ".importing"

__all__ = ["BadDataPack", "export_datapack", "import_datapack", "pack_label"]


def export_datapack(*, target: Path, catalogue: Path | None = None) -> dict[str, Any]:
    """Write the current catalogue as a data pack at `target`; return its manifest."""
    target = check_output(target, example="territoire.lbapack")
    catalogue = catalogue or paths.catalogue_path()
    if not catalogue.exists():
        raise CatalogueError(
            "Aucun catalogue à exporter.",
            hint="Synchronisez d'abord des départements ou importez un paquet de données.",
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, path=target) from exc
    return write_datapack(catalogue, target, app_version=__version__)


def pack_label(manifest: dict[str, Any]) -> str:
    created = str(manifest.get("created_at", ""))
    try:
        day = datetime.fromisoformat(created).strftime("%d/%m/%Y")
    except ValueError:
        return "Paquet de données"
    return f"Paquet de données du {day}"


def import_datapack(*, source: Path, catalogue: Path | None = None) -> dict[str, Any]:
    """Verify `source` completely, then swap its catalogue in; a refused pack changes nothing."""
    catalogue = catalogue or paths.catalogue_path()
    if not source.is_file():
        raise BadDataPack("le fichier est introuvable.")
    staging = catalogue.with_name(catalogue.name + IMPORT_SUFFIX)
    try:
        manifest = extract_verified(source, staging)
        label = pack_label(manifest)
        set_pack_meta(
            staging,
            {
                "origin": "datapack",
                "label_fr": label,
                "pack_origin": str(manifest.get("origin", "")),
                "pack_created_at": str(manifest.get("created_at", "")),
            },
        )
        swap_in(staging, catalogue)
    finally:
        staging.unlink(missing_ok=True)
    manifest["label_fr"] = label
    return manifest
