"""A map of France or of a région coloured by département for one métier, drawn with QPainter
from the département outlines the application ships; a click names the département."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from lba_desktop.place_names import Outline, departement_outlines

# Metropolitan France only: overseas départements would shrink the mainland to a dot.
MAINLAND = (-5.5, 41.2, 9.8, 51.2)
STEPS = 5  # colour classes
LOW, HIGH = QColor("#eef3fb"), QColor("#08519c")
NONE = QColor("#f4f4f4")


class DepartementMap(QWidget):
    """Colours each département by its value (quantiles: one big city does not flatten the
    rest); grey where the métier has nothing."""

    departementClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(360, 320)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.outlines: tuple[Outline, ...] = departement_outlines()
        self.values: dict[str, float] = {}
        self.shown: frozenset[str] = frozenset()
        self.title = ""
        self.unit = ""
        self._paths: dict[str, QPainterPath] = {}
        self._hover = ""

    def show_values(
        self, values: Mapping[str, float], shown: Sequence[str], *, title: str, unit: str
    ) -> None:
        """`values` per département code; only `shown` départements are drawn (a région)."""
        self.values = dict(values)
        self.shown = frozenset(shown)
        self.title, self.unit = title, unit
        self._paths = {}
        self.update()

    def thresholds(self) -> list[float]:
        present = sorted(v for c, v in self.values.items() if c in self.shown and v > 0)
        if not present:
            return []
        return sorted(
            {present[min(len(present) - 1, len(present) * i // STEPS)] for i in range(1, STEPS)}
        )

    def colour_of(self, value: float | None) -> QColor:
        if not value:
            return NONE
        step = sum(1 for t in self.thresholds() if value >= t)
        f = step / max(len(self.thresholds()), 1)
        return QColor(
            round(LOW.red() + (HIGH.red() - LOW.red()) * f),
            round(LOW.green() + (HIGH.green() - LOW.green()) * f),
            round(LOW.blue() + (HIGH.blue() - LOW.blue()) * f),
        )

    def _visible(self) -> list[Outline]:
        return [o for o in self.outlines if o.code in self.shown]

    def _frame(self) -> tuple[float, float, float, float]:
        visible = self._visible()
        boxes = [o.bbox for o in visible if _inside(o.bbox, MAINLAND)] or [o.bbox for o in visible]
        if not boxes:
            return MAINLAND
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def _build_paths(self) -> None:
        min_lon, min_lat, max_lon, max_lat = self._frame()
        # Longitudes shrunk by the cosine of the middle latitude: France keeps its shape.
        k = math.cos(math.radians((min_lat + max_lat) / 2))
        area = QRectF(self.rect()).adjusted(8, 30, -8, -30)
        scale = min(
            area.width() / ((max_lon - min_lon) * k or 1),
            area.height() / ((max_lat - min_lat) or 1),
        )
        left = area.left() + (area.width() - (max_lon - min_lon) * k * scale) / 2
        top = area.top() + (area.height() - (max_lat - min_lat) * scale) / 2
        self._paths = {}
        for outline in self._visible():
            path = QPainterPath()
            for ring in outline.rings:
                points = [
                    QPointF(left + (lon - min_lon) * k * scale, top + (max_lat - lat) * scale)
                    for lon, lat in ring
                ]
                path.addPolygon(points)  # type: ignore[arg-type]
                path.closeSubpath()
            self._paths[outline.code] = path

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self._paths = {}
        super().resizeEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        if not self._paths:
            self._build_paths()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QColor("#222"))
        painter.drawText(
            QRectF(8, 4, self.width() - 16, 22), Qt.AlignmentFlag.AlignLeft, self.title
        )
        border = QPen(QColor("#7a7a7a"), 0.6)
        for code, path in self._paths.items():
            painter.setPen(QPen(QColor("#d62728"), 2) if code == self._hover else border)
            painter.setBrush(self.colour_of(self.values.get(code)))
            painter.drawPath(path)
        self._paint_legend(painter)
        painter.end()

    def _paint_legend(self, painter: QPainter) -> None:
        steps = self.thresholds()
        y = self.height() - 24
        x = 8.0
        labels = [("aucun", NONE)]
        if steps:
            labels.append((f"< {_short(steps[0])}", LOW))
        labels += [(f"≥ {_short(t)}", self.colour_of(t)) for t in steps]
        for text, colour in labels:
            painter.setPen(QColor("#7a7a7a"))
            painter.setBrush(colour)
            painter.drawRect(QRectF(x, y, 14, 14))
            painter.setPen(QColor("#222"))
            painter.drawText(QPointF(x + 18, y + 12), text)
            x += 26 + painter.fontMetrics().horizontalAdvance(text)
        if self._hover:
            name = next((o.name for o in self.outlines if o.code == self._hover), self._hover)
            value = self.values.get(self._hover, 0)
            text = f"{name} ({self._hover}) : {_short(value)} {self.unit}"
            painter.drawText(QPointF(x + 12, y + 12), text)

    def code_at(self, point: QPointF) -> str:
        for code, path in self._paths.items():
            if path.contains(point):
                return code
        return ""

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        code = self.code_at(event.position())
        if code != self._hover:
            self._hover = code
            self.setToolTip(code and "Cliquer : voir la recherche de ce département")
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        code = self.code_at(event.position())
        if code and event.button() is Qt.MouseButton.LeftButton:
            self.departementClicked.emit(code)


def _inside(
    box: tuple[float, float, float, float], frame: tuple[float, float, float, float]
) -> bool:
    return box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2] and box[3] <= frame[3]


def _short(value: float) -> str:
    return (
        f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.2f}".replace(".", ",")
    )
