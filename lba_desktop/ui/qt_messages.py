"""Qt's and Chromium's own messages: the known harmless ones (no Vulkan, no GPU vendor, no
D-Bus system bus, offscreen limits) stay out of the terminal unless `--debug`; every other
Qt message goes to the application log, and warnings to the terminal as before."""

from __future__ import annotations

import logging
import os
import re
import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

# Printed at every start on ordinary machines (a laptop with no Vulkan driver, a desktop
# without a system bus, a virtual machine); none says anything about this application.
HARMLESS = re.compile(
    "|".join(
        (
            r"^Failed to load vulkan",
            r"^initInstance: No Vulkan library available",
            r"^Failed to create platform Vulkan instance",
            r"^Unable to detect GPU vendor",
            r"^QRhiGles2: Failed to create (temporary )?context",
            r"^Failed to create RHI for backend",
            r"^GPUInfo not initialized",
            r"^This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)",
            r"^qt\.qpa\.xcb: QXcbConnection: XCB error",
            r"^Release of profile requested but WebEnginePage still not deleted",
        )
    )
)
# Chromium (inside QtWebEngine) prints its own ERROR lines straight to stderr: only fatal ones
# unless debugging (« Failed to connect to the bus », GPU and network probes).
QUIET_CHROMIUM = "--log-level=3"


def quiet_chromium(*, debug: bool) -> None:
    """Must run before QtWebEngine starts (its flags are read once)."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if debug:
        wanted = "--enable-logging --log-level=0"
    elif "--log-level" not in flags:
        wanted = QUIET_CHROMIUM
    else:
        return
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} {wanted}".strip()


def install_message_filter(*, debug: bool) -> None:
    """Route Qt's messages: the log always, the terminal for warnings that may matter."""

    def handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        level = {
            QtMsgType.QtDebugMsg: logging.DEBUG,
            QtMsgType.QtInfoMsg: logging.INFO,
            QtMsgType.QtWarningMsg: logging.WARNING,
        }.get(kind, logging.ERROR)
        harmless = bool(HARMLESS.search(message))
        log.log(logging.DEBUG if harmless else level, "%s", message)
        if debug or (level >= logging.WARNING and not harmless):
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)
