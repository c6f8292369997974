"""« Territoire »: a département, a région or France per métier and per professional domain —
bar charts of the top ones (Qt Charts), a map by département for one métier, the two action
lists — each figure opening the search behind it; exports as PNG, PDF and XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCharts import QBarSet, QChartView
from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.errors import LbaError
from lba_desktop.models import MAX_ROMES, Place, PlaceKind
from lba_desktop.territory import DomainRow, MetierRow, Territory, TerritoryService, TerritoryView
from lba_desktop.ui.messages import plain_message
from lba_desktop.ui.saved_files import remember_folder, suggested_path, tell_saved
from lba_desktop.ui.territory_map import DepartementMap
from lba_desktop.ui.territory_pdf import write_tabs_pdf
from lba_desktop.ui.territory_widgets import (
    DomainRole,
    GapRole,
    RomeRole,
    SortRole,
    bar_chart,
    new_chart,
    table_cell,
    table_view,
)

TOP_METIERS = 10
MAP_MEASURES = (
    ("offres", "Offres"),
    ("formations", "Formations"),
    ("entreprises", "Entreprises susceptibles de recruter"),
    ("employeurs_par_formation", "Employeurs par formation"),
)
METIER_HEADERS = (
    ("ROME", "Code ROME du métier"),
    ("Métier", "Libellé ROME"),
    ("Form.", "Formations"),
    ("Sess. 12 m", "Formations avec une session qui commence dans les 12 mois"),
    ("Offres", "Offres d'emploi en alternance"),
    ("Part.", "Partenariats"),
    ("Entr.", "Entreprises susceptibles de recruter"),
    ("Empl./form.", "Employeurs distincts (SIRET) par formation"),
    (
        "Empl./place",
        "Employeurs distincts (SIRET) par place de formation (où elle est dite)",
    ),
    ("Form. isolées", "Formations sans employeur du métier à moins de 30 km"),
    ("Offres isolées", "Offres sans formation du métier à moins de 60 km"),
)
DOMAIN_HEADERS = (
    ("Dom.", "Domaine professionnel du ROME (les trois premiers caractères du code)"),
    ("Métiers du domaine", "Le domaine, nommé par les métiers du référentiel ROME qu'il réunit"),
    ("Grand domaine", "Grand domaine du ROME"),
    ("Mét.", "Métiers du domaine présents sur ce territoire"),
    ("Form.", "Formations (une formation de deux métiers du domaine compte une fois)"),
    ("Sess. 12 m", "Formations avec une session qui commence dans les 12 mois"),
    ("Offres", "Offres d'emploi en alternance"),
    ("Part.", "Partenariats"),
    ("Entr.", "Entreprises susceptibles de recruter"),
    ("Empl./form.", "Employeurs distincts (SIRET) par formation"),
    (
        "Empl./place",
        "Employeurs distincts (SIRET) par place de formation (où elle est dite)",
    ),
    ("Form. isolées", "Formations sans employeur de leur métier à moins de 30 km"),
    ("Offres isolées", "Offres sans formation de leur métier à moins de 60 km"),
)


class TerritoryDialog(QDialog):
    """Reads the aggregates through the territory service; asks the window for a search
    (`searchRequested(place, romes, radius)`) when a figure is clicked."""

    searchRequested = Signal(object, object, int)

    def __init__(self, service: TerritoryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Territoire — formations et employeurs par métier")
        self.service = service
        self.view: TerritoryView | None = None
        self.current_rome = ""

        self.where = QComboBox()
        self.where.setAccessibleName("Territoire")
        # Item data as "scope:code" text: Qt keeps a str as is (a tuple would not compare).
        self.where.addItem("France entière", "france:")
        for code, region in service.regions.items():
            self.where.addItem(f"Région — {region.name}", f"region:{code}")
        for code, dep in service.departements.items():
            self.where.addItem(f"{code} — {dep.name}", f"departement:{code}")
        self.where.setMinimumContentsLength(26)
        self.metier_edit = QLineEdit()
        self.metier_edit.setPlaceholderText("tous les métiers, ou : boulanger, D1102…")
        self.metier_edit.setAccessibleName("Métier")
        self.metier_edit.returnPressed.connect(self.refresh)
        show = QPushButton("Afficher")
        show.clicked.connect(self.refresh)
        self.where.currentIndexChanged.connect(self.refresh)
        exports = []
        for text, slot in (("PNG", self.export_png), ("PDF", self.export_pdf)):
            button = QPushButton(f"Exporter {text}")
            button.clicked.connect(slot)
            exports.append(button)
        xlsx = QPushButton("Exporter Excel")
        xlsx.clicked.connect(self.export_xlsx)
        exports.append(xlsx)
        top = QHBoxLayout()
        top.addWidget(QLabel("Territoire :"))
        top.addWidget(self.where)
        top.addWidget(QLabel("Métier :"))
        top.addWidget(self.metier_edit, 1)
        top.addWidget(show)
        for button in exports:
            top.addWidget(button)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._metiers_tab(), "Métiers")
        self.tabs.addTab(self._domains_tab(), "Domaines")
        self.tabs.addTab(self._map_tab(), "Carte par département")
        self.tabs.addTab(self._actions_tab(), "À agir")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        self.resize(1280, 700)

    # -- tabs

    def _metiers_tab(self) -> QWidget:
        self.chart = new_chart()
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumWidth(520)
        self.metier_model = QStandardItemModel(0, len(METIER_HEADERS))
        for column, (text, tip) in enumerate(METIER_HEADERS):
            header = QStandardItem(text)
            header.setToolTip(tip)
            self.metier_model.setHorizontalHeaderItem(column, header)
        self.metier_model.setSortRole(SortRole)
        self.metier_table = table_view(self.metier_model, {1: 230})
        self.metier_table.selectionModel().currentRowChanged.connect(self._on_metier_row)
        self.metier_table.doubleClicked.connect(self._open_metier_row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.chart_view)
        split.addWidget(self.metier_table)
        split.setSizes([560, 700])
        hint = QLabel(
            "Cliquez une barre, ou double-cliquez une ligne, pour voir la recherche de ce "
            "métier sur ce territoire."
        )
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(split, 1)
        layout.addWidget(hint)
        return box

    def _domains_tab(self) -> QWidget:
        self.domain_chart = new_chart()
        self.domain_chart_view = QChartView(self.domain_chart)
        self.domain_chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.domain_chart_view.setMinimumWidth(520)
        self.domain_model = QStandardItemModel(0, len(DOMAIN_HEADERS))
        for column, (text, tip) in enumerate(DOMAIN_HEADERS):
            header = QStandardItem(text)
            header.setToolTip(tip)
            self.domain_model.setHorizontalHeaderItem(column, header)
        self.domain_model.setSortRole(SortRole)
        self.domain_table = table_view(self.domain_model, {0: 44, 1: 230, 2: 150})
        self.domain_table.doubleClicked.connect(self._open_domain_row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.domain_chart_view)
        split.addWidget(self.domain_table)
        split.setSizes([560, 700])
        self.domain_hint = QLabel(
            "Cliquez une barre, ou double-cliquez une ligne, pour voir la recherche des métiers "
            f"de ce domaine sur ce territoire (une recherche en prend {MAX_ROMES} au plus : "
            "au-delà, ses métiers s'affichent dans l'onglet Métiers)."
        )
        self.domain_hint.setWordWrap(True)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(split, 1)
        layout.addWidget(self.domain_hint)
        return box

    def _map_tab(self) -> QWidget:
        self.measure = QComboBox()
        for key, label in MAP_MEASURES:
            self.measure.addItem(label, key)
        self.measure.currentIndexChanged.connect(self._draw_map)
        self.map = DepartementMap()
        self.map.departementClicked.connect(self._open_departement)
        self.map_metier = QLabel()
        row = QHBoxLayout()
        row.addWidget(QLabel("Mesure :"))
        row.addWidget(self.measure)
        row.addWidget(self.map_metier, 1)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(self.map, 1)
        layout.addWidget(QLabel("Cliquez un département pour voir la recherche de ce métier."))
        return box

    def _actions_tab(self) -> QWidget:
        self.alone_model = QStandardItemModel(0, 5)
        self.alone_model.setHorizontalHeaderLabels(
            ["ROME", "Formation", "Organisme", "Commune", "Employeur le plus proche"]
        )
        self.alone_model.setSortRole(SortRole)
        # Narrow enough that the last header is read whole at 1366 px.
        self.alone_table = table_view(self.alone_model, {1: 175, 2: 135, 3: 110})
        self.alone_table.doubleClicked.connect(self._open_gap)
        self.missing_model = QStandardItemModel(0, 4)
        self.missing_model.setHorizontalHeaderLabels(
            ["ROME", "Métier", "Offres", "Offres sans formation à moins de 60 km"]
        )
        self.missing_model.setSortRole(SortRole)
        self.missing_table = table_view(self.missing_model, {1: 250})
        self.missing_table.doubleClicked.connect(self._open_missing)
        self.alone_title = QLabel()
        self.missing_title = QLabel()
        box = QWidget()
        layout = QHBoxLayout(box)
        for title, table in (
            (self.alone_title, self.alone_table),
            (self.missing_title, self.missing_table),
        ):
            column = QVBoxLayout()
            title.setWordWrap(True)
            column.addWidget(title)
            column.addWidget(table, 1)
            layout.addLayout(column, 1)
        return box

    # -- data

    def territory(self) -> Territory:
        scope, _, code = str(self.where.currentData()).partition(":")
        if scope == "departement":
            return self.service.territory(departement=code)
        if scope == "region":
            return self.service.territory(region=code)
        return self.service.territory()

    def select_territory(self, scope: str, code: str) -> None:
        index = self.where.findData(f"{scope}:{code}")
        if index >= 0:
            self.where.setCurrentIndex(index)

    @Slot()
    def refresh(self) -> None:
        try:
            romes = self.service.romes_of(self.metier_edit.text())
            self.view = self.service.view(self.territory(), romes)
        except LbaError as exc:
            self.summary.setText(f"{exc.message} {exc.hint or ''}".strip())
            return
        self._fill()

    def _fill(self) -> None:
        view = self.view
        assert view is not None
        rows = view.metiers
        totals = {k: sum(getattr(m.counts, k) for m in rows) for k in ("formations", "offres")}
        self.summary.setText(
            f"{view.territory.label} : {len(rows)} métier(s), {totals['formations']} formation(s)"
            f" et {totals['offres']} offre(s) comptées par métier (une formation de deux "
            "métiers compte dans chacun ; une fois dans leur domaine). Chiffres calculés à la "
            "dernière mise à jour du catalogue."
            if rows
            else f"{view.territory.label} : rien pour ce(s) métier(s) dans le catalogue."
        )
        self._fill_chart(_top(rows))
        self._fill_metiers(rows)
        self._fill_domains(view.domains)
        self._fill_actions(view)
        top = _top(rows)
        self.current_rome = top[0].rome if top else ""
        self._draw_map()

    def _fill_chart(self, top: list[MetierRow]) -> None:
        self.chart = bar_chart(
            self.chart_view,
            f"Les {len(top)} premiers métiers (formations + offres)",
            [(m.label, m.counts) for m in top],
            self._on_bar_clicked,
        )
        self._chart_romes = [m.rome for m in reversed(top)]

    def _fill_domains(self, domains: tuple[DomainRow, ...]) -> None:
        top = sorted(domains, key=lambda d: (-(d.counts.formations + d.counts.offres), d.code))
        top = top[:TOP_METIERS]
        self.domain_chart = bar_chart(
            self.domain_chart_view,
            f"Les {len(top)} premiers domaines professionnels (formations + offres)",
            [(f"{d.code} {d.label}", d.counts) for d in top],
            self._on_domain_bar_clicked,
        )
        self._chart_domains = [d.code for d in reversed(top)]
        model = self.domain_model
        model.removeRows(0, model.rowCount())
        for d in domains:
            c = d.counts
            values: list[Any] = [
                d.code,
                d.label,
                d.grand_domaine_label,
                c.metiers,
                c.formations,
                c.sessions_12_mois,
                c.offres,
                c.partenariats,
                c.entreprises,
                d.employers_per_training,
                d.employers_per_place,
                c.formations_sans_employeur,
                c.offres_sans_formation,
            ]
            cells = [table_cell(v, "") for v in values]
            for cell in cells:
                cell.setData(d.code, DomainRole)
            cells[1].setToolTip(", ".join(f"{r} {self.service.label_of(r)}" for r in d.romes))
            model.appendRow(cells)
        self.domain_table.sortByColumn(6, Qt.SortOrder.DescendingOrder)

    def _fill_metiers(self, rows: tuple[MetierRow, ...]) -> None:
        model = self.metier_model
        model.removeRows(0, model.rowCount())
        for m in rows:
            c = m.counts
            ratio = m.employers_per_training
            values: list[Any] = [
                c.rome,
                m.label,
                c.formations,
                c.sessions_12_mois,
                c.offres,
                c.partenariats,
                c.entreprises,
                ratio,
                m.employers_per_place,
                c.formations_sans_employeur,
                c.offres_sans_formation,
            ]
            model.appendRow([table_cell(v, c.rome) for v in values])
        self.metier_table.sortByColumn(4, Qt.SortOrder.DescendingOrder)

    def _fill_actions(self, view: TerritoryView) -> None:
        alone = sum(m.counts.formations_sans_employeur for m in view.metiers)
        self.alone_title.setText(
            f"Formations sans employeur de leur métier à moins de 30 km : {alone}"
            + (
                f" (les {len(view.trainings_alone)} plus isolées)"
                if alone > len(view.trainings_alone)
                else ""
            )
        )
        model = self.alone_model
        model.removeRows(0, model.rowCount())
        for g in view.trainings_alone:
            far = "aucun" if g.nearest_km is None else f"{g.nearest_km:.0f} km"
            cells = [
                table_cell(v, g.rome) for v in (g.rome, g.title, g.organisation, g.commune, far)
            ]
            cells[4].setData(g.nearest_km if g.nearest_km is not None else 1e9, SortRole)
            cells[0].setData(g, GapRole)
            model.appendRow(cells)
        self.alone_table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        missing = view.metiers_without_training
        self.missing_title.setText(
            f"Métiers dont des offres n'ont aucune formation à moins de 60 km : {len(missing)}"
        )
        model = self.missing_model
        model.removeRows(0, model.rowCount())
        for m in missing:
            c = m.counts
            model.appendRow(
                [
                    table_cell(v, c.rome)
                    for v in (c.rome, m.label, c.offres, c.offres_sans_formation)
                ]
            )

    @Slot()
    def _draw_map(self) -> None:
        if self.view is None:
            return
        rome = self.current_rome
        key = self.measure.currentData()
        label = self.measure.currentText()
        territory = self.view.territory
        shown = (
            territory.departements
            if territory.scope != "france"
            else tuple(self.service.departements)
        )
        if not rome:
            self.map.show_values({}, shown, title="Aucun métier à montrer", unit="")
            self.map_metier.setText("")
            return
        values: dict[str, float] = {}
        for code, counts in self.service.by_departement(rome).items():
            if key == "employeurs_par_formation":
                values[code] = counts.employeurs / counts.formations if counts.formations else 0
            else:
                values[code] = getattr(counts, key)
        name = self.service.label_of(rome)
        self.map_metier.setText(f"Métier : {rome} — {name} (choisi dans l'onglet Métiers)")
        self.map.show_values(values, shown, title=f"{label} — {name} ({rome})", unit=label.lower())

    # -- clicks: the search behind a figure

    def _on_metier_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        rome = current.siblingAtColumn(0).data(RomeRole)
        if rome:
            self.current_rome = rome
            self._draw_map()

    def _on_bar_clicked(self, index: int, _bars: QBarSet) -> None:
        if 0 <= index < len(self._chart_romes) and self.view is not None:
            self._ask(self.service.place_of(self.view.territory), self._chart_romes[index], 0)

    def _on_domain_bar_clicked(self, index: int, _bars: QBarSet) -> None:
        if 0 <= index < len(self._chart_domains):
            self.open_domain(self._chart_domains[index])

    def _open_domain_row(self, index: QModelIndex) -> None:
        code = index.siblingAtColumn(0).data(DomainRole)
        if code:
            self.open_domain(code)

    def open_domain(self, code: str) -> None:
        """The search of all the domain's métiers found here; when a search cannot take them
        all, the domain's métiers in the Métiers tab, each with its own search."""
        if self.view is None:
            return
        domain = next((d for d in self.view.domains if d.code == code), None)
        if domain is None:
            return
        if domain.searchable:
            self._ask(self.service.place_of(self.view.territory), domain.romes, 0)
            return
        self.metier_edit.setText(code)
        self.refresh()
        self.tabs.setCurrentIndex(0)
        self.summary.setText(
            f"{self.summary.text()} Le domaine {code} compte {len(domain.romes)} métiers ici, "
            f"plus qu'une recherche n'en prend ({MAX_ROMES}) : double-cliquez l'un d'eux."
        )

    def _open_metier_row(self, index: QModelIndex) -> None:
        rome = index.siblingAtColumn(0).data(RomeRole)
        if rome and self.view is not None:
            self._ask(self.service.place_of(self.view.territory), rome, 0)

    def _open_departement(self, code: str) -> None:
        if self.current_rome:
            place = self.service.place_of(self.service.territory(departement=code))
            self._ask(place, self.current_rome, 0)

    def _open_gap(self, index: QModelIndex) -> None:
        gap = index.siblingAtColumn(0).data(GapRole)
        if gap is not None:
            # Around the training, 30 km: the search shows that no employer is that close.
            place = Place(
                PlaceKind.COMMUNE, "", f"{gap.commune} ({gap.departement})", gap.lat, gap.lon
            )
            self._ask(place, gap.rome, 30)

    def _open_missing(self, index: QModelIndex) -> None:
        rome = index.siblingAtColumn(0).data(RomeRole)
        if rome and self.view is not None:
            self._ask(self.service.place_of(self.view.territory), rome, 0)

    def _ask(self, place: Place, romes: str | tuple[str, ...], radius: int) -> None:
        self.searchRequested.emit(place, (romes,) if isinstance(romes, str) else romes, radius)

    # -- exports

    def _target(self, title: str, ext: str, file_filter: str) -> Path | None:
        name = "territoire"
        if self.view is not None:
            name += "-" + self.view.territory.code.lower()
        chosen, _ = QFileDialog.getSaveFileName(
            self, title, suggested_path(f"{name}.{ext}"), file_filter
        )
        if not chosen:
            return None
        remember_folder(chosen)
        path = Path(chosen)
        return path if path.suffix else path.with_suffix(f".{ext}")

    def page_image(self) -> Any:
        return self.tabs.currentWidget().grab()

    @Slot()
    def export_png(self) -> None:
        target = self._target("Exporter l'image", "png", "Image PNG (*.png)")
        if target is not None and self._save(lambda: self.save_png(target)):
            tell_saved(self, "Image enregistrée", target, what="L'image")

    @Slot()
    def export_pdf(self) -> None:
        target = self._target("Exporter en PDF", "pdf", "PDF (*.pdf)")
        if target is not None and self._save(lambda: self.save_pdf(target)):
            tell_saved(self, "PDF enregistré", target, what="Le PDF")

    @Slot()
    def export_xlsx(self) -> None:
        if self.view is None:
            return
        view = self.view
        target = self._target("Exporter en Excel", "xlsx", "Classeur Excel (*.xlsx)")
        # openpyxl is imported here, not at start: its import alone is a third of a second.
        from lba_desktop.exports.territory_xlsx import write_territory_xlsx

        if target is not None and self._save(lambda: write_territory_xlsx(view, target)):
            tell_saved(self, "Classeur enregistré", target, what="Le classeur")

    def _save(self, write: Any) -> bool:
        try:
            write()
        except LbaError as exc:
            plain_message(self, "Export impossible", f"{exc.message}\n{exc.hint or ''}")
            return False
        return True

    def save_png(self, target: Path) -> None:
        if not self.page_image().save(str(target), "PNG"):
            raise LbaError(f"L'image n'a pas pu être écrite dans {target}.")

    def save_pdf(self, target: Path) -> None:
        label = self.view.territory.label if self.view else ""
        write_tabs_pdf(self.tabs, label, self.summary.text(), target)


def _top(rows: tuple[MetierRow, ...]) -> list[MetierRow]:
    ranked = sorted(rows, key=lambda m: (-(m.counts.formations + m.counts.offres), m.rome))
    return ranked[:TOP_METIERS]
