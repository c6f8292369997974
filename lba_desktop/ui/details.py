"""The details panel: everything a selected result holds, links that open in the browser,
contact fields that can be selected and copied, and a clear mark on fictitious data."""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.links import mailto_link, safe_link, web_link
from lba_desktop.models import HANDI_LABEL, Hit, Item, Kind
from lba_desktop.safe_text import shorten
from lba_desktop.ui.insertion_view import insertion_box
from lba_desktop.ui.look import kind_colour, km
from lba_desktop.ui.results_model import level_text

# Labels of `details` keys written by the parsers and the demo data; a key without a label is
# still shown, with its name made readable, so nothing an item holds stays hidden.
DETAIL_LABELS: dict[str, str] = {
    "cfa": "CFA",
    "cfa_gestionnaire": "Organisme gestionnaire",
    "uai": "UAI",
    "diploma": "Diplôme",
    "long_title": "Intitulé complet",
    "cfd": "Code CFD",
    "rncp_code": "Code RNCP",
    "rncp_label": "Titre RNCP",
    "sessions": "Sessions",
    "duration": "Durée",
    "description": "Description",
    "objectif": "Objectif",
    "capacity": "Capacité d'accueil",
    "onisep_url": "Fiche ONISEP",
    "rdv_eligible": "Prise de rendez-vous",
    "rdv_url": "Demande de rendez-vous",
    "partner_label": "Diffusé par",
    "partner_job_id": "Référence de l'offre",
    "delegated": "Formation incluse",
    "contract_type": "Contrat",
    "contract_start": "Début du contrat",
    "contract_duration_months": "Durée du contrat",
    "remote": "Télétravail",
    "desired_skills": "Qualités attendues",
    "to_be_acquired_skills": "Compétences à acquérir",
    "access_conditions": "Conditions d'accès",
    "opening_count": "Postes ouverts",
    "status": "Statut",
    "expiration": "Expire le",
    "target_diploma_label": "Diplôme visé",
    "apply_url": "Postuler",
    "apply_recipient_id": "Destinataire de la candidature",
    "naf_code": "Code NAF",
    "naf_label": "Activité (NAF)",
    "idcc": "Convention collective (IDCC)",
    "size": "Effectif",
    "brand": "Enseigne",
    "legal_name": "Raison sociale",
    "website": "Site web",
    "company_description": "Présentation de l'entreprise",
    "recruiter_id": "Identifiant recruteur",
    "why": "Pourquoi cette entreprise",
    "reason": "Pourquoi cette entreprise",
    "cle_ministere_educatif": "Clé ministère éducatif",
    "duration_months": "Durée",
    "places": "Places",
    "company_size": "Effectif",
    "hiring_potential": "Potentiel d'embauche",
    "start_date": "Début du contrat",
    "positions": "Postes ouverts",
    "weekly_hours": "Durée hebdomadaire",
    "cfa_email": "E-mail du CFA",
    "cfa_has_email": "E-mail du CFA",
    "fully_remote": "Entièrement à distance",
    "qualiopi": "Certifié Qualiopi",
    "rncp_active": "Certification RNCP active",
    "rncp_end": "Fin d'enregistrement RNCP",
}
# Shown first, in this order, for each kind; the remaining keys follow alphabetically.
DETAIL_ORDER: dict[Kind, tuple[str, ...]] = {
    Kind.FORMATION: (
        "cfa",
        "cfa_has_email",
        "cfa_gestionnaire",
        "diploma",
        "long_title",
        "sessions",
        "duration",
        "duration_months",
        "places",
        "capacity",
        "objectif",
        "description",
        "onisep_url",
        "rdv_url",
    ),
    Kind.OFFRE: (
        "contract_type",
        "start_date",
        "contract_start",
        "duration_months",
        "contract_duration_months",
        "weekly_hours",
        "remote",
        "positions",
        "opening_count",
        "target_diploma_label",
        "description",
        "desired_skills",
        "to_be_acquired_skills",
        "access_conditions",
        "apply_url",
        "expiration",
    ),
    Kind.ENTREPRISE: (
        "why",
        "reason",
        "legal_name",
        "brand",
        "naf_code",
        "naf_label",
        "size",
        "company_size",
        "hiring_potential",
        "idcc",
        "website",
        "company_description",
    ),
    Kind.PARTENARIAT: (
        "delegated",
        "contract_type",
        "start_date",
        "contract_start",
        "duration_months",
        "contract_duration_months",
        "weekly_hours",
        "remote",
        "positions",
        "opening_count",
        "description",
        "desired_skills",
        "to_be_acquired_skills",
        "access_conditions",
        "apply_url",
        "expiration",
        "cfa",
        "cfa_email",
    ),
}
URL_KEYS = {"onisep_url", "rdv_url", "apply_url", "website"}
COPYABLE_KEYS = {
    "uai",
    "cfd",
    "rncp_code",
    "naf_code",
    "partner_job_id",
    "cfa_email",
    "cle_ministere_educatif",
}
HIRING_POTENTIAL = {0: "Faible", 1: "Moyen", 2: "Bon", 3: "Très bon"}
REMOTE_FR = {"onsite": "Sur place", "hybrid": "Hybride (en partie à distance)",
             "remote": "À distance"}  # fmt: skip
DELEGATED_FR = "Oui : offre gérée par un CFA, embauche et formation ensemble"
# Since 2026 the upstream publishes no CFA address (`hasEmail` only, the RDV service has it).
NO_CFA_EMAIL_FR = "Non publié : demande de rendez-vous en ligne ou téléphone"
HANDI_CFA_FR = "Organisme signalé accessible aux personnes en situation de handicap"
MAX_SHOWN = 4000  # characters of one field shown in the panel (the copy button copies all)


def _fr_date(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return QLocale().toString(QDate(value.year, value.month, value.day), "d MMMM yyyy")


def _months(value: Any) -> str:
    return f"{value} mois" if value not in (None, "") else ""


def _sessions(value: Any) -> str:
    lines = []
    for s in value or ():
        if not isinstance(s, Mapping):
            lines.append(str(s))
            continue
        if s.get("permanent"):
            lines.append("Entrée permanente (toute l'année)")
            continue
        start, end = _fr_date(s.get("start")), _fr_date(s.get("end"))
        places = s.get("places")
        # API Apprentissage gives each session its capacity.
        seats = f" ({places} places)" if isinstance(places, int) and places > 0 else ""
        if start and end:
            lines.append(f"du {start} au {end}{seats}")
        elif start:
            lines.append(f"à partir du {start}{seats}")
    return "\n".join(lines)


def _plain(key: str, value: Any) -> str:
    """A details value as French text."""
    if key == "sessions":
        return _sessions(value)
    if key in {"contract_duration_months", "duration_months"}:
        return _months(value)
    if key == "weekly_hours" and value not in (None, ""):
        return f"{value} h par semaine"
    if key == "hiring_potential" and isinstance(value, int):
        return HIRING_POTENTIAL.get(value, str(value))
    if key == "duration" and isinstance(value, int | float):
        # Upstream gives a training's duration in years (1, 2, 3).
        n = float(value)
        return f"{QLocale().toString(n, 'f', 0 if n.is_integer() else 1)} an{'s' if n > 1 else ''}"
    if key in {"contract_start", "expiration", "start_date", "rncp_end"}:
        return _fr_date(value)
    if key == "remote" and isinstance(value, str):
        return REMOTE_FR.get(value, value)
    if key == "delegated" and isinstance(value, bool):
        return DELEGATED_FR if value else ""
    if key == "cfa_has_email" and isinstance(value, bool):
        return NO_CFA_EMAIL_FR
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, list | tuple):
        return "\n".join(f"• {_plain('', v)}" for v in value if v not in (None, ""))
    if isinstance(value, Mapping):
        return "\n".join(f"{k} : {_plain(str(k), v)}" for k, v in value.items())
    if value is None:
        return ""
    return str(value)


def _short_url(url: str) -> str:
    """A link as a counsellor reads it: no scheme, at most ~48 characters."""
    shown = url.split("://", 1)[-1].removeprefix("www.").rstrip("/")
    return shown if len(shown) <= 48 else shown[:47] + "…"


def _breakable(shown: str) -> str:
    """An address or e-mail may wrap after its « / », « . » and « @ » (a zero-width space):
    one unbreakable word would push the panel wider than a 150 % screen shows."""
    for mark in ("/", ".", "@"):
        shown = shown.replace(mark, mark + "\u200b")
    return shown


def _label_of(key: str) -> str:
    return DETAIL_LABELS.get(key) or key.replace("_", " ").capitalize()


class DetailsPanel(QScrollArea):
    """Shows one item; `copied` tells the status bar what went to the clipboard."""

    copied = Signal(str)
    addRequested = Signal(object)  # the Hit to add to the current person's selection
    appointmentRequested = Signal(object)  # the Item (a training) of a CFA appointment request
    employersRequested = Signal(object)  # the Item (a training): « Employeurs à portée »

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Long values wrap (and links are shortened): reading never needs a sideways scroll.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Détails du résultat")
        self.setToolTip("Détails du résultat choisi dans la liste ou sur la carte")
        self._hit: Hit | None = None
        self._make_follow_bar()
        self._show_empty()

    def hit(self) -> Hit | None:
        return self._hit

    # -- the follow-up bar (shortlist, appointment): one widget moved into each new body, so
    # the classroom mode can hide it once for good.

    def _make_follow_bar(self) -> None:
        self._parking = QWidget(self)
        self._parking.hide()
        self.follow_bar = QWidget(self._parking)
        self.follow_bar.setAccessibleName("Suivi du jeune")
        box = QHBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton("Ajouter à la sélection")
        self.add_button.setAccessibleName("Ajouter à la sélection")
        self.add_button.clicked.connect(self._add_clicked)
        self.rdv_button = QPushButton("Demander un rendez-vous…")
        self.rdv_button.setAccessibleName("Demander un rendez-vous")
        self.rdv_button.setToolTip("Demande de rendez-vous au CFA de cette formation")
        self.rdv_button.clicked.connect(self._rdv_clicked)
        self.employers_button = QPushButton("Employeurs à portée")
        self.employers_button.setAccessibleName("Employeurs à portée")
        self.employers_button.setToolTip(
            "Une place dans ce CFA, pas d'employeur : les offres et entreprises à portée"
        )
        self.employers_button.clicked.connect(self._employers_clicked)
        box.addWidget(self.add_button)
        box.addWidget(self.rdv_button)
        box.addStretch(1)
        # On a second line: three buttons side by side would widen the panel on a laptop.
        outer = QVBoxLayout(self.follow_bar)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(box)
        row = QHBoxLayout()
        row.addWidget(self.employers_button)
        row.addStretch(1)
        outer.addLayout(row)
        self._person_name = ""
        self._in_selection: frozenset[str] = frozenset()
        self._update_follow_bar()

    def set_person(self, name: str, keys: frozenset[str] = frozenset()) -> None:
        """Whose selection the button adds to ("" when nobody is chosen) and what it holds
        already ("kind:id" keys), so the button can say « Déjà dans la sélection »."""
        self._person_name = name
        self._in_selection = keys
        self._update_follow_bar()

    def _update_follow_bar(self) -> None:
        item = self._hit.item if self._hit else None
        name = self._person_name
        key = f"{item.kind.value}:{item.id}" if item else ""
        already = bool(key) and key in self._in_selection
        if not name:
            self.add_button.setText("Ajouter à la sélection…")
            self.add_button.setToolTip(
                "Choisissez d'abord une personne dans le panneau « Jeunes suivis »"
            )
        elif already:
            self.add_button.setText(f"✓ Déjà dans la sélection de {name}")
            self.add_button.setToolTip("Ce résultat est déjà dans sa sélection")
        else:
            self.add_button.setText(f"Ajouter à la sélection de {name}")
            self.add_button.setToolTip(f"Ajouter ce résultat à la sélection de {name} (Ctrl+D)")
        self.add_button.setEnabled(item is not None and not already)
        self.rdv_button.setVisible(item is not None and item.kind is Kind.FORMATION)
        self.employers_button.setVisible(item is not None and item.kind is Kind.FORMATION)

    def _place_follow_bar(self, layout: QVBoxLayout | None) -> None:
        # Taken out of the old body first: QScrollArea.setWidget deletes the old body. Kept
        # in a hidden holder between two bodies, so Qt, not Python, always owns it and it is
        # never drawn over the empty panel; its own hidden flag (the classroom mode's) stays.
        self.follow_bar.setParent(self._parking)
        if layout is not None:
            layout.addWidget(self.follow_bar)
        self._update_follow_bar()

    @Slot()
    def _add_clicked(self) -> None:
        if self._hit is not None:
            self.addRequested.emit(self._hit)

    @Slot()
    def _rdv_clicked(self) -> None:
        if self._hit is not None:
            self.appointmentRequested.emit(self._hit.item)

    @Slot()
    def _employers_clicked(self) -> None:
        if self._hit is not None:
            self.employersRequested.emit(self._hit.item)

    # -- building

    def _fresh_body(self) -> tuple[QWidget, QVBoxLayout]:
        body = QWidget()
        # The scroll area's viewport paints the palette's Base colour in light and dark modes.
        body.setBackgroundRole(self.backgroundRole())
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        return body, layout

    def _show_empty(self) -> None:
        body, layout = self._fresh_body()
        label = QLabel(
            "Choisissez un résultat dans la liste ou sur la carte pour voir "
            "ses coordonnées, ses dates et le lien pour postuler ou s'inscrire."
        )
        label.setWordWrap(True)
        label.setEnabled(False)
        layout.addWidget(label)
        layout.addStretch(1)
        self._place_follow_bar(None)
        self.setWidget(body)

    def clear(self) -> None:
        self._hit = None
        self._show_empty()

    def show_hit(self, hit: Hit | None) -> None:
        if hit is None:
            self.clear()
            return
        self._hit = hit
        item = hit.item
        body, layout = self._fresh_body()

        head = QHBoxLayout()
        badge = QLabel(item.kind.label_fr)
        badge.setStyleSheet(
            f"background:{kind_colour(item.kind).name()}; color:white; border-radius:3px;"
            "padding:1px 6px; font-weight:bold;"
        )
        badge.setAccessibleName(f"Type : {item.kind.label_fr}")
        head.addWidget(badge)
        if item.fictitious:
            fake = QLabel("Données fictives")
            fake.setObjectName("fictitiousMark")
            fake.setToolTip(
                "Résultat inventé pour la démonstration : ne pas le proposer à un jeune."
            )
            fake.setAccessibleName("Données fictives")
            fake.setStyleSheet(
                "border:2px solid #c0392b; color:#c0392b; border-radius:3px;"
                "padding:0 6px; font-weight:bold;"
            )
            head.addWidget(fake)
        head.addStretch(1)
        layout.addLayout(head)
        self._place_follow_bar(layout)

        title = QLabel(f"<b>{html.escape(shorten(item.title, 250))}</b>")
        title.setWordWrap(True)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        title.setAccessibleName("Intitulé")
        layout.addWidget(title)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        org_label = {Kind.FORMATION: "Organisme de formation"}.get(item.kind, "Entreprise")
        self._row(form, org_label, item.organisation)
        address = item.address or " ".join(p for p in (item.postcode, item.commune) if p)
        self._row(form, "Adresse", address, copy=True)
        if hit.distance_km is not None:
            self._row(form, "Distance", km(hit.distance_km) + " à vol d'oiseau")
        if item.kind is not Kind.ENTREPRISE:
            self._row(form, "Niveau", level_text(item.diploma_level))
        self._row(form, "Téléphone", item.phone, copy=True)
        self._row(form, "E-mail", item.email, copy=True, link=mailto_link(item.email) or "")
        self._row(form, "Site", item.url, link=web_link(item.url) or "", copy=True)
        self._row(form, "SIRET", item.siret, copy=True)
        self._row(form, "OPCO", item.opco)
        if item.handi_friendly:
            # Employers: the upstream's engaged pass; trainings: what the CFA declares.
            engaged = HANDI_LABEL if item.kind is not Kind.FORMATION else HANDI_CFA_FR
            self._row(form, "Handicap", engaged)
        self._row(form, "Codes ROME", ", ".join(item.romes))
        insertion = insertion_box(item)  # after the contact, before the long texts
        if insertion is not None:
            form.addRow(insertion)

        details = dict(item.details or {})
        details.pop("insertion", None)  # in its own box, above
        order = DETAIL_ORDER.get(item.kind, ())
        keys = [k for k in order if k in details] + sorted(k for k in details if k not in order)
        for key in keys:
            value = details[key]
            if key in URL_KEYS and isinstance(value, str) and value:
                # Not an http(s) address (« javascript: », « file: », a share path): text.
                self._row(form, _label_of(key), value, link=web_link(value) or "", copy=True)
            else:
                self._row(form, _label_of(key), _plain(key, value), copy=key in COPYABLE_KEYS)

        self._row(form, "Source", item.source)
        self._row(form, "Créé le", _fr_date(item.created))
        self._row(form, "Mis à jour le", _fr_date(item.updated))
        self._row(form, "Identifiant", item.id, copy=True)
        layout.addLayout(form)
        layout.addStretch(1)
        self.setWidget(body)

    def _row(
        self, form: QFormLayout, label: str, text: str, *, copy: bool = False, link: str = ""
    ) -> None:
        if not text:
            return
        # A 1 MB field would freeze the window's layout: shown cut, copied whole.
        shown_text = shorten(text, MAX_SHOWN)
        value = QLabel()
        value.setWordWrap(True)
        value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        # A floor of about sixteen characters: where the panel is narrow (large text, 150 %),
        # the form puts the label above its value rather than a phone number one pair a line.
        value.setMinimumWidth(value.fontMetrics().horizontalAdvance("0") * 16)
        value.setAccessibleName(label)
        flags = (
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        if link:
            value.setTextFormat(Qt.TextFormat.RichText)
            shown = _breakable(html.escape(_short_url(text)))
            value.setText(f'<a href="{html.escape(link, quote=True)}">{shown}</a>')
            value.setToolTip(f"Ouvrir dans le navigateur : {shorten(link, 200)}")
            value.linkActivated.connect(self._open_link)
            flags |= Qt.TextInteractionFlag.LinksAccessibleByMouse
            flags |= Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        else:
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setText(shown_text)
            value.setToolTip(f"{label} (sélectionnable)")
        value.setTextInteractionFlags(flags)
        name = QLabel(label + " :")
        name.setBuddy(value)
        if not copy:
            form.addRow(name, value)
            return
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(value, 1)
        button = QToolButton()
        button.setText("Copier")
        button.setToolTip(f"Copier « {label} » dans le presse-papiers")
        button.setAccessibleName(f"Copier {label}")
        button.setProperty("copyText", text)
        button.setProperty("copyLabel", label)
        button.clicked.connect(self._copy_clicked)
        box.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow(name, row)

    # -- actions

    @Slot(str)
    def _open_link(self, url: str) -> None:
        # Checked again here: only a link the policy allows ever reaches the system.
        link = safe_link(url)
        if link is not None:
            QDesktopServices.openUrl(QUrl(link, QUrl.ParsingMode.StrictMode))

    @Slot()
    def _copy_clicked(self) -> None:
        button = self.sender()
        if button is None:
            return
        QGuiApplication.clipboard().setText(str(button.property("copyText")))
        self.copied.emit(str(button.property("copyLabel")))

    def item(self) -> Item | None:
        return self._hit.item if self._hit else None
