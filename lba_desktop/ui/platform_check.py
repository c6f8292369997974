"""Before Qt opens a window on Linux: can Qt's xcb plugin load, and does the display answer?
Qt aborts the process (exit code 134, an English message) in both cases; this says in French
what is missing and the command that installs it."""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo

from lba_desktop.system_packages import MAP, WINDOW, explain_missing, missing

CANNOT_OPEN = "LBA Desktop ne peut pas ouvrir sa fenêtre"


def _uses_xcb() -> bool:
    """True when Qt will try its X11 (xcb) platform, the only one these checks concern."""
    platform = os.environ.get("QT_QPA_PLATFORM", "").strip()
    if platform:
        return platform.split(";")[0] == "xcb"
    return not os.environ.get("WAYLAND_DISPLAY")  # with Wayland, Qt picks its wayland plugin


def _plugin_error() -> str | None:
    """Why Qt's xcb plugin cannot load (the dynamic loader's words), or None when it can."""
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    plugin = plugins / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return None  # an unusual Qt build: let Qt itself say what it has
    try:
        ctypes.CDLL(str(plugin))  # what Qt does next; the same handle is reused then
    except OSError as exc:
        return str(exc)
    return None


def _display_answers(display: str) -> bool:
    """Connect to the X server the way Qt's plugin will (libxcb), then hang up."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return False
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    failed = xcb.xcb_connection_has_error(connection)
    xcb.xcb_disconnect(connection)
    return failed == 0


def window_blocker() -> str | None:
    """The French explanation of why no window can open here, or None when one can."""
    if not sys.platform.startswith("linux") or not _uses_xcb():
        return None
    error = _plugin_error()
    if error is not None:
        lacking = missing([WINDOW])
        if lacking:
            return explain_missing(lacking, what=CANNOT_OPEN)
        return f"{CANNOT_OPEN} : le module d'affichage X11 de Qt ne se charge pas.\n  {error}"
    display = os.environ.get("DISPLAY", "")
    if not display:
        return (
            f"{CANNOT_OPEN} : aucun écran graphique (la variable DISPLAY est vide).\n"
            "Lancez l'application depuis une session de bureau, ou utilisez les commandes "
            "sans fenêtre (lba-desktop search --help)."
        )
    if not _display_answers(display):
        return (
            f"{CANNOT_OPEN} : l'écran {display} ne répond pas (serveur X arrêté ou accès "
            "refusé).\nVérifiez la variable DISPLAY, ou lancez l'application depuis une "
            "session de bureau."
        )
    return None


def map_blocker(error: Exception) -> str:
    """The French explanation of a QtWebEngine that did not import (the window opens without
    its map)."""
    lacking = missing([MAP])
    if lacking:
        return explain_missing(lacking, what="La carte est désactivée")
    return f"La carte est désactivée : QtWebEngine ne se charge pas ({error})."
