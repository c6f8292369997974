"""API Apprentissage as the training source: its model read, its pages walked, what it brings."""

from __future__ import annotations

from collections import Counter

import pytest

from lba_desktop import paths
from lba_desktop.certifications import certification_index
from lba_desktop.data.apprentissage_client import ApprentissageClient
from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.data.http import RetryPolicy, WrongParameters
from lba_desktop.data.parsers import parse_formations_api
from lba_desktop.data.parsers.formations_api import SOURCE_FORMATIONS_API
from lba_desktop.errors import UpstreamError
from lba_desktop.models import Kind
from lba_desktop.settings_env import ApiSettings
from lba_desktop.sync import SyncService, make_scope
from lba_desktop.sync_plan import departement_circle
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.formation_api import to_api
from tests.fake_upstream.server import FakeUpstream


def _training(**changes: object) -> dict[str, object]:
    """One training in API Apprentissage's model, written here (the fields a sync reads)."""
    raw: dict[str, object] = {
        "identifiant": {"cle_ministere_educatif": "088281P0131388559486-15014#L01"},
        "statut": {"catalogue": "publié"},
        "formateur": {
            "organisme": {
                "identifiant": {"uai": "0150012A", "siret": "12345678900011"},
                "etablissement": {"enseigne": "CFA des Volcans", "siret": "12345678900011"},
                "unite_legale": {"raison_sociale": "CHAMBRE DE METIERS"},
                "renseignements_specifiques": {"qualiopi": True},
            },
            "connu": True,
        },
        "responsable": {"organisme": {"unite_legale": {"raison_sociale": "CMA CANTAL"}}},
        "certification": {
            "valeur": {
                "identifiant": {"cfd": "50022137", "rncp": "RNCP37862"},
                "intitule": {
                    "cfd": {"long": "BOULANGER (CAP)", "court": "BOULANGER"},
                    "niveau": {
                        "cfd": {"europeen": "3", "libelle": "CAP", "sigle": "CAP"},
                        "rncp": {"europeen": "3"},
                    },
                    "rncp": "Boulanger",
                },
                "domaines": {"rome": {"rncp": [{"code": "D1102"}, {"code": "D11"}]}},
                "periode_validite": {"rncp": {"actif": True, "fin_enregistrement": "2028-08-31"}},
            }
        },
        "lieu": {
            "adresse": {
                "label": "12 rue des Frênes",
                "code_postal": "15000",
                "commune": {"nom": "Aurillac", "code_insee": "15014"},
                "departement": {"nom": "Cantal", "code_insee": "15"},
            },
            "geolocalisation": {"type": "Point", "coordinates": [2.4442, 44.9264]},
            "uai": "0150012A",
        },
        "contact": {"email": "accueil@cfa-volcans.example", "telephone": "0471000000"},
        "onisep": {"url": "https://www.onisep.example/f/1", "intitule": "boulanger"},
        "modalite": {"entierement_a_distance": False, "duree_indicative": 2},
        "contenu_educatif": {"contenu": "Pétrir, façonner, cuire.", "objectif": "Boulanger."},
        "sessions": [
            {"debut": "2026-09-01T00:00:00.000+02:00", "fin": "2028-06-30T00:00:00.000+02:00",
             "capacite": 12},
            {"debut": "2027-01-04T00:00:00.000+01:00", "fin": "2028-12-20T00:00:00.000+01:00",
             "capacite": None},
        ],
    }  # fmt: skip
    raw.update(changes)
    return raw


def _keyed(server: FakeUpstream) -> ApiSettings:
    return ApiSettings(
        lba_url=server.api_url,
        apprentissage_url=server.api_url,
        caller="tests@example.org lba-desktop",
        api_key="test-key",
    )


def test_a_training_reads_with_what_v1_lacks() -> None:
    outcome = parse_formations_api({"data": [_training()], "pagination": {"page_count": 1}})
    (item,) = outcome.items
    assert (item.kind, item.title, item.organisation, item.departement) == (
        Kind.FORMATION,
        "CAP Boulanger",
        "CFA des Volcans",
        "15",
    )
    assert (item.lat, item.lon) == (44.9264, 2.4442)  # GeoJSON gives longitude first
    assert item.romes == ("D1102",)  # a partial code (« D11 ») is no métier
    assert item.diploma_level == 3 and item.source == SOURCE_FORMATIONS_API
    # The CFA's address, which V1 no longer publishes.
    assert item.email == "accueil@cfa-volcans.example" and item.phone == "0471000000"
    d = item.details
    assert d["sessions"] == [
        {"start": "2026-09-01", "end": "2028-06-30", "places": 12},
        {"start": "2027-01-04", "end": "2028-12-20", "places": None},
    ]
    assert (d["fully_remote"], d["qualiopi"], d["rncp_active"], d["rncp_end"]) == (
        False,
        True,
        True,
        "2028-08-31",
    )
    assert (d["rncp_code"], d["cfd"], d["cfa_gestionnaire"], d["cfa_has_email"]) == (
        "RNCP37862",
        "50022137",
        "CMA CANTAL",
        None,  # the address itself is there
    )
    assert d["duration"] == 2
    assert d["description"] == "Pétrir, façonner, cuire."


def test_withdrawn_odd_or_unplaced_trainings_never_crash() -> None:
    archived = _training(statut={"catalogue": "archivé"})
    no_key = _training(identifiant={})
    nowhere = _training(
        identifiant={"cle_ministere_educatif": "A#L01"},
        lieu={"adresse": {"commune": {"code_insee": "15014"}}},
    )
    odd = _training(
        identifiant={"cle_ministere_educatif": "B#L01"},
        sessions="tous les lundis",
        contact=None,
        certification=[1, 2],
    )
    outcome = parse_formations_api(
        {"data": [archived, no_key, "texte", nowhere, odd]},
        locate=lambda insee, postcode: (44.9, 2.4) if insee == "15014" else None,
    )
    assert len(outcome.items) == 2 and outcome.skipped == 3
    placed, read_odd = outcome.items
    assert (placed.lat, placed.lon) == (44.9, 2.4)  # from its commune
    assert read_odd.details["sessions"] == [] and read_odd.email == ""
    assert read_odd.details["rncp_code"] == "" and read_odd.details["cfa_has_email"] is False
    assert parse_formations_api({"results": []}).warnings  # not this API's answer


def test_the_client_checks_its_parameters_and_needs_the_key(
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    client = ApprentissageClient(
        fake_upstream.api_url, "test-key", retry=RetryPolicy(attempts=1, base_delay=0.0)
    )
    with pytest.raises(WrongParameters):
        client.formations_search(latitude=45.0, longitude=2.4, radius=250)
    with pytest.raises(WrongParameters):
        client.formations_search(latitude=45.0, longitude=2.4, radius=30, page_size=2000)
    page = client.formations_search(latitude=44.93, longitude=2.44, radius=60, page_size=10)
    assert len(page["data"]) == 10 and page["pagination"]["page_count"] > 1
    keyless = ApprentissageClient(
        fake_upstream.api_url, "", retry=RetryPolicy(attempts=1, base_delay=0.0)
    )
    with pytest.raises(UpstreamError):
        keyless.formations_search(latitude=44.93, longitude=2.44, radius=60)


def test_a_departement_circle_covers_its_communes() -> None:
    lat, lon, radius = departement_circle("15")
    assert 44.8 < lat < 45.3 and 2.3 < lon < 3.1 and 40 < radius < 110
    assert departement_circle("75")[2] < 20


def test_a_sync_with_the_key_reads_every_page_from_api_apprentissage(
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    settings = _keyed(fake_upstream)
    service = SyncService.from_settings(
        settings,
        sleep=lambda s: None,
        timeout=(0.5, 2.0),
        retry=RetryPolicy(attempts=2, base_delay=0.0),
        trainings_api=True,
    )
    result = service.run(make_scope(departements=["75", "15"], sources=["formations"]))
    assert result.ok, result.summary_fr()
    assert result.splits == 0  # no 500-result sample to split around
    # What the fake publishes for those départements, positioned and not withdrawn.
    published = Counter(
        f["place"]["departementNumber"]
        for f in fake_upstream.state.formations
        if f["place"]["latitude"] is not None and to_api(f)["statut"]["catalogue"] == "publié"
    )
    store = CatalogueStore(paths.catalogue_path())
    counts = dict(
        store.conn.execute(
            "SELECT departement, count(*) FROM items WHERE kind = 'formation' GROUP BY 1"
        ).fetchall()
    )
    assert counts == {"75": published["75"], "15": published["15"]}  # Paris: two pages
    with_email = store.conn.execute(
        "SELECT count(*) FROM items WHERE kind = 'formation' AND email != ''"
    ).fetchone()[0]
    assert 0 < with_email < sum(counts.values())  # most CFAs' addresses, where published
    item = next(i for i in store.iter_items() if i.kind is Kind.FORMATION)
    assert item.source == SOURCE_FORMATIONS_API
    assert {"fully_remote", "qualiopi", "rncp_active", "sessions"} <= set(item.details)
    # Its RNCP codes feed the diploma lookup.
    assert len(certification_index(store)) > 0
    store.close()
