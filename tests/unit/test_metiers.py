"""Métier lookup: labels, ROME codes, sectors, and the codes a search uses."""

from __future__ import annotations

import pytest

from lba_desktop.errors import InvalidInput, MetierNotFound
from lba_desktop.metiers import MetierIndex, default_metier_index
from lba_desktop.models import MAX_ROMES


@pytest.fixture(scope="module")
def index() -> MetierIndex:
    return default_metier_index()


def test_boulang(index: MetierIndex) -> None:
    found = index.lookup("boulang")
    assert found[0].code == "D1102"
    assert found[0].label == "Boulanger / Boulangère"
    assert "D1108" in [m.code for m in found]  # Chef boulanger


def test_feminine_form_matches(index: MetierIndex) -> None:
    assert index.lookup("Boulangère")[0].code == "D1102"
    assert index.lookup("aide-soignante")[0].code == "J1501"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("aide soignant", "J1501"),
        ("AIDE SOIGNANT", "J1501"),
        ("mecanicien auto", "I1604"),
        ("Mécanicien automobile", "I1604"),
        ("auto mecanicien", "I1604"),  # words in any order
        ("D1102", "D1102"),
        ("d1102", "D1102"),
    ],
)
def test_first_result(index: MetierIndex, text: str, code: str) -> None:
    assert index.lookup(text)[0].code == code


def test_exact_code_only(index: MetierIndex) -> None:
    assert [m.code for m in index.lookup("D1102")] == ["D1102"]


def test_code_prefix_gives_the_domain(index: MetierIndex) -> None:
    found = index.lookup("D11", limit=100)
    assert found
    assert all(m.domain == "D11" for m in found)
    assert [m.code for m in found] == sorted(m.code for m in found)


def test_sector_name(index: MetierIndex) -> None:
    sector = next(s for s in index.sectors() if s.label.startswith("Commerce de detail"))
    found = index.lookup("commerce de détail", limit=500)
    assert {m.code for m in found} >= set(sector.romes)
    assert all(sector.id in m.sectors for m in found)


def test_grand_domaine(index: MetierIndex) -> None:
    found = index.lookup("construction batiment", limit=500)
    assert found
    assert any(m.grand_domain == "F" for m in found)


def test_ranking_prefers_label_start(index: MetierIndex) -> None:
    labels = [m.label for m in index.lookup("cuisinier")]
    assert labels[0] == "Cuisinier / Cuisinière"


def test_limit(index: MetierIndex) -> None:
    assert len(index.lookup("a", limit=5)) == 5
    assert index.lookup("boulang", limit=0) == ()


def test_romes_for(index: MetierIndex) -> None:
    assert index.romes_for("boulanger")[0] == "D1102"
    assert index.romes_for("D1102, d1104") == ("D1102", "D1104")
    assert index.romes_for("D1102 D1104 D1102") == ("D1102", "D1104")
    assert "J1501" in index.romes_for("aide soignant")


def test_romes_for_caps_at_twenty(index: MetierIndex) -> None:
    assert len(index.romes_for("commerce de detail")) == MAX_ROMES
    many = ", ".join(f"D11{n:02d}" for n in range(1, 30))
    assert len(index.romes_for(many)) == MAX_ROMES
    assert len(index.romes_for("D1", max_codes=50)) == MAX_ROMES
    assert len(index.romes_for("vendeur", max_codes=3)) == 3


def test_romes_for_keeps_label_matches_over_sectors(index: MetierIndex) -> None:
    # "boulanger" matches two labels: the food-industry sector must not be added.
    assert set(index.romes_for("boulanger")) == {"D1102", "D1108"}


def test_unknown_and_empty(index: MetierIndex) -> None:
    with pytest.raises(MetierNotFound):
        index.romes_for("xyzzy")
    with pytest.raises(MetierNotFound) as caught:
        index.romes_for("boulanjer")
    assert "Boulanger / Boulangère" in caught.value.suggestions
    with pytest.raises(InvalidInput) as empty:
        index.romes_for("  ")
    assert not isinstance(empty.value, MetierNotFound)
    assert index.lookup("xyzzy") == ()


def test_get(index: MetierIndex) -> None:
    metier = index.get("d1102")
    assert metier is not None and metier.code == "D1102"
    assert index.get("Z9999") is None


def test_a_company_naf_code_gives_its_sector_metiers() -> None:
    index = default_metier_index()
    bakery = index.romes_of_naf("10.71C")  # boulangerie: division 10, food industries
    assert "D1102" in bakery and bakery == index.romes_of_naf("1071C")
    assert "H2913" not in bakery  # no welders
    assert index.romes_of_naf("") == () and index.romes_of_naf("ZZ") == ()
