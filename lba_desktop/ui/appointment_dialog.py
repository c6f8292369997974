"""The CFA appointment request form: pre-filled from the current person, the twelve reasons,
errors beside their fields, saved to the outbox before anything is sent, and the e-mail
hand-over when the training takes no online request."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.appointments import (
    REASONS,
    ApplicantType,
    AppointmentForm,
    Channel,
    FormInvalid,
    RequestStatus,
)
from lba_desktop.errors import LbaError
from lba_desktop.ui.messages import plain_message
from lba_desktop.ui.person_dialog import error_label, field_block
from lba_desktop.ui.saved_files import remember_folder, suggested_path

CONTACT_FIELDS = (
    ("first_name", "&Prénom *"),
    ("last_name", "&Nom *"),
    ("phone", "&Téléphone *"),
    ("email", "&E-mail *"),
)


def prepare_email_flow(parent: QWidget, appointments: Any, request_id: int) -> bool:
    """« Préparer l'e-mail au CFA »: write the .eml where the counsellor chooses, open it in
    the mail program, then ask whether it went out. True when marked transmitted."""
    request = appointments.get(request_id)
    if not request.training.cfa_email:
        phone = request.training.cfa_phone
        plain_message(
            parent,
            "Préparer l'e-mail au CFA",
            "L'adresse e-mail du CFA n'est pas connue."
            + (f" Appelez le CFA au {phone}." if phone else " Cherchez son contact sur sa fiche."),
            icon=QMessageBox.Icon.Information,
        )
        return False
    chosen, _filter = QFileDialog.getSaveFileName(
        parent,
        "Enregistrer l'e-mail au CFA",
        suggested_path(f"demande-rdv-{request_id}.eml"),
        "E-mail (*.eml)",
    )
    if not chosen:
        return False
    remember_folder(chosen)
    path = Path(chosen if chosen.lower().endswith(".eml") else chosen + ".eml")
    try:
        written = appointments.prepare_email(request_id, path)
    except LbaError as exc:
        plain_message(parent, "Préparer l'e-mail au CFA", f"{exc.message} {exc.hint}")
        return False
    # The system opens the .eml in the mail program, ready to send.
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))
    answer = QMessageBox.question(
        parent,
        "E-mail au CFA",
        f"L'e-mail a été enregistré dans :\n{written}\n\n"
        "Une fois envoyé depuis votre messagerie, marquer la demande comme transmise ?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        appointments.mark_transmitted(request_id)
    except LbaError as exc:
        plain_message(parent, "E-mail au CFA", f"{exc.message} {exc.hint}")
        return False
    return True


class AppointmentDialog(QDialog):
    """One request. `saved(request)` is emitted once it is in the outbox; sending happens in
    the window's sender, never here, so closing the form loses nothing."""

    saved = Signal(object)  # the AppointmentRequest stored
    sendRequested = Signal(int)  # request id to send now, in the background

    def __init__(
        self, appointments: Any, form: AppointmentForm, *, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.appointments = appointments
        self.form = form
        self.request: Any = None
        training = form.training
        self.setWindowTitle("Demande de rendez-vous au CFA")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(620)

        layout = QVBoxLayout(self)
        head = QLabel()
        head.setWordWrap(True)
        head.setAccessibleName("Formation concernée")
        if training is not None:
            where = " — ".join(p for p in (training.cfa_name, training.address) if p)
            head.setText(
                f"<b>{html.escape(training.title)}</b><br>{html.escape(where)}"
                + ("<br><i>Formation de démonstration</i>" if training.fictitious else "")
            )
        layout.addWidget(head)
        self.channel_label = QLabel(training.channel_fr if training else "")
        self.channel_label.setWordWrap(True)
        self.channel_label.setObjectName("channel")
        self.channel_label.setAccessibleName("Mode d'envoi")
        self.channel_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.channel_label.setMargin(6)
        layout.addWidget(self.channel_label)
        self.general_error = error_label("Demande")
        layout.addWidget(self.general_error)

        contact = QGroupBox("Coordonnées transmises au CFA")
        grid = QFormLayout(contact)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for key, label in CONTACT_FIELDS:
            edit = QLineEdit(str(getattr(form, key)))
            name = label.replace("&", "").rstrip(" *")
            edit.setAccessibleName(name)
            edit.setToolTip(f"{name} (obligatoire)")
            self.edits[key] = edit
            self.errors[key] = error_label(name)
            caption = QLabel(label)
            caption.setBuddy(edit)
            grid.addRow(caption, field_block(edit, self.errors[key]))
        type_box = QWidget()
        type_row = QGridLayout(type_box)
        type_row.setContentsMargins(0, 0, 0, 0)
        self.type_group = QButtonGroup(self)
        self.type_buttons: dict[str, QRadioButton] = {}
        for col, kind in enumerate(ApplicantType):
            button = QRadioButton(kind.label_fr)
            button.setAccessibleName(f"Demande faite par : {kind.label_fr}")
            button.setChecked(kind.value == form.applicant_type)
            self.type_group.addButton(button)
            self.type_buttons[kind.value] = button
            type_row.addWidget(button, 0, col)
        self.errors["applicant_type"] = error_label("Demandeur")
        type_row.addWidget(self.errors["applicant_type"], 1, 0, 1, 2)
        grid.addRow("Demande faite par :", type_box)
        layout.addWidget(contact)

        reasons = QGroupBox("Sujets à aborder avec le CFA (au moins un) *")
        reasons.setAccessibleName("Sujets à aborder")
        reason_grid = QGridLayout(reasons)
        self.reason_boxes: dict[str, QCheckBox] = {}
        for n, (key, label) in enumerate(REASONS.items()):
            box = QCheckBox(label)
            box.setAccessibleName(label)
            box.setChecked(key in form.reasons)
            box.toggled.connect(self._reasons_toggled)
            self.reason_boxes[key] = box
            reason_grid.addWidget(box, n // 2, n % 2)
        self.errors["reasons"] = error_label("Sujets")
        reason_grid.addWidget(self.errors["reasons"], len(REASONS) // 2 + 1, 0, 1, 2)
        layout.addWidget(reasons)

        self.message_caption = QLabel("&Message au CFA (facultatif) :")
        self.message_edit = QPlainTextEdit(form.message)
        self.message_edit.setTabChangesFocus(True)
        self.message_edit.setFixedHeight(80)
        self.message_edit.setAccessibleName("Message au CFA")
        self.message_edit.setToolTip("Obligatoire avec le sujet « Autre »")
        self.message_caption.setBuddy(self.message_edit)
        self.errors["message"] = error_label("Message")
        layout.addWidget(self.message_caption)
        layout.addWidget(field_block(self.message_edit, self.errors["message"]))
        self.errors["training"] = self.general_error
        self.errors["person"] = self.general_error

        buttons = QDialogButtonBox()
        online = form.channel is Channel.EN_LIGNE
        self.send_button = QPushButton("Envoyer" if online else "Enregistrer la demande")
        self.send_button.setDefault(True)
        self.send_button.setToolTip(
            "Enregistrer la demande puis l'envoyer en arrière-plan (elle est gardée en cas "
            "d'échec et renvoyée automatiquement)"
            if online
            else "Enregistrer la demande dans « Envoi des demandes » pour la transmettre au CFA"
        )
        self.send_button.clicked.connect(self.submit)
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.email_button = QPushButton("Préparer l'e-mail au CFA…")
        self.email_button.setToolTip(
            "Enregistrer la demande et l'écrire en e-mail (.eml) pour votre messagerie"
        )
        # No e-mail offered that cannot exist: the channel sentence gives the phone instead.
        self.email_button.setVisible(bool(training and training.cfa_email))
        self.email_button.clicked.connect(self.prepare_email)
        buttons.addButton(self.email_button, QDialogButtonBox.ButtonRole.ActionRole)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setToolTip("Fermer sans enregistrer")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._reasons_toggled()

    # -- reading the form

    def current_form(self) -> AppointmentForm:
        from dataclasses import replace

        kind = next((k for k, b in self.type_buttons.items() if b.isChecked()), "")
        return replace(
            self.form,
            first_name=self.edits["first_name"].text(),
            last_name=self.edits["last_name"].text(),
            phone=self.edits["phone"].text(),
            email=self.edits["email"].text(),
            applicant_type=kind,
            reasons=tuple(k for k, b in self.reason_boxes.items() if b.isChecked()),
            message=self.message_edit.toPlainText(),
        )

    @Slot()
    def _reasons_toggled(self) -> None:
        other = self.reason_boxes["autre"].isChecked()
        self.message_caption.setText(
            "&Message au CFA * (précisez votre demande) :" if other else "&Message au CFA :"
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        shown: set[int] = set()
        for label in self.errors.values():
            if id(label) in shown:
                continue
            message = " ".join(
                errors[k] for k, lab in self.errors.items() if lab is label and k in errors
            )
            label.setText(message)
            label.setVisible(bool(message))
            shown.add(id(label))
        first = next((k for k in self.errors if k in errors), None)
        target: QWidget | None = {
            "reasons": self.reason_boxes["modalite"],
            "message": self.message_edit,
            "applicant_type": self.type_buttons[ApplicantType.ETUDIANT.value],
        }.get(first or "", self.edits.get(first or ""))
        if target is not None:
            target.setFocus()

    # -- saving

    def _save(self, *, queue: bool) -> Any:
        """The request in the outbox (created once); None when the form is wrong."""
        if self.request is not None:
            return self.request
        form = self.current_form()
        try:
            errors = self.appointments.check(form)
            if errors:
                self.show_errors(errors)
                return None
            self.request = self.appointments.create_request(form, queue=queue)
        except FormInvalid as exc:
            self.show_errors(exc.errors)
            return None
        except LbaError as exc:
            self.show_errors({"training": f"{exc.message} {exc.hint}".strip()})
            return None
        self.show_errors({})
        self.saved.emit(self.request)
        return self.request

    @Slot()
    def submit(self) -> None:
        request = self._save(queue=True)
        if request is None:
            return
        if request.status is RequestStatus.A_ENVOYER:
            self.sendRequested.emit(request.id)
        self.accept()

    @Slot()
    def prepare_email(self) -> None:
        request = self._save(queue=False)
        if request is None:
            return
        # The request is saved whatever happens next: the form has nothing left to lose.
        self.send_button.setEnabled(False)
        if prepare_email_flow(self, self.appointments, request.id):
            self.request = self.appointments.get(request.id)
            self.saved.emit(self.request)
            self.accept()
