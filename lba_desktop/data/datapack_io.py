"""Data pack files: a zip holding the catalogue and a manifest, written and fully verified here."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

from lba_desktop.data.catalogue import now_iso, storage_error
from lba_desktop.data.catalogue_schema import SCHEMA_VERSION, migrate
from lba_desktop.errors import LbaError
from lba_desktop.models import Kind

FORMAT = "lba-desktop-datapack"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
CATALOGUE_NAME = "catalogue.sqlite"
MAP_NAME = "carte.mbtiles"  # the prepared map tiles, with `--avec-carte`
_BLOCK = 1 << 20
# Meta keys copied into the manifest; nothing else of the file's meta leaves the machine.
_META_KEYS = ("origin", "label_fr", "built_at", "scope", "departements", "fictitious", "scale")


class BadDataPack(LbaError):
    """The file is not a data pack this version can use; nothing was changed. A bad file is
    bad input: the command line exits with code 2, as for any other."""

    exit_code = 2

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"Paquet de données refusé : {reason} Le catalogue actuel n'a pas été modifié.",
            hint="Vérifiez le fichier (copie complète depuis la clé USB ?) ou réexportez-le.",
        )
        self.reason = reason


def _sha256_file(fh: BinaryIO) -> str:
    digest = hashlib.sha256()
    while block := fh.read(_BLOCK):
        digest.update(block)
    return digest.hexdigest()


def _catalogue_facts(path: Path) -> tuple[dict[str, str], dict[str, int], list[dict[str, Any]]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        counts = {k.value: 0 for k in Kind}
        counts.update(dict(conn.execute("SELECT kind, count(*) FROM items GROUP BY kind")))
        freshness = [
            {"source": s, "departement": d, "updated_at": u, "items": n}
            for s, d, u, n in conn.execute(
                "SELECT source, departement, updated_at, items FROM freshness "
                "ORDER BY source, departement"
            )
        ]
    finally:
        conn.close()
    return meta, counts, freshness


MapFile = tuple[Path, dict[str, Any]]  # an MBTiles file and what the manifest says of it


def write_datapack(
    catalogue: Path, target: Path, *, app_version: str, map_tiles: MapFile | None = None
) -> dict[str, Any]:
    """Write `target` (a zip: the catalogue file and manifest.json); return the manifest.

    The zip is written beside `target` and renamed over it, so a half-written pack never has the
    final name. Only the catalogue goes in (and, with `map_tiles`, a map file and what the
    manifest says of it): no user database, no settings, no API key.
    """
    meta, counts, freshness = _catalogue_facts(catalogue)
    partial = target.with_name(target.name + ".partial")
    try:
        # One open file for hashing and copying: a catalogue swapped in meanwhile is not mixed in.
        with open(catalogue, "rb") as src:
            checksum = _sha256_file(src)
            size = src.tell()
            src.seek(0)
            manifest: dict[str, Any] = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": app_version,
                "schema_version": SCHEMA_VERSION,
                "created_at": now_iso(),
                "origin": meta.get("origin", ""),
                "label_fr": meta.get("label_fr", ""),
                "scope": _maybe_json(meta.get("scope", "")),
                "meta": {k: meta[k] for k in _META_KEYS if k in meta},
                "freshness": freshness,
                "counts": counts,
                "catalogue": {"name": CATALOGUE_NAME, "size": size, "sha256": checksum},
            }
            if map_tiles is not None:
                with open(map_tiles[0], "rb") as tiles:
                    digest = _sha256_file(tiles)
                    manifest["carte"] = {"name": MAP_NAME, "sha256": digest, "size": tiles.tell()}
                manifest["carte"].update(map_tiles[1])
            with zipfile.ZipFile(partial, "w", allowZip64=True) as zf:
                zf.writestr(
                    MANIFEST_NAME,
                    json.dumps(manifest, ensure_ascii=False, indent=2),
                    compress_type=zipfile.ZIP_DEFLATED,
                )
                info = zipfile.ZipInfo(CATALOGUE_NAME, date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with zf.open(info, "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, _BLOCK)
                if map_tiles is not None:
                    info = zipfile.ZipInfo(MAP_NAME, date_time=(2026, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_STORED  # PNG tiles do not compress
                    with (
                        open(map_tiles[0], "rb") as tiles,
                        zf.open(info, "w", force_zip64=True) as dst,
                    ):
                        shutil.copyfileobj(tiles, dst, _BLOCK)
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise storage_error(exc, path=target, needed=size_of(catalogue)) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def size_of(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _expected_size(source: Path) -> int | None:
    """The catalogue size a pack announces, for the « disque plein » message."""
    try:
        with zipfile.ZipFile(source) as zf:
            size = read_manifest(zf)["catalogue"].get("size")
    except (LbaError, OSError, zipfile.BadZipFile):
        return size_of(source)
    return size if isinstance(size, int) else size_of(source)


def _maybe_json(text: str) -> Any:
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return text


def read_manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        raw = zf.read(MANIFEST_NAME)
    except KeyError:
        raise BadDataPack("ce fichier n'est pas un paquet de données LBA Desktop.") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BadDataPack("le fichier est endommagé ou incomplet.") from exc
    try:
        manifest = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadDataPack("la description du paquet (manifest.json) est illisible.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BadDataPack("ce fichier n'est pas un paquet de données LBA Desktop.")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise BadDataPack("la version du format du paquet est illisible.")
    if version > FORMAT_VERSION:
        raise BadDataPack(
            "il a été créé par une version plus récente de LBA Desktop "
            f"(format {version}). Mettez l'application à jour."
        )
    catalogue = manifest.get("catalogue")
    if (
        not isinstance(catalogue, dict)
        or not isinstance(catalogue.get("sha256"), str)
        or not isinstance(manifest.get("counts"), dict)
    ):
        raise BadDataPack("la description du paquet (manifest.json) est incomplète.")
    return manifest


def extract_verified(source: Path, staging: Path) -> dict[str, Any]:
    """Extract the pack's catalogue to `staging` after and while checking everything.

    Checks: a readable zip, a known manifest (a newer format is refused), the SHA-256 and size
    of the catalogue, that it opens, `PRAGMA integrity_check`, its schema version, and the
    counts per kind against the manifest. Any failure raises `BadDataPack` and removes
    `staging`; on success the file is fsynced, ready to be swapped in.
    """
    try:
        ok = zipfile.is_zipfile(source)
    except OSError as exc:
        raise BadDataPack("le fichier ne peut pas être lu.") from exc
    if not ok:
        raise BadDataPack("ce fichier n'est pas un paquet de données (pas une archive zip).")
    staging.unlink(missing_ok=True)
    try:
        with zipfile.ZipFile(source) as zf:
            manifest = read_manifest(zf)
            expected = manifest["catalogue"]
            name = expected.get("name", CATALOGUE_NAME)
            digest = hashlib.sha256()
            size = 0
            try:
                with zf.open(name) as src, open(staging, "wb") as dst:
                    while block := src.read(_BLOCK):
                        digest.update(block)
                        size += len(block)
                        dst.write(block)
                    dst.flush()
                    os.fsync(dst.fileno())
            except KeyError:
                raise BadDataPack("le catalogue manque dans le paquet.") from None
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise BadDataPack("le fichier est endommagé ou incomplet.") from exc
        if digest.hexdigest() != expected["sha256"] or size != expected.get("size", size):
            raise BadDataPack("le catalogue ne correspond pas à son empreinte (fichier altéré).")
        _check_catalogue(staging, manifest["counts"])
    except zipfile.BadZipFile as exc:
        staging.unlink(missing_ok=True)
        raise BadDataPack("le fichier est endommagé ou incomplet.") from exc
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise storage_error(exc, path=staging, needed=_expected_size(source)) from exc
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return manifest


def extract_map(source: Path, manifest: dict[str, Any], staging: Path) -> dict[str, Any] | None:
    """The pack's map file extracted to `staging` with its size and SHA-256 checked against the
    manifest; its description, or None for a pack without map. Raises `BadDataPack`."""
    expected = manifest.get("carte")
    if expected is None:
        return None
    if not isinstance(expected, dict) or not isinstance(expected.get("sha256"), str):
        raise BadDataPack("la description de la carte du paquet est incomplète.")
    staging.unlink(missing_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with zipfile.ZipFile(source) as zf, zf.open(MAP_NAME) as src, open(staging, "wb") as dst:
            while block := src.read(_BLOCK):
                digest.update(block)
                size += len(block)
                dst.write(block)
            dst.flush()
            os.fsync(dst.fileno())
        if digest.hexdigest() != expected["sha256"] or size != expected.get("size", size):
            raise BadDataPack("la carte ne correspond pas à son empreinte (fichier altéré).")
    except KeyError:
        staging.unlink(missing_ok=True)
        raise BadDataPack("la carte annoncée manque dans le paquet.") from None
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        staging.unlink(missing_ok=True)
        raise BadDataPack("le fichier est endommagé ou incomplet.") from exc
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise storage_error(exc, path=staging, needed=expected.get("size")) from exc
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    return expected


def _check_catalogue(path: Path, counts: Mapping[str, Any]) -> None:
    try:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise BadDataPack(
                    "son catalogue vient d'une version plus récente de LBA Desktop. "
                    "Mettez l'application à jour."
                )
            if version < 1:
                raise BadDataPack("son catalogue n'a pas de version de schéma lisible.")
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BadDataPack("son catalogue est endommagé (contrôle d'intégrité).")
            found = dict(conn.execute("SELECT kind, count(*) FROM items GROUP BY kind"))
            for kind in Kind:
                if int(counts.get(kind.value, 0)) != int(found.get(kind.value, 0)):
                    raise BadDataPack("son contenu ne correspond pas à sa description.")
            migrate(conn)  # an older pack is brought to the current schema before use
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BadDataPack("son catalogue est illisible ou endommagé.") from exc


def set_pack_meta(path: Path, values: Mapping[str, str]) -> None:
    """Write meta values in an extracted catalogue and make them durable."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items())
            )
    except sqlite3.OperationalError as exc:
        raise storage_error(exc) from exc
    finally:
        conn.close()
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
