"""The application settings: one typed dataclass, stored in user.sqlite, the API key in the OS
keyring (or, only if the counsellor accepts it, in user.sqlite)."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from lba_desktop import paths
from lba_desktop.data import keyring_store, userdb
from lba_desktop.data.apprentissage_client import DEFAULT_APPRENTISSAGE_URL
from lba_desktop.data.lba_client import DEFAULT_LBA_URL
from lba_desktop.errors import LbaError
from lba_desktop.map_tiles import DEFAULT_PROVIDER, PROVIDERS
from lba_desktop.models import DEFAULT_RADIUS_KM, MAX_RADIUS_KM

log = logging.getLogger(__name__)

# The upstream refuses trainings calls without `caller`; this default still names the product.
DEFAULT_CALLER = "lba-desktop"
KEYRING_SERVICE = keyring_store.SERVICE
KEYRING_USER = "cle-api-apprentissage"
# Secrets never go through the generic key/value rows: the key has its own storage rules.
SECRET_FIELDS = frozenset({"api_key"})
RETENTION_MONTHS_RANGE = (1, 120)
SERVE_TOKEN_MIN_LENGTH = 16
TILE_CACHE_MB_RANGE = (50, 20_000)
DEPARTEMENT_RE = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$")


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting with its default, declared once. Secrets never show in a repr."""

    structure_name: str = ""
    structure_commune: str = ""
    sync_departements: tuple[str, ...] = ()
    default_radius_km: int = DEFAULT_RADIUS_KM
    caller: str = DEFAULT_CALLER
    lba_url: str = DEFAULT_LBA_URL
    # Empty means "the same as lba_url": both APIs live under the same /api upstream.
    apprentissage_url: str = ""
    api_key: str = field(default="", repr=False)
    # The counsellor accepted to keep the key in user.sqlite because no OS keyring exists.
    api_key_in_file: bool = False
    retention_months: int = 12
    online_tiles: bool = False
    tile_provider: str = DEFAULT_PROVIDER
    tile_cache_mb: int = 500  # the tiles seen, least recently used dropped first
    serve_token: str = field(default="", repr=False)
    welcome_done: bool = False
    # The structure's shared follow-up (issue 19): its server, without a password (that one
    # is in the keyring), and the name this counsellor's changes are recorded under.
    user_db: str = ""
    counsellor_name: str = ""

    @property
    def effective_apprentissage_url(self) -> str:
        return self.apprentissage_url or self.lba_url or DEFAULT_APPRENTISSAGE_URL


DEFAULTS = Settings()


class ApiKeyNotStored(LbaError):
    """No keyring here and the counsellor has not accepted to keep the key in user.sqlite."""

    def __init__(self) -> None:
        super().__init__(
            "Aucun trousseau sécurisé n'est disponible pour enregistrer la clé d'API.",
            hint="Acceptez de l'enregistrer dans les données de l'application, ou laissez-la "
            "vide et donnez-la par la variable d'environnement LBA_API_KEY.",
        )


# --- Keyring --------------------------------------------------------------------------------


def keyring_available() -> bool:
    return keyring_store.available()


def _keyring_get() -> str:
    return keyring_store.get(KEYRING_USER)


def _keyring_set(value: str) -> bool:
    return keyring_store.put(KEYRING_USER, value)


# --- Reading and writing --------------------------------------------------------------------


def coerce(name: str, default: Any, value: Any) -> Any:
    """The stored value if it has the default's type (and a sensible range), else the default
    with a warning naming the key only: the value might be something private."""
    ok: bool
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, tuple):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    else:  # pragma: no cover - every field has one of the types above
        ok = False
    if ok and name == "default_radius_km":
        ok = 1 <= value <= MAX_RADIUS_KM
    if ok and name == "retention_months":
        ok = RETENTION_MONTHS_RANGE[0] <= value <= RETENTION_MONTHS_RANGE[1]
    if ok and name == "tile_provider":
        ok = value in PROVIDERS
    if ok and name == "tile_cache_mb":
        ok = TILE_CACHE_MB_RANGE[0] <= value <= TILE_CACHE_MB_RANGE[1]
    if not ok:
        log.warning("Réglage « %s » invalide dans user.sqlite : valeur par défaut utilisée.", name)
        return default
    return value


def _read_rows(db_path: Path) -> dict[str, str]:
    if not db_path.exists():
        return {}  # a first start: reading the settings must not create the file
    conn = userdb.connect(db_path)
    try:
        return {row["key"]: row["value"] for row in conn.execute("SELECT key, value FROM settings")}
    except sqlite3.Error as exc:
        raise userdb.storage_error(exc, conn=conn) from exc
    finally:
        conn.close()


def load_settings(db_path: Path | None = None) -> Settings:
    """The stored settings over the defaults; unknown keys are ignored, bad values reset."""
    rows = _read_rows(db_path or paths.user_db_path())
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name in SECRET_FIELDS or f.name not in rows:
            continue
        try:
            raw = json.loads(rows[f.name])
        except ValueError:
            log.warning("Réglage « %s » illisible : valeur par défaut utilisée.", f.name)
            continue
        values[f.name] = coerce(f.name, getattr(DEFAULTS, f.name), raw)
    settings = Settings(**values)
    key = _keyring_get()
    if not key and settings.api_key_in_file and "api_key" in rows:
        try:
            stored = json.loads(rows["api_key"])
        except ValueError:
            stored = ""
        key = stored if isinstance(stored, str) else ""
    settings = replace(settings, api_key=key)
    _register_secrets(settings)
    return settings


def save_fields(settings: Settings, names: tuple[str, ...], db_path: Path | None = None) -> None:
    """Store only the settings `names` (no secret among them): the structure's, followed
    from its shared server, leave this computer's own settings as they are."""
    if SECRET_FIELDS & set(names):
        raise ValueError("secrets have their own storage")
    conn = userdb.connect(db_path)
    try:
        with userdb.transaction(conn, threading.RLock()):
            conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [(n, json.dumps(getattr(settings, n), ensure_ascii=False)) for n in names],
            )
    finally:
        conn.close()


def save_settings(settings: Settings, db_path: Path | None = None) -> None:
    """Store every setting. The API key goes to the keyring; without one, to user.sqlite only
    if `api_key_in_file` says the counsellor accepted it, else `ApiKeyNotStored`."""
    in_keyring = _keyring_set(settings.api_key)
    key_in_file = ""
    if settings.api_key and not in_keyring:
        if not settings.api_key_in_file:
            raise ApiKeyNotStored()
        key_in_file = settings.api_key
    rows = {
        f.name: json.dumps(getattr(settings, f.name), ensure_ascii=False)
        for f in fields(Settings)
        if f.name not in SECRET_FIELDS
    }
    conn = userdb.connect(db_path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                rows.items(),
            )
            if key_in_file:
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES ('api_key', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (json.dumps(key_in_file),),
                )
            else:  # a key moved to the keyring, or removed, leaves no copy behind
                conn.execute("DELETE FROM settings WHERE key = 'api_key'")
            conn.execute("COMMIT")
        except BaseException:
            userdb.rollback(conn)
            raise
    except sqlite3.Error as exc:
        raise userdb.storage_error(exc, conn=conn) from exc
    finally:
        conn.close()
    _register_secrets(settings)


def _register_secrets(settings: Settings) -> None:
    """Let the log filter mask the secrets if some code ever logs them by mistake."""
    from lba_desktop.logging_setup import register_secret

    for value in (settings.api_key, settings.serve_token):
        register_secret(value)


# --- Validation -----------------------------------------------------------------------------


def parse_departements(text: str) -> tuple[str, ...]:
    """ "15, 63 2A" → ("15", "63", "2A"); leading zeros added to "1" → "01"."""
    codes = []
    for part in re.split(r"[\s,;]+", text.strip().upper()):
        if part:
            codes.append(part.zfill(2) if part.isdigit() and len(part) == 1 else part)
    return tuple(dict.fromkeys(codes))


def validate(settings: Settings) -> dict[str, str]:
    """French messages by field name for what cannot be saved; empty when all is well."""
    errors: dict[str, str] = {}
    bad = [d for d in settings.sync_departements if not DEPARTEMENT_RE.match(d)]
    if bad:
        errors["sync_departements"] = (
            f"Département inconnu : {', '.join(bad)}. Exemples valides : 15, 63, 2A, 974."
        )
    if not 1 <= settings.default_radius_km <= MAX_RADIUS_KM:
        errors["default_radius_km"] = f"Le rayon doit être compris entre 1 et {MAX_RADIUS_KM} km."
    if not settings.caller.strip():
        errors["caller"] = (
            "Indiquez qui appelle l'API (par exemple « contact@ma-structure.fr lba-desktop ») : "
            "le service public refuse les appels anonymes."
        )
    for name, label in (("lba_url", "de La bonne alternance"), ("apprentissage_url", "jobs")):
        url = getattr(settings, name).strip()
        if (url or name == "lba_url") and not re.match(r"^https?://[^\s/]+", url):
            errors[name] = f"L'adresse de l'API {label} doit commencer par https://."
    low, high = RETENTION_MONTHS_RANGE
    if not low <= settings.retention_months <= high:
        errors["retention_months"] = f"La durée de conservation va de {low} à {high} mois."
    if settings.serve_token and len(settings.serve_token) < SERVE_TOKEN_MIN_LENGTH:
        errors["serve_token"] = (
            f"Le jeton doit compter au moins {SERVE_TOKEN_MIN_LENGTH} caractères "
            "(il protège les données ouvertes au réseau local)."
        )
    low, high = TILE_CACHE_MB_RANGE
    if not low <= settings.tile_cache_mb <= high:
        errors["tile_cache_mb"] = f"Le cache de la carte va de {low} à {high} Mo."
    if settings.tile_provider not in PROVIDERS:
        errors["tile_provider"] = "Fond de carte inconnu : choisissez Plan IGN ou OpenStreetMap."
    if settings.user_db:
        from lba_desktop.people.account import check_server_address

        try:
            check_server_address(settings.user_db)
        except LbaError as exc:
            errors["user_db"] = f"{exc.message} {exc.hint}".strip()
    if len(settings.counsellor_name) > 80:
        errors["counsellor_name"] = "Le nom du conseiller dépasse 80 caractères."
    if any(ch.isspace() for ch in settings.api_key):
        errors["api_key"] = "La clé d'API ne contient pas d'espace : vérifiez le copier-coller."
    return errors


# --- Data folder ----------------------------------------------------------------------------


def current_data_folder() -> Path:
    return paths.data_root()


def set_data_folder(folder: Path | None) -> str:
    """Point the next starts at `folder` (None: back to the OS default). Nothing is moved:
    the returned French text says what the counsellor has to do."""
    default = paths.default_data_root()
    default.mkdir(parents=True, exist_ok=True)
    pointer = default / paths.POINTER_FILE
    current = paths.data_root()
    if folder is None or folder.resolve() == default.resolve():
        pointer.unlink(missing_ok=True)
        target = default
    else:
        folder.mkdir(parents=True, exist_ok=True)
        pointer.write_text(str(folder.resolve()) + "\n", encoding="utf-8")
        target = folder.resolve()
    if target == current.resolve():
        return f"Les données restent dans {target}."
    return (
        f"Au prochain démarrage, LBA Desktop utilisera le dossier {target}.\n"
        "Rien n'a été déplacé : pour garder les jeunes suivis et le catalogue, quittez "
        f"l'application puis copiez le contenu de {current} (user.sqlite, catalogue.sqlite) "
        "dans le nouveau dossier."
    )
