"""Generate the benchmark's inputs, deterministically (seeded), into a folder.

    python bench/generate.py DOSSIER [--scale 1] [--seed 2024]

writes:

    DOSSIER/paris/2024-03-14-comite-syndical/   the largest meeting the tool is made for:
        seance.xlsx, presences.xlsx,            163 members in 8 colleges, 600 deliberations
        deliberations.xlsx, tarifs.xlsx         with 1,500-character exposés, 9,000 named
                                                votes, 50 tariff rows, 772 contributions
                                                (the number of communes of the Somme)
    DOSSIER/lot/<date>-bureau/ × 200            copies of the seed meeting (data/2016-11-28-bureau)
    DOSSIER/exemple/2016-11-28-bureau/          the seed meeting itself
    DOSSIER/votes-100000.xlsx                   a lone Votes sheet of 100,000 rows

``--scale`` multiplies the counts of deliberations, named votes, tariffs,
contributions, seed copies and Votes rows (the 163 members stay): the test
suite generates at 0.05 to check that the Paris-like meeting still builds
without errors (tests/test_bench.py).

The meeting obeys docs/data-format.md: every proxy counts for one holder at
most, the quorum is reached at every item, and the named votes of an item are
those of the members who take part in it (in person or by a proxy that counts),
so ``make-minutes check`` finds no error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "2016-11-28-bureau"
PARIS = "2024-03-14-comite-syndical"

# The counts at scale 1 (issue 8).
FULL = {
    "deliberations": 600,
    "named_votes": 9_000,
    "services": 10,  # × 5 categories = 50 tariff rows
    "contributions": 772,
    "meetings": 200,
    "votes_rows": 100_000,
}
EXPOSE_LENGTH = 1_500


def _words(text: str) -> list[str]:
    return text.split()


COLLEGES = [  # 163 members in 8 colleges
    ("Département de la Somme", 34),
    ("Amiens Métropole", 28),
    ("Région Hauts-de-France", 12),
    ("Communauté d’agglomération de la Baie de Somme", 16),
    ("Communautés de communes", 31),
    ("Communes de plus de 10 000 habitants", 14),
    ("Communes rurales", 20),
    ("Établissements associés", 8),
]
CATEGORIES = [
    "Communes de moins de 500 habitants",
    "Communes de 500 à 2 000 habitants",
    "Communes de plus de 2 000 habitants",
    "EPCI",
    "Établissements non membres",
]
SERVICES = [
    "Dématérialisation des flux comptables",
    "Archivage électronique",
    "Espaces numériques de travail",
    "Délégué à la protection des données",
    "Hébergement des sites internet",
    "Télétransmission des actes",
    "Système d’information géographique",
    "Maintenance informatique des écoles",
    "Sauvegarde externalisée",
    "Messagerie collaborative",
    "Cybersécurité",
    "Téléphonie sur IP",
]
PARTS = [
    "ADMINISTRATION GÉNÉRALE",
    "FINANCES",
    "RESSOURCES HUMAINES",
    "COMMANDE PUBLIQUE",
    "AMÉNAGEMENT NUMÉRIQUE DU TERRITOIRE",
    "SERVICES MUTUALISÉS",
    "ÉDUCATION ET NUMÉRIQUE",
    "PATRIMOINE",
]
SUBJECTS = [
    "1.1 Marchés publics",
    "1.4 Autres types de contrats",
    "3.1 Acquisitions",
    "4.1 Personnel titulaires et stagiaires de la FPT",
    "5.7 Intercommunalité",
    "7.1 Décisions budgétaires",
    "7.5 Subventions",
    "8.1 Enseignement",
    "9.1 Autres domaines de compétences des communes",
]
FIRST_M = _words(
    "Philippe Jean Pierre Michel Alain Bernard Olivier Stéphane Ernest James Hugo Marc Louis "
    "Nicolas Thierry Laurent Patrick Éric Christophe François Jacques Daniel Gérard Xavier "
    "Jean-Claude Jean-Christophe Denis Pascal Rémi Vincent"
)
FIRST_F = _words(
    "Florence Anne Claire Sophie Marie Isabelle Catherine Nathalie Sylvie Christine Valérie "
    "Martine Hélène Brigitte Béatrice Céline Émilie Laurence Agnès Delphine Véronique Chantal "
    "Marie-Hélène Anne-Sophie Corinne Odile Pascale Monique Élise Juliette"
)
LAST = _words(
    "VARLET COCQ RODINGER CANDELA LORIC DECAYEUX JARDE HECQUET LECLABART MOREL DUBOIS MARCHAND "
    "LEROY LEFEBVRE DUPONT MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND MOREAU LAURENT "
    "SIMON MICHEL GARNIER FAURE ROUSSEL BLANC GUERIN MULLER HENRY BOYER FOURNIER GIRARD "
    "BONNET DUPUIS LAMBERT FONTAINE ROUSSEAU VINCENT MERCIER BOUCHER CARON DELATTRE DEVAUX "
    "FOURCROY LEMAIRE POULAIN DEMAREST CAUDRON TILLOY WALLET DUFLOS MAILLARD BRIDOUX"
)
COMMUNE_STEMS = _words(
    "Abbeville Albert Doullens Péronne Montdidier Roye Ham Corbie Rue Beauquesne Flixecourt "
    "Friville Nesle Poix Conty Boves Camon Longueau Saleux Ailly Villers Bray Chaulnes "
    "Combles Acheux Domart Bernaville Crécy Gamaches Oisemont Hornoy Moreuil Rosières "
    "Hallencourt Airaines Molliens Picquigny Feuquières Mers Cayeux Quend Fort-Mahon "
    "Lanchères Nouvion Hangest Bouquemaison Auxi Vignacourt Querrieu Fouilloy Harbonnières"
)
COMMUNE_TAILS = [
    "",
    "-sur-Somme",
    "-en-Vimeu",
    "-lès-Amiens",
    "-en-Santerre",
    "-sur-Avre",
    "-le-Grand",
    "-le-Petit",
    "-sur-Authie",
    "-en-Ponthieu",
    "-sur-Noye",
    "-sur-Ancre",
    "-au-Bois",
    "-la-Vallée",
    "-sur-Bresle",
    "-en-Amiénois",
    "-Saint-Martin",
    "-Notre-Dame",
    "-les-Bois",
    "-le-Château",
]
SENTENCES = [
    (
        "Depuis plusieurs années, le syndicat mixte accompagne les collectivités de la Somme dans "
        "la modernisation de leurs services publics."
    ),
    (
        "Les conditions de ce partenariat sont précisées dans une convention conclue pour une durée "
        "de trois ans, renouvelable une fois par reconduction expresse."
    ),
    (
        "Il s’agit désormais d’assurer un déploiement rapide du service sur l’ensemble du "
        "territoire, dans la perspective d’une généralisation à toutes les communes membres."
    ),
    (
        "Le coût prévisionnel de l’opération s’élève à {montant} euros hors taxes, financés à "
        "hauteur de {taux} % par le fonds européen de développement régional."
    ),
    "La commission des finances, réunie le {jour}, a émis un avis favorable sur ce projet.",
    (
        "Le Président propose aux délégués d’approuver le projet et de l’autoriser à signer "
        "tout document s’y rapportant."
    ),
    (
        "Cette démarche s’inscrit dans le schéma directeur territorial d’aménagement numérique "
        "adopté par le Comité syndical."
    ),
    (
        "Les crédits nécessaires sont inscrits au budget annexe de l’exercice {annee}, chapitre "
        "{chapitre}."
    ),
    (
        "Le service est proposé aux communes de moins de 2 000 habitants à un tarif réduit, afin "
        "de ne pas pénaliser les plus petites d’entre elles."
    ),
    (
        "Le comité de pilotage, composé des représentants de chaque collège, se réunit au moins "
        "deux fois par an pour suivre l’avancement du projet."
    ),
    (
        "Un groupement de commandes permet de mutualiser l’achat des matériels et d’obtenir des "
        "conditions plus avantageuses pour l’ensemble des membres."
    ),
    (
        "La {commune} a sollicité l’appui technique du syndicat mixte pour la mise en œuvre de ce "
        "dispositif dans ses écoles élémentaires."
    ),
    (
        "Chaque structure assume les coûts de fonctionnement de son propre site, les frais "
        "communs étant répartis au prorata de la population."
    ),
    (
        "Les agents des collectivités adhérentes bénéficieront d’une formation à l’usage des "
        "outils, assurée par les équipes du syndicat mixte."
    ),
    (
        "Le bilan de l’année écoulée fait apparaître une progression de {taux} % du nombre "
        "d’utilisateurs, qui atteint désormais {nombre} comptes actifs."
    ),
    (
        "Conformément au code général des collectivités territoriales, le projet de délibération "
        "a été transmis aux délégués avec la convocation."
    ),
    (
        "Le dispositif respecte le règlement général sur la protection des données, un registre "
        "des traitements étant tenu par le délégué mutualisé."
    ),
    (
        "La consultation, lancée selon une procédure adaptée, a permis de recevoir {nombre2} offres, "
        "analysées selon les critères du prix et de la valeur technique."
    ),
    (
        "L’offre jugée économiquement la plus avantageuse est celle de la société retenue par la "
        "commission d’appel d’offres lors de sa séance du {jour}."
    ),
    (
        "Les tarifs applicables à compter du 1er janvier {annee} figurent en annexe et sont "
        "inchangés pour les communes rurales."
    ),
]
BULLETS = [
    "- le syndicat mixte assure l’hébergement et la maintenance de la plateforme ;",
    "- chaque membre désigne un référent chargé du suivi du service ;",
    "- les données restent la propriété de la collectivité qui les produit ;",
    "- une évaluation est présentée chaque année au Comité syndical ;",
    "  - dont un rapport d’activité détaillé par collège ;",
    "- la convention peut être résiliée par chacune des parties avec un préavis de six mois ;",
]
TITLES = [
    "Attribution d’une subvention à l’association {asso}",
    "Convention de partenariat avec la {commune}",
    "Tarifs {annee} du service {service}",
    "Décision modificative n° {k} du budget annexe",
    "Groupement de commandes pour {objet}",
    "Marché de {objet} : autorisation de signature",
    "Création d’un poste de {poste}",
    "Adhésion de la {commune} au service {service}",
    "Rapport d’activité {annee} du service {service}",
    "Désignation d’un représentant au conseil d’administration de {asso}",
]
OBJECTS = [
    "l’acquisition de tablettes numériques",
    "la maintenance des réseaux des écoles",
    "la fourniture de postes informatiques",
    "l’hébergement des données de santé",
    "la téléphonie des mairies",
    "l’archivage électronique mutualisé",
]
POSTS = ["technicien informatique", "chargé de mission", "ingénieur réseaux", "assistant"]
ASSOS = ["Somme Connectée", "Picardie Numérique", "Les Amis du Numérique", "Canopé Somme"]
VOTE_WEIGHTS = (("pour", 78), ("contre", 12), ("abstention", 8), ("nppv", 2))


@dataclass
class Member:
    college: str
    civility: str
    first: str
    last: str
    status: str = "présent"
    proxy_to: str | None = None
    substitute: str | None = None
    arrival: int | None = None  # N° of the first item the member takes part in
    departure: int | None = None  # N° of the last one

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def feminine(self) -> bool:
        return self.civility == "Mme"

    def sits(self, number: int, withdrawn: set[str]) -> bool:
        """Takes part in item ``number`` in person (or through a substitute)."""
        if self.name in withdrawn:
            return False
        if self.status == "suppléé":
            return True
        if self.status != "présent":
            return False
        last = self.departure if self.departure is not None else math.inf
        return (self.arrival or 1) <= number <= last


@dataclass
class Plan:
    """Every row of the Paris-like meeting, sheet by sheet (headers first)."""

    seance: list[list[Any]]
    presences: list[list[Any]]
    deliberations: list[list[Any]]
    others: list[list[Any]]
    votes: list[list[Any]]
    tariffs: list[list[Any]]
    contributions: list[list[Any]]
    members: list[Member] = field(default_factory=list)


def scaled(key: str, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(FULL[key] * scale))


def _unique_people(rng: random.Random, count: int, taken: set[str]) -> list[tuple[str, str, str]]:
    """(civility, first name, last name), every "first last" unique and not in ``taken``."""
    out = []
    while len(out) < count:
        civility = rng.choice(["M.", "Mme"])
        first = rng.choice(FIRST_F if civility == "Mme" else FIRST_M)
        last = rng.choice(LAST)
        if f"{first} {last}" not in taken:
            taken.add(f"{first} {last}")
            out.append((civility, first, last))
    return out


def _members(rng: random.Random, n_items: int) -> list[Member]:
    """163 members; a realistic mix of statuses, proxies that obey the rules:
    each holder sits the whole meeting, gives no proxy and holds one at most."""
    taken: set[str] = set()
    people = iter(_unique_people(rng, sum(size for _, size in COLLEGES), taken))
    members = [Member(college, *next(people)) for college, size in COLLEGES for _ in range(size)]
    # The president and the two secretaries sit from the opening to the end.
    chosen = list(range(3, len(members)))
    rng.shuffle(chosen)
    excused, absent, substituted = chosen[:22], chosen[22:32], chosen[32:35]
    late, early = chosen[35:39], chosen[39:43]
    for i in excused:
        members[i].status = "excusé"
    for i in absent:
        members[i].status = "absent"
    substitutes = _unique_people(rng, len(substituted), taken)
    for i, (_, first, last) in zip(substituted, substitutes):
        members[i].status = "suppléé"
        members[i].substitute = f"{first} {last}"
    middle = max(2, n_items // 2)
    for i in late:
        members[i].arrival = rng.randint(2, middle)
    for i in early:
        members[i].departure = rng.randint(middle, max(middle, n_items - 1))
    givers = excused[:18] + absent[:3] + late[:2] + early[:3]
    holders = [0, 1, 2, *chosen[43:]][: len(givers)]
    for giver, holder in zip(givers, holders):
        members[giver].proxy_to = members[holder].name
    return members


def voters(members: list[Member], number: int, withdrawn: set[str]) -> list[Member]:
    """Who votes on item ``number``: those who sit, then those represented by
    a proxy that counts (the giver does not sit, nor withdraws; the holder sits)."""
    by_name = {m.name: m for m in members}
    sitting = [m for m in members if m.sits(number, withdrawn)]
    represented = [
        m
        for m in members
        if m.proxy_to
        and m.name not in withdrawn
        and not m.sits(number, withdrawn)
        and by_name[m.proxy_to].sits(number, withdrawn)
    ]
    return sitting + represented


def _fill(rng: random.Random, template: str, communes: list[str]) -> str:
    return template.format(
        montant=f"{rng.randint(10, 900) * 1000:,}".replace(",", " "),
        taux=rng.choice([20, 30, 40, 50, 80]),
        jour=f"{rng.randint(1, 28)} février 2024",
        annee=rng.choice([2024, 2025]),
        chapitre=rng.choice(["011", "012", "21", "23", "65"]),
        commune=rng.choice(communes),
        nombre=f"{rng.randint(1000, 60000):,}".replace(",", " "),
        nombre2=rng.randint(2, 9),
        asso=rng.choice(ASSOS),
        service=rng.choice(SERVICES),
        k=rng.randint(1, 6),
        objet=rng.choice(OBJECTS),
        poste=rng.choice(POSTS),
    )


def _expose(rng: random.Random, communes: list[str]) -> str:
    """About 1,500 characters of French text in paragraphs, sometimes with bullets."""
    target = rng.randint(EXPOSE_LENGTH - 150, EXPOSE_LENGTH + 150)
    text = _fill(rng, rng.choice(SENTENCES), communes)
    bullets = False
    while len(text) < target - 80:  # a sentence is 160 characters or so
        if not bullets and rng.random() < 0.1:
            bullets = True
            text += "\nPar la présente convention :\n" + "\n".join(rng.sample(BULLETS, 3))
            continue
        separator = "\n" if text.endswith(";") or rng.random() < 0.3 else " "
        text += separator + _fill(rng, rng.choice(SENTENCES), communes)
    return text


def _communes(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct commune names (stem and ending, or two stems for a large count)."""
    names = [stem + tail for stem in COMMUNE_STEMS for tail in COMMUNE_TAILS]
    if count > len(names):
        names += [f"{a}-{b}" for a in COMMUNE_STEMS for b in COMMUNE_STEMS if a != b]
    names = rng.sample(names, count)
    return [f"Commune d’{n}" if n[0] in "AEIOUÉ" else f"Commune de {n}" for n in names]


def _vote_counts(rng: random.Random, total: int) -> tuple[int, int, int, int]:
    """(pour, contre, abstentions, nppv) adding up to ``total``, without a tie."""
    contre = rng.randint(0, min(12, total // 4))
    abst = rng.randint(0, min(8, total // 4))
    nppv = rng.randint(0, min(2, total // 8))
    return total - contre - abst - nppv, contre, abst, nppv


def plan(scale: float = 1.0, seed: int = 2024) -> Plan:
    """The rows of the Paris-like meeting (nothing written). The random
    draws are made in this order, so that a seed always gives the same
    meeting: members, communes, withdrawals, items, tariffs, contributions."""
    rng = random.Random(seed)
    n_items = scaled("deliberations", scale, minimum=4)
    members = _members(rng, n_items)
    n_services = min(len(SERVICES), scaled("services", scale))
    services = SERVICES[:n_services]
    communes = _communes(rng, scaled("contributions", scale))
    steady, withdrawals = _withdrawals(rng, members, n_items)
    deliberations, votes = _agenda(rng, members, n_items, scale, communes, steady, withdrawals)
    return Plan(
        _seance_rows(members),
        _presence_rows(members),
        deliberations,
        _other_rows(services),
        votes,
        _tariff_rows(rng, services),
        _contribution_rows(rng, communes, services),
        members,
    )


def _seance_rows(members: list) -> list[list[Any]]:
    president, secretaries = members[0], members[1:3]
    seance = [
        ["Champ", "Valeur"],
        ["Organisme", "syndicat mixte Somme Numérique"],
        ["Instance", "Comité syndical"],
        ["Genre de l’instance", "masculin"],
        ["Membres", "délégués"],
        ["Date", dt.datetime(2024, 3, 14)],
        ["Heure d’ouverture", dt.time(9, 30)],
        ["Heure de clôture", dt.time(19, 45)],
        ["Date de convocation", dt.datetime(2024, 3, 4)],
        ["Lieu", "à l’hôtel du Département, à Amiens"],
        ["Président", president.name],
        ["Secrétaire de séance", "; ".join(m.name for m in secretaries)],
        ["Procès-verbal précédent", dt.datetime(2023, 12, 12)],
        ["Vote du procès-verbal précédent", "unanimité"],
        ["Titre", "Procès-verbal"],
        ["Numérotation", "C{AAAA}_{NNN}"],
        ["Premier numéro", 1],
        ["SIRET", "20001234200016"],
    ]

    return seance


def _presence_rows(members: list) -> list[list[Any]]:
    presences = [
        [
            "Collège",
            "Civilité",
            "Prénom",
            "Nom",
            "Statut",
            "Pouvoir à",
            "Suppléé par",
            "Arrivée",
            "Départ",
        ]
    ]
    for m in members:
        status = m.status + ("e" if m.feminine and m.status != "suppléé" else "")
        presences.append(
            [
                m.college,
                m.civility,
                m.first,
                m.last,
                status,
                m.proxy_to,
                m.substitute,
                m.arrival,
                m.departure,
            ]
        )
    return presences


def _withdrawals(
    rng: random.Random, members: list, n_items: int
) -> tuple[list, dict[int, set[str]]]:
    """Who sits the whole meeting (never the president), and who of them
    withdraws at each item."""
    steady = [m for m in members[3:] if m.status == "présent" and not (m.arrival or m.departure)]
    withdrawals: dict[int, set[str]] = {}
    for number in range(1, n_items + 1):
        if rng.random() < 0.06:
            withdrawals[number] = {m.name for m in rng.sample(steady, rng.randint(1, 2))}
    return steady, withdrawals


def _agenda(
    rng: random.Random,
    members: list,
    n_items: int,
    scale: float,
    communes: list[str],
    steady: list,
    withdrawals: dict[int, set[str]],
) -> tuple[list[list[Any]], list[list[Any]]]:
    """The rows of Délibérations and of Votes."""
    # The items with named votes (scrutin public, every voter named), spread
    # over the agenda, until the Votes sheet has its count of rows.
    n_votes = scaled("named_votes", scale)
    per_item = len(voters(members, 1, set()))
    named_count = min(n_items, math.ceil(n_votes / per_item))
    named_items = {round((j + 0.5) * n_items / named_count) or 1 for j in range(named_count)}

    deliberations = [
        [
            "N°",
            "Titre",
            "Exposé",
            "Débats",
            "Décision",
            "Vote",
            "Pour",
            "Contre",
            "Abstentions",
            "NPPV",
            "Scrutin",
            "Partie",
            "Se retirent",
            "Matière",
        ]
    ]
    votes = [["N°", "Membre", "Vote"]]
    kinds, weights = zip(*VOTE_WEIGHTS)
    part_size = math.ceil(n_items / len(PARTS))
    for number in range(1, n_items + 1):
        withdrawn = withdrawals.get(number, set())
        voting = voters(members, number, withdrawn)
        title = _fill(rng, rng.choice(TITLES), communes)
        debate = "Aucune observation."  # the minutes give the debates since 2022 (L2121-15)
        if rng.random() < 0.25:
            asker = rng.choice(steady)
            debate = (
                f"{asker.name} demande des précisions sur le calendrier de mise en œuvre. "
                "Le Président indique que le déploiement débutera au second semestre."
            )
        vote: list[Any] = [None] * 6  # Vote, Pour, Contre, Abstentions, NPPV, Scrutin
        if number in named_items and len(votes) - 1 < n_votes:
            vote[5] = "public"
            room = n_votes - (len(votes) - 1)
            listed = voting[:room]
            cast = rng.choices(kinds, weights, k=len(listed))
            against = cast.count("contre")
            if len(voting) - (len(listed) - cast.count("pour")) <= against:  # no tie, no defeat
                cast = ["pour" if c == "contre" else c for c in cast]
            for member, choice in zip(listed, cast):
                name = member.substitute if member.status == "suppléé" else member.name
                votes.append([number, name, choice])
        else:
            draw = rng.random()
            if draw < 0.65:
                vote[0] = "unanimité"
            else:
                pour, contre, abst, nppv = _vote_counts(rng, len(voting))
                if draw > 0.92:
                    vote[1:6] = [pour, contre, abst, 0, "secret"]
                    vote[1] += nppv
                else:
                    vote[1:5] = [pour, contre, abst, nppv]
        deliberations.append(
            [
                number,
                title,
                _expose(rng, communes),
                debate,
                (
                    f"Après en avoir délibéré, les délégués du Comité syndical approuvent le projet "
                    f"« {title} » et autorisent le Président à signer tout document s’y rapportant."
                ),
                *vote,
                PARTS[(number - 1) // part_size],
                "; ".join(sorted(withdrawn)) or None,
                rng.choice(SUBJECTS),
            ]
        )
    return deliberations, votes


def _other_rows(services: list[str]) -> list[list[Any]]:
    others = [
        ["Partie", "Titre", "Texte", "Tarifs"],
        [
            "INFORMATIONS DU PRÉSIDENT",
            "Rapport d’activité",
            (
                "Le Président présente le rapport d’activité de l’année écoulée.\n"
                "- progression du nombre de collectivités adhérentes ;\n"
                "- mise en service de la nouvelle plateforme d’archivage."
            ),
            None,
        ],
        [
            "INFORMATIONS DU PRÉSIDENT",
            "Tarifs des services mutualisés",
            "Les tarifs du service sont rappelés aux délégués :",
            services[0],
        ],
    ]
    return others


def _tariff_rows(rng: random.Random, services: list[str]) -> list[list[Any]]:
    tariffs = [
        [
            "Budget",
            "Service",
            "Catégorie",
            "Tarif HT",
            "Unité",
            "Plancher HT",
            "Plafond HT",
            "Tarif précédent HT",
            "Année",
        ]
    ]
    for service in services:
        for k, category in enumerate(CATEGORIES):
            rate = (rng.randint(3, 12) + k) / 100  # a few cents per inhabitant
            previous = rng.choice([None, rate, round(rate - 0.01, 2), 0])
            tariffs.append(
                [
                    "Budget annexe",
                    service,
                    category,
                    rate,
                    "habitant",
                    50,
                    5000 if k < 3 else 8000,
                    previous,
                    2025,
                ]
            )
    return tariffs


def _contribution_rows(
    rng: random.Random, communes: list[str], services: list[str]
) -> list[list[Any]]:
    contributions = [["Collectivité", "Service", "Catégorie", "Quantité"]]
    for commune in communes:  # each commune once: no duplicate to warn about
        population = int(rng.lognormvariate(6.5, 1.2)) + 30
        category = CATEGORIES[0 if population < 500 else 1 if population <= 2000 else 2]
        contributions.append([commune, rng.choice(services), category, population])
    return contributions


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """One .xlsx, written in openpyxl's streaming (write-only) mode."""
    book = openpyxl.Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_paris(folder: Path, scale: float = 1.0, seed: int = 2024) -> Plan:
    """The Paris-like meeting's four workbooks in ``folder``."""
    p = plan(scale, seed)
    write_workbook(folder / "seance.xlsx", {"Séance": p.seance})
    write_workbook(folder / "presences.xlsx", {"Présences": p.presences})
    write_workbook(
        folder / "deliberations.xlsx",
        {"Délibérations": p.deliberations, "Autres points": p.others, "Votes": p.votes},
    )
    write_workbook(folder / "tarifs.xlsx", {"Tarifs": p.tariffs, "Contributions": p.contributions})
    return p


def write_lot(data: Path, count: int) -> list[Path]:
    """``count`` copies of the seed meeting, one a week from 28 November 2016
    (their folders are named by date, as a clerk would)."""
    folders = []
    for k in range(count):
        day = dt.date(2016, 11, 28) + dt.timedelta(weeks=k)
        folder = data / f"{day:%Y-%m-%d}-bureau"
        shutil.copytree(SEED, folder, dirs_exist_ok=True)
        folders.append(folder)
    return folders


def write_votes(path: Path, rows: int, seed: int = 2024) -> Path:
    """A lone ``Votes`` sheet of ``rows`` named votes (only read, never built)."""
    rng = random.Random(seed)
    names = [f"{first} {last}" for _, first, last in _unique_people(rng, 163, set())]
    kinds, weights = zip(*VOTE_WEIGHTS)
    cast = rng.choices(kinds, weights, k=rows)
    body = [[rng.randint(1, 600), rng.choice(names), vote] for vote in cast]
    return write_workbook(path, {"Votes": [["N°", "Membre", "Vote"], *body]})


@dataclass
class Generated:
    paris: Path  # the --data folder holding the Paris-like meeting only
    lot: Path  # the --data folder of the seed-sized meetings
    example: Path  # the --data folder of the seed meeting alone
    votes: Path  # the workbook with the long Votes sheet
    plan: Plan
    meetings: int
    votes_rows: int


def generate(dest: Path, scale: float = 1.0, seed: int = 2024) -> Generated:
    dest.mkdir(parents=True, exist_ok=True)
    paris = dest / "paris"
    p = write_paris(paris / PARIS, scale, seed)
    lot = dest / "lot"
    meetings = scaled("meetings", scale)
    write_lot(lot, meetings)
    example = dest / "exemple"
    shutil.copytree(SEED, example / SEED.name, dirs_exist_ok=True)
    rows = scaled("votes_rows", scale)
    votes = write_votes(dest / f"votes-{rows}.xlsx", rows, seed)
    return Generated(paris, lot, example, votes, p, meetings, rows)


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")  # French: "9 000"


def describe(g: Generated) -> str:
    p = g.plan
    colleges = len({m.college for m in p.members})
    lengths = [len(row[2]) for row in p.deliberations[1:]]
    return (
        f"{len(p.members)} membres en {colleges} collèges, {_count(len(lengths))} délibérations "
        f"(exposés de {_count(sum(lengths) // len(lengths))} caractères en moyenne), "
        f"{_count(len(p.votes) - 1)} votes nominatifs, {len(p.tariffs) - 1} tarifs, "
        f"{_count(len(p.contributions) - 1)} contributions"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="dossier où écrire les données")
    parser.add_argument("--scale", type=float, default=1.0, help="échelle (1 : taille réelle)")
    parser.add_argument("--seed", type=int, default=2024, help="graine du hasard")
    args = parser.parse_args(argv)
    g = generate(args.dest, args.scale, args.seed)
    print(f"Séance {PARIS} : {describe(g)} → {g.paris}")
    print(f"{g.meetings} séances d’exemple → {g.lot}")
    print(f"Feuille Votes de {_count(g.votes_rows)} lignes → {g.votes}")


if __name__ == "__main__":
    main()
