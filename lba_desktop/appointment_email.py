"""Offline hand-over of an appointment request: the .eml for the CFA and a PDF copy."""

from __future__ import annotations

import email.policy
import email.utils
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from fpdf import FPDF

from lba_desktop.appointments import AppointmentRequest
from lba_desktop.errors import InvalidInput
from lba_desktop.exports.pdf_export import FONT, add_fonts
from lba_desktop.files import write_file
from lba_desktop.links import is_email_address
from lba_desktop.safe_text import shorten, without_controls

MAX_SUBJECT = 150
MAX_PDF_TEXT = 3000  # one paragraph of the young person's copy (the request keeps it whole)

SUBJECT_PREFIX = "Demande de rendez-vous – "

_CORE_REPLACEMENTS = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "–": "-", "—": "-", "œ": "oe",
     "Œ": "OE", "€": "EUR", "\u202f": " ", "\u00a0": " "}
)  # fmt: skip


def subject(request: AppointmentRequest) -> str:
    title = request.training.title or request.cle_ministere_educatif
    return SUBJECT_PREFIX + shorten(" ".join(without_controls(title).split()), MAX_SUBJECT)


def _training_lines(request: AppointmentRequest) -> list[str]:
    training = request.training
    lines = [f"Formation : {training.title or '(intitulé non renseigné)'}"]
    if training.cfa_name:
        lines.append(f"Organisme de formation (CFA) : {training.cfa_name}")
    if training.address:
        lines.append(f"Lieu : {training.address}")
    lines.append(
        f"Référence de la formation (clé ministère éducatif) : {training.cle_ministere_educatif}"
    )
    return lines


def email_body(request: AppointmentRequest) -> str:
    """The plain-text French body: who asks, how to answer, why, about which training."""
    name = request.display_name
    type_label = "le jeune lui-même" if request.applicant_type.value == "etudiant" else "un parent"
    lines = [
        "Madame, Monsieur,",
        "",
        f"{name} souhaite prendre rendez-vous avec votre établissement au sujet de la "
        "formation ci-dessous et vous remercie de le/la recontacter.",
        "",
        "Coordonnées",
        f"  Nom : {name}",
        f"  Téléphone : {_phone(request.phone)}",
        f"  E-mail : {request.email}",
        f"  Demande faite par : {type_label}",
        "",
        "Sujets à aborder",
        *(f"  – {label}" for label in request.reason_labels_fr),
    ]
    if request.message:
        lines += ["", "Message", *(f"  {line}" for line in request.message.splitlines())]
    lines += ["", *_training_lines(request)]
    lines += [
        "",
        "Merci de répondre directement au candidat par téléphone ou par e-mail.",
        "",
        "Cordialement,",
        "",
        "--",
        "Demande préparée avec LBA Desktop (La Bonne Alternance hors ligne).",
    ]
    return "\n".join(lines) + "\n"


def _phone(digits: str) -> str:
    if len(digits) == 10 and digits.isdigit():
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return digits


def build_email(
    request: AppointmentRequest, *, sender: str = "", when: datetime | None = None
) -> EmailMessage:
    """A standard message: To the CFA, From the structure (or left for the mail client),
    Reply-To the young person so the CFA's answer goes straight to them."""
    # Addresses come from the upstream and the form: one plain address each, or no message
    # (a line break in one would add headers, a comma more recipients).
    for label, address in (("du CFA", request.training.cfa_email), ("du jeune", request.email)):
        if not is_email_address(address):
            raise InvalidInput(
                f"L'adresse e-mail {label} est invalide : l'e-mail n'a pas été préparé.",
                hint="Vérifiez-la sur la fiche, ou appelez le CFA.",
            )
    message = EmailMessage(policy=email.policy.default)
    message["To"] = request.training.cfa_email
    if sender:
        message["From"] = sender
    name = " ".join(without_controls(request.display_name).split())
    message["Reply-To"] = email.utils.formataddr((name, request.email))
    message["Subject"] = subject(request)
    message["Date"] = email.utils.format_datetime((when or datetime.now()).astimezone())
    # Mail clients open a file with this header as a draft ready to send, not a received mail.
    message["X-Unsent"] = "1"
    message.set_content(without_controls(email_body(request)), charset="utf-8")
    return message


def write_eml(request: AppointmentRequest, path: Path, *, sender: str = "") -> Path:
    """Write the .eml atomically; returns its path (the UI opens it in the mail client)."""
    data = build_email(request, sender=sender).as_bytes(policy=email.policy.default)
    _write_atomically(Path(path), data)
    return Path(path)


def _write_atomically(path: Path, data: bytes) -> None:
    # Written whole or not at all, owner-only: it holds the young person's contact details.
    write_file(path, data, private=True, example="demande.eml")


# --- PDF copy for the young person --------------------------------------------------------


class _CopyPdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.family_name = add_fonts(self)
        self.unicode = self.family_name == FONT
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_creator("LBA Desktop")
        self.set_lang("fr-FR")

    def txt(self, text: str) -> str:
        text = shorten(without_controls(text), MAX_PDF_TEXT)
        if self.unicode:
            return text
        return text.translate(_CORE_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")

    def para(self, text: str, *, size: float = 10.5, bold: bool = False, gap: float = 1.5) -> None:
        self.set_font(self.family_name, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, self.txt(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)


def render_pdf(request: AppointmentRequest, *, structure: str = "") -> bytes:
    """A one-page copy of the request for the young person to keep."""
    pdf = _CopyPdf()
    pdf.set_title(subject(request))
    if structure:
        pdf.set_author(structure)
    pdf.add_page()
    pdf.para("Ma demande de rendez-vous auprès d'un CFA", size=16, bold=True, gap=3)
    created = request.created_at.astimezone()
    pdf.para(
        f"Demande n° {request.id} préparée le {created:%d/%m/%Y}"
        + (f" avec {structure}" if structure else "")
        + ".",
        size=9.5,
        gap=4,
    )
    pdf.para("Formation", bold=True, size=12)
    for line in _training_lines(request):
        pdf.para(line, gap=0.5)
    if request.training.cfa_email or request.training.cfa_phone:
        contact = " – ".join(
            p for p in (request.training.cfa_email, _phone(request.training.cfa_phone)) if p
        )
        pdf.para(f"Contact du CFA : {contact}", gap=0.5)
    pdf.ln(3)
    pdf.para("Mes coordonnées", bold=True, size=12)
    pdf.para(f"{request.display_name} – {_phone(request.phone)} – {request.email}", gap=0.5)
    pdf.para(f"Demande faite par : {request.applicant_type.label_fr}", gap=3)
    pdf.para("Sujets que je souhaite aborder", bold=True, size=12)
    for label in request.reason_labels_fr:
        pdf.para(f"– {label}", gap=0.3)
    if request.message:
        pdf.ln(2)
        pdf.para("Mon message", bold=True, size=12)
        pdf.para(request.message)
    pdf.ln(3)
    pdf.para(f"État de la demande : {request.status_detail_fr}.", size=9.5)
    pdf.para(
        "Le CFA vous recontactera par téléphone ou par e-mail. Sans réponse sous une semaine, "
        "appelez-le ou parlez-en à votre conseiller.",
        size=9.5,
    )
    return bytes(pdf.output())


def write_pdf(request: AppointmentRequest, path: Path, *, structure: str = "") -> Path:
    _write_atomically(Path(path), render_pdf(request, structure=structure))
    return Path(path)
