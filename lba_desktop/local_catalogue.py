"""Access to the local catalogue file: open it (building the demo data on first run) and
describe where its data comes from."""

from __future__ import annotations

import json
from pathlib import Path

from lba_desktop import paths, training_source
from lba_desktop.data.catalogue import CatalogueStore, storage_error
from lba_desktop.data.catalogue_schema import SCHEMA_VERSION
from lba_desktop.data.demo_version import stale_demo_scale
from lba_desktop.datapack_summary import is_fictitious
from lba_desktop.models import CatalogueInfo

ORIGIN_LABELS_FR = {
    "demo": "Données de démonstration (fictives)",
    "sync": "Données synchronisées",
    "datapack": "Paquet de données",
}


def open_catalogue(
    path: Path | None = None, *, build_demo_if_missing: bool = True
) -> CatalogueStore:
    """Open the catalogue; on a first run, build the demo catalogue so the app works at once,
    and rebuild a demo catalogue written by an older demo generator (same scale)."""
    path = path or paths.catalogue_path()
    if build_demo_if_missing:
        stale_scale = stale_demo_scale(path) if path.exists() else None
        if stale_scale is not None or not path.exists():
            # The demo generator is imported only when it has to run: it is a tenth of a
            # command's start-up otherwise.
            from lba_desktop.data.demo import SCALES, ensure_demo_catalogue

            scale = stale_scale if stale_scale in SCALES else "demo"
            ensure_demo_catalogue(path, scale=scale, replace=stale_scale is not None)
    return CatalogueStore(path)


def describe(store: CatalogueStore) -> CatalogueInfo:
    meta = store.meta()
    origin = meta.get("origin", "demo")
    freshness = store.freshness()
    label = meta.get("label_fr") or ORIGIN_LABELS_FR.get(origin, origin)
    if is_fictitious(meta, origin) and "fictiv" not in label:
        # A demo pack imported before packs said so: the window, `info` and --json tell it.
        label += " (données fictives)"
    return CatalogueInfo(
        origin=origin,
        label_fr=label,
        built_at=meta.get("built_at", ""),
        counts=store.counts(),
        schema_version=SCHEMA_VERSION,
        details={
            "meta": {k: _maybe_json(v) for k, v in meta.items()},
            "freshness": [
                {"source": s, "departement": d, "updated_at": u, "items": n}
                for s, d, u, n in freshness
            ],
            "path": str(store.path),
            # Which upstream the trainings came from (API Apprentissage or V1), set by a sync.
            "formations_sources_fr": training_source.sources_fr(
                _maybe_json(meta.get(training_source.META_KEY, ""))
            ),
        },
    )


def _maybe_json(value: str) -> object:
    try:
        return json.loads(value)
    except ValueError:
        return value


def swap_in(staging: Path, target: Path | None = None) -> None:
    """Replace the catalogue by a finished, fsynced staging file, atomically.

    `os.replace` is one rename: a reader (or a kill) sees the old file or the new one, never a
    mix. Syncing the folder afterwards makes the rename itself survive a power cut.
    """
    import os

    target = target or paths.catalogue_path()
    try:
        os.replace(staging, target)
        _fsync_dir(target.parent)
    except OSError as exc:
        raise storage_error(exc) from exc


def _fsync_dir(folder: Path) -> None:
    import os

    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its rename is durable enough
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
