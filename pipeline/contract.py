"""The workbook contract, written once: what a clerk types, where and how
(docs/data-format.md). The sheets and their accepted names, the columns of
each sheet, the fields of « Séance », the words each cell may hold, the
comment of each header and the drop-down lists of the blank workbooks.

The parser (:mod:`pipeline.parse`), ``make-minutes new``
(:mod:`pipeline.commands.blank`) and the docs check (tests/test_contract.py)
are derived from it: a new column is added here, then read by its sheet's
parser and described in docs/data-format.md.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from pipeline.model import Ballot, QuorumBase, Status, Vote
from pipeline.text import fold

# --- sheets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetSpec:
    """A sheet of the contract, found by its name in any workbook of a meeting."""

    key: str  # how the code names it
    title: str  # as the clerk names it, and messages print it
    english: str  # also accepted
    required: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """The folded names that identify the sheet."""
        return tuple(dict.fromkeys((fold(self.title), fold(self.english))))


SHEET_SPECS: tuple[SheetSpec, ...] = (
    SheetSpec("seance", "Séance", "Meeting", required=True),
    SheetSpec("presences", "Présences", "Attendance", required=True),
    SheetSpec("deliberations", "Délibérations", "Deliberations", required=True),
    SheetSpec("votes", "Votes", "Votes"),
    SheetSpec("autres_points", "Autres points", "Other items"),
    SheetSpec("tarifs", "Tarifs", "Tariffs"),
    SheetSpec("contributions", "Contributions", "Contributions"),
)
# Canonical sheet keys and the folded names that identify them.
SHEETS: dict[str, tuple[str, ...]] = {s.key: s.names for s in SHEET_SPECS}
SHEET_TITLES: dict[str, str] = {s.key: s.title for s in SHEET_SPECS}
REQUIRED_SHEETS: tuple[str, ...] = tuple(s.key for s in SHEET_SPECS if s.required)

# --- vocabularies -------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """The words a cell may hold, compared after folding."""

    words: dict[str, Any]  # folded word → the value it stands for
    expected: str  # what a message says was expected
    choices: tuple[str, ...] = ()  # offered in the drop-down list of a blank workbook
    # Whether ``choices`` say every value the cell may hold (the blank
    # workbook's list then refuses another); False when a number may stand
    # in a word's stead (« Seuil du quorum »).
    closed: bool = field(default=True, kw_only=True)
    # The code of the problem « a word outside this vocabulary » (pipeline.problems).
    code: str = field(kw_only=True)


CIVILITY = Vocabulary(
    {"m": False, "monsieur": False, "mme": True, "madame": True},  # feminine?
    "« M. » ou « Mme »",
    ("M.", "Mme"),
    code="presence.unknown-civility",
)
STATUSES: dict[str, Status] = {
    **dict.fromkeys(("present", "presente", "present e"), Status.PRESENT),
    **dict.fromkeys(("excuse", "excusee", "excuse e"), Status.EXCUSED),
    **dict.fromkeys(("absent", "absente", "absent e"), Status.ABSENT),
    **dict.fromkeys(("supplee", "suppleee", "supplee e"), Status.SUBSTITUTED),
}
STATUS = Vocabulary(
    STATUSES,
    "« présent », « excusé », « absent » ou « suppléé »",
    ("présent", "présente", "excusé", "excusée", "absent", "absente", "suppléé", "suppléée"),
    code="presence.unknown-status",
)
NAMED_VOTE = Vocabulary(  # a line of « Votes »
    {
        "pour": Vote.POUR,
        "contre": Vote.CONTRE,
        "abstention": Vote.ABSTENTION,
        "abstentions": Vote.ABSTENTION,
        "nppv": Vote.NPPV,
        "ne prend pas part au vote": Vote.NPPV,
    },
    "« pour », « contre », « abstention » ou « nppv »",
    ("pour", "contre", "abstention", "nppv"),
    code="vote.unknown-named-vote",
)
BALLOT = Vocabulary(
    {
        "main levee": Ballot.SHOW_OF_HANDS,
        "a main levee": Ballot.SHOW_OF_HANDS,
        "public": Ballot.PUBLIC,
        "scrutin public": Ballot.PUBLIC,
        "appel nominal": Ballot.PUBLIC,
        "secret": Ballot.SECRET,
        "scrutin secret": Ballot.SECRET,
    },
    "« main levée », « public » ou « secret »",
    ("main levée", "public", "secret"),
    code="vote.unknown-ballot",
)
YES_NO = Vocabulary(
    {"oui": True, "non": False, "o": True, "n": False, "vrai": True, "faux": False},
    "« oui » ou « non »",
    ("oui", "non"),
    code="seance.unknown-yes-no",
)
GENDER = Vocabulary(  # of the instance: feminine?
    {"masculin": False, "m": False, "feminin": True, "f": True},
    "« masculin » ou « féminin »",
    ("masculin", "féminin"),
    code="seance.unknown-gender",
)
QUORUM_BASE = Vocabulary(
    {"presents": QuorumBase.PRESENT, "presents ou representes": QuorumBase.PRESENT_OR_REPRESENTED},
    "« présents » ou « présents ou représentés »",
    ("présents", "présents ou représentés"),
    code="seance.unknown-quorum-base",
)
# « Seuil du quorum »: one of these words, or a whole number.
THRESHOLD = Vocabulary(
    {"majorite": "majorité", "tiers": "tiers"},
    "« majorité », « tiers » ou un nombre entier",
    ("majorité", "tiers"),
    closed=False,
    code="seance.unknown-quorum-threshold",
)
# « Vote » of a deliberation, and the vote of the previous minutes: unanimity,
# else counts (the columns Pour, Contre, Abstentions, NPPV, or
# « 12 pour, 1 contre, 2 abstentions »).
UNANIMITY = Vocabulary(
    dict.fromkeys(("unanimite", "a l unanimite", "unanime"), True),
    "« unanimité »",
    ("unanimité",),
    code="vote.unknown-vote",
)
COUNT_WORDS = {  # a word of a count → the Counts field it adds to
    "pour": "pour",
    "contre": "contre",
    "abstention": "abstentions",
    "abstentions": "abstentions",
    "nppv": "nppv",
}

# --- the drop-down lists of the blank workbooks -------------------------------------------

# Besides the fixed words of a vocabulary, a drop-down list may offer what the
# meeting's own sheets hold: the members' « Prénom Nom » (from Présences) or
# the deliberations' numbers (the N° column of Délibérations). Such a list
# follows the sheet as the clerk fills it, and may be incomplete (a
# substitute, a name typed before Présences is filled, several secretaries):
# a value outside it is warned about, never refused.
MEMBERS_LIST = "membres"
NUMBERS_LIST = "numeros"
# The hidden sheet of a blank workbook that holds the members' names its lists
# offer (formulas over Présences): the reader ignores it.
HELPER_SHEET = "Listes"

# --- columns ---------------------------------------------------------------------------


# The grouping columns: a range merged down several rows gives its value to
# each (the spec's « Merged cells »); in any other column it is an error.
GROUPING_COLUMNS = frozenset({"college", "partie", "budget", "service"})


@dataclass(frozen=True)
class Column:
    title: str  # as the spec names it, for messages and blank workbooks
    synonyms: tuple[str, ...] = ()  # other headers accepted, as docs/data-format.md writes them
    required: bool = False
    supported: bool = True
    hint: str = ""  # the comment of its header in a blank workbook
    choices: tuple[str, ...] = ()  # its drop-down list in a blank workbook
    closed: bool = True  # whether its list refuses a value outside ``choices``
    listed: str = ""  # MEMBERS_LIST or NUMBERS_LIST: its drop-down offers the meeting's own
    unless: str = ""  # required unless this column (a key of the same sheet) is filled
    names: tuple[str, ...] = field(init=False)  # folded forms accepted

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(fold(n) for n in (self.title, *self.synonyms)))


def _col(title: str, *synonyms: str, **options: Any) -> Column:
    return Column(title, synonyms, **options)


NUMBER_SYNONYMS = ("No", "Num", "Numéro", "Numero")
# Each column's comment says what that column holds: no two columns share one.

COLUMNS: dict[str, dict[str, Column]] = {
    "presences": {
        "college": _col(
            "Collège",
            hint="Groupe que le membre représente ; le tableau des membres est groupé par collège.",
        ),
        "civilite": _col("Civilité", required=True, hint="M. ou Mme.", choices=CIVILITY.choices),
        "prenom": _col("Prénom", required=True, hint="Prénom du membre."),
        "nom": _col("Nom", required=True, hint="Nom du membre (imprimé en capitales)."),
        "statut": _col(
            "Statut",
            required=True,
            hint="présent(e), excusé(e), absent(e) ou suppléé(e).",
            choices=STATUS.choices,
        ),
        "pouvoir": _col(
            "Pouvoir à",
            "Pouvoir donné à",
            "Mandataire",
            hint="Prénom Nom du membre présent qui détient le pouvoir de ce membre (liste des "
            "membres).",
            listed=MEMBERS_LIST,
        ),
        "supplee": _col(
            "Suppléé par", "Suppléant", hint="Nom du suppléant qui siège (statut « suppléé »)."
        ),
        "arrivee": _col(
            "Arrivée",
            hint="N° de la première délibération à laquelle le membre prend part (arrivé en "
            "retard ; liste des N° de la feuille Délibérations).",
            listed=NUMBERS_LIST,
        ),
        "depart": _col(
            "Départ",
            hint="N° de la dernière délibération à laquelle le membre prend part (parti avant la "
            "fin ; liste des N° de la feuille Délibérations).",
            listed=NUMBERS_LIST,
        ),
        "adresse": _col(
            "Adresse",
            hint="Adresse postale du membre, pour sa convocation ; retour à la ligne "
            "(Alt+Entrée) entre les lignes de l’adresse.",
        ),
        "courriel": _col("Courriel", hint="Adresse électronique du membre : nom@exemple.fr."),
        "fonction": _col(
            "Fonction",
            hint="Fonction imprimée après le nom dans les lettres : Vice-président, Délégué "
            "titulaire…",
        ),
    },
    "deliberations": {
        "numero": _col(
            "N°",
            *NUMBER_SYNONYMS,
            required=True,
            hint="Numéro de la délibération, unique dans la séance : 1, 2, 3…",
        ),
        "titre": _col("Titre", required=True, hint="Titre de la délibération."),
        "expose": _col(
            "Exposé",
            hint="Le rapport ; retour à la ligne (Alt+Entrée) = nouveau paragraphe, « - » = "
            "puce. Ou le nom d’un document Word du dossier exposes/ de la réunion : "
            "exposes/01.docx.",
        ),
        "debats": _col("Débats", hint="La teneur des discussions (CGCT L2121-15)."),
        "decision": _col(
            "Décision", hint="« Après en avoir délibéré, les membres … approuvent … »."
        ),
        "vote": _col(
            "Vote",
            "Votes",
            hint="« unanimité », ou vide et les décomptes dans Pour, Contre, Abstentions, NPPV.",
            choices=UNANIMITY.choices,
        ),
        "pour": _col("Pour", hint="Nombre de voix pour."),
        "contre": _col("Contre", hint="Nombre de voix contre."),
        "abstentions": _col(
            "Abstentions",
            "Abstention",
            hint="Nombre d’abstentions (bulletins blancs ou nuls au scrutin secret).",
        ),
        "nppv": _col("NPPV", hint="Nombre de membres qui ne prennent pas part au vote."),
        "scrutin": _col(
            "Scrutin", hint="main levée (défaut), public ou secret.", choices=BALLOT.choices
        ),
        "se_retirent": _col(
            "Se retirent",
            hint="Membres qui quittent la salle pour ce point (intérêt), séparés par « ; ».",
        ),
        "presidence": _col(
            "Présidence",
            hint="Prénom Nom du membre qui préside ce point, quand ce n’est pas le président "
            "(liste des membres).",
            listed=MEMBERS_LIST,
        ),
        "partie": _col(
            "Partie",
            hint="Titre de la partie où figure cette délibération : DÉLIBÉRATIONS par défaut.",
        ),
        "numero_acte": _col(
            "Numéro d'acte",
            hint="Numéro d’acte tapé : 1 à 15 caractères A-Z, 0-9, _ (pas de _ au début ni à la fin).",
        ),
        "matiere": _col(
            "Matière",
            hint="Code ACTES, seul ou suivi de son nom : « 8.1 » ou « 8.1 Enseignement ».",
        ),
    },
    "autres_points": {
        "partie": _col(
            "Partie",
            required=True,
            hint="Titre de la partie où figure ce point : « EXAMEN DE L’ORDRE DU JOUR DU "
            "COMITÉ SYNDICAL »…",
        ),
        "titre": _col("Titre", hint="Titre du point (sans vote) dans sa partie."),
        "texte": _col(
            "Texte", hint="Le texte du point ; « - » en début de ligne = puce.", unless="tarifs"
        ),
        "tarifs": _col(
            "Tarifs", hint="Un Service de la feuille Tarifs dont les tarifs suivent le texte."
        ),
    },
    "votes": {
        "numero": _col(
            "N°",
            *NUMBER_SYNONYMS,
            required=True,
            hint="N° de la délibération votée (liste des N° de la feuille Délibérations).",
            listed=NUMBERS_LIST,
        ),
        "membre": _col(
            "Membre",
            required=True,
            hint="Prénom Nom du membre (ou du suppléant) qui vote (liste des membres).",
            listed=MEMBERS_LIST,
        ),
        "vote": _col(
            "Vote",
            "Votes",
            required=True,
            hint="Le vote de ce membre : pour, contre, abstention ou nppv ; seuls les votes "
            "autres que « pour » sont à lister.",
            choices=NAMED_VOTE.choices,
        ),
    },
    "tarifs": {
        "budget": _col("Budget", hint="Budget annexe…"),
        "service": _col("Service", required=True, hint="Le service facturé."),
        "categorie": _col("Catégorie", required=True, hint="Qui paie : Communes, EPCI…"),
        "tarif": _col("Tarif HT", "Tarif", required=True, hint="Tarif en euros hors taxes : 0,07."),
        "unite": _col("Unité", hint="habitant, an, forfait…"),
        "plancher": _col("Plancher HT", "Plancher", hint="Montant minimal facturé."),
        "plafond": _col("Plafond HT", "Plafond", hint="Montant maximal facturé."),
        "precedent": _col(
            "Tarif précédent HT", "Tarif précédent", hint="Tarif de l’année précédente."
        ),
        "annee": _col("Année", hint="Année d’application du tarif."),
    },
    "contributions": {
        "collectivite": _col(
            "Collectivité", required=True, hint="Nom de la collectivité qui paie."
        ),
        "service": _col(
            "Service", required=True, hint="Un Service de la feuille Tarifs, tel qu’il y est écrit."
        ),
        "categorie": _col(
            "Catégorie",
            required=True,
            hint="Une Catégorie de ce service dans la feuille Tarifs, telle qu’elle y est écrite.",
        ),
        "quantite": _col(
            "Quantité",
            required=True,
            hint="Ce à quoi le tarif s’applique : la population pour un tarif par habitant.",
        ),
    },
}

# --- the fields of « Séance » -------------------------------------------------------------

SEANCE_HEADER = ("Champ", "Valeur")  # an optional first row of « Séance »


@dataclass(frozen=True)
class Field:
    title: str
    required: bool = False
    supported: bool = True
    hint: str = ""  # the comment of its name in a blank workbook
    choices: tuple[str, ...] = ()  # the drop-down list of its value in a blank workbook
    closed: bool = True  # whether its list refuses a value outside ``choices``
    listed: str = ""  # MEMBERS_LIST: its drop-down offers the members' names
    kind: str = "text"  # "date" or "time": the number format of its value in a blank workbook


FIELDS: dict[str, Field] = {
    fold(f.title): f
    for f in (
        Field("Organisme", True, hint="L’organisme public : « syndicat mixte Somme Numérique »."),
        Field(
            "Instance",
            True,
            hint="L’assemblée qui délibère : Bureau, Comité syndical, Conseil municipal…",
        ),
        Field(
            "Genre de l'instance",
            hint="masculin (le Bureau… réuni) ou féminin (la Commission… réunie).",
            choices=GENDER.choices,
        ),
        Field(
            "Membres",
            hint="Le nom des membres dans les phrases : membres, délégués, conseillers…",
        ),
        Field("Date", True, hint="Date de la séance (JJ/MM/AAAA).", kind="date"),
        Field("Heure d'ouverture", True, hint="Heure d’ouverture : 17:00.", kind="time"),
        Field("Heure de clôture", hint="Heure de levée de la séance : 18:30.", kind="time"),
        Field(
            "Date de convocation",
            True,
            hint="Date d’envoi de la convocation (JJ/MM/AAAA).",
            kind="date",
        ),
        Field(
            "Délai de convocation",
            hint="Jours francs exigés entre la convocation et la séance : 5 par défaut (EPCI, "
            "syndicats, communes de 3 500 habitants et plus, CGCT L2121-12), 3 pour une commune "
            "de moins de 3 500 habitants (L2121-11).",
        ),
        Field(
            "Urgence",
            hint="« oui » si la séance a été convoquée en urgence (au moins un jour franc, CGCT "
            "L2121-12) : le procès-verbal le constate.",
            choices=YES_NO.choices,
        ),
        Field("Lieu", hint="Complète « s’est réuni… » : « dans ses locaux », « à la mairie »."),
        Field("Ville", hint="D’où les lettres sont datées : « Amiens, le 21 novembre 2016 »."),
        Field(
            "Président",
            True,
            hint="Prénom Nom du président ou de la présidente, présent(e) (liste des membres).",
            listed=MEMBERS_LIST,
        ),
        Field(
            "Secrétaire de séance",
            True,
            hint="Prénom Nom d’un membre présent (liste des membres) ; plusieurs séparés par "
            "« ; ».",
            listed=MEMBERS_LIST,
        ),
        Field(
            "Signataire de la convocation",
            hint="Prénom Nom du membre qui signe la convocation (liste des membres) ; le "
            "président par défaut.",
            listed=MEMBERS_LIST,
        ),
        Field(
            "Procès-verbal précédent",
            hint="Date de la réunion dont le procès-verbal est approuvé.",
            kind="date",
        ),
        Field(
            "Vote du procès-verbal précédent",
            hint="« unanimité » ou « 12 pour, 1 contre, 2 abstentions ».",
        ),
        Field(
            "Procès-verbal arrêté le",
            hint="Date de la réunion qui a approuvé ce procès-verbal, quand elle n’est pas dans "
            "data/ (JJ/MM/AAAA) ; remplace les pointillés de « Procès-verbal arrêté en séance "
            "du… ».",
            kind="date",
        ),
        Field(
            "Mise en ligne le",
            hint="Date de la mise en ligne des actes et de la liste des délibérations "
            "(JJ/MM/AAAA, CGCT R2131-1 et L2121-25) ; remplace les pointillés de « Mise en "
            "ligne le… » et de « Publié le… ».",
            kind="date",
        ),
        Field(
            "Affichée le",
            hint="Date de l’affichage de la liste des délibérations (JJ/MM/AAAA) ; remplace "
            "les pointillés de « Affichée le… ».",
            kind="date",
        ),
        Field(
            "Adresse de publication",
            hint="Adresse web où est déposé le site de publication (output/site/, écrit par "
            "make-minutes site) : https://www.exemple.fr/actes ; donne le lien de chaque "
            "délibération (DELIB_URL) des données ouvertes.",
        ),
        Field(
            "Code préfecture",
            hint="Code de la préfecture qui exerce le contrôle de légalité : PREF080 (préfecture "
            "de la Somme), SPREF0802 (sous-préfecture), PREF02A (Corse-du-Sud) ; donne PREF_ID "
            "des données ouvertes pour les actes dont l’accusé de réception est déposé.",
        ),
        Field(
            "Procès-verbal mis en ligne le",
            hint="Date de la mise en ligne du procès-verbal une fois arrêté (JJ/MM/AAAA, CGCT "
            "L2121-15 : dans la semaine qui suit la séance qui l’a arrêté) ; le procès-verbal "
            "porte alors « Mis en ligne le… ».",
            kind="date",
        ),
        Field(
            "Quorum",
            hint="« présents » (CGCT L2121-17) ou « présents ou représentés » si les statuts "
            "le disent.",
            choices=QUORUM_BASE.choices,
        ),
        Field(
            "Seuil du quorum",
            hint="« majorité » (défaut), « tiers » ou un nombre.",
            choices=THRESHOLD.choices,
            closed=THRESHOLD.closed,
        ),
        Field("Titre", hint="Sous-titre du document : « Procès-verbal synthétique »."),
        Field(
            "Deuxième convocation",
            hint="« oui » si la séance a été convoquée à nouveau faute de quorum.",
            choices=YES_NO.choices,
        ),
        Field(
            "Pouvoirs par membre",
            hint="Nombre de pouvoirs qu’un membre peut détenir (1 par défaut).",
        ),
        Field("Numérotation", hint="Modèle des numéros d’acte : B{AAAA}_{NNN}."),
        Field(
            "Premier numéro",
            hint="Numéro de séquence de la première délibération (1 par défaut).",
        ),
        Field("SIRET", hint="SIRET de l’organisme (14 chiffres), pour les données ouvertes."),
    )
}

# --- the forms of some values -------------------------------------------------------------

# The « Matière » column: a code of the ACTES nomenclature, alone (« 8.1 ») or
# followed by its name (« 8.1 Enseignement », « 8.1 - Enseignement »); a comma
# may stand for the dot (« 8,1 »). Groups: the code, the name (or None).
SUBJECT = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})*)(?:\s*[-\u2013\u2014:]\s*|\s+)?(\S.*)?")


def _actes_nomenclature() -> dict[str, str]:
    """The ACTES nomenclature (« classification des actes » of the ministère
    de l’Intérieur), levels 1 and 2: code (« 8 », « 8.1 ») → name, in the
    order of pipeline/actes.csv.

    Sources: the ministry's RetourClassification as S²LOW's tests hold it
    (libriciel/s2low, test/PHPUnit/class/fixtures/classification.xml,
    DateClassification 2004-04-01), every code and name, written there
    without most accents: the accents are put back here; the level-1 names
    as the SCDL « Délibérations » validator spells them (validata-table,
    validata_core/custom_checks/nomenclature_actes_value.py, after the
    nomenclature published by the préfectures), which fixes the ministry's
    « pourvoirs de police » into « pouvoirs de police »."""
    text = resources.files("pipeline").joinpath("actes.csv").read_text(encoding="utf-8")
    return {row["code"]: row["libelle"] for row in csv.DictReader(io.StringIO(text))}


ACTES: dict[str, str] = _actes_nomenclature()


def actes_path(code: str) -> str:
    """« niveau 1/niveau 2 » of a level-2 code (« 8.1 » → « Domaines de
    compétences par thèmes/Enseignement »), as SCDL's DELIB_MATIERE_NOM."""
    return f"{ACTES[code.split('.')[0]]}/{ACTES[code]}"


# An act number, typed in « Numéro d'acte » or made from « Numérotation »: 1 to
# 15 characters of A-Z, 0-9 and _, neither first nor last an _ (S²LOW's rule
# for the ACTES platform: ^([A-Z0-9][A-Z0-9_]{0,13})?[A-Z0-9]$).
ACT_NUMBER = re.compile(r"(?:[A-Z0-9][A-Z0-9_]{0,13})?[A-Z0-9]")
ACT_NUMBER_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
# « Numérotation »: a pattern whose {AAAA}, {MM}, {JJ} are the meeting's year,
# month and day, and {NNN} (as many N as digits) the item's sequence number.
ACT_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
ACT_DATE_PLACEHOLDERS = ("AAAA", "MM", "JJ")
ACT_SEQUENCE_PLACEHOLDER = re.compile(r"N+")
