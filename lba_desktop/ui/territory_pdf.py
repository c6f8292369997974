"""The territory view's PDF: each tab on a landscape A4 page under its heading, drawn from
the screen at print density."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QPoint, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)
from PySide6.QtWidgets import QTabWidget, QWidget

from lba_desktop.errors import LbaError

PDF_DPI = 300
PDF_GRAB_RATIO = 3


def write_tabs_pdf(tabs: QTabWidget, label: str, summary: str, target: Path) -> None:
    """Each tab on its own landscape A4 page under a heading in text (the tab and the
    territory) and the summary line, the tab drawn as on screen, sharp enough to print."""
    writer = QPdfWriter(str(target))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape)
    writer.setPageMargins(QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter)
    writer.setResolution(PDF_DPI)
    writer.setTitle(f"Territoire : {label}")
    painter = QPainter()
    if not painter.begin(writer):
        raise LbaError(f"Le PDF n'a pas pu être écrit dans {target}.")
    shown = tabs.currentIndex()
    try:
        for i in range(tabs.count()):
            if i:
                writer.newPage()
            tabs.setCurrentIndex(i)
            page = painter.viewport()
            top = _pdf_heading(painter, page.width(), f"{tabs.tabText(i)} — {label}")
            top += _pdf_line(painter, page.width(), top, summary)
            image = _sharp_grab(tabs.currentWidget())
            size = image.deviceIndependentSize()
            # Screen pixels to the page: as wide as the page, or as tall as what is left.
            scale = min(page.width() / size.width(), (page.height() - top) / size.height())
            painter.drawImage(QRectF(0, top, size.width() * scale, size.height() * scale), image)
    finally:
        painter.end()
        tabs.setCurrentIndex(shown)


def _sharp_grab(widget: QWidget) -> QImage:
    """The widget drawn at three times the screen's density (about 300 dpi on the page).
    Not drawn straight into the PDF: Qt's PDF engine refuses the style's gradients."""
    ratio = PDF_GRAB_RATIO
    image = QImage(widget.size() * ratio, QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(widget.palette().window().color())
    painter = QPainter(image)
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    return image


def _pdf_heading(painter: QPainter, width: int, text: str) -> int:
    """A page's title in bold (its capitals' accents kept: the box is the font's full
    height and nothing is clipped); returns the height it took."""
    font = QFont(painter.font())
    font.setPointSizeF(15)
    font.setBold(True)
    painter.setFont(font)
    height = round(QFontMetricsF(font, painter.device()).height() * 1.4)
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip
    painter.drawText(QRectF(0, 0, width, height), flags, text)
    return height


def _pdf_line(painter: QPainter, width: int, top: int, text: str) -> int:
    font = QFont(painter.font())
    font.setPointSizeF(9)
    font.setBold(False)
    painter.setFont(font)
    box = painter.boundingRect(QRectF(0, top, width, 10_000), Qt.TextFlag.TextWordWrap, text)
    painter.drawText(box, Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextDontClip, text)
    return round(box.height() * 1.5)
