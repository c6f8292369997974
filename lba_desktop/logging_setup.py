"""The application log: a rotating file in the data folder, masked so that no email, phone
number or secret ever reaches it."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path

from lba_desktop import paths

LOG_FILE = "lba-desktop.log"
CLI_LOG_FILE = "lba-desktop-cli.log"  # its own file: a window and a command may run at once
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# French numbers written in the usual ways: 06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78.
PHONE_RE = re.compile(r"(?<![\w])(?:(?:\+|00)33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
EMAIL_MASK = "[courriel masqué]"
PHONE_MASK = "[téléphone masqué]"
SECRET_MASK = "[secret masqué]"
# Shorter values would mask ordinary words; real keys and tokens are much longer.
MIN_SECRET_LENGTH = 8

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Mask `value` wherever it appears in the log (API key, serve token)."""
    if value and len(value) >= MIN_SECRET_LENGTH:
        with _secrets_lock:
            _secrets.add(value)


def mask(text: str) -> str:
    """The text with emails, phone numbers and registered secrets replaced."""
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, SECRET_MASK)
    text = EMAIL_RE.sub(EMAIL_MASK, text)
    return PHONE_RE.sub(PHONE_MASK, text)


class PersonalDataFilter(logging.Filter):
    """A safety net: code must not log personal data, and if it does, this masks it.

    The message is rendered with its arguments first (a masked format string would still be
    filled with an unmasked argument), and the traceback is rendered and masked too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = mask(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class _QuietRotatingFileHandler(RotatingFileHandler):
    """A log that cannot be written (full disk, a file held by another process while it
    rotates) is skipped: it must never print a traceback on the counsellor's terminal."""

    def handleError(self, record: logging.LogRecord) -> None:
        return


def log_path(name: str = LOG_FILE) -> Path:
    return paths.logs_dir() / name


def setup_logging(*, level: int = logging.INFO, name: str = LOG_FILE) -> Path:
    """Send the root logger to the rotating file `name` of the current data folder; calling it
    again (tests, another data folder) replaces the previous file handler. Returns its path."""
    root = logging.getLogger()
    remove_logging()
    path = log_path(name)
    handler = _QuietRotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    handler._lba_desktop = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(PersonalDataFilter())
    handler.setLevel(level)
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return path


def remove_logging() -> None:
    """Detach and close the file handler (tests, before the data folder goes away)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_lba_desktop", False):
            root.removeHandler(handler)
            with contextlib.suppress(OSError):  # its last lines may not fit on a full disk
                handler.close()
