"""API Apprentissage trainings (`GET /formation/v1/search`, `{data, pagination}`) to
Kind.FORMATION items, with the details V1 lacks: the CFA's e-mail, sessions with their
capacity, fully-remote, Qualiopi and the RNCP registration's validity."""

from __future__ import annotations

from typing import Any

from lba_desktop.data.parsers.common import (
    _d,
    _f,
    _lst,
    _romes,
    _s,
    departement_of,
    diploma_level,
)
from lba_desktop.models import Item, Kind

SOURCE_FORMATIONS_API = "api-apprentissage-formations"
# The catalogue's own states: « supprimé » and « archivé » trainings are no longer offered.
PUBLISHED = "publié"


def _bool_or_none(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _organisme_name(organisme: Any) -> str:
    org = _d(organisme)
    return _s(_d(org.get("etablissement")).get("enseigne")) or _s(
        _d(org.get("unite_legale")).get("raison_sociale")
    )


def _title(certification: Any) -> str:
    """« CAP Boulanger »: the diploma's acronym and the RNCP title, else the CFD long title."""
    intitule = _d(_d(certification).get("intitule"))
    cfd_level = _d(_d(intitule.get("niveau")).get("cfd"))
    rncp = _s(intitule.get("rncp"))
    sigle = _s(cfd_level.get("sigle"))
    if rncp:
        return f"{sigle} {rncp}" if sigle and not rncp.upper().startswith(sigle.upper()) else rncp
    return _s(_d(intitule.get("cfd")).get("long")) or _s(_d(intitule.get("cfd")).get("court"))


def _sessions(raw: Any) -> list[dict[str, Any]]:
    sessions = []
    for session in _lst(raw):
        if not isinstance(session, dict):
            continue
        capacity = _f(session.get("capacite"))
        sessions.append(
            {
                "start": _s(session.get("debut"))[:10] or None,
                "end": _s(session.get("fin"))[:10] or None,
                "places": int(capacity) if capacity is not None and capacity >= 0 else None,
            }
        )
    return sessions


def formation_api(raw: Any, col: Any) -> None:
    """One API Apprentissage `Formation` into the collector (skipped: no key, not published)."""
    if not isinstance(raw, dict):
        col.skipped += 1
        return
    key = _s(_d(raw.get("identifiant")).get("cle_ministere_educatif"))
    status = _s(_d(raw.get("statut")).get("catalogue"))
    if not key or (status and status != PUBLISHED):
        col.skipped += 1
        return
    lieu = _d(raw.get("lieu"))
    adresse = _d(lieu.get("adresse"))
    commune = _d(adresse.get("commune"))
    insee = _s(commune.get("code_insee"))
    postcode = _s(adresse.get("code_postal"))
    point = _lst(_d(lieu.get("geolocalisation")).get("coordinates"))
    lon, lat = (point[0], point[1]) if len(point) == 2 else (None, None)
    lat, lon = col.position(lat, lon, insee, postcode)
    certification = _d(_d(raw.get("certification")).get("valeur"))
    identifiant = _d(certification.get("identifiant"))
    intitule = _d(certification.get("intitule"))
    niveau = _d(intitule.get("niveau"))
    rome_codes = _d(_d(certification.get("domaines")).get("rome")).get("rncp")
    validity = _d(_d(certification.get("periode_validite")).get("rncp"))
    formateur = _d(_d(raw.get("formateur")).get("organisme"))
    responsable = _d(_d(raw.get("responsable")).get("organisme"))
    contact = _d(raw.get("contact"))
    email = _s(contact.get("email"))
    onisep = _d(raw.get("onisep"))
    modalite = _d(raw.get("modalite"))
    contenu = _d(raw.get("contenu_educatif"))
    qualiopi = _bool_or_none(_d(formateur.get("renseignements_specifiques")).get("qualiopi"))
    address = " ".join(p for p in (_s(adresse.get("label")), postcode, _s(commune.get("nom"))) if p)
    name = _organisme_name(formateur)
    col.add(
        Item(
            kind=Kind.FORMATION,
            id=key,
            title=_title(certification) or _s(onisep.get("intitule")),
            organisation=name,
            address=address,
            commune=_s(commune.get("nom")),
            insee=insee,
            postcode=postcode,
            departement=_s(_d(adresse.get("departement")).get("code_insee"))
            or departement_of(insee, postcode),
            lat=lat,
            lon=lon,
            romes=_romes(rome_codes),  # partial codes (« D11 ») are left out
            diploma_level=diploma_level(_d(niveau.get("cfd")).get("europeen"))
            or diploma_level(_d(niveau.get("rncp")).get("europeen")),
            source=SOURCE_FORMATIONS_API,
            phone=_s(contact.get("telephone")),
            email=email,
            url=_s(onisep.get("url")),
            siret=_s(_d(formateur.get("identifiant")).get("siret")) or _s(lieu.get("siret")),
            details={
                "cfa": name,
                "cfa_gestionnaire": _organisme_name(responsable),
                "uai": _s(lieu.get("uai")) or _s(_d(formateur.get("identifiant")).get("uai")),
                "diploma": _s(_d(niveau.get("cfd")).get("libelle"))
                or _s(_d(intitule.get("cfd")).get("long")),
                "cfd": _s(identifiant.get("cfd")),
                "rncp_code": _s(identifiant.get("rncp")),
                "rncp_label": _s(intitule.get("rncp")),
                "rncp_active": _bool_or_none(validity.get("actif")),
                "rncp_end": _s(validity.get("fin_enregistrement"))[:10],
                "sessions": _sessions(raw.get("sessions")),
                "duration": _f(modalite.get("duree_indicative")),  # in years, as V1's
                "fully_remote": _bool_or_none(modalite.get("entierement_a_distance")),
                "qualiopi": qualiopi,
                "description": _s(contenu.get("contenu")),
                "objectif": _s(contenu.get("objectif")),
                "onisep_url": _s(onisep.get("url")),
                # Said only when there is none: the e-mail row shows one that is known.
                "cfa_has_email": None if email else False,
                "cle_ministere_educatif": key,
            },
        )
    )
