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

import re
from dataclasses import dataclass, field
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

# --- columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str  # as the spec names it, for messages and blank workbooks
    synonyms: tuple[str, ...] = ()  # other headers accepted, as docs/data-format.md writes them
    required: bool = False
    supported: bool = True
    hint: str = ""  # the comment of its header in a blank workbook
    choices: tuple[str, ...] = ()  # its drop-down list in a blank workbook
    unless: str = ""  # required unless this column (a key of the same sheet) is filled
    names: tuple[str, ...] = field(init=False)  # folded forms accepted

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(fold(n) for n in (self.title, *self.synonyms)))


def _col(title: str, *synonyms: str, **options: Any) -> Column:
    return Column(title, synonyms, **options)


NUMBER_SYNONYMS = ("No", "Num", "Numéro", "Numero")
_NUMBER_HINT = "Numéro du point : 1, 2, 3…"
_TITLE_HINT = "Titre de la délibération."
_PART_HINT = "Titre de la partie : DÉLIBÉRATIONS par défaut."
_VOTE_HINT = "« unanimité », ou vide et les décomptes dans Pour, Contre, Abstentions, NPPV."
_SERVICE_HINT = "Le service facturé."
_CATEGORY_HINT = "Qui paie : Communes, EPCI…"

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
            hint="Prénom Nom du membre présent qui détient le pouvoir.",
        ),
        "supplee": _col(
            "Suppléé par", "Suppléant", hint="Nom du suppléant qui siège (statut « suppléé »)."
        ),
        "arrivee": _col(
            "Arrivée",
            hint="N° du premier point auquel le membre prend part (arrivé en retard).",
        ),
        "depart": _col(
            "Départ", hint="N° du dernier point auquel le membre prend part (parti avant la fin)."
        ),
    },
    "deliberations": {
        "numero": _col("N°", *NUMBER_SYNONYMS, required=True, hint=_NUMBER_HINT),
        "titre": _col("Titre", required=True, hint=_TITLE_HINT),
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
        "vote": _col("Vote", "Votes", hint=_VOTE_HINT, choices=UNANIMITY.choices),
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
            "Présidence", hint="Qui préside ce point, quand ce n’est pas le président."
        ),
        "partie": _col("Partie", hint=_PART_HINT),
        "numero_acte": _col(
            "Numéro d'acte", hint="Numéro d’acte tapé (15 caractères : A-Z, 0-9, _)."
        ),
        "matiere": _col("Matière", hint="Code et nom ACTES : « 8.1 Enseignement »."),
    },
    "autres_points": {
        "partie": _col("Partie", required=True, hint=_PART_HINT),
        "titre": _col("Titre", hint=_TITLE_HINT),
        "texte": _col(
            "Texte", hint="Le texte du point ; « - » en début de ligne = puce.", unless="tarifs"
        ),
        "tarifs": _col(
            "Tarifs", hint="Un Service de la feuille Tarifs dont les tarifs suivent le texte."
        ),
    },
    "votes": {
        "numero": _col("N°", *NUMBER_SYNONYMS, required=True, hint=_NUMBER_HINT),
        "membre": _col(
            "Membre", required=True, hint="Prénom Nom du membre (ou du suppléant) qui vote."
        ),
        "vote": _col("Vote", "Votes", required=True, hint=_VOTE_HINT, choices=NAMED_VOTE.choices),
    },
    "tarifs": {
        "budget": _col("Budget", hint="Budget annexe…"),
        "service": _col("Service", required=True, hint=_SERVICE_HINT),
        "categorie": _col("Catégorie", required=True, hint=_CATEGORY_HINT),
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
        "service": _col("Service", required=True, hint=_SERVICE_HINT),
        "categorie": _col("Catégorie", required=True, hint=_CATEGORY_HINT),
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
        Field("Lieu", hint="Complète « s’est réuni… » : « dans ses locaux », « à la mairie »."),
        Field("Président", True, hint="Prénom Nom du président ou de la présidente, présent(e)."),
        Field("Secrétaire de séance", True, hint="Prénom Nom ; plusieurs séparés par « ; »."),
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
            "Quorum",
            hint="« présents » (CGCT L2121-17) ou « présents ou représentés » si les statuts "
            "le disent.",
            choices=QUORUM_BASE.choices,
        ),
        Field(
            "Seuil du quorum",
            hint="« majorité » (défaut), « tiers » ou un nombre.",
            choices=THRESHOLD.choices,
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

# The « Matière » column: an ACTES subject code and its name, « 8.1 Enseignement ».
SUBJECT = re.compile(r"^(\d\.\d{1,2})\s+(\S.*)$")
# An act number, typed in « Numéro d'acte » or made from « Numérotation »: at
# most 15 characters of A-Z, 0-9 and _ (the ACTES platform's rule).
ACT_NUMBER = re.compile(r"[A-Z0-9_]{1,15}")
# « Numérotation »: a pattern whose {AAAA}, {MM}, {JJ} are the meeting's year,
# month and day, and {NNN} (as many N as digits) the item's sequence number.
ACT_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
ACT_DATE_PLACEHOLDERS = ("AAAA", "MM", "JJ")
ACT_SEQUENCE_PLACEHOLDER = re.compile(r"N+")
