"""« Nouvelles pistes »: what a sync or a data pack brought within each young person's profile,
ticked and added to their shortlists in a few clicks, or marked as seen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.errors import LbaError
from lba_desktop.people.news import NewLead
from lba_desktop.ui.look import kind_icon, km
from lba_desktop.ui.table_model import Index, ListTableModel

LeadRole = Qt.ItemDataRole.UserRole + 1


class NewsModel(ListTableModel):
    """One row per lead, ticked to be added; young people by name, then nearest first."""

    HEADERS = ("Jeune", "Type", "Intitulé", "Organisme / entreprise", "Commune", "Distance")
    HEADER_TIPS = (
        "Le jeune dont le profil (domicile, mobilité, niveau, métiers) contient cette piste",
        "Formation, offre d'emploi, entreprise ou partenariat",
        "Intitulé de la formation ou du poste",
        "CFA, organisme de formation ou entreprise",
        "Commune du lieu de formation ou de travail",
        "Distance à vol d'oiseau depuis le domicile du jeune",
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.names: dict[int, str] = {}
        self.ticked: set[int] = set()  # rows

    def set_leads(self, leads: list[NewLead], names: dict[int, str]) -> None:
        self.names = names
        self.ticked = set()
        self.set_rows(sorted(leads, key=lambda x: (names.get(x.person_id, ""), x.person_id)))

    def ticked_leads(self) -> list[NewLead]:
        return [self._rows[r] for r in sorted(self.ticked)]

    def tick_all(self, on: bool) -> None:
        self.ticked = set(range(len(self._rows))) if on else set()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        lead: NewLead | None = self.row_at(index.row())
        if lead is None:
            return None
        col = index.column()
        if role == LeadRole:
            return lead
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            ticked = index.row() in self.ticked
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DecorationRole and col == 1:
            return kind_icon(lead.kind)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (
                self.names.get(lead.person_id, f"n° {lead.person_id}"),
                lead.kind.label_fr,
                lead.title,
                lead.organisation,
                lead.commune,
                km(lead.distance_km),
            )[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        (self.ticked.add if checked else self.ticked.discard)(index.row())
        self.dataChanged.emit(index, index)
        return True


class NewsDialog(QDialog):
    """The leads of every young person; « Ajouter à leur sélection » adds the ticked ones,
    « Marquer comme vues » drops them. Nothing is added without a tick."""

    changed = Signal()  # shortlists or leads changed

    def __init__(self, people: Any, news: Any, catalogue: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Nouvelles pistes pour mes jeunes")
        self.setObjectName("nouvellesPistes")
        self.people, self.news, self.catalogue = people, news, catalogue
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = NewsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Nouvelles pistes")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((150, 120, 0, 200, 140, 80)):
            if width:
                header.resizeSection(column, width)
        self.model.dataChanged.connect(self._update_buttons)
        self.all_button = QPushButton("Tout cocher")
        self.all_button.clicked.connect(self._tick_all)
        self.add_button = QPushButton("Ajouter à leur sélection")
        self.add_button.setDefault(True)
        self.add_button.setToolTip("Chaque piste cochée va dans la sélection de son jeune")
        self.add_button.clicked.connect(self.add_ticked)
        self.seen_button = QPushButton("Marquer comme vues")
        self.seen_button.setToolTip("Les pistes cochées quittent cette liste, sans être ajoutées")
        self.seen_button.clicked.connect(self.dismiss_ticked)
        close = QPushButton("Fermer")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.all_button, self.add_button, self.seen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(1000, 520)
        self.reload()

    def reload(self) -> None:
        leads = self.news.leads()
        names = {p.id: p.display_name for p in self.people.search_people()}
        self.model.set_leads(leads, names)
        people = len({lead.person_id for lead in leads})
        if leads:
            self.summary.setText(
                f"{len(leads)} nouvelle(s) piste(s) pour {people} jeune(s) depuis le catalogue "
                "précédent. Cochez celles à ajouter à la sélection de chacun."
            )
        else:
            self.summary.setText(
                "Aucune nouvelle piste : elles apparaissent ici après une mise à jour des "
                "données ou l'import d'un paquet, pour les jeunes dont le profil est renseigné."
            )
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        ticked = bool(self.model.ticked)
        self.add_button.setEnabled(ticked)
        self.seen_button.setEnabled(ticked)
        self.all_button.setEnabled(self.model.rowCount() > 0)
        every = ticked and len(self.model.ticked) == self.model.rowCount()
        self.all_button.setText("Tout décocher" if every else "Tout cocher")

    @Slot()
    def _tick_all(self) -> None:
        self.model.tick_all(len(self.model.ticked) != self.model.rowCount())
        self._update_buttons()

    @Slot()
    def add_ticked(self) -> None:
        leads = self.model.ticked_leads()
        if not leads:
            return
        try:
            added, gone = self.news.add_to_shortlists(self.people, self.catalogue, leads)
        except LbaError as exc:
            self.summary.setText(f"{exc.message} {exc.hint}".strip())
            return
        self.reload()
        said = f"{added} piste(s) ajoutée(s) aux sélections."
        if gone:
            said += f" {gone} n'étai(en)t plus dans le catalogue : retirée(s) de la liste."
        self.summary.setText(said + " " + self.summary.text())
        self.changed.emit()

    @Slot()
    def dismiss_ticked(self) -> None:
        leads = self.model.ticked_leads()
        try:
            for lead in leads:
                self.news.dismiss(lead.person_id, [(lead.kind.value, lead.item_id)])
        except LbaError as exc:
            self.summary.setText(f"{exc.message} {exc.hint}".strip())
            return
        self.reload()
        self.changed.emit()
