"""The meeting as the rules and the words see it: frozen dataclasses, no I/O."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import Enum
from pathlib import Path

from pipeline.problems import Place
from pipeline.text import fold


class Status(Enum):
    PRESENT = "présent"
    EXCUSED = "excusé"
    ABSENT = "absent"
    SUBSTITUTED = "suppléé"  # a substitute (suppléant) sits and votes for the member


class Ballot(Enum):
    SHOW_OF_HANDS = "main levée"
    PUBLIC = "public"  # roll call: every voter named
    SECRET = "secret"  # nobody named; no casting vote


class Vote(Enum):
    POUR = "pour"
    CONTRE = "contre"
    ABSTENTION = "abstention"
    NPPV = "nppv"


class QuorumBase(Enum):
    PRESENT = "présents"
    PRESENT_OR_REPRESENTED = "présents ou représentés"


@dataclass(frozen=True)
class Member:
    key: str  # folded "prénom nom": how other sheets name the member
    feminine: bool
    first_name: str
    last_name: str
    status: Status
    college: str
    proxy_to: str | None  # key of the holder
    place: Place  # the member's row
    substitute: str = ""  # the suppléant's name, as typed
    arrival: int | None = None  # N° of the first deliberation taken part in
    departure: int | None = None  # N° of the last deliberation taken part in
    address: tuple[str, ...] = ()  # Adresse, its lines, for the convocation letter
    email: str = ""  # Courriel
    function: str = ""  # Fonction: "Vice-président", printed after the name in letters

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"

    @property
    def title(self) -> str:
        """ "M. Philippe VARLET", "Mme Florence RODINGER"."""
        return f"{'Mme' if self.feminine else 'M.'} {self.name}"

    @property
    def seated_name(self) -> str:
        """Who sits: the substitute for a suppléé member."""
        return self.substitute if self.status is Status.SUBSTITUTED else self.name

    @property
    def seated_title(self) -> str:
        """ "Mme Florence RODINGER", or the substitute's name as typed."""
        return self.substitute if self.status is Status.SUBSTITUTED else self.title


@dataclass(frozen=True)
class Proxy:
    giver: str
    holder: str


@dataclass(frozen=True)
class Counts:
    pour: int
    contre: int = 0
    abstentions: int = 0
    nppv: int = 0

    @property
    def total(self) -> int:
        return self.pour + self.contre + self.abstentions + self.nppv

    @property
    def votants(self) -> int:
        return self.pour + self.contre + self.abstentions

    @property
    def exprimes(self) -> int:
        return self.pour + self.contre


COUNT_FIELDS = tuple(f.name for f in fields(Counts))  # pour, contre, abstentions, nppv:
# the fields of a vote's counts, and the keys of their columns in « Délibérations »


@dataclass(frozen=True)
class Block:
    """One paragraph of a text cell: level 0 is a plain paragraph, 1, 2, 3…
    a bullet of that depth."""

    text: str
    level: int = 0


@dataclass(frozen=True)
class VoteRecord:
    """What was typed: ``unanimity`` or the counts (missing counts are 0)."""

    unanimity: bool
    counts: Counts | None
    place: Place


@dataclass(frozen=True)
class ExposeFile:
    """An exposé written in Word: a ``.docx`` of the meeting's ``exposes/``
    folder, embedded as is in the documents that print the item."""

    path: Path  # resolved, inside the meeting's exposes/ folder
    name: str  # as the clerk typed it: "exposes/01.docx"
    place: Place  # the Exposé cell that names it


@dataclass(frozen=True)
class Classification:
    """The préfecture's classification of acts (``classification.xml``): the
    codes it accepts (« 8 », « 8.1 », « 8.1.3 » → name), to five levels, and
    its date (``actes:DateClassification``)."""

    file: str  # as named in messages: "classification.xml"
    date: dt.date
    codes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Acknowledgement:
    """A préfecture's ARActe, read from ``data/<meeting>/accuses/``."""

    number: str  # the act number (NumeroInterne, else the 4th part of IDActe)
    received: dt.date  # DateReception
    act_id: str  # IDActe: "080-200000008-20221205-B2022_017-DE"
    file: str  # "accuses/xyz.xml", for messages


@dataclass(frozen=True)
class Deliberation:
    number: int
    title: str
    expose: tuple[Block, ...]
    debates: tuple[Block, ...]
    decision: tuple[Block, ...]
    vote: VoteRecord | None
    part: str
    place: Place  # the row
    ballot: Ballot = Ballot.SHOW_OF_HANDS
    withdrawn: tuple[str, ...] = ()  # member keys who leave the room for this item
    presiding: str | None = None  # member key, when not the president
    act_number: str = ""
    # The « Numérotation » cell (Séance) the act number was made from; None when typed.
    numbering: Place | None = None
    subject: str = ""  # Matière (ACTES)
    expose_file: ExposeFile | None = None  # then ``expose`` is empty
    # The préfecture's acknowledgement (accuses/*.xml) matched by act number.
    acknowledgement: Acknowledgement | None = None


@dataclass(frozen=True)
class NamedVote:
    number: int  # the deliberation's N°
    member: str  # member key (a substitute is named through its member)
    vote: Vote
    place: Place


@dataclass(frozen=True)
class OtherItem:
    part: str
    title: str
    text: tuple[Block, ...]
    place: Place
    tariff_service: str | None = None  # folded Service of Tarifs whose rates follow the text


@dataclass(frozen=True)
class Tariff:
    budget: str
    service: str
    category: str
    rate: Decimal  # euros HT
    unit: str
    floor: Decimal | None
    ceiling: Decimal | None
    previous: Decimal | None
    year: int | None
    place: Place

    @property
    def key(self) -> tuple[str, str]:
        return tariff_key(self.service, self.category)


@dataclass(frozen=True)
class Contribution:
    payer: str  # Collectivité
    service: str
    category: str
    quantity: Decimal
    place: Place

    @property
    def key(self) -> tuple[str, str]:
        """The key of its row of Tarifs."""
        return tariff_key(self.service, self.category)


def tariff_key(service: str, category: str) -> tuple[str, str]:
    """A row of Tarifs as Contributions name it: case and accents aside."""
    return fold(service), fold(category)


@dataclass(frozen=True)
class Meeting:
    name: str  # the folder's name, naming output/<name>/
    body: str  # Organisme
    instance: str
    instance_feminine: bool
    members_word: str  # "délégués", "membres", "conseillers"…
    date: dt.date
    opening: dt.time
    closing: dt.time | None
    convocation: dt.date
    location: str
    president: str  # member key
    secretaries: tuple[str, ...]
    previous_minutes: dt.date | None
    previous_vote: VoteRecord | None
    quorum_base: QuorumBase
    quorum_threshold: str | int  # "majorité", "tiers" or a whole number
    title: str
    proxies_per_member: int
    siret: str
    members: tuple[Member, ...]
    deliberations: tuple[Deliberation, ...]
    other_items: tuple[OtherItem, ...]
    second_convocation: bool = False
    votes: tuple[NamedVote, ...] = ()
    city: str = ""  # Ville: where letters are dated from
    notice_days: int = 5  # Délai de convocation, in jours francs (law.convocation)
    urgency: bool = False  # convened in urgency: the minutes state it
    convener: str = ""  # member key of the convocation's signatory (default: the president)
    # The date of the meeting that approved these minutes (« Procès-verbal
    # arrêté le », or a later meeting of data/ that voted on them), or None:
    # the dotted line is left for it.
    approved_on: dt.date | None = None
    # « Mise en ligne le », « Affichée le » (R2131-1, L2121-25): None leaves
    # their dotted lines; « Adresse de publication »: where output/site/ is
    # deposited, without its final /, or "" (DELIB_URL stays empty).
    online_on: dt.date | None = None
    posted_on: dt.date | None = None
    publication_url: str = ""
    # « Code préfecture » (PREF_ID of the SCDL: PREF080, SPREF0801, SGAR080) or "".
    prefecture_code: str = ""
    # « Procès-verbal mis en ligne le » (L2121-15, R2131-1), or None.
    minutes_online_on: dt.date | None = None
    minutes_online_place: Place | None = None  # its cell, for the check of L2121-15
    # The préfecture's classification (data/classification.xml), when given.
    classification: Classification | None = None
    tariffs: tuple[Tariff, ...] = ()
    contributions: tuple[Contribution, ...] = ()

    @property
    def has_tariff_sheet(self) -> bool:
        """The annex is written when the meeting has a Tarifs sheet with rates
        (a sheet left with its headers only counts as absent)."""
        return bool(self.tariffs)

    def member(self, key: str) -> Member:
        return self._members_by_key[key]

    # Computed once per meeting: an assembly of 163 members and 600 items
    # asks for them at every item.
    @functools.cached_property
    def _members_by_key(self) -> dict[str, Member]:
        return {m.key: m for m in self.members}

    @functools.cached_property
    def agenda(self) -> tuple[tuple[int, ...], dict[int, frozenset[str]]]:
        """The agenda (N° in order) and who withdraws at each item."""
        order = tuple(d.number for d in self.deliberations)
        withdrawn = {d.number: frozenset(d.withdrawn) for d in self.deliberations}
        return order, withdrawn
