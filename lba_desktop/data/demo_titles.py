"""Diploma titles the demo trainings carry: those actually prepared in apprenticeship for the
most common métiers, with their level (no logic, no I/O)."""

from __future__ import annotations

# Diploma titles actually prepared in apprenticeship for the most common métiers, with their
# level (3 = CAP … 7 = Master). A ROME missing here gets a generic title built from its label.
TRAINING_TITLES: dict[str, tuple[tuple[int, str], ...]] = {
    # Artisanat alimentaire
    "D1102": (
        (3, "CAP Boulanger"),
        (4, "BP Boulanger"),
        (3, "Mention complémentaire Boulangerie spécialisée"),
        (4, "Bac pro Boulanger-pâtissier"),
    ),
    "D1104": (
        (3, "CAP Pâtissier"),
        (3, "Mention complémentaire Pâtisserie boulangère"),
        (4, "BTM Pâtissier confiseur glacier traiteur"),
        (4, "Bac pro Boulanger-pâtissier"),
    ),
    "D1101": ((3, "CAP Boucher"), (4, "BP Boucher"), (4, "Bac pro Boucher charcutier traiteur")),
    "D1103": ((3, "CAP Charcutier-traiteur"), (4, "BP Charcutier-traiteur")),
    "D1105": ((3, "CAP Poissonnier écailler"),),
    # Coiffure, esthétique
    "D1202": (
        (3, "CAP Métiers de la coiffure"),
        (4, "BP Coiffure"),
        (5, "BTS Métiers de la coiffure"),
    ),
    "D1208": (
        (3, "CAP Esthétique cosmétique parfumerie"),
        (4, "BP Esthétique cosmétique parfumerie"),
        (4, "Bac pro Esthétique cosmétique parfumerie"),
        (5, "BTS Métiers de l'esthétique-cosmétique-parfumerie"),
    ),
    # Commerce, vente
    "D1106": (
        (3, "CAP Équipier polyvalent du commerce"),
        (
            4,
            "Bac pro Métiers du commerce et de la vente option A Animation et gestion de l'espace"
            " commercial",
        ),
        (5, "BTS Management commercial opérationnel"),
    ),
    "D1211": (
        (3, "CAP Équipier polyvalent du commerce"),
        (4, "Titre professionnel Conseiller de vente"),
        (5, "BTS Management commercial opérationnel"),
    ),
    "D1212": (
        (4, "Titre professionnel Conseiller de vente"),
        (
            4,
            "Bac pro Métiers du commerce et de la vente option A Animation et gestion de l'espace"
            " commercial",
        ),
    ),
    "D1214": (
        (3, "CAP Équipier polyvalent du commerce"),
        (4, "Titre professionnel Conseiller de vente"),
        (
            4,
            "Bac pro Métiers du commerce et de la vente option A Animation et gestion de l'espace"
            " commercial",
        ),
        (5, "BTS Management commercial opérationnel"),
    ),
    "D1507": (
        (3, "CAP Équipier polyvalent du commerce"),
        (3, "Titre professionnel Employé commercial"),
    ),
    "D1502": (
        (5, "BTS Management commercial opérationnel"),
        (5, "Titre professionnel Manager d'unité marchande"),
        (6, "Licence professionnelle Commerce et distribution"),
    ),
    "D1503": (
        (5, "BTS Management commercial opérationnel"),
        (5, "Titre professionnel Manager d'unité marchande"),
    ),
    "D1301": (
        (5, "Titre professionnel Manager d'unité marchande"),
        (6, "Licence professionnelle Commerce et distribution"),
    ),
    "D1401": (
        (5, "Titre professionnel Assistant commercial"),
        (5, "BTS Commerce international"),
    ),
    "D1402": (
        (5, "BTS Négociation et digitalisation de la relation client"),
        (6, "BUT Techniques de commercialisation"),
        (6, "Licence professionnelle Technico-commercial"),
        (7, "Master Management et commerce international"),
    ),
    "D1403": (
        (
            4,
            "Bac pro Métiers du commerce et de la vente option B Prospection clientèle et"
            " valorisation de l'offre commerciale",
        ),
        (5, "BTS Négociation et digitalisation de la relation client"),
        (5, "Titre professionnel Négociateur technico-commercial"),
    ),
    "D1407": (
        (5, "BTS Conseil et commercialisation de solutions techniques"),
        (5, "Titre professionnel Négociateur technico-commercial"),
        (6, "Licence professionnelle Technico-commercial"),
    ),
    "D1406": (
        (7, "Master Marketing, vente"),
        (7, "Master Management et administration des entreprises"),
    ),
    # Hôtellerie, restauration
    "G1602": (
        (3, "CAP Cuisine"),
        (3, "Titre professionnel Cuisinier"),
        (4, "Bac pro Cuisine"),
        (4, "BP Arts de la cuisine"),
        (3, "Mention complémentaire Cuisinier en desserts de restaurant"),
        (5, "BTS Management en hôtellerie-restauration"),
    ),
    "G1601": ((4, "BP Arts de la cuisine"), (5, "BTS Management en hôtellerie-restauration")),
    "G1603": (
        (3, "CAP Production et service en restaurations (rapide, collective, cafétéria)"),
        (3, "Titre professionnel Agent de restauration"),
    ),
    "G1604": ((3, "CAP Cuisine"), (3, "Titre professionnel Agent de restauration")),
    "G1803": (
        (3, "CAP Commercialisation et services en hôtel-café-restaurant"),
        (3, "Titre professionnel Serveur en restauration"),
        (4, "Bac pro Commercialisation et services en restauration"),
        (4, "BP Arts du service et commercialisation en restauration"),
    ),
    "G1801": ((4, "BP Barman"),),
    "G1802": (
        (4, "BP Arts du service et commercialisation en restauration"),
        (5, "BTS Management en hôtellerie-restauration"),
    ),
    "G1703": (
        (3, "CAP Commercialisation et services en hôtel-café-restaurant"),
        (4, "Titre professionnel Réceptionniste en hôtellerie"),
        (5, "BTS Management en hôtellerie-restauration"),
    ),
    "G1501": ((3, "CAP Commercialisation et services en hôtel-café-restaurant"),),
    "G1401": (
        (5, "BTS Management en hôtellerie-restauration"),
        (6, "Licence professionnelle Hôtellerie et tourisme"),
    ),
    "G1402": ((7, "Master Management du tourisme et de l'hôtellerie"),),
    # Automobile, maintenance
    "I1604": (
        (3, "CAP Maintenance des véhicules option A voitures particulières"),
        (4, "Bac pro Maintenance des véhicules option A voitures particulières"),
        (5, "BTS Maintenance des véhicules option A voitures particulières"),
        (4, "Mention complémentaire Maintenance des systèmes embarqués de l'automobile"),
    ),
    "I1606": (
        (3, "CAP Réparation des carrosseries"),
        (3, "CAP Peinture en carrosserie"),
        (4, "Bac pro Réparation des carrosseries"),
        (5, "BTS Conception et réalisation de carrosseries"),
    ),
    "I1607": (
        (3, "CAP Maintenance des véhicules option C motocycles"),
        (4, "Bac pro Maintenance des véhicules option C motocycles"),
    ),
    "I1603": (
        (3, "CAP Maintenance des matériels option A matériels agricoles"),
        (4, "Bac pro Maintenance des matériels option A matériels agricoles"),
        (5, "BTS Techniques et services en matériels agricoles"),
    ),
    "I1304": (
        (4, "Bac pro Maintenance des systèmes de production connectés"),
        (5, "BTS Maintenance des systèmes option A systèmes de production"),
        (6, "BUT Génie industriel et maintenance"),
        (7, "Titre d'ingénieur Génie industriel"),
    ),
    "I1310": (
        (4, "Bac pro Maintenance des systèmes de production connectés"),
        (5, "BTS Maintenance des systèmes option A systèmes de production"),
    ),
    "I1308": (
        (3, "CAP Monteur en installations thermiques"),
        (4, "Bac pro Installateur en chauffage, climatisation et énergies renouvelables"),
        (5, "BTS Fluides, énergies, domotique"),
    ),
    "I1305": (
        (4, "Bac pro Cybersécurité, informatique et réseaux, électronique"),
        (
            5,
            "BTS Cybersécurité, informatique et réseaux, électronique option B électronique"
            " et réseaux",
        ),
    ),
    "I1401": (
        (4, "Bac pro Cybersécurité, informatique et réseaux, électronique"),
        (4, "Titre professionnel Technicien d'assistance en informatique"),
        (
            5,
            "BTS Cybersécurité, informatique et réseaux, électronique option A informatique"
            " et réseaux",
        ),
    ),
    # Bâtiment
    "F1602": (
        (3, "CAP Électricien"),
        (3, "Titre professionnel Électricien d'équipement du bâtiment"),
        (4, "Bac pro Métiers de l'électricité et de ses environnements connectés"),
        (4, "BP Électricien"),
        (5, "BTS Électrotechnique"),
    ),
    "F1603": (
        (3, "CAP Monteur en installations sanitaires"),
        (3, "Titre professionnel Installateur en thermique et sanitaire"),
        (4, "BP Monteur en installations du génie climatique et sanitaire"),
    ),
    "F1703": (
        (3, "CAP Maçon"),
        (3, "Titre professionnel Maçon"),
        (4, "BP Maçon"),
        (4, "Bac pro Interventions sur le patrimoine bâti option A maçonnerie"),
    ),
    "F1701": ((3, "CAP Constructeur en béton armé du bâtiment"),),
    "F1606": (
        (3, "CAP Peintre applicateur de revêtements"),
        (4, "BP Peintre applicateur de revêtements"),
        (4, "Bac pro Aménagement et finition du bâtiment"),
    ),
    "F1604": ((3, "CAP Plâtrier-plaquiste"), (4, "BP Plâtrerie et plaque")),
    "F1608": ((3, "CAP Carreleur mosaïste"), (4, "BP Carrelage mosaïque")),
    "F1607": ((3, "CAP Menuisier aluminium-verre"), (4, "Bac pro Menuiserie aluminium-verre")),
    "H2206": (
        (3, "CAP Menuisier fabricant"),
        (3, "CAP Menuisier installateur"),
        (4, "BP Menuisier"),
        (4, "Bac pro Technicien menuisier agenceur"),
        (5, "BTS Développement et réalisation bois"),
    ),
    "F1613": ((3, "CAP Étancheur du bâtiment et des travaux publics"),),
    "F1610": ((4, "Bac pro Installateur en chauffage, climatisation et énergies renouvelables"),),
    "F1201": (
        (5, "BTS Bâtiment"),
        (6, "BUT Génie civil – construction durable"),
        (7, "Titre d'ingénieur Génie civil"),
    ),
    "F1202": ((5, "BTS Bâtiment"), (5, "Titre professionnel Chef de chantier gros œuvre")),
    "F1104": (
        (5, "BTS Management économique de la construction"),
        (5, "Titre professionnel Technicien d'études du bâtiment en dessin de projet"),
    ),
    "F1106": (
        (5, "BTS Management économique de la construction"),
        (6, "Licence professionnelle Métiers du BTP : génie civil et construction"),
    ),
    # Santé, social
    # What trains for care work with patients and elderly people, from level 3 to 5.
    "J1501": (
        (3, "Diplôme d'État d'accompagnant éducatif et social"),
        (3, "Titre professionnel Assistant de vie aux familles"),
        (4, "Diplôme d'État d'aide-soignant"),
        (4, "Bac pro Accompagnement, soins et services à la personne"),
        (5, "BTS Services et prestations des secteurs sanitaire et social"),
    ),
    "J1304": ((4, "Diplôme d'État d'auxiliaire de puériculture"),),
    "J1307": (
        (4, "BP Préparateur en pharmacie"),
        (5, "DEUST Préparateur-technicien en pharmacie"),
    ),
    "J1506": ((6, "Diplôme d'État d'infirmier"),),
    "J1305": ((4, "Diplôme d'État d'ambulancier"),),
    "J1302": ((5, "BTS Analyses de biologie médicale"), (6, "BUT Génie biologique")),
    "J1303": ((4, "Titre professionnel Secrétaire assistant médico-social"),),
    "K1302": (
        (3, "Titre professionnel Assistant de vie aux familles"),
        (3, "Diplôme d'État d'accompagnant éducatif et social"),
    ),
    "K1303": ((3, "CAP Accompagnant éducatif petite enfance"),),
    "K1207": ((6, "Diplôme d'État d'éducateur spécialisé"),),
    "K1201": ((6, "Diplôme d'État d'assistant de service social"),),
    "K2204": (
        (3, "CAP Agent de propreté et d'hygiène"),
        (4, "Bac pro Hygiène, propreté, stérilisation"),
    ),
    # Gestion, administration
    "M1203": (
        (4, "Bac pro Assistance à la gestion des organisations et de leurs activités"),
        (5, "BTS Comptabilité et gestion"),
        (5, "Titre professionnel Gestionnaire comptable et fiscal"),
        (6, "DCG – Diplôme de comptabilité et de gestion"),
        (7, "DSCG – Diplôme supérieur de comptabilité et de gestion"),
    ),
    "M1202": (
        (7, "DSCG – Diplôme supérieur de comptabilité et de gestion"),
        (7, "Master Comptabilité, contrôle, audit"),
    ),
    "M1604": (
        (5, "BTS Support à l'action managériale"),
        (5, "Titre professionnel Assistant de direction"),
    ),
    "M1607": (
        (4, "Titre professionnel Secrétaire assistant"),
        (4, "Bac pro Assistance à la gestion des organisations et de leurs activités"),
    ),
    "M1602": (
        (3, "Titre professionnel Employé administratif et d'accueil"),
        (4, "Bac pro Assistance à la gestion des organisations et de leurs activités"),
    ),
    "M1601": (
        (3, "Titre professionnel Employé administratif et d'accueil"),
        (4, "Bac pro Métiers de l'accueil"),
    ),
    "M1501": (
        (5, "BTS Gestion de la PME"),
        (5, "Titre professionnel Assistant ressources humaines"),
        (6, "Licence professionnelle Métiers de la GRH : assistant"),
        (7, "Master Gestion des ressources humaines"),
    ),
    "M1701": ((5, "BTS Support à l'action managériale"),),
    "M1703": ((7, "Master Marketing, vente"),),
    "M1705": ((6, "BUT Techniques de commercialisation"), (7, "Master Marketing, vente")),
    "M1707": (
        (6, "Licence professionnelle Commerce et distribution"),
        (7, "Master Marketing, vente"),
    ),
    # Informatique
    "M1805": (
        (5, "BTS Services informatiques aux organisations option B solutions logicielles"),
        (5, "Titre professionnel Développeur web et web mobile"),
        (6, "BUT Informatique"),
        (6, "Titre professionnel Concepteur développeur d'applications"),
        (7, "Master Informatique"),
        (7, "Titre d'ingénieur Informatique"),
    ),
    "M1810": (
        (5, "BTS Services informatiques aux organisations option A solutions d'infrastructure"),
        (5, "Titre professionnel Technicien supérieur systèmes et réseaux"),
        (6, "BUT Réseaux et télécommunications"),
    ),
    "M1801": (
        (6, "Titre professionnel Administrateur d'infrastructures sécurisées"),
        (7, "Master Informatique"),
    ),
    "M1802": (
        (6, "Licence professionnelle Métiers des réseaux informatiques et télécommunications"),
        (7, "Titre d'ingénieur Réseaux et télécommunications"),
    ),
    "M1806": ((7, "Master Méthodes informatiques appliquées à la gestion des entreprises"),),
    # Communication, banque, assurance
    "E1205": (
        (5, "BTS Études de réalisation d'un projet de communication"),
        (6, "DN MADe mention Graphisme"),
    ),
    "E1103": ((5, "BTS Communication"), (7, "Master Information-communication")),
    "C1102": (
        (5, "BTS Assurance"),
        (6, "Licence professionnelle Assurance, banque, finance : chargé de clientèle"),
    ),
    "C1401": (
        (5, "BTS Banque, conseiller de clientèle (particuliers)"),
        (6, "Licence professionnelle Assurance, banque, finance : chargé de clientèle"),
    ),
    # Transport, logistique
    "N1103": (
        (3, "CAP Opérateur/opératrice logistique"),
        (3, "Titre professionnel Préparateur de commandes en entrepôt"),
        (4, "Bac pro Logistique"),
        (5, "BTS Gestion des transports et logistique associée"),
    ),
    "N1105": ((3, "CAP Opérateur/opératrice logistique"),),
    "N1101": ((3, "Titre professionnel Agent magasinier"), (4, "Bac pro Logistique")),
    "N4101": (
        (3, "CAP Conducteur routier marchandises"),
        (3, "Titre professionnel Conducteur du transport routier de marchandises sur porteur"),
        (4, "Bac pro Conducteur transport routier marchandises"),
    ),
    "N4105": ((3, "Titre professionnel Conducteur livreur sur véhicule utilitaire léger"),),
    "N4102": (
        (3, "CAP Conducteur agent d'accueil en autobus et autocar"),
        (3, "Titre professionnel Conducteur du transport en commun sur route"),
    ),
    "N1102": ((3, "CAP Déménageur sur véhicule utilitaire léger"),),
    # Agriculture, paysage
    "A1414": (
        (3, "CAPa Métiers de l'agriculture"),
        (4, "Bac pro Productions horticoles"),
        (5, "BTSA Production horticole"),
    ),
    "A1405": (
        (3, "CAPa Métiers de l'agriculture"),
        (4, "Bac pro Productions horticoles"),
        (5, "BTSA Production horticole"),
    ),
    "A1203": (
        (3, "CAPa Jardinier paysagiste"),
        (4, "Bac pro Aménagements paysagers"),
        (5, "BTSA Aménagements paysagers"),
    ),
    "A1208": (
        (3, "CAPa Jardinier paysagiste"),
        (4, "BP Aménagements paysagers"),
        (4, "Bac pro Aménagements paysagers"),
        (5, "BTSA Aménagements paysagers"),
    ),
    "A1416": (
        (3, "CAPa Métiers de l'agriculture"),
        (4, "Bac pro Conduite et gestion de l'entreprise agricole"),
        (4, "BP Responsable d'entreprise agricole"),
        (5, "BTSA Analyse, conduite et stratégie de l'entreprise agricole"),
    ),
    "A1407": (
        (3, "CAPa Métiers de l'agriculture"),
        (4, "Bac pro Conduite et gestion de l'entreprise agricole"),
        (5, "BTSA Productions animales"),
    ),
    "A1101": (
        (3, "CAPa Métiers de l'agriculture"),
        (4, "Bac pro Agroéquipement"),
        (5, "BTSA Génie des équipements agricoles"),
    ),
    "A1501": ((4, "Titre Auxiliaire spécialisé vétérinaire"),),
    "A1303": ((7, "Titre d'ingénieur Agronome"),),
    "A1201": ((3, "CAPa Travaux forestiers"), (4, "Bac pro Forêt")),
    # Industrie
    "H2913": (
        (3, "CAP Réalisations industrielles en chaudronnerie ou soudage option B soudage"),
        (3, "Titre professionnel Soudeur assembleur industriel"),
    ),
    "H2902": (
        (3, "CAP Réalisations industrielles en chaudronnerie ou soudage option A chaudronnerie"),
        (4, "Bac pro Technicien en chaudronnerie industrielle"),
        (5, "BTS Conception et réalisation en chaudronnerie industrielle"),
    ),
    "H2901": ((4, "Bac pro Technicien en réalisation de produits mécaniques"),),
    "H1203": (
        (5, "BTS Conception des produits industriels"),
        (6, "BUT Génie mécanique et productique"),
    ),
    "H1404": (
        (5, "BTS Conception des processus de réalisation de produits"),
        (6, "BUT Qualité, logistique industrielle et organisation"),
    ),
    "H1502": (
        (6, "Licence professionnelle Qualité, hygiène, sécurité, santé, environnement"),
        (7, "Master Qualité"),
    ),
    "H1206": ((7, "Titre d'ingénieur Mécanique"), (7, "Master Sciences de l'ingénieur")),
    "H1102": ((7, "Titre d'ingénieur Génie industriel"),),
    "H1202": ((5, "BTS Électrotechnique"),),
    "H2402": (
        (3, "CAP Métiers de la mode – vêtement flou"),
        (4, "Bac pro Métiers de la couture et de la confection"),
    ),
}
