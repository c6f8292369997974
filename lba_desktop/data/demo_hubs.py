"""Where counsellors search first, so the demo data is dense there: each département's
chef-lieu (its préfecture) and every big city, for the common métiers (the most searched
ROME codes), with trainings at every level they are taught at and a few offers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lba_desktop.data import demo_vocabulary as voc

# The 50 most searched métiers (by the generator's popularity weights) get the dense network.
COMMON_METIERS = 50
# A city from this population is a hub even when it is not a chef-lieu (Le Havre, Roubaix…).
BIG_CITY = 100_000
# From this population a city has two CFAs per diploma and more offers.
LARGE_CITY = 150_000
OFFERS_PER_HUB = 2
OFFERS_PER_LARGE_CITY = 4

# The préfecture of each département (the names as the commune referential spells them).
CHEFS_LIEUX: dict[str, str] = {
    "01": "Bourg-en-Bresse", "02": "Laon", "03": "Moulins", "04": "Digne-les-Bains",
    "05": "Gap", "06": "Nice", "07": "Privas", "08": "Charleville-Mézières", "09": "Foix",
    "10": "Troyes", "11": "Carcassonne", "12": "Rodez", "13": "Marseille", "14": "Caen",
    "15": "Aurillac", "16": "Angoulême", "17": "La Rochelle", "18": "Bourges", "19": "Tulle",
    "2A": "Ajaccio", "2B": "Bastia", "21": "Dijon", "22": "Saint-Brieuc", "23": "Guéret",
    "24": "Périgueux", "25": "Besançon", "26": "Valence", "27": "Évreux", "28": "Chartres",
    "29": "Quimper", "30": "Nîmes", "31": "Toulouse", "32": "Auch", "33": "Bordeaux",
    "34": "Montpellier", "35": "Rennes", "36": "Châteauroux", "37": "Tours", "38": "Grenoble",
    "39": "Lons-le-Saunier", "40": "Mont-de-Marsan", "41": "Blois", "42": "Saint-Étienne",
    "43": "Le Puy-en-Velay", "44": "Nantes", "45": "Orléans", "46": "Cahors", "47": "Agen",
    "48": "Mende", "49": "Angers", "50": "Saint-Lô", "51": "Châlons-en-Champagne",
    "52": "Chaumont", "53": "Laval", "54": "Nancy", "55": "Bar-le-Duc", "56": "Vannes",
    "57": "Metz", "58": "Nevers", "59": "Lille", "60": "Beauvais", "61": "Alençon",
    "62": "Arras", "63": "Clermont-Ferrand", "64": "Pau", "65": "Tarbes", "66": "Perpignan",
    "67": "Strasbourg", "68": "Colmar", "69": "Lyon", "70": "Vesoul", "71": "Mâcon",
    "72": "Le Mans", "73": "Chambéry", "74": "Annecy", "75": "Paris", "76": "Rouen",
    "77": "Melun", "78": "Versailles", "79": "Niort", "80": "Amiens", "81": "Albi",
    "82": "Montauban", "83": "Toulon", "84": "Avignon", "85": "La Roche-sur-Yon",
    "86": "Poitiers", "87": "Limoges", "88": "Épinal", "89": "Auxerre", "90": "Belfort",
    "91": "Évry-Courcouronnes", "92": "Nanterre", "93": "Bobigny", "94": "Créteil",
    "95": "Cergy", "971": "Basse-Terre", "972": "Fort-de-France", "973": "Cayenne",
    "974": "Saint-Denis", "976": "Mamoudzou",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Hub:
    place: int  # index in the generator's place list
    large: bool  # two CFAs per diploma, more offers


def common_romes() -> tuple[str, ...]:
    """The most searched ROME codes, most searched first (ties by code: deterministic)."""
    ranked = sorted(voc.ROME_POPULARITY, key=lambda code: (-voc.ROME_POPULARITY[code], code))
    return tuple(ranked[:COMMON_METIERS])


def find_hubs(
    insee: Sequence[str], names: Sequence[str], departements: Sequence[str], pops: Sequence[int]
) -> tuple[Hub, ...]:
    """The chefs-lieux and the big cities, in place order, each once. A chef-lieu missing
    from the referential falls back to the most populated commune of its département."""
    by_name = {(departements[i], names[i]): i for i in range(len(insee))}
    biggest: dict[str, int] = {}
    for i, dept in enumerate(departements):
        if dept not in biggest or pops[i] > pops[biggest[dept]]:
            biggest[dept] = i
    chosen = {
        by_name.get((dept, name), biggest.get(dept, -1)) for dept, name in CHEFS_LIEUX.items()
    }
    chosen |= {i for i, pop in enumerate(pops) if pop >= BIG_CITY}
    chosen.discard(-1)
    return tuple(Hub(i, pops[i] >= LARGE_CITY) for i in sorted(chosen))
