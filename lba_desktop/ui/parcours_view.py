"""The « Parcours complets » panel: a young person's profile (mobility, level, métiers), the
pairs (training, employer) within their reach, and the trainings with how many employers each."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QStringListModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.errors import LbaError
from lba_desktop.models import DIPLOMA_LABELS_FR, MAX_RADIUS_KM, Metier
from lba_desktop.parcours import (
    NO_EMPLOYER_WARNING,
    Pair,
    ParcoursResult,
    ReachableTraining,
    what_to_do,
)
from lba_desktop.people.profiles import Profile
from lba_desktop.ui.table_model import Index, ListTableModel

ItemRole = Qt.ItemDataRole.UserRole + 1
WARNING_COLOUR = QColor("#b3261e")


def _km(value: float | None) -> str:
    return "" if value is None else f"{value:.1f} km".replace(".", ",")


class PairsModel(ListTableModel):
    """One row per pair: travel, the training and its distance, the employer and theirs."""

    HEADERS = (
        "Trajet",
        "Formation",
        "CFA",
        "→ CFA",
        "Employeur",
        "Type d'employeur",
        "→ employeur",
        "CFA ↔ employeur",
    )
    HEADER_TIPS = (
        "Ce que le jeune parcourt : domicile → CFA + domicile → employeur",
        "La formation",
        "Le centre de formation",
        "Distance à vol d'oiseau du domicile au CFA",
        "L'entreprise ou l'offre",
        "Offre d'emploi, offre avec formation incluse (gérée par le CFA) ou entreprise "
        "susceptible de recruter (candidature spontanée)",
        "Distance à vol d'oiseau du domicile à l'employeur",
        "Distance entre le CFA et l'employeur",
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        pair: Pair | None = self.row_at(index.row())
        if pair is None:
            return None
        if role == ItemRole:
            return pair
        if role == Qt.ItemDataRole.DisplayRole:
            training = pair.training
            return (
                _km(pair.travel_km),
                training.title if training else "Formation incluse",
                training.organisation if training else pair.included_cfa,
                _km(pair.training_from_home_km),
                pair.employer.organisation or pair.employer.title,
                pair.employer_label,
                _km(pair.employer_from_home_km),
                _km(pair.employer_to_training_km),
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return pair.employer.title
        return None


class TrainingsModel(ListTableModel):
    """The trainings within reach and how many employers each can be paired with."""

    # The count second: on a laptop the panel is narrow, and it is what the list is for.
    HEADERS = ("Formation", "Employeurs à portée", "CFA", "Domicile")
    HEADER_TIPS = (
        "La formation",
        "Offres et entreprises du même métier et du même niveau à portée du jeune",
        "Le centre de formation",
        "Distance à vol d'oiseau du domicile au CFA",
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.at_least = False  # the search stopped at its cap: counts read « au moins »

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        reach: ReachableTraining | None = self.row_at(index.row())
        if reach is None:
            return None
        if role == ItemRole:
            return reach
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 1:
                if reach.employers == 0:
                    return "Aucun employeur à portée"
                return f"{reach.employers}+" if self.at_least else str(reach.employers)
            return (reach.item.title, "", reach.item.organisation, _km(reach.from_home_km))[
                index.column()
            ]
        if role == Qt.ItemDataRole.ForegroundRole and reach.employers == 0:
            return WARNING_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole and reach.employers == 0:
            return NO_EMPLOYER_WARNING
        return None


def _table(model: ListTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return view


class ProfileBox(QGroupBox):
    """Mobility, level aimed at and métiers of the chosen young person."""

    saveRequested = Signal(object)  # a Profile with the values typed
    edited = Signal(bool)  # the values differ (True) or no longer differ from the saved ones
    searchRequested = Signal()  # « Chercher pour ce jeune »
    pairsRequested = Signal()  # « Parcours complets »

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Profil de recherche", parent)
        self.metiers: Any = None
        self._person_id: int | None = None
        self._chosen: list[Metier] = []
        self._saved: Profile | None = None  # as loaded or last saved
        self._loading = False
        form = QFormLayout(self)
        self.home_label = QLabel("—")
        self.home_label.setWordWrap(True)
        form.addRow("Domicile :", self.home_label)
        self.mobility = QSpinBox()
        self.mobility.setRange(1, MAX_RADIUS_KM)
        self.mobility.setSuffix(" km")
        self.mobility.setAccessibleName("Rayon de mobilité")
        self.mobility.setToolTip("Jusqu'où le jeune peut aller depuis chez lui (30 km par défaut)")
        form.addRow("Mobilité :", self.mobility)
        self.level = QComboBox()
        self.level.setAccessibleName("Niveau visé")
        self.level.addItem("Indifférent", None)
        for level, text in DIPLOMA_LABELS_FR.items():
            self.level.addItem(f"{level} – {text}", level)
        form.addRow("Niveau visé :", self.level)
        self.metier_edit = QLineEdit()
        self.metier_edit.setPlaceholderText("Ajouter un métier : « boulang », « D1102 »…")
        self.metier_edit.setAccessibleName("Ajouter un métier au profil")
        self._completion = QStringListModel(self)
        self._found: dict[str, Metier] = {}
        completer = QCompleter(self._completion, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._picked)
        self.metier_edit.setCompleter(completer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._complete)
        self.metier_edit.textEdited.connect(lambda _t: self._timer.start())
        self.metier_edit.textChanged.connect(self._changed)
        self.metier_edit.returnPressed.connect(self.add_typed)
        form.addRow("Métiers :", self.metier_edit)
        self.chosen = QListWidget()
        self.chosen.setAccessibleName("Métiers du profil")
        self.chosen.setMaximumHeight(3 * self.chosen.fontMetrics().height() + 10)
        remove = QPushButton("Retirer le métier")
        remove.clicked.connect(self._remove)
        column = QVBoxLayout()
        column.addWidget(self.chosen)
        column.addWidget(remove, 0, Qt.AlignmentFlag.AlignLeft)
        form.addRow("", column)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Enregistrer le profil")
        self.save_button.clicked.connect(self._save)
        self.search_button = QPushButton("Chercher pour ce jeune")
        self.search_button.setToolTip("Remplit la recherche : domicile, métiers, mobilité, niveau")
        self.search_button.clicked.connect(self.searchRequested)
        self.pairs_button = QPushButton("Parcours complets")
        self.pairs_button.setToolTip("Formation + employeur, tous deux à portée du domicile")
        self.pairs_button.clicked.connect(self.pairsRequested)
        buttons.addWidget(self.search_button)
        buttons.addWidget(self.pairs_button)
        self.unsaved = QLabel("Profil modifié, pas encore enregistré")
        self.unsaved.setStyleSheet(f"color: {WARNING_COLOUR.name()};")
        self.unsaved.setToolTip(
            "Rien n'est perdu : le profil s'enregistre de lui-même quand vous choisissez un "
            "autre jeune ou fermez l'application"
        )
        self.unsaved.hide()
        form.addRow(self.save_button)
        form.addRow(self.unsaved)
        form.addRow(buttons)
        self.mobility.valueChanged.connect(self._changed)
        self.level.currentIndexChanged.connect(self._changed)
        self.show_profile(None, "", None)

    def show_profile(self, person_id: int | None, home: str, profile: Profile | None) -> None:
        self._person_id = person_id
        self.home_label.setText(home or "non renseigné (à indiquer dans sa fiche)")
        profile = profile or Profile(person_id=person_id or 0)
        self._loading = True
        self.mobility.setValue(profile.mobility_km)
        self.level.setCurrentIndex(max(0, self.level.findData(profile.diploma_level)))
        self._chosen = [self._metier(code) for code in profile.romes]
        self._refresh()
        self._loading = False
        self.mark_saved(profile)
        for widget in (self.save_button, self.search_button, self.pairs_button):
            widget.setEnabled(person_id is not None)

    def _metier(self, code: str) -> Metier:
        found = self.metiers.get(code) if self.metiers is not None else None
        return found or Metier(code=code, label=code)

    def values(self) -> Profile:
        return Profile(
            person_id=self._person_id or 0,
            mobility_km=self.mobility.value(),
            diploma_level=self.level.currentData(),
            romes=tuple(m.code for m in self._chosen),
        )

    def _refresh(self) -> None:
        self.chosen.clear()
        for metier in self._chosen:
            self.chosen.addItem(f"{metier.label} ({metier.code})")
        self._changed()

    def is_dirty(self) -> bool:
        """Values typed that are not in the store yet (a métier typed but not added counts)."""
        return self.values_changed() or (
            self._person_id is not None and bool(self.metier_edit.text().strip())
        )

    def values_changed(self) -> bool:
        """Mobility, level or métiers differ from the profile as loaded or last saved."""
        if self._person_id is None or self._saved is None:
            return False
        now, saved = self.values(), self._saved
        return (now.mobility_km, now.diploma_level, now.romes) != (
            saved.mobility_km,
            saved.diploma_level,
            tuple(saved.romes),
        )

    def mark_saved(self, profile: Profile) -> None:
        self._saved = profile
        self._changed()

    @Slot()
    def _changed(self) -> None:
        if self._loading:
            return
        dirty = self.is_dirty()
        self.unsaved.setVisible(dirty)
        self.save_button.setText("Enregistrer le profil *" if dirty else "Enregistrer le profil")
        self.edited.emit(dirty)

    @Slot()
    def _complete(self) -> None:
        text = self.metier_edit.text().strip()
        if self.metiers is None or len(text) < 2:
            return
        try:
            found = self.metiers.lookup(text, limit=15)
        except LbaError:
            found = ()
        self._found = {f"{m.label} ({m.code})": m for m in found}
        self._completion.setStringList(list(self._found))

    @Slot(str)
    def _picked(self, text: str) -> None:
        metier = self._found.get(text)
        if metier is not None and all(m.code != metier.code for m in self._chosen):
            self._chosen.append(metier)
            self._refresh()
        QTimer.singleShot(0, self.metier_edit.clear)

    @Slot()
    def add_typed(self) -> bool:
        """The métier typed in the field into the profile; False when it names none."""
        before = len(self._chosen)
        self._add_typed()
        return len(self._chosen) > before

    def _add_typed(self) -> None:
        text = self.metier_edit.text().strip()
        if text in self._found:
            self._picked(text)
        elif self.metiers is not None and text:
            found = self.metiers.lookup(text, limit=1)
            if found:
                self._found[text] = found[0]
                self._picked(text)

    @Slot()
    def _remove(self) -> None:
        row = self.chosen.currentRow()
        if 0 <= row < len(self._chosen):
            del self._chosen[row]
            self._refresh()

    @Slot()
    def _save(self) -> None:
        self.saveRequested.emit(self.values())


class ParcoursPanel(QWidget):
    """The profile on the left; the pairs and the trainings within reach on the right."""

    pairActivated = Signal(object)  # a Pair (double-click: show its training and employer)
    pairAddRequested = Signal(object)  # a Pair to save in the young person's shortlist
    trainingChosen = Signal(object)  # the training Item chosen in either list (map lines)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile_box = ProfileBox()
        self.summary = QLabel("Choisissez un jeune dans « Jeunes suivis ».")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Résumé des parcours")
        self.pairs_model = PairsModel(self)
        self.pairs = _table(self.pairs_model, "Parcours complets : formation et employeur")
        self.pairs.doubleClicked.connect(self._activated)
        self.pairs.selectionModel().selectionChanged.connect(self._update_add)
        self.add_button = QPushButton("Ajouter le parcours à la sélection")
        self.add_button.setToolTip(
            "La formation et l'employeur du parcours choisi, en une seule ligne de la "
            "sélection du jeune (un statut pour chacun)"
        )
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(self._add)
        # What to do with the chosen pair's employer, and how to reach them (upstream text:
        # shown as plain text).
        self.todo = QLabel("")
        self.todo.setTextFormat(Qt.TextFormat.PlainText)
        self.todo.setWordWrap(True)
        self.todo.setAccessibleName("Que faire pour ce parcours")
        pairs_column = QWidget()
        pairs_layout = QVBoxLayout(pairs_column)
        pairs_layout.setContentsMargins(0, 0, 0, 0)
        pairs_layout.addWidget(self.pairs, 1)
        pairs_layout.addWidget(self.todo)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        pairs_layout.addLayout(add_row)
        self.trainings_model = TrainingsModel(self)
        self.trainings = _table(self.trainings_model, "Formations à portée")
        self.trainings.selectionModel().selectionChanged.connect(self._training_row)
        right = QSplitter(Qt.Orientation.Horizontal)
        right.addWidget(pairs_column)
        right.addWidget(self.trainings)
        right.setStretchFactor(0, 2)
        right.setStretchFactor(1, 1)
        right.setSizes([640, 360])
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(right, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.profile_box)
        split.addWidget(column)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        split.setSizes([300, 1060])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(split)

    def show_result(self, result: ParcoursResult) -> None:
        self.pairs_model.set_rows(result.pairs)
        self.todo.clear()
        self.trainings_model.at_least = bool(result.capped)
        self.trainings_model.set_rows(result.trainings)
        for view, widths in (
            (self.pairs, (64, 170, 130, 70, 150, 150, 70)),
            (self.trainings, (140, 120, 110)),
        ):
            for column, width in enumerate(widths):
                view.setColumnWidth(column, width)
        self.summary.setText(summary_text(result))

    def show_message(self, text: str) -> None:
        self.pairs_model.set_rows([])
        self.todo.clear()
        self.trainings_model.set_rows([])
        self.summary.setText(text)

    def selected_pair(self) -> Pair | None:
        rows = self.pairs.selectionModel().selectedRows()
        return rows[0].data(ItemRole) if rows else None

    @Slot()
    def _update_add(self) -> None:
        pair = self.selected_pair()
        self.add_button.setEnabled(pair is not None)
        self.todo.setText(todo_text(pair) if pair is not None else "")
        if pair is not None and pair.training is not None:
            self.trainingChosen.emit(pair.training)

    @Slot()
    def _training_row(self) -> None:
        rows = self.trainings.selectionModel().selectedRows()
        reach = rows[0].data(ItemRole) if rows else None
        if reach is not None:
            self.trainingChosen.emit(reach.item)

    def select_training(self, training_id: str) -> bool:
        """Choose that training in « Formations à portée » (a click on its map marker)."""
        model = self.trainings_model
        for row in range(model.rowCount()):
            if model.index(row, 0).data(ItemRole).item.id == training_id:
                self.trainings.selectRow(row)
                return True
        return False

    @Slot()
    def _add(self) -> None:
        pair = self.selected_pair()
        if pair is not None:
            self.pairAddRequested.emit(pair)

    @Slot(QModelIndex)
    def _activated(self, index: QModelIndex) -> None:
        pair = index.data(ItemRole)
        if pair is not None:
            self.pairActivated.emit(pair)


def todo_text(pair: Pair) -> str:
    """« Que faire : Candidature spontanée auprès de l'entreprise — Boulangerie X, 04 71 …,
    contact@… (double-clic : sa fiche) »."""
    e = pair.employer
    who = e.organisation or e.title
    reach = [part for part in (e.phone, e.email) if part]
    if not reach and e.url:
        reach = ["lien pour postuler dans sa fiche"]
    said = ", ".join([who, *reach]) if who else ", ".join(reach)
    return f"Que faire : {what_to_do(e)} — {said} (double-clic : sa fiche)."


def summary_text(result: ParcoursResult) -> str:
    """« 66 parcours, 7 formations à portée (30 km) ; 2 sans aucun employeur »."""
    if result.chosen_training is not None:
        t = result.chosen_training
        where = f"de {result.home.label} et du CFA" if result.home else "du CFA"
        head = (
            f"{result.total_pairs} employeur(s) à portée {where} ({result.radius_km} km) "
            f"pour « {t.title} » ({t.organisation})"
        )
    else:
        where = result.home.label if result.home else ""
        head = (
            f"{result.total_pairs} parcours complets, {len(result.trainings)} formation(s) à "
            f"portée de {where} ({result.radius_km} km)"
        )
    alone = len(result.trainings_without_employer)
    if alone:
        head += f" — {alone} formation(s) sans aucun employeur à portée"
    if result.capped:
        head += " — beaucoup de résultats : les plus proches sont comptés"
    if not result.pairs:
        head += ". Aucun parcours : élargissez la mobilité ou ajoutez un métier voisin."
    return head
