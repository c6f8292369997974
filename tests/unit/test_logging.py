"""The log file: rotating, in the data folder, and masked (emails, phone numbers, secrets)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler

import pytest

from lba_desktop import paths
from lba_desktop.logging_setup import (
    BACKUP_COUNT,
    MAX_BYTES,
    mask,
    register_secret,
    remove_logging,
    setup_logging,
)


@pytest.fixture(autouse=True)
def _detach_log_file() -> Iterator[None]:
    yield
    remove_logging()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("écrire à jeanne.dupont+ml@exemple.fr svp", "écrire à [courriel masqué] svp"),
        ("tél 06 12 34 56 78.", "tél [téléphone masqué]."),
        ("tél 06.12.34.56.78", "tél [téléphone masqué]"),
        ("tél +33 6 12 34 56 78", "tél [téléphone masqué]"),
        ("tél 0612345678", "tél [téléphone masqué]"),
        # Not personal data: ROME codes, INSEE codes, distances, SIRET-like long numbers.
        ("ROME D1102 à 15014, 12.5 km", "ROME D1102 à 15014, 12.5 km"),
        ("siret 12345678901234", "siret 12345678901234"),
    ],
)
def test_mask(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_file_handler_rotates_in_the_data_folder_and_masks() -> None:
    path = setup_logging()
    assert path.parent == paths.data_root() / "logs"
    handlers = [h for h in logging.getLogger().handlers if getattr(h, "_lba_desktop", False)]
    assert len(handlers) == 1
    handler = handlers[0]
    assert isinstance(handler, RotatingFileHandler)
    assert (handler.maxBytes, handler.backupCount) == (MAX_BYTES, BACKUP_COUNT)
    assert setup_logging() == path  # a second call replaces, never duplicates
    assert len([h for h in logging.getLogger().handlers if getattr(h, "_lba_desktop", False)]) == 1

    register_secret("jeton-ultra-secret-42")
    log = logging.getLogger("lba_desktop.essai")
    log.warning("RDV pour %s (%s)", "lea@exemple.fr", "07 98 76 54 32")
    log.warning("jeton jeton-ultra-secret-42")
    try:
        raise ValueError("adresse lea@exemple.fr refusée")
    except ValueError:
        log.exception("échec")
    for h in logging.getLogger().handlers:
        h.flush()
    text = path.read_text(encoding="utf-8")
    assert "lea@exemple.fr" not in text and "07 98 76 54 32" not in text
    assert "jeton-ultra-secret-42" not in text
    assert text.count("[courriel masqué]") >= 2 and "[téléphone masqué]" in text
    assert "ValueError" in text  # the traceback is kept, only masked
