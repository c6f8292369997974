"""`lba-desktop jeunes profil` and `jeunes nouveautes`: a young person's search profile, and what
a sync or a data pack brought within each profile."""

from __future__ import annotations

import argparse
from typing import Any

from lba_desktop.cli.output import print_json
from lba_desktop.errors import InvalidInput
from lba_desktop.safe_text import terminal_text


def add_actions(actions: Any) -> dict[str, Any]:
    """The two actions, added to the `jeunes` sub-commands; returns their handlers."""
    profile = actions.add_parser(
        "profil", help="le profil de recherche d'un jeune : mobilité, niveau visé, métiers"
    )
    profile.add_argument("person", metavar="JEUNE", help="numéro ou nom sans ambiguïté")
    profile.add_argument("--mobilite", type=int, default=None, help="rayon en km (30 par défaut)")
    profile.add_argument("--niveau", type=int, default=None, help="niveau visé 3 à 7 (0 : aucun)")
    profile.add_argument(
        "--metiers", default=None, help="métiers séparés par des virgules (codes ROME ou mots)"
    )
    profile.add_argument("--json", action="store_true", help="sortie JSON")
    news = actions.add_parser(
        "nouveautes", help="les nouvelles pistes de chaque jeune depuis le catalogue précédent"
    )
    news.add_argument("--vues", metavar="JEUNE", default="", help="marquer ses pistes comme vues")
    news.add_argument("--json", action="store_true", help="sortie JSON")
    return {"profil": _profile, "nouveautes": _news}


def _romes(text: str) -> list[str]:
    from lba_desktop.metiers import default_metier_index

    index = default_metier_index()
    codes: list[str] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        found = index.romes_for(part)
        if not found:
            raise InvalidInput(f"Métier introuvable : « {part} ».")
        codes.extend(found)
    return codes


def _profile(service: Any, args: argparse.Namespace) -> int:
    from lba_desktop.people.profiles import Profiles

    person = service.find_person(args.person)
    profiles = Profiles(service.store)
    current = profiles.get(person.id)
    if args.mobilite is not None or args.niveau is not None or args.metiers is not None:
        level = current.diploma_level if args.niveau is None else (args.niveau or None)
        current = profiles.save(
            person.id,
            mobility_km=current.mobility_km if args.mobilite is None else args.mobilite,
            diploma_level=level,
            romes=current.romes if args.metiers is None else _romes(args.metiers),
        )
    document = {
        "numero": person.id,
        "domicile": person.home_label or None,
        "mobilite_km": current.mobility_km,
        "niveau": current.diploma_level,
        "romes": list(current.romes),
    }
    if args.json:
        print_json(document)
    else:
        level = current.diploma_level or "indifférent"
        print(
            f"Jeune n° {person.id} : domicile {terminal_text(person.home_label or 'inconnu')}, "
            f"mobilité {current.mobility_km} km, niveau {level}, "
            f"métiers {' '.join(current.romes) or 'aucun'}."
        )
    return 0


def _news(service: Any, args: argparse.Namespace) -> int:
    from lba_desktop.local_catalogue import open_catalogue
    from lba_desktop.people.news import News

    news = News(service.store)
    if args.vues:
        person = service.find_person(args.vues)
        removed = news.dismiss(person.id)
        print(f"{removed} piste(s) marquée(s) comme vue(s) pour le jeune n° {person.id}.")
        return 0
    report = news.refresh(open_catalogue())
    leads = news.leads()
    names = {p.id: p.display_name for p in service.search_people()}
    by_person: dict[int, list[Any]] = {}
    for lead in leads:
        by_person.setdefault(lead.person_id, []).append(lead)
    if args.json:
        print_json(
            {
                "resume": report.summary_fr,
                "nouveaux_elements_du_catalogue": report.new_items,
                "pistes_ajoutees": report.leads,
                "jeunes": [
                    {
                        "numero": person_id,
                        "nom": names.get(person_id, ""),
                        "pistes": [
                            {
                                "type": lead.kind.value,
                                "id": lead.item_id,
                                "intitule": lead.title,
                                "organisme": lead.organisation,
                                "commune": lead.commune,
                                "distance_domicile_km": lead.distance_km,
                                "trouvee_le": lead.found_at,
                            }
                            for lead in person_leads
                        ],
                    }
                    for person_id, person_leads in by_person.items()
                ],
            }
        )
        return 0
    print(report.summary_fr)
    total = len(leads)
    if total and total != report.leads:
        print(f"{total} piste(s) à revoir en tout, pour {len(by_person)} jeune(s) :")
    for person_id, person_leads in by_person.items():
        print(f"\nJeune n° {person_id} {terminal_text(names.get(person_id, ''), 40)} :")
        for lead in person_leads[:20]:
            km = f"{lead.distance_km:.1f} km" if lead.distance_km is not None else ""
            print(
                f"  {lead.kind.label_fr:<15} {km:>8}  {terminal_text(lead.title, 44):<44} "
                f"{terminal_text(lead.organisation, 30)}"
            )
        if len(person_leads) > 20:
            print(f"  … {len(person_leads) - 20} autres.")
    return 0
