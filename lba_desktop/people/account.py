"""Signing in to the structure's shared follow-up: the server's address (never with a password
in it), the counsellor's name, the password in the system keyring or, without one, kept for
the session only. The PostgreSQL client (psycopg) is imported on the first call: most
windows never sign in, and its import costs a tenth of a second at start."""

from __future__ import annotations

from lba_desktop.data import keyring_store, userstore
from lba_desktop.errors import InvalidInput, LbaError

NO_KEYRING_FR = (
    "Aucun trousseau sécurisé n'est disponible sur cet ordinateur : le mot de passe n'est pas "
    "enregistré (jamais en clair). Il vous sera demandé à chaque ouverture de l'application."
)
SignInRefused = userstore.SignInRefused


def keyring_available() -> bool:
    return keyring_store.available()


def check_server_address(text: str) -> str:
    """The address as it will be used, or a French message saying what is wrong with it."""
    url = (text or "").strip()
    if not userstore.is_server_url(url):
        raise InvalidInput(
            "L'adresse du serveur doit commencer par postgresql://.",
            hint="Exemple : postgresql://conseiller@serveur.ma-structure.fr/suivi",
        )
    from lba_desktop.data import user_pg

    try:
        info = user_pg.connection_settings(url)
    except LbaError as exc:
        raise InvalidInput(exc.message, hint=exc.hint) from exc
    if user_pg.written_password(url):
        raise InvalidInput(
            "L'adresse ne doit pas contenir de mot de passe.",
            hint="Saisissez-le dans le champ « Mot de passe » : il va dans le trousseau.",
        )
    if not info.get("user") or not info.get("dbname"):
        raise InvalidInput(
            "L'adresse doit nommer votre compte et la base.",
            hint="Exemple : postgresql://conseiller@serveur.ma-structure.fr/suivi",
        )
    return url


def keep_password(url: str, password: str) -> bool:
    """Use `password` for `url`: in the keyring when there is one (True), else for this
    session only (False, and NO_KEYRING_FR is what to say)."""
    from lba_desktop.data import user_pg

    return user_pg.keep_password(url, password, in_keyring=True)


def password_kept(url: str) -> bool:
    from lba_desktop.data import user_pg

    return bool(keyring_store.get(user_pg.account_of(url)))


def role_of(url: str) -> str:
    from lba_desktop.data import user_pg

    return user_pg.role_of(url)


def configured_server() -> str:
    """The shared server's address in use (LBA_USER_DB or the settings), "" for user.sqlite."""
    target = userstore.configured_target()
    return target if isinstance(target, str) else ""
