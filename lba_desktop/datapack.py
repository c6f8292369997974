"""Data packs service: export the catalogue to one file for a USB key, import one safely."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from lba_desktop import __version__, paths
from lba_desktop.data.catalogue import storage_error
from lba_desktop.data.datapack_io import (
    BadDataPack,
    extract_map,
    extract_verified,
    set_pack_meta,
    write_datapack,
)
from lba_desktop.datapack_summary import is_fictitious
from lba_desktop.errors import CatalogueError
from lba_desktop.files import check_output
from lba_desktop.local_catalogue import swap_in

IMPORT_SUFFIX = ".importing"
MAP_SUFFIX = ".carte"

__all__ = ["BadDataPack", "export_datapack", "import_datapack", "pack_label"]


def export_datapack(
    *, target: Path, catalogue: Path | None = None, with_map: bool = False
) -> dict[str, Any]:
    """Write the current catalogue as a data pack at `target`, with the prepared map tiles of
    the settings' provider when `with_map`; return its manifest."""
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
    if not with_map:
        return write_datapack(catalogue, target, app_version=__version__)
    from lba_desktop.map_territory import pack_map
    from lba_desktop.settings import load_settings

    tiles = target.with_name(target.name + MAP_SUFFIX)
    try:
        described = pack_map(load_settings().tile_provider, tiles)
        return write_datapack(catalogue, target, app_version=__version__,
                              map_tiles=(tiles, described))  # fmt: skip
    except OSError as exc:
        raise storage_error(exc, path=target) from exc
    finally:
        tiles.unlink(missing_ok=True)


def pack_label(manifest: dict[str, Any]) -> str:
    """« Paquet de données du 23/11/2026 »; a pack of demo data says it is fictitious."""
    meta = manifest.get("meta") if isinstance(manifest.get("meta"), dict) else {}
    name = "Paquet de données"
    if is_fictitious(meta, str(manifest.get("origin", ""))):
        name = "Paquet de données de démonstration (fictives)"
    created = str(manifest.get("created_at", ""))
    try:
        day = datetime.fromisoformat(created).strftime("%d/%m/%Y")
    except ValueError:
        return name
    return f"{name} du {day}"


def import_datapack(*, source: Path, catalogue: Path | None = None) -> dict[str, Any]:
    """Verify `source` completely, then swap its catalogue in; a refused pack changes nothing."""
    catalogue = catalogue or paths.catalogue_path()
    if not source.is_file():
        raise BadDataPack("le fichier est introuvable.")
    staging = catalogue.with_name(catalogue.name + IMPORT_SUFFIX)
    map_staging = catalogue.with_name(catalogue.name + IMPORT_SUFFIX + MAP_SUFFIX)
    try:
        manifest = extract_verified(source, staging)
        # The map is checked as thoroughly as the catalogue, before either is used.
        map_file = extract_map(source, manifest, map_staging)
        if map_file is not None:
            from lba_desktop.map_territory import check_pack_map, merge_pack_map

            try:
                cache_name = check_pack_map(map_staging, map_file)
            except ValueError as exc:
                raise BadDataPack(str(exc)) from exc
        label = pack_label(manifest)
        values = {
            "origin": "datapack",
            "label_fr": label,
            "pack_origin": str(manifest.get("origin", "")),
            "pack_created_at": str(manifest.get("created_at", "")),
        }
        meta = manifest.get("meta") if isinstance(manifest.get("meta"), dict) else {}
        if is_fictitious(meta, values["pack_origin"]):
            values["fictitious"] = "1"  # and so in a pack made from this catalogue
        set_pack_meta(staging, values)
        if map_file is not None:
            manifest["carte"]["merged"] = merge_pack_map(map_staging, cache_name)
        swap_in(staging, catalogue)
    finally:
        staging.unlink(missing_ok=True)
        map_staging.unlink(missing_ok=True)
    manifest["label_fr"] = label
    return manifest
