"""Shared look of the window: kind colours and badges (the same hues as the map markers),
French number formatting, a dark-mode test based on the palette, and a style whose labels keep
the accents of capitals."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from PySide6.QtCore import QLocale, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QProxyStyle

from lba_desktop.map_page import KIND_COLOURS
from lba_desktop.models import Kind


class UnclippedText(QProxyStyle):
    """The platform's style, except that a tab, button or header label is not cut at its text
    box: with DejaVu Sans (Linux, offscreen renders, PDF exports) the accent of « À » or « É »
    rises a pixel above the font's ascent, and Qt clipped it (« À agir » read « A agir »)."""

    def drawItemText(  # type: ignore[no-untyped-def]
        self, painter, rect, flags, palette, enabled, text, role=None
    ):
        flags = int(flags) | int(Qt.TextFlag.TextDontClip.value)
        if role is None:
            super().drawItemText(painter, rect, flags, palette, enabled, text)
        else:
            super().drawItemText(painter, rect, flags, palette, enabled, text, role)


def use_unclipped_text(app: QApplication, style: str = "") -> None:
    """Wrap the application's style (or the one named) in `UnclippedText`, once."""
    current = app.style()
    if isinstance(current, UnclippedText) and not style:
        return
    app.setStyle(UnclippedText(style or current.name()))


KIND_LETTERS = {Kind.FORMATION: "F", Kind.OFFRE: "O", Kind.ENTREPRISE: "E", Kind.PARTENARIAT: "P"}


def kind_colour(kind: Kind) -> QColor:
    return QColor(KIND_COLOURS[kind])


@cache
def kind_icon(kind: Kind) -> QIcon:
    """A filled rounded badge with the kind's initial: colour is never the only cue."""
    icon = QIcon()
    for size in (16, 24, 32, 48):
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(kind_colour(kind))
        p.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), size * 0.25, size * 0.25)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(int(size * 0.62))
        p.setFont(font)
        p.setPen(QColor("white"))
        p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, KIND_LETTERS[kind])
        p.end()
        icon.addPixmap(pix)
    return icon


def is_dark() -> bool:
    """Dark mode as the palette says (follows the system theme and any style sheet)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    palette = app.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def km(value: float | None) -> str:
    """Distance with a French decimal comma: "12,4 km"."""
    if value is None:
        return ""
    return f"{QLocale().toString(float(value), 'f', 1)} km"


def number(value: int) -> str:
    """Thousands with the French narrow space."""
    return QLocale().toString(int(value))


def dark_palette() -> QPalette:
    """A dark palette for `--theme sombre` where the platform offers none (offscreen, some
    Linux desktops); every widget of the window draws with palette roles, so this suffices."""
    p = QPalette()
    window, base, text = QColor("#2b2d30"), QColor("#1e1f22"), QColor("#e6e6e6")
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, window),
        (roles.WindowText, text),
        (roles.Base, base),
        (roles.AlternateBase, QColor("#26282b")),
        (roles.ToolTipBase, QColor("#3c3f41")),
        (roles.ToolTipText, text),
        (roles.PlaceholderText, QColor("#8a8d91")),
        (roles.Text, text),
        (roles.Button, QColor("#3c3f41")),
        (roles.ButtonText, text),
        (roles.BrightText, QColor("#ff6b6b")),
        (roles.Highlight, QColor("#2f6fdf")),
        (roles.HighlightedText, QColor("#ffffff")),
        (roles.Link, QColor("#7fb0ff")),
        (roles.LinkVisited, QColor("#c39bff")),
        (roles.Light, QColor("#4a4d50")),
        (roles.Midlight, QColor("#3a3d40")),
        (roles.Mid, QColor("#303235")),
        (roles.Dark, QColor("#1a1b1d")),
        (roles.Shadow, QColor("#000000")),
    ):
        p.setColor(role, colour)
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7d80"))
    return p


def age_text(iso: str, *, now: datetime | None = None) -> str:
    """ "aujourd'hui", "il y a 3 jours"… from an ISO timestamp; "" when unknown."""
    try:
        built = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if built.tzinfo is None:
        built = built.replace(tzinfo=UTC)
    days = ((now or datetime.now(UTC)) - built).days
    if days <= 0:
        return "mises à jour aujourd'hui"
    if days == 1:
        return "mises à jour hier"
    return f"mises à jour il y a {number(days)} jours"
