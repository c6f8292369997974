"""Word lists and hand-written tables the demo data generator draws from (no logic, no I/O)."""

from __future__ import annotations

# --- Métiers (the diploma titles are in demo_titles) -------------------------------------

# How often a métier shows up in apprenticeship (trainings and offers), relative weights.
# Commerce, restauration, bâtiment, coiffure, automobile and santé dominate the real service.
ROME_POPULARITY: dict[str, float] = {
    "D1102": 14, "D1104": 9, "D1101": 7, "D1103": 3, "D1105": 1.5, "D1202": 14, "D1208": 8,
    "D1106": 10, "D1211": 6, "D1212": 5, "D1214": 9, "D1507": 8, "D1502": 4, "D1503": 3,
    "D1301": 3, "D1401": 4, "D1402": 9, "D1403": 6, "D1407": 5, "D1406": 1.5,
    "G1602": 14, "G1601": 3, "G1603": 6, "G1604": 2, "G1803": 11, "G1801": 2, "G1802": 2,
    "G1703": 4, "G1501": 2, "G1401": 2, "G1402": 1,
    "I1604": 14, "I1606": 6, "I1607": 2, "I1603": 3, "I1304": 8, "I1310": 4, "I1308": 5,
    "I1305": 2, "I1401": 4,
    "F1602": 12, "F1603": 9, "F1703": 9, "F1701": 2, "F1606": 6, "F1604": 4, "F1608": 3,
    "F1607": 3, "H2206": 8, "F1613": 1.5, "F1610": 2, "F1201": 4, "F1202": 3, "F1104": 2,
    "F1106": 1.5,
    "J1501": 10, "J1304": 5, "J1307": 5, "J1506": 2, "J1305": 2, "J1302": 2, "J1303": 2,
    "K1302": 4, "K1303": 4, "K1207": 2, "K1201": 1.5, "K2204": 3,
    "M1203": 9, "M1202": 2, "M1604": 6, "M1607": 4, "M1602": 4, "M1601": 3, "M1501": 6,
    "M1701": 2, "M1703": 2, "M1705": 4, "M1707": 3,
    "M1805": 9, "M1810": 5, "M1801": 3, "M1802": 2, "M1806": 2,
    "E1205": 3, "E1103": 2, "C1102": 4, "C1401": 4,
    "N1103": 6, "N1105": 3, "N1101": 3, "N4101": 5, "N4105": 3, "N4102": 2, "N1102": 1,
    "A1414": 3, "A1405": 2, "A1203": 5, "A1208": 6, "A1416": 4, "A1407": 3, "A1101": 2,
    "A1501": 2, "A1303": 1, "A1201": 1.5,
    "H2913": 3, "H2902": 3, "H2901": 2, "H1203": 2, "H1404": 2, "H1502": 2, "H1206": 1.5,
    "H1102": 1, "H1202": 1.5, "H2402": 1.5,
}  # fmt: skip
# Every other real ROME code: a long tail, so that any métier can be found somewhere.
TAIL_POPULARITY = 0.06

# Artisanal trainings every département's Chambre de métiers CFA offers in its main town.
CMA_CORE: tuple[tuple[str, int], ...] = (
    ("D1102", 3), ("D1102", 4), ("D1104", 3), ("D1101", 3), ("D1202", 3), ("D1202", 4),
    ("D1208", 3), ("G1602", 3), ("I1604", 3), ("D1106", 3),
)  # fmt: skip

# Words of a ROME label that suggest the level of the diplomas leading to it.
HIGH_LEVEL_WORDS = ("Ingénieur", "Directeur", "Responsable", "Chef de projet", "Consultant",
                    "Expert", "Architecte", "Chargé d'études", "Juriste", "Médecin")  # fmt: skip
MID_LEVEL_WORDS = ("Technicien", "Dessinateur", "Conseiller", "Assistant", "Chargé",
                   "Gestionnaire", "Animateur", "Contrôleur", "Chef")  # fmt: skip

# CFA name patterns per family; {town}, {dept} and {region} are filled in.
CFA_NAMES: dict[str, tuple[str, ...]] = {
    "cma": (
        "CFA de la Chambre de métiers et de l'artisanat – {dept}",
        "Campus des métiers et de l'artisanat {de_town}",
        "Faculté des métiers {de_town}",
        "URMA {region} – site {de_town}",
    ),
    "btp": ("BTP CFA {dept}", "CFA du bâtiment {de_town}", "Compagnons du Devoir – {town}"),
    "agri": (
        "CFA agricole {de_town}",
        "CFPPA {de_town}",
        "Maison familiale rurale {de_town}",
        "Lycée agricole {de_town} – UFA",
    ),
    "industrie": (
        "Pôle formation UIMM {region} – {town}",
        "CFAI {dept}",
        "Lycée professionnel {person} – UFA",
    ),
    "sante": (
        "IFAS du centre hospitalier {de_town}",
        "CFA sanitaire et social {region}",
        "Institut de formation en soins {de_town}",
    ),
    "tertiaire": (
        "CFA du commerce et des services {de_town}",
        "CCI Formation {dept}",
        "Lycée {person} – UFA {de_town}",
        "Institut de formation commerciale {de_town}",
        "AFPA {town}",
    ),
    "sup": (
        "IUT {de_town}",
        "Université {de_town} – CFA",
        "CFA Sup {region}",
        "École d'ingénieurs {de_town}",
        "École de commerce {de_town}",
    ),
}
# Famous people lycées are named after.
LYCEE_PERSONS = ("Jean Moulin", "Marie Curie", "Victor Hugo", "Jules Ferry", "Louise Michel",
                 "Gustave Eiffel", "Simone Veil", "Jean Jaurès", "Paul Langevin", "Jean Monnet",
                 "Albert Camus", "Émile Zola", "Antoine de Saint-Exupéry", "Pierre Mendès France",
                 "Charles de Gaulle", "Camille Claudel", "Louis Pasteur", "Lavoisier",
                 "Joseph Gallieni", "Aristide Briand", "Condorcet", "René Cassin")  # fmt: skip

TRAINING_DESCRIPTIONS = (
    "Formation en alternance : {pct} % du temps en entreprise, le reste au centre de formation.",
    "Rythme d'alternance : {rhythm}.",
    "Accès : après la classe de 3e ou un premier diplôme, selon le niveau visé.",
    "Accompagnement à la recherche d'un employeur tout au long de l'année.",
    "Hébergement et restauration possibles sur le site.",
    "Formation accessible aux personnes en situation de handicap (référent handicap sur place).",
    "Portes ouvertes chaque année en février et en mars.",
)
RHYTHMS = ("1 semaine au CFA, 2 semaines en entreprise", "2 jours au CFA, 3 jours en entreprise",
           "1 semaine au CFA, 3 semaines en entreprise", "2 semaines au CFA, 2 semaines en"
           " entreprise")  # fmt: skip

# --- Places ------------------------------------------------------------------------------

STREETS = ("rue de la République", "rue Victor Hugo", "avenue Jean Jaurès", "rue Pasteur",
           "place du Marché", "rue de la Gare", "Grande Rue", "rue du Général de Gaulle",
           "avenue de la Libération", "rue Nationale", "boulevard Gambetta", "rue des Écoles",
           "rue du Moulin", "chemin des Vignes", "rue de l'Église", "avenue de Paris",
           "rue Jules Ferry", "rue Carnot", "place de l'Hôtel de Ville", "rue du Château",
           "allée des Tilleuls", "rue des Lilas", "avenue du Maréchal Foch", "rue Voltaire",
           "route de la Croix", "rue du Stade", "impasse des Artisans", "rue de la Paix",
           "boulevard de la Liberté", "rue Saint-Martin")  # fmt: skip
BUSINESS_PARKS = ("ZA des Granges", "ZI du Pont", "ZAC de la Plaine", "Parc d'activités du Moulin",
                  "ZA Les Champs", "ZI Nord", "Zone artisanale du Bois")  # fmt: skip

# --- Companies ---------------------------------------------------------------------------

SURNAMES = ("Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
            "Moreau", "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David",
            "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
            "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc",
            "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier",
            "Garcia", "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel",
            "Mathieu", "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie",
            "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud",
            "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez",
            "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron",
            "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix",
            "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet",
            "Rolland", "Leclercq", "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy", "Guillot",
            "Hubert", "Berger", "Carpentier", "Sanchez", "Dupuis", "Moulin", "Louis", "Deschamps",
            "Huet", "Vasseur", "Perez", "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam",
            "Paris", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Charles", "Renault",
            "Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider",
            "Fernandez", "Le Gall", "Collet", "Léger", "Bouvier", "Julien", "Prévost", "Millet",
            "Perrot", "Daniel", "Le Roux", "Cousin", "Germain", "Breton", "Besson", "Langlois",
            "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun",
            "Marchal", "Weber", "Mallet", "Hamon", "Boulanger", "Jacob", "Monnier", "Michaud",
            "Rodriguez", "Guichard", "Gillet", "Étienne", "Grondin", "Poulain", "Tessier",
            "Chevallier", "Collin", "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître",
            "Bénard", "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy",
            "Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier",
            "Laporte")  # fmt: skip
PLACE_WORDS = ("du Centre", "de la Gare", "du Marché", "de la Place", "du Château", "du Pont",
               "des Halles", "de l'Église", "du Port", "des Remparts", "du Lac", "de la Poste",
               "des Tilleuls", "du Parc", "de la Vallée")  # fmt: skip
LEGAL_FORMS = ("SARL", "SAS", "EURL", "SASU", "SNC")  # the first ones most often
BIG_LEGAL_FORMS = ("SAS", "SA")
# Employers that are not trading companies: their name is their legal name.
INSTITUTION_WORDS = frozenset({"Association", "Centre social", "Centre hospitalier", "EHPAD",
                               "Clinique", "Centre de santé", "Crèche", "Multi-accueil",
                               "Micro-crèche", "Résidence", "GAEC", "EARL", "Ferme", "Domaine",
                               "Compagnie"})  # fmt: skip

# Shop or firm words for a métier's employers ("Boulangerie Martin", "Garage du Centre").
BUSINESS_WORDS: dict[str, tuple[str, ...]] = {
    "D1102": ("Boulangerie", "Boulangerie-Pâtisserie", "Au Fournil", "La Mie Dorée", "Maison"),
    "D1104": ("Pâtisserie", "Boulangerie-Pâtisserie", "Maison", "Chocolaterie"),
    "D1101": ("Boucherie", "Boucherie-Charcuterie", "Maison"),
    "D1103": ("Charcuterie", "Traiteur", "Boucherie-Charcuterie"),
    "D1105": ("Poissonnerie", "Marée"),
    "D1202": ("Salon de coiffure", "Coiffure", "L'Atelier coiffure", "Hair Studio"),
    "D1208": ("Institut de beauté", "Institut", "Spa"),
    "D1106": ("Épicerie", "Supérette", "Proxi", "Alimentation"),
    "D1211": ("Sports", "Cycles", "Glisse"),
    "D1212": ("Maison & Déco", "Meubles", "Intérieurs"),
    "D1214": ("Boutique", "Mode", "Prêt-à-porter"),
    "D1507": ("Supermarché", "Market", "Hyper"),
    "D1502": ("Supermarché", "Hyper", "Market"),
    "G1602": ("Restaurant", "Brasserie", "Auberge", "Le Bistrot", "Hôtel-Restaurant"),
    "G1601": ("Restaurant", "Auberge", "La Table"),
    "G1603": ("Snack", "Burger", "Pizza"),
    "G1604": ("Pizzeria", "Pizza"),
    "G1803": ("Restaurant", "Brasserie", "Café", "Le Bistrot"),
    "G1801": ("Bar", "Café", "Le Comptoir"),
    "G1703": ("Hôtel", "Hôtel-Restaurant", "Résidence"),
    "G1501": ("Hôtel", "Camping", "Résidence"),
    "I1604": ("Garage", "Auto Services", "Automobiles", "Centre auto"),
    "I1606": ("Carrosserie", "Garage"),
    "I1607": ("Moto", "Garage"),
    "I1603": ("Agri Services", "Motoculture", "Machinisme"),
    "F1602": ("Électricité", "Élec Services", "Électricité générale"),
    "F1603": ("Plomberie", "Plomberie-Chauffage", "Sanitaire"),
    "I1308": ("Chauffage", "Plomberie-Chauffage", "Clim Services"),
    "F1703": ("Maçonnerie", "Bâtiment", "Constructions"),
    "F1606": ("Peinture", "Décoration", "Peinture et ravalement"),
    "F1604": ("Plâtrerie", "Isolation"),
    "F1608": ("Carrelage", "Sols"),
    "F1607": ("Menuiserie alu", "Fermetures"),
    "H2206": ("Menuiserie", "Ébénisterie", "Agencement"),
    "J1501": ("EHPAD", "Résidence", "Clinique", "Centre hospitalier"),
    "J1304": ("Crèche", "Multi-accueil", "Micro-crèche"),
    "J1307": ("Pharmacie", "Grande Pharmacie"),
    "M1203": ("Cabinet", "Expertise comptable", "Fiduciaire"),
    "A1203": ("Paysages", "Jardins", "Espaces verts"),
    "A1208": ("Paysages", "Jardins", "Créations paysagères"),
    "A1414": ("Pépinières", "Horticulture", "Serres"),
    "A1405": ("Vergers", "Domaine"),
    "A1416": ("EARL", "GAEC", "Ferme", "Domaine"),
    "A1407": ("GAEC", "EARL", "Ferme"),
    "N4101": ("Transports", "Logistique", "Express"),
    "N1103": ("Logistique", "Entrepôts", "Distribution"),
    "M1805": ("Informatique", "Digital", "Web", "Solutions"),
    "K1303": ("Crèche", "Micro-crèche"),
}
# By grand domain (first letter of the ROME code) when the métier has no word of its own.
DOMAIN_BUSINESS_WORDS: dict[str, tuple[str, ...]] = {
    "A": ("EARL", "GAEC", "Domaine", "Ferme"),
    "B": ("Atelier", "Atelier d'art"),
    "C": ("Cabinet", "Agence", "Conseil"),
    "D": ("Comptoir", "Maison", "Magasin", "Distribution"),
    "E": ("Studio", "Agence", "Communication"),
    "F": ("Bâtiment", "Rénovation", "Constructions", "Travaux"),
    "G": ("Restaurant", "Hôtel", "Brasserie", "Loisirs"),
    "H": ("Industries", "Mécanique", "Usinage", "Fabrications"),
    "I": ("Maintenance", "Services techniques", "Dépannage"),
    "J": ("Clinique", "Centre de santé", "Cabinet médical"),
    "K": ("Association", "Services à la personne", "Centre social"),
    "L": ("Compagnie", "Productions", "Spectacles"),
    "M": ("Conseil", "Gestion", "Solutions", "Services"),
    "N": ("Transports", "Logistique", "Express"),
}

# NAF code and label for a métier's typical employer.
ROME_NAF: dict[str, tuple[str, str]] = {
    "D1102": ("10.71C", "Boulangerie et boulangerie-pâtisserie"),
    "D1104": ("10.71D", "Pâtisserie"),
    "D1101": (
        "47.22Z",
        "Commerce de détail de viandes et de produits à base de viande en magasin spécialisé",
    ),
    "D1103": ("10.13B", "Charcuterie"),
    "D1105": (
        "47.23Z",
        "Commerce de détail de poissons, crustacés et mollusques en magasin spécialisé",
    ),
    "D1106": ("47.11B", "Commerce d'alimentation générale"),
    "D1202": ("96.02A", "Coiffure"),
    "D1208": ("96.02B", "Soins de beauté"),
    "D1211": ("47.64Z", "Commerce de détail d'articles de sport en magasin spécialisé"),
    "D1212": ("47.59B", "Commerce de détail d'autres équipements du foyer"),
    "D1214": ("47.71Z", "Commerce de détail d'habillement en magasin spécialisé"),
    "D1507": ("47.11D", "Supermarchés"),
    "D1502": ("47.11F", "Hypermarchés"),
    "D1402": (
        "46.69B",
        "Commerce de gros (commerce interentreprises) de fournitures et"
        " équipements industriels divers",
    ),
    "G1602": ("56.10A", "Restauration traditionnelle"),
    "G1601": ("56.10A", "Restauration traditionnelle"),
    "G1603": ("56.10C", "Restauration de type rapide"),
    "G1604": ("56.10C", "Restauration de type rapide"),
    "G1803": ("56.10A", "Restauration traditionnelle"),
    "G1801": ("56.30Z", "Débits de boissons"),
    "G1703": ("55.10Z", "Hôtels et hébergement similaire"),
    "G1501": ("55.10Z", "Hôtels et hébergement similaire"),
    "I1604": ("45.20A", "Entretien et réparation de véhicules automobiles légers"),
    "I1606": ("45.20A", "Entretien et réparation de véhicules automobiles légers"),
    "I1607": ("45.40Z", "Commerce et réparation de motocycles"),
    "I1603": ("46.61Z", "Commerce de gros (commerce interentreprises) de matériel agricole"),
    "I1304": ("33.12Z", "Réparation de machines et équipements mécaniques"),
    "I1310": ("33.12Z", "Réparation de machines et équipements mécaniques"),
    "I1308": ("43.22B", "Travaux d'installation d'équipements thermiques et de climatisation"),
    "I1401": ("95.11Z", "Réparation d'ordinateurs et d'équipements périphériques"),
    "F1602": ("43.21A", "Travaux d'installation électrique dans tous locaux"),
    "F1603": ("43.22A", "Travaux d'installation d'eau et de gaz en tous locaux"),
    "F1703": ("43.99C", "Travaux de maçonnerie générale et gros œuvre de bâtiment"),
    "F1606": ("43.34Z", "Travaux de peinture et vitrerie"),
    "F1604": ("43.31Z", "Travaux de plâtrerie"),
    "F1608": ("43.33Z", "Travaux de revêtement des sols et des murs"),
    "F1607": ("43.32B", "Travaux de menuiserie métallique et serrurerie"),
    "H2206": ("43.32A", "Travaux de menuiserie bois et PVC"),
    "F1201": ("41.20A", "Construction de maisons individuelles"),
    "F1202": ("41.20B", "Construction d'autres bâtiments"),
    "J1501": ("87.10A", "Hébergement médicalisé pour personnes âgées"),
    "J1304": ("88.91A", "Accueil de jeunes enfants"),
    "K1303": ("88.91A", "Accueil de jeunes enfants"),
    "J1307": ("47.73Z", "Commerce de détail de produits pharmaceutiques en magasin spécialisé"),
    "J1506": ("86.10Z", "Activités hospitalières"),
    "K1302": ("88.10A", "Aide à domicile"),
    "K2204": ("81.21Z", "Nettoyage courant des bâtiments"),
    "M1203": ("69.20Z", "Activités comptables"),
    "M1604": ("70.22Z", "Conseil pour les affaires et autres conseils de gestion"),
    "M1501": ("78.10Z", "Activités des agences de placement de main-d'œuvre"),
    "M1805": ("62.01Z", "Programmation informatique"),
    "M1810": ("62.03Z", "Gestion d'installations informatiques"),
    "M1705": ("73.11Z", "Activités des agences de publicité"),
    "E1205": ("74.10Z", "Activités spécialisées de design"),
    "C1102": ("66.22Z", "Activités des agents et courtiers d'assurances"),
    "C1401": ("64.19Z", "Autres intermédiations monétaires"),
    "N1103": ("52.10B", "Entreposage et stockage non frigorifique"),
    "N1105": ("52.10B", "Entreposage et stockage non frigorifique"),
    "N1101": ("52.10B", "Entreposage et stockage non frigorifique"),
    "N4101": ("49.41A", "Transports routiers de fret interurbains"),
    "N4105": ("53.20Z", "Autres activités de poste et de courrier"),
    "A1414": ("01.30Z", "Reproduction de plantes"),
    "A1405": ("01.24Z", "Culture de fruits à pépins et à noyau"),
    "A1203": ("81.30Z", "Services d'aménagement paysager"),
    "A1208": ("81.30Z", "Services d'aménagement paysager"),
    "A1416": ("01.50Z", "Culture et élevage associés"),
    "A1407": ("01.41Z", "Élevage de vaches laitières"),
    "A1501": ("75.00Z", "Activités vétérinaires"),
    "H2913": ("25.62B", "Mécanique industrielle"),
    "H2902": ("25.11Z", "Fabrication de structures métalliques et de parties de structures"),
}
# Fallback per grand domain.
DOMAIN_NAF: dict[str, tuple[str, str]] = {
    "A": (
        "01.11Z",
        "Culture de céréales (à l'exception du riz), de légumineuses et de graines oléagineuses",
    ),
    "B": ("90.03A", "Création artistique relevant des arts plastiques"),
    "C": (
        "66.19B",
        "Autres activités auxiliaires de services financiers, hors assurance et"
        " caisses de retraite, n.c.a.",
    ),
    "D": ("47.19B", "Autres commerces de détail en magasin non spécialisé"),
    "E": ("73.11Z", "Activités des agences de publicité"),
    "F": ("43.99C", "Travaux de maçonnerie générale et gros œuvre de bâtiment"),
    "G": ("56.10A", "Restauration traditionnelle"),
    "H": ("25.62B", "Mécanique industrielle"),
    "I": ("33.12Z", "Réparation de machines et équipements mécaniques"),
    "J": ("86.22C", "Autres activités des médecins spécialistes"),
    "K": ("88.99B", "Action sociale sans hébergement n.c.a."),
    "L": ("90.01Z", "Arts du spectacle vivant"),
    "M": ("70.22Z", "Conseil pour les affaires et autres conseils de gestion"),
    "N": ("49.41A", "Transports routiers de fret interurbains"),
}

# OPCO per grand domain, then the exceptions by ROME domain (three characters) or code.
DOMAIN_OPCO: dict[str, str] = {
    "A": "OCAPIAT", "B": "OPCO EP", "C": "ATLAS", "D": "Opcommerce", "E": "AFDAS",
    "F": "Constructys", "G": "AKTO", "H": "OPCO 2i", "I": "OPCO 2i", "J": "OPCO Santé",
    "K": "Uniformation", "L": "AFDAS", "M": "ATLAS", "N": "OPCO Mobilités",
}  # fmt: skip
OPCO_EXCEPTIONS: dict[str, str] = {
    "D11": "OPCO EP",  # artisans de bouche
    "D12": "OPCO EP",  # coiffure, esthétique
    "I16": "OPCO Mobilités",  # services de l'automobile
    "K22": "AKTO",  # propreté
    "J1307": "OPCO EP",  # officines de pharmacie
    "K1303": "OPCO EP",  # assistants maternels, garde d'enfants
    "H22": "OPCO 2i",  # bois, ameublement
    "N11": "AKTO",  # logistique (travail temporaire, manutention)
}

SIZE_BANDS = ("0 salarié", "1 à 2", "3 à 5", "6 à 9", "10 à 19", "20 à 49", "50 à 99",
              "100 à 199", "200 à 249", "250 à 499", "500+")  # fmt: skip
# Most recruiting companies are very small, like the real register.
SIZE_WEIGHTS = (6, 22, 20, 15, 13, 11, 6, 3.5, 1.2, 1.5, 0.8)

HIRING_REASONS = (
    "Entreprise susceptible de recruter en alternance d'après ses embauches passées.",
    "Entreprise ayant déjà recruté des alternants dans ce métier ces dernières années.",
    "Entreprise de ce secteur qui embauche régulièrement : une candidature spontanée a des"
    " chances d'aboutir.",
    "Entreprise signalée comme ouverte à l'accueil d'apprentis.",
)

# --- Offers ------------------------------------------------------------------------------

OFFER_TITLES = (
    "Apprenti(e) {job} H/F",
    "Alternance – {job} H/F",
    "{Job} en alternance (H/F)",
    "Contrat d'apprentissage – {job} H/F",
    "{Job} – apprentissage H/F",
)
PRO_CONTRACT_TITLES = ("Contrat de professionnalisation – {job} H/F", "{Job} en contrat pro (H/F)")

OFFER_OPENINGS = (
    "{company} recherche un(e) apprenti(e) {job} pour renforcer son équipe {a_town}.",
    "Rejoignez {company}, {a_town}, pour préparer votre diplôme en alternance.",
    "Nous accueillons un(e) alternant(e) {job} au sein de notre équipe {a_town}.",
    "Dans le cadre de son développement, {company} ({town}) ouvre un poste d'alternant(e).",
)
OFFER_MISSIONS = (
    "Vous serez accompagné(e) par un tuteur expérimenté et participerez aux tâches"
    " quotidiennes du métier.",
    "Vos missions évolueront au fil de la formation, de l'observation à l'autonomie.",
    "Vous apprendrez le métier sur le terrain, au contact de la clientèle.",
    "Vous participerez à l'ensemble des activités de l'entreprise, dans le respect des règles"
    " d'hygiène et de sécurité.",
)
OFFER_PROFILES = (
    "Motivation, ponctualité et envie d'apprendre sont plus importantes que l'expérience.",
    "Débutant(e) accepté(e) ; inscription en formation à prévoir avec notre CFA partenaire.",
    "Le permis B serait un plus.",
    "Vous aimez le travail en équipe et le contact humain.",
    "Horaires et jours de repos à voir ensemble.",
)
