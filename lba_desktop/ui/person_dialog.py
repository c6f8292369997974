"""The form of one young person (create or edit): every wrong field says why beside it, and
nothing typed is lost on an error; the home commune completes from the geocoder."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.errors import LbaError
from lba_desktop.models import Place, PlaceKind
from lba_desktop.people import where_people_are_kept
from lba_desktop.people.conflicts import EditConflict

FIELDS = ("first_name", "last_name", "phone", "email", "home_insee", "case_number", "notes")
PlaceRole = Qt.ItemDataRole.UserRole + 1


def error_label(name: str) -> QLabel:
    """The red line under a field; hidden until the field is wrong."""
    label = QLabel()
    label.setWordWrap(True)
    label.setObjectName("fieldError")
    label.setStyleSheet("color: #c0392b;")
    label.setAccessibleName(f"Erreur : {name}")
    label.setVisible(False)
    return label


def field_block(widget: QWidget, error: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(error)
    return box


class PersonDialog(QDialog):
    """Create (`person=None`) or edit a person; `person` holds the saved record on accept."""

    def __init__(
        self,
        people: Any,
        *,
        geocoder: Any = None,
        person: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.people = people
        self.geocoder = geocoder
        self.person = person
        self._home_code = person.home_insee if person is not None else ""
        self.setWindowTitle("Modifier la personne" if person else "Nouvelle personne")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(460)

        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        specs = (
            ("first_name", "&Prénom ou pseudonyme *", "Obligatoire ; un pseudonyme suffit"),
            ("last_name", "&Nom", "Facultatif"),
            ("phone", "&Téléphone", "10 chiffres, par exemple 06 12 34 56 78"),
            ("email", "&E-mail", "Par exemple prenom.nom@exemple.fr"),
            ("home_insee", "&Commune de résidence", "Sert à calculer les distances"),
            (
                "case_number",
                "N° de &dossier",
                "Facultatif : le numéro du jeune dans le système d'information de la structure",
            ),
            ("notes", "N&otes", "Notes du conseiller (jamais transmises)"),
        )
        for key, label, tip in specs:
            edit: QLineEdit | QPlainTextEdit
            if key == "notes":
                edit = QPlainTextEdit()
                edit.setTabChangesFocus(True)
                edit.setFixedHeight(80)
            else:
                edit = QLineEdit()
                edit.setPlaceholderText(tip)
                edit.setClearButtonEnabled(True)
            name = label.replace("&", "").rstrip(" *")
            edit.setAccessibleName(name)
            edit.setToolTip(tip)
            error = error_label(name)
            self.edits[key] = edit
            self.errors[key] = error
            caption = QLabel(label)
            caption.setBuddy(edit)
            form.addRow(caption, field_block(edit, error))

        home = self.edits["home_insee"]
        assert isinstance(home, QLineEdit)
        self.home_edit = home
        self._candidates = QStandardItemModel(self)
        self.completer = QCompleter(self._candidates, self)
        self.completer.setWidget(home)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.popup().setAccessibleName("Communes proposées")
        self.completer.activated[QModelIndex].connect(self._picked)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._complete)
        home.textEdited.connect(self._home_edited)

        self.general_error = error_label("Enregistrement")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Enregistrer")
        kept = where_people_are_kept()
        self.save_button.setToolTip(f"Enregistrer la personne {kept}")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Seul le prénom (ou un pseudonyme) est obligatoire. Ces données restent {kept}."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)

        if person is not None:
            self._fill(person)

    def _fill(self, person: Any) -> None:
        values = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "phone": person.phone,
            "email": person.email,
            "home_insee": person.home_label,
            "case_number": person.case_number,
            "notes": person.notes,
        }
        for key, value in values.items():
            self._set_text(key, value)

    def _set_text(self, key: str, value: str) -> None:
        edit = self.edits[key]
        if isinstance(edit, QPlainTextEdit):
            edit.setPlainText(value)
        else:
            edit.setText(value)

    def text(self, key: str) -> str:
        edit = self.edits[key]
        return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()

    def values(self) -> dict[str, str]:
        """What the service receives; the home commune as the exact commune picked, if any."""
        values = {key: self.text(key) for key in FIELDS}
        values["home_insee"] = self._home_code or values["home_insee"]
        return values

    # -- home commune completion

    @Slot(str)
    def _home_edited(self, _text: str) -> None:
        self._home_code = ""  # the text no longer names the commune that was picked
        self._timer.start()

    @Slot()
    def _complete(self) -> None:
        text = self.home_edit.text().strip()
        self._candidates.clear()
        if self.geocoder is None or len(text) < 2:
            self.completer.popup().hide()
            return
        try:
            found = self.geocoder.candidates(text, limit=10)
        except LbaError:
            found = ()
        for place in found:
            if place.kind is not PlaceKind.COMMUNE:
                continue
            line = QStandardItem(
                f"{place.label} — {place.postcode}" if place.postcode else place.label
            )
            line.setData(place, PlaceRole)
            self._candidates.appendRow(line)
        if self._candidates.rowCount() and self.home_edit.hasFocus():
            self.completer.complete()
        else:
            self.completer.popup().hide()

    @Slot(QModelIndex)
    def _picked(self, index: QModelIndex | QPersistentModelIndex) -> None:
        place = index.data(PlaceRole)
        if isinstance(place, Place):
            self.home_edit.setText(place.label)
            self._home_code = place.code
            self.completer.popup().hide()

    # -- saving

    def show_errors(self, errors: dict[str, str]) -> None:
        first: QWidget | None = None
        for key, label in self.errors.items():
            message = errors.get(key, "")
            label.setText(message)
            label.setVisible(bool(message))
            self.edits[key].setProperty("invalid", bool(message))
            if message and first is None:
                first = self.edits[key]
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def save(self) -> None:
        """Check every field, then create or update; the dialog stays open on any error."""
        self.general_error.setVisible(False)
        values = self.values()
        try:
            errors = self.people.check_person(**values)
            self.show_errors(errors)
            if errors:
                return
            if self.person is None:
                self.person = self.people.create_person(**values)
            else:
                # An untouched home commune comes back as its code: the service keeps it.
                # `base`: a colleague's save since this form opened is not overwritten.
                self.person = self.people.update_person(self.person.id, base=self.person, **values)
        except EditConflict as exc:
            # What this counsellor typed stays in the form; the fields they left alone take
            # the colleague's values; the record is now the colleague's version, so saving
            # again keeps this counsellor's changes knowingly.
            opened, self.person = self.person, exc.theirs
            for key, typed in values.items():
                before = str(getattr(opened, key, "") or "")
                if typed == before and key in self.edits and key != "home_insee":
                    self._set_text(key, str(getattr(exc.theirs, key, "") or ""))
            self.general_error.setText(
                f"{exc.message} Enregistrer de nouveau garde votre version ; Annuler garde "
                "la sienne."
            )
            self.general_error.setVisible(True)
            return
        except LbaError as exc:
            self.general_error.setText(f"{exc.message} {exc.hint}".strip())
            self.general_error.setVisible(True)
            return
        self.accept()
