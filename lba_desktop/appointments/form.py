"""The appointment request form: the upstream's reasons, the channel to the CFA, validation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from lba_desktop.errors import InvalidInput
from lba_desktop.links import is_email_address, web_link
from lba_desktop.models import Item
from lba_desktop.people import MAX_NAME, normalise_email, normalise_phone
from lba_desktop.text import fold

# The upstream's 12 reasons, in the order of its form, with the labels the young person sees.
REASONS: dict[str, str] = {
    "modalite": "Modalités d'inscription",
    "place": "Places disponibles",
    "accompagnement": "Accompagnement dans la recherche d'entreprise",
    "frais": "Frais d'inscription",
    "contenu": "Contenu de la formation",
    "horaire": "Horaires / rythme de la formation",
    "debouche": "Situation des élèves en sortie de formation",
    "plus": "En savoir plus sur l'alternance",
    "suivi": "Suivi de ma candidature",
    "lieu": "Lieu de la formation",
    "porte": "Portes ouvertes",
    "autre": "Autre",
}
APPOINTMENT_ORIGIN = "lba-desktop"
DUPLICATE_WINDOW = timedelta(days=4)  # upstream rule: one request per person and training
MAX_MESSAGE = 3000


class ApplicantType(StrEnum):
    ETUDIANT = "etudiant"
    PARENT = "parent"

    @property
    def label_fr(self) -> str:
        return "Jeune (candidat)" if self is ApplicantType.ETUDIANT else "Parent"


class Channel(StrEnum):
    """How the request will reach the CFA."""

    EN_LIGNE = "en_ligne"
    EMAIL = "email"
    TELEPHONE = "telephone"
    AUCUN = "aucun"

    @property
    def label_fr(self) -> str:
        return CHANNEL_LABELS_FR[self]


CHANNEL_LABELS_FR: dict[Channel, str] = {
    Channel.EN_LIGNE: "En ligne (RDV Apprentissage)",
    Channel.EMAIL: "E-mail au CFA",
    Channel.TELEPHONE: "Téléphone du CFA",
    Channel.AUCUN: "Aucun contact connu",
}


@dataclass(frozen=True, slots=True)
class TrainingInfo:
    """The training a request is about, as the catalogue (or the shortlist snapshot) knows it.

    `rdv_eligible` is None when the catalogue does not say (not synced, or an old snapshot).
    """

    cle_ministere_educatif: str
    title: str = ""
    cfa_name: str = ""
    cfa_email: str = ""
    cfa_phone: str = ""
    address: str = ""
    rdv_eligible: bool | None = None
    form_url: str = ""
    fictitious: bool = False

    @classmethod
    def from_item(cls, item: Item) -> TrainingInfo:
        details = item.details or {}
        eligible = details.get("rdv_eligible")
        cle = str(details.get("cle_ministere_educatif") or item.id)
        email = str(details.get("cfa_email") or item.email or "").strip()
        return cls(
            cle_ministere_educatif=cle,
            title=item.title,
            cfa_name=str(details.get("cfa") or item.organisation or ""),
            # An upstream value that is not one plain address is no way to write to the CFA.
            cfa_email=email if is_email_address(email) else "",
            cfa_phone=item.phone,
            address=_full_address(item),
            rdv_eligible=eligible if isinstance(eligible, bool) else None,
            form_url=web_link(str(details.get("rdv_url") or "")) or "",
            fictitious=item.fictitious,
        )

    @property
    def channel(self) -> Channel:
        # Demonstration trainings are invented: nothing about them may reach the real service.
        if self.rdv_eligible is not False and not self.fictitious:
            return Channel.EN_LIGNE
        if self.cfa_email:
            return Channel.EMAIL
        if self.cfa_phone:
            return Channel.TELEPHONE
        return Channel.AUCUN

    @property
    def channel_fr(self) -> str:
        """One sentence for the form: how the request will travel. An e-mail is offered only
        where the CFA's address is known (since 2026 the upstream publishes none)."""
        if self.fictitious:
            prefix = "Formation de démonstration : pas d'envoi en ligne. "
        elif self.rdv_eligible is None:
            return "Envoi en ligne (RDV Apprentissage) si la formation l'accepte ; sinon, " + (
                f"e-mail au CFA ({self.cfa_email})."
                if self.cfa_email
                else self._without_email(sentence=False)
            )
        elif self.rdv_eligible:
            text = "Cette formation accepte les demandes de rendez-vous en ligne."
            if self.cfa_email:
                return text
            return (
                text
                + " L'e-mail du CFA n'est pas publié : la demande passe par RDV "
                + (
                    f"Apprentissage, ou par téléphone ({self.cfa_phone})."
                    if self.cfa_phone
                    else "Apprentissage."
                )
            )
        else:
            prefix = "Cette formation ne prend pas de demande en ligne. "
        channel = self.channel
        if channel is Channel.EMAIL:
            return prefix + f"La demande sera préparée en e-mail pour le CFA ({self.cfa_email})."
        return prefix + self._without_email(sentence=True)

    def _without_email(self, *, sentence: bool) -> str:
        """The phone as the way, said so; `sentence`: it starts a sentence."""
        if self.cfa_phone:
            text = f"appelez le CFA au {self.cfa_phone} (son e-mail n'est pas publié)."
        else:
            text = "aucun contact du CFA n'est connu (ni e-mail ni téléphone) : voyez sa fiche."
        return text[0].upper() + text[1:] if sentence else text


def _full_address(item: Item) -> str:
    if item.commune and fold(item.commune) not in fold(item.address):
        return " ".join(p for p in (item.address, item.postcode, item.commune) if p)
    return item.address


@dataclass(frozen=True, slots=True)
class AppointmentForm:
    """What the counsellor fills in; `validate_form` checks and normalises it."""

    person_id: int | None = None
    training: TrainingInfo | None = None
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    applicant_type: str = ApplicantType.ETUDIANT.value
    reasons: tuple[str, ...] = ()
    message: str = ""
    shortlist_entry_id: int | None = None

    @property
    def channel(self) -> Channel:
        return self.training.channel if self.training else Channel.AUCUN


class FormInvalid(InvalidInput):
    """The form cannot be saved; `errors` maps each field to its French message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(
            "La demande de rendez-vous est incomplète ou incorrecte : "
            + " ".join(self.errors.values()),
            hint="Corrigez les champs signalés.",
        )


class DuplicateRequest(FormInvalid):
    """The same person asked the same training less than four days ago."""

    def __init__(self, *, first_at: datetime, existing_id: int) -> None:
        local = first_at.astimezone()
        again = (first_at + DUPLICATE_WINDOW).astimezone()
        message = (
            f"Une demande de rendez-vous pour cette formation a déjà été faite le "
            f"{local:%d/%m/%Y} à {local:%H:%M} (demande n° {existing_id}). Une nouvelle demande "
            f"sera possible à partir du {again:%d/%m/%Y} à {again:%H:%M}."
        )
        super().__init__({"training": message})
        self.first_at = first_at
        self.existing_id = existing_id


def _name(value: str, label: str, errors: dict[str, str], key: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        errors[key] = f"Le {label} est obligatoire."
    elif len(text) > MAX_NAME:
        errors[key] = f"Le {label} ne doit pas dépasser {MAX_NAME} caractères ({len(text)})."
    elif any(not ch.isprintable() for ch in text):
        errors[key] = f"Le {label} contient des caractères non autorisés."
    return text


def reason_keys(values: Iterable[str]) -> tuple[tuple[str, ...], list[str]]:
    """(known reason keys in the upstream order, unknown values) from keys or French labels."""
    by_label = {fold(label): key for key, label in REASONS.items()}
    found: set[str] = set()
    unknown: list[str] = []
    for raw in values:
        text = (raw or "").strip()
        if not text:
            continue
        key = text.lower() if text.lower() in REASONS else by_label.get(fold(text))
        if key is None:
            unknown.append(text)
        else:
            found.add(key)
    return tuple(k for k in REASONS if k in found), unknown


def validate_form(form: AppointmentForm) -> tuple[AppointmentForm, dict[str, str]]:
    """The normalised form and the French error message of each wrong field ({} when valid).

    Fields: first_name, last_name, phone, email, applicant_type, reasons, message, training.
    """
    errors: dict[str, str] = {}
    first = _name(form.first_name, "prénom", errors, "first_name")
    last = _name(form.last_name, "nom", errors, "last_name")
    phone = (form.phone or "").strip()
    if not phone:
        errors["phone"] = "Le téléphone est obligatoire."
    else:
        try:
            phone = normalise_phone(phone)
        except InvalidInput:
            errors["phone"] = (
                "Numéro de téléphone invalide : 10 chiffres, par exemple « 06 12 34 56 78 » "
                "ou « +33 6 12 34 56 78 »."
            )
    email = (form.email or "").strip()
    if not email:
        errors["email"] = "L'adresse e-mail est obligatoire."
    else:
        try:
            email = normalise_email(email)
        except InvalidInput:
            errors["email"] = "Adresse e-mail invalide (exemple : « prenom.nom@exemple.fr »)."
    applicant = fold(form.applicant_type or "").strip()
    if applicant not in {t.value for t in ApplicantType}:
        errors["applicant_type"] = (
            "Indiquez si la demande vient du jeune (étudiant) ou d'un parent."
        )
    reasons, unknown = reason_keys(form.reasons)
    if unknown:
        errors["reasons"] = "Motif inconnu : " + ", ".join(f"« {u} »" for u in unknown) + "."
    elif not reasons:
        errors["reasons"] = "Choisissez au moins un sujet à aborder avec le CFA."
    message = (form.message or "").strip()
    if len(message) > MAX_MESSAGE:
        errors["message"] = f"Le message ne doit pas dépasser {MAX_MESSAGE} caractères."
    elif "autre" in reasons and not message:
        errors["message"] = "Avec le sujet « Autre », précisez votre demande dans le message."
    if form.training is None or not form.training.cle_ministere_educatif.strip():
        errors["training"] = "Choisissez la formation concernée."
    if form.person_id is None:
        errors["person"] = "Choisissez la personne qui fait la demande."
    clean = replace(
        form,
        first_name=first,
        last_name=last,
        phone=phone,
        email=email,
        applicant_type=applicant,
        reasons=reasons,
        message=message,
    )
    return clean, errors
