"""Text folding: case, accents, punctuation, saints and articles."""

from __future__ import annotations

import pytest

from lba_desktop.text import expand_saints, fold, place_key, strip_article, words


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Aurillac", "aurillac"),
        ("AURILLAC", "aurillac"),
        ("Le Puy-en-Velay", "le puy en velay"),
        ("L'Isle-sur-la-Sorgue", "l isle sur la sorgue"),
        ("L’Haÿ-les-Roses", "l hay les roses"),
        ("  Saint--Étienne  ", "saint etienne"),
        ("Œnologue", "oenologue"),
        ("Aide-soignant / Aide-soignante", "aide soignant aide soignante"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_saints_are_spelt_out_word_by_word() -> None:
    assert expand_saints("st etienne") == "saint etienne"
    assert expand_saints("ste maxime") == "sainte maxime"
    assert expand_saints("villeneuve st georges") == "villeneuve saint georges"
    # Only whole words: "stenay" and "estrees" stay as they are.
    assert expand_saints("stenay") == "stenay"
    assert expand_saints("estrees st denis") == "estrees saint denis"


def test_leading_article_is_dropped_once() -> None:
    assert strip_article("le havre") == "havre"
    assert strip_article("l isle sur la sorgue") == "isle sur la sorgue"
    assert strip_article("les herbiers") == "herbiers"
    assert strip_article("le") == "le"  # nothing else typed yet
    assert strip_article("lens") == "lens"


def test_place_key_makes_variants_meet() -> None:
    assert place_key("St-Étienne") == place_key("Saint Etienne") == "saint etienne"
    assert place_key("Le Puy-en-Velay") == place_key("puy en velay")
    assert place_key("Ste Maxime") == place_key("Sainte-Maxime")


def test_words_drop_stopwords_unless_nothing_is_left() -> None:
    assert words("commerce de detail") == ["commerce", "detail"]
    assert words("de la") == ["de", "la"]
