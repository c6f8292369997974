"""The filters panel: métiers with live completion (several can be chosen), a place with live
completion that keeps the exact place picked, radius, diploma level, result kinds with their
counts, OPCO and « employeur handi-engagé »; and the inline area where errors are explained."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.errors import AmbiguousPlace, LbaError
from lba_desktop.models import (
    DEFAULT_RADIUS_KM,
    DIPLOMA_LABELS_FR,
    HANDI_LABEL,
    MAX_RADIUS_KM,
    MAX_ROMES,
    RADIUS_CHOICES_KM,
    Certification,
    Kind,
    Metier,
    Place,
)
from lba_desktop.ui.backend import SearchRequest
from lba_desktop.ui.look import kind_icon, number

DEBOUNCE_MS = 250
COMPLETION_LIMIT = 12
DataRole = Qt.ItemDataRole.UserRole + 1  # the Metier or Place behind a completion line

OTHER_RADIUS = -1


def metier_text(metier: Metier) -> str:
    return f"{metier.label} — {metier.code}"


def diploma_text(certification: Certification) -> str:
    n = certification.trainings
    return (
        f"Diplôme : {certification.title} — {certification.rncp}, "
        f"{n} formation{'s' if n > 1 else ''}"
    )


def _accessible(widget: QWidget, name: str, tip: str) -> None:
    widget.setAccessibleName(name)
    widget.setToolTip(tip)


class _LiveCompleter(QCompleter):
    """A completer over a model the panel fills from a service (not filtered by Qt).

    Attached with `setWidget`, not `QLineEdit.setCompleter`, so choosing a line never rewrites
    the field behind the panel's back: the panel decides what the field shows."""

    def __init__(self, edit: QLineEdit) -> None:
        self.source = QStandardItemModel(edit)
        super().__init__(self.source, edit)
        self.setWidget(edit)
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setMaxVisibleItems(COMPLETION_LIMIT)
        self.popup().setAccessibleName("Suggestions")

    def highlighted(self) -> bool:
        """True when the person highlighted a suggestion (arrow keys, mouse). The view's
        current index alone proves nothing: it lands on the first line when the list fills."""
        popup = self.popup()
        current = popup.currentIndex()
        return (
            popup.isVisible() and current.isValid() and popup.selectionModel().isSelected(current)
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter while the list of the first letters is still open with nothing highlighted (a
        # slow hand, a busy machine): Qt would complete with the first line or swallow the
        # key. The field gets the key instead, and searches with what was typed.
        popup = self.popup()
        if (
            watched is popup
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not self.highlighted()
        ):
            popup.hide()
            edit = self.widget()
            if edit is not None:
                QApplication.sendEvent(edit, event)
            return True
        return super().eventFilter(watched, event)

    def fill(self, rows: list[tuple[str, Any]]) -> None:
        self.source.clear()
        for text, data in rows:
            line = QStandardItem(text)
            line.setData(data, DataRole)
            line.setToolTip(text)
            self.source.appendRow(line)
        edit = self.widget()
        if rows and edit is not None and edit.hasFocus():
            self.complete()
        else:
            self.popup().hide()


class FiltersPanel(QWidget):
    """Emits `searchRequested` on Enter / the button, `filtersChanged` (debounced) when a
    filter that needs a new search moves, `kindsChanged` when only the display changes."""

    searchRequested = Signal()
    filtersChanged = Signal()
    kindsChanged = Signal()
    placeChosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.geocoder: Any = None
        self.metiers: Any = None
        self.certifications: Any = None  # the catalogue's diplomas (CertificationIndex)
        self._place: Place | None = None
        self._chosen: list[Metier] = []
        self._diploma: Certification | None = None  # shown first in the chosen list
        self._counts: dict[Kind, int] = dict.fromkeys(Kind, 0)
        self._counted = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(8)

        # -- métier
        what = QGroupBox("Métier recherché")
        what_box = QVBoxLayout(what)
        self.metier_edit = QLineEdit()
        self.metier_edit.setPlaceholderText("ex. boulanger, aide-soignant, D1102")
        self.metier_edit.setClearButtonEnabled(True)
        _accessible(
            self.metier_edit,
            "Métier",
            "Tapez le début d'un métier ou un code ROME, puis choisissez dans la liste "
            "(Ctrl+F pour revenir ici)",
        )
        what_box.addWidget(self.metier_edit)
        self.metier_completer = _LiveCompleter(self.metier_edit)
        self.metier_completer.activated[QModelIndex].connect(self._metier_picked)
        self.chosen_label = QLabel()
        self.chosen_label.setWordWrap(True)
        self.chosen_label.setAccessibleName("Métiers choisis")
        what_box.addWidget(self.chosen_label)
        self.chosen_list = QListWidget()
        self.chosen_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.chosen_list.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.chosen_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chosen_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        _accessible(
            self.chosen_list,
            "Liste des métiers choisis",
            "Métiers de la recherche ; Suppr retire le métier sélectionné",
        )
        what_box.addWidget(self.chosen_list)
        self.remove_button = QPushButton("Retirer le métier")
        _accessible(
            self.remove_button,
            "Retirer le métier",
            "Retire de la recherche le métier sélectionné dans la liste",
        )
        self.remove_button.clicked.connect(self._remove_selected)
        what_box.addWidget(self.remove_button)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.chosen_list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._remove_selected)
        outer.addWidget(what)

        # -- place and radius
        where = QGroupBox("Autour de")
        grid = QGridLayout(where)
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText("commune, code postal, département…")
        self.place_edit.setClearButtonEnabled(True)
        _accessible(
            self.place_edit,
            "Lieu",
            "Commune, code postal, département, région ou « France » ; "
            "le numéro de département distingue les homonymes",
        )
        grid.addWidget(self.place_edit, 0, 0, 1, 3)
        self.place_completer = _LiveCompleter(self.place_edit)
        self.place_completer.activated[QModelIndex].connect(self._place_picked)
        radius_label = QLabel("Rayon :")
        grid.addWidget(radius_label, 1, 0)
        self.radius_combo = QComboBox()
        for km_ in RADIUS_CHOICES_KM:
            self.radius_combo.addItem(f"{km_} km", km_)
        self.radius_combo.addItem("Autre…", OTHER_RADIUS)
        self.radius_combo.setCurrentIndex(self.radius_combo.findData(DEFAULT_RADIUS_KM))
        _accessible(
            self.radius_combo,
            "Rayon de recherche",
            "Distance maximale autour du lieu ; « Autre… » pour choisir de 1 à 200 km",
        )
        radius_label.setBuddy(self.radius_combo)
        grid.addWidget(self.radius_combo, 1, 1)
        self.radius_spin = QSpinBox()
        self.radius_spin.setRange(1, MAX_RADIUS_KM)
        self.radius_spin.setValue(DEFAULT_RADIUS_KM)
        self.radius_spin.setSuffix(" km")
        self.radius_spin.setVisible(False)
        _accessible(self.radius_spin, "Rayon personnalisé", "Rayon en kilomètres, de 1 à 200")
        grid.addWidget(self.radius_spin, 1, 2)
        grid.setColumnStretch(2, 1)
        outer.addWidget(where)

        # -- level, kinds, company filters
        more = QGroupBox("Filtres")
        more_box = QVBoxLayout(more)
        level_row = QHBoxLayout()
        level_label = QLabel("Niveau :")
        level_row.addWidget(level_label)
        self.level_combo = QComboBox()
        self.level_combo.addItem("Indifférent", None)
        for level, text in DIPLOMA_LABELS_FR.items():
            self.level_combo.addItem(f"{level} – {text}", level)
        _accessible(
            self.level_combo,
            "Niveau de diplôme",
            "Niveau du diplôme préparé (formations) ou visé (offres)",
        )
        level_label.setBuddy(self.level_combo)
        level_row.addWidget(self.level_combo, 1)
        more_box.addLayout(level_row)

        self.kind_boxes: dict[Kind, QCheckBox] = {}
        for kind in Kind:
            box = QCheckBox()
            box.setChecked(True)
            box.setIcon(kind_icon(kind))
            _accessible(
                box,
                kind.plural_fr,
                f"Afficher les {kind.plural_fr.lower()} dans la liste et sur la carte",
            )
            box.toggled.connect(self._kind_toggled)
            self.kind_boxes[kind] = box
            more_box.addWidget(box)
        self._update_kind_labels()

        opco_row = QHBoxLayout()
        opco_label = QLabel("OPCO :")
        opco_row.addWidget(opco_label)
        self.opco_combo = QComboBox()
        self.opco_combo.addItem("Tous", "")
        _accessible(
            self.opco_combo, "OPCO", "Ne garder que les entreprises et offres relevant de cet OPCO"
        )
        opco_label.setBuddy(self.opco_combo)
        opco_row.addWidget(self.opco_combo, 1)
        more_box.addLayout(opco_row)
        # The upstream's current words; it concerns employers, trainings stay listed.
        self.handi_box = QCheckBox(HANDI_LABEL)
        _accessible(
            self.handi_box,
            HANDI_LABEL,
            "Ne garder que les employeurs reconnus handi-engagés (offres, entreprises, "
            "formations incluses) ; les formations restent affichées",
        )
        more_box.addWidget(self.handi_box)
        outer.addWidget(more)

        self.search_button = QPushButton("Rechercher")
        self.search_button.setDefault(True)
        _accessible(self.search_button, "Rechercher", "Lancer la recherche (Entrée)")
        outer.addWidget(self.search_button)

        # -- errors, inline
        self.error_frame = QFrame()
        self.error_frame.setObjectName("errorFrame")
        self.error_frame.setFrameShape(QFrame.Shape.StyledPanel)
        error_box = QVBoxLayout(self.error_frame)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        _accessible(self.error_label, "Message d'erreur", "Ce qui empêche la recherche")
        error_box.addWidget(self.error_label)
        self.candidates_box = QVBoxLayout()
        error_box.addLayout(self.candidates_box)
        self.error_frame.setVisible(False)
        outer.addWidget(self.error_frame)
        outer.addStretch(1)

        # -- debouncing: one timer per field, restarted at each keystroke
        self._metier_timer = self._timer(self._complete_metier)
        self._place_timer = self._timer(self._complete_place)
        self._change_timer = self._timer(self._emit_changed)

        self.metier_edit.textEdited.connect(self._metier_edited)
        self.metier_edit.returnPressed.connect(self._metier_return)
        self.place_edit.textEdited.connect(self._place_edited)
        self.place_edit.returnPressed.connect(self._place_return)
        self.search_button.clicked.connect(self._return_pressed)
        self.radius_combo.currentIndexChanged.connect(self._radius_changed)
        self.radius_spin.valueChanged.connect(self._filter_changed)
        self.level_combo.currentIndexChanged.connect(self._filter_changed)
        self.opco_combo.currentIndexChanged.connect(self._filter_changed)
        self.handi_box.toggled.connect(self._filter_changed)
        self._refresh_chosen()

    def _timer(self, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(DEBOUNCE_MS)
        timer.timeout.connect(slot)
        return timer

    def set_services(
        self,
        *,
        geocoder: Any,
        metiers: Any,
        opcos: tuple[str, ...] = (),
        certifications: Any = None,
    ) -> None:
        self.geocoder = geocoder
        self.metiers = metiers
        self.certifications = certifications
        self.set_opcos(opcos)

    def set_opcos(self, values: tuple[str, ...]) -> None:
        """Offer the OPCOs the catalogue holds, as stored (the search compares them exactly)."""
        current = self.opco_combo.currentData()
        self.opco_combo.blockSignals(True)  # refilling is not a filter change
        self.opco_combo.clear()
        self.opco_combo.addItem("Tous", "")
        for value in values:
            # Upstream names can be a sentence ("AKTO / Opco entreprises et salariés…").
            short = value.split(" / ")[0].split(",")[0].strip()
            self.opco_combo.addItem(short, value)
            self.opco_combo.setItemData(
                self.opco_combo.count() - 1, value, Qt.ItemDataRole.ToolTipRole
            )
        index = self.opco_combo.findData(current)
        self.opco_combo.setCurrentIndex(max(index, 0))
        self.opco_combo.blockSignals(False)

    # -- métiers

    @Slot(str)
    def _metier_edited(self, _text: str) -> None:
        self._metier_timer.start()

    @Slot()
    def _complete_metier(self) -> None:
        text = self.metier_edit.text().strip()
        if self.metiers is None or len(text) < 2:
            self.metier_completer.fill([])
            return
        try:
            found = self.metiers.lookup(text, limit=COMPLETION_LIMIT)
        except LbaError:
            found = ()
        chosen = {m.code for m in self._chosen}
        rows: list[tuple[str, Any]] = [(metier_text(m), m) for m in found if m.code not in chosen]
        diplomas = self.certifications.lookup(text, limit=5) if self.certifications else ()
        diploma_rows = [(diploma_text(c), c) for c in diplomas if c != self._diploma]
        # « cap boul… »: the diplomas first; « boul… »: the métiers first, then the diplomas.
        named = self.certifications is not None and self.certifications.resolve(text)
        rows = diploma_rows + rows if named or not rows else rows + diploma_rows
        self.metier_completer.fill(rows[: COMPLETION_LIMIT + len(diploma_rows)])

    @Slot(QModelIndex)
    def _metier_picked(self, index: QModelIndex | QPersistentModelIndex) -> None:
        metier = index.data(DataRole)
        if isinstance(metier, Metier):
            self.add_metier(metier)
        elif isinstance(metier, Certification):
            self.set_diploma(metier)

    def set_diploma(self, certification: Certification | None) -> None:
        """Search a diploma's trainings (and the offers of its métiers); one at a time."""
        self._diploma = certification
        self.metier_edit.clear()
        self.metier_completer.popup().hide()
        self._refresh_chosen()
        self._filter_changed()

    def chosen_diploma(self) -> Certification | None:
        return self._diploma

    def add_metier(self, metier: Metier) -> bool:
        """Add a métier to the search; refused (with a message) beyond 20 ROME codes."""
        if any(m.code == metier.code for m in self._chosen):
            self.metier_edit.clear()
            return True
        if len(self._chosen) >= MAX_ROMES:
            self.show_error(
                LbaError(
                    f"{MAX_ROMES} métiers au plus par recherche.",
                    hint="Retirez un métier avant d'en ajouter un autre.",
                )
            )
            return False
        self._chosen.append(metier)
        self.metier_edit.clear()
        self.metier_completer.popup().hide()
        self._refresh_chosen()
        self._filter_changed()
        return True

    def set_metiers(self, metiers: list[Metier]) -> None:
        """Replace the chosen métiers (a search opened from the territory view)."""
        self._chosen = list(metiers)[:MAX_ROMES]
        self._diploma = None
        self.metier_edit.clear()
        self._refresh_chosen()

    def chosen_metiers(self) -> tuple[Metier, ...]:
        return tuple(self._chosen)

    @Slot()
    def _remove_selected(self) -> None:
        row = self.chosen_list.currentRow()
        if self._diploma is not None:
            if row == 0:
                self.set_diploma(None)
                return
            row -= 1
        if 0 <= row < len(self._chosen):
            del self._chosen[row]
            self._refresh_chosen()
            self._filter_changed()

    def _refresh_chosen(self) -> None:
        self.chosen_list.clear()
        if self._diploma is not None:
            # Short in the narrow list; the whole line and what it searches in the tooltip.
            entry = QListWidgetItem(f"{self._diploma.title} ({self._diploma.rncp})")
            entry.setToolTip(
                f"{diploma_text(self._diploma)} : les formations qui le préparent, les offres "
                "et entreprises des métiers auxquels il mène"
            )
            entry.setData(DataRole, self._diploma)
            self.chosen_list.addItem(entry)
        for metier in self._chosen:
            entry = QListWidgetItem(metier_text(metier))
            entry.setToolTip(metier_text(metier))
            entry.setData(DataRole, metier)
            self.chosen_list.addItem(entry)
        n = len(self._chosen)
        if self._diploma is not None and not n:
            self.chosen_label.setText("Diplôme choisi :")
        elif n:
            self.chosen_label.setText(
                f"{n} métier{'s' if n > 1 else ''} choisi{'s' if n > 1 else ''} "
                f"(jusqu'à {MAX_ROMES} codes ROME) :"
            )
            self.chosen_list.setCurrentRow(self.chosen_list.count() - 1)
        else:
            self.chosen_label.setText(
                f"Choisissez un ou plusieurs métiers dans les suggestions "
                f"(jusqu'à {MAX_ROMES} codes ROME)."
            )
        self._fit_chosen_height()
        shown = self.chosen_list.count()
        self.chosen_list.setVisible(bool(shown))
        self.remove_button.setVisible(bool(shown))

    def _fit_chosen_height(self) -> None:
        """Up to four lines of chosen métiers, in the current font (presentation mode)."""
        rows = min(max(self.chosen_list.count(), 1), 4)
        frame = 2 * self.chosen_list.frameWidth()
        line = self.chosen_list.sizeHintForRow(0)
        if line <= 0:
            line = self.chosen_list.fontMetrics().height() + 4
        self.chosen_list.setFixedHeight(line * rows + frame + 2)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_chosen_height()

    # -- place

    @Slot(str)
    def _place_edited(self, _text: str) -> None:
        # The text no longer says the place that was picked: resolve it again at search time.
        self._place = None
        self._place_timer.start()

    @Slot()
    def _complete_place(self) -> None:
        text = self.place_edit.text().strip()
        if self.geocoder is None or not text:
            self.place_completer.fill([])
            return
        try:
            found = self.geocoder.candidates(text, limit=10)
        except LbaError:
            found = ()
        self.place_completer.fill([(_place_line(p), p) for p in found])

    @Slot(QModelIndex)
    def _place_picked(self, index: QModelIndex | QPersistentModelIndex) -> None:
        place = index.data(DataRole)
        if isinstance(place, Place):
            self.set_place(place)
            self.placeChosen.emit()

    def set_place(self, place: Place) -> None:
        """Keep this exact place (no new resolution of the text)."""
        self._place = place
        self.place_edit.setText(place.label)
        self.place_completer.popup().hide()
        self.clear_error()

    def place(self) -> Place | None:
        return self._place

    # -- other filters

    @Slot(int)
    def _radius_changed(self, _index: int) -> None:
        custom = self.radius_combo.currentData() == OTHER_RADIUS
        self.radius_spin.setVisible(custom)
        if custom:
            self.radius_spin.setFocus()
        self._filter_changed()

    def radius(self) -> int:
        value = self.radius_combo.currentData()
        return self.radius_spin.value() if value == OTHER_RADIUS else int(value)

    def set_radius(self, km_: int) -> None:
        index = self.radius_combo.findData(km_)
        if index < 0:
            self.radius_spin.setValue(km_)
            index = self.radius_combo.findData(OTHER_RADIUS)
        self.radius_combo.setCurrentIndex(index)

    @Slot()
    def _filter_changed(self) -> None:
        self._change_timer.start()

    def cancel_pending(self) -> None:
        self._change_timer.stop()

    @Slot()
    def _emit_changed(self) -> None:
        self.filtersChanged.emit()

    @Slot(bool)
    def _kind_toggled(self, _checked: bool) -> None:
        self.kindsChanged.emit()

    def visible_kinds(self) -> frozenset[Kind]:
        return frozenset(k for k, box in self.kind_boxes.items() if box.isChecked())

    def set_counts(self, counts: Mapping[Kind, int] | None) -> None:
        self._counted = counts is not None
        self._counts = dict(counts or dict.fromkeys(Kind, 0))
        self._update_kind_labels()

    def _update_kind_labels(self) -> None:
        for kind, box in self.kind_boxes.items():
            if self._counted:
                box.setText(f"{kind.plural_fr} ({number(self._counts.get(kind, 0))})")
            else:
                box.setText(kind.plural_fr)

    def counts_text(self) -> str:
        return "  ".join(box.text() for box in self.kind_boxes.values())

    # -- request

    @Slot()
    def _return_pressed(self) -> None:
        self.searchRequested.emit()

    # Enter on a highlighted suggestion picks it (the completer acts on it); Enter with no
    # suggestion highlighted closes the list and searches with what was typed.
    @Slot()
    def _metier_return(self) -> None:
        if not self.metier_completer.highlighted():
            self.metier_completer.popup().hide()
            self.searchRequested.emit()

    @Slot()
    def _place_return(self) -> None:
        if not self.place_completer.highlighted():
            self.place_completer.popup().hide()
            self.searchRequested.emit()

    def request(self) -> SearchRequest:
        lieu: str | Place = self._place or self.place_edit.text().strip()
        return SearchRequest(
            lieu=lieu,
            metier=self.metier_edit.text().strip(),
            romes=tuple(m.code for m in self._chosen),
            rncp=self._diploma.rncp if self._diploma else "",
            rayon=self.radius(),
            niveau=self.level_combo.currentData(),
            opco=self.opco_combo.currentData() or "",
            handi=self.handi_box.isChecked(),
            metier_labels=((self._diploma.title,) if self._diploma else ())
            + tuple(m.label for m in self._chosen),
        )

    # -- errors

    def show_error(self, exc: LbaError) -> None:
        text = f"<b>{_html(exc.message)}</b>"
        if exc.hint:
            text += f"<br>{_html(exc.hint)}"
        self.error_label.setText(text)
        self._clear_candidates()
        if isinstance(exc, AmbiguousPlace):
            pick = QLabel("Choisissez le bon lieu :")
            self.candidates_box.addWidget(pick)
            for place in exc.candidates[:8]:
                button = QPushButton(_place_line(place))
                _accessible(button, f"Choisir {place.label}", f"Chercher autour de {place.label}")
                button.setProperty("placeIndex", len(self._candidates))
                self._candidates.append(place)
                button.clicked.connect(self._candidate_clicked)
                self.candidates_box.addWidget(button)
        self.error_frame.setVisible(True)

    def clear_error(self) -> None:
        self.error_frame.setVisible(False)
        self.error_label.clear()
        self._clear_candidates()

    def error_text(self) -> str:
        return self.error_label.text() if self.error_frame.isVisible() else ""

    def _clear_candidates(self) -> None:
        self._candidates: list[Place] = []
        while self.candidates_box.count():
            child = self.candidates_box.takeAt(0)
            widget = child.widget()
            if widget is not None:
                widget.deleteLater()

    @Slot()
    def _candidate_clicked(self) -> None:
        button = self.sender()
        index = button.property("placeIndex") if button is not None else None
        if isinstance(index, int) and 0 <= index < len(self._candidates):
            self.set_place(self._candidates[index])
            self.placeChosen.emit()


def _place_line(place: Place) -> str:
    """A completion line: the label already carries the département ("Aurillac (15)"); add the
    postcode so homonyms in one département still differ."""
    if place.postcode and place.postcode not in place.label:
        return f"{place.label} — {place.postcode}"
    return place.label


def _html(text: str) -> str:
    import html

    return html.escape(text)
