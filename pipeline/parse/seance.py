"""The « Séance » sheet: one field a row, each read as the value it holds,
and the checks that compare its fields (dates, hours, the previous minutes)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from pipeline.contract import (
    COUNT_WORDS,
    FIELDS,
    GENDER,
    QUORUM_BASE,
    SEANCE_HEADER,
    THRESHOLD,
    UNANIMITY,
    YES_NO,
)
from pipeline.law import publication
from pipeline.law.convocation import DEFAULT_NOTICE, MIN_NOTICE, notice_article, short_notice
from pipeline.model import COUNT_FIELDS, Counts, QuorumBase, VoteRecord
from pipeline.parse import values
from pipeline.parse.members import Names
from pipeline.parse.tables import NOT_YET, check_merged
from pipeline.problems import Place, Report
from pipeline.read.sources import Cell, Sheet, with_column
from pipeline.text import fold

MAX_NAME = 150  # Organisme, Instance: they go into titles and document properties


# The required fields known only at the meeting: not asked of a meeting read
# before it (``make-minutes convocation``).
AT_THE_MEETING = (fold("Secrétaire de séance"),)


def seance_fields(
    sheet: Sheet,
    report: Report,
    blanks: dict[str, Place] | None = None,
    before_vote: bool = False,
) -> dict[str, Cell]:
    """Field name (folded) → its value cell. A first row "Champ | Valeur" is
    the header; an unknown field is an error naming its row. ``blanks``
    receives the place of the name of each field whose value is empty;
    ``before_vote``: the fields of :data:`AT_THE_MEETING` may be missing."""
    columns = {1: ("champ", SEANCE_HEADER[0]), 2: ("valeur", SEANCE_HEADER[1])}
    check_merged(sheet, columns, report, header=False)
    rows = list(sheet.rows)
    if (
        rows
        and rows[0][0].value is not None
        and fold(values.text(rows[0][0])) == fold(SEANCE_HEADER[0])
    ):
        rows = rows[1:]
    found: dict[str, Cell] = {}
    blank: dict[str, Place] = {}  # required fields whose value is empty: the name's cell
    for cells in rows:
        name_cell = cells[0]
        value_cell = cells[1] if len(cells) > 1 else None
        if name_cell.value is None:
            if value_cell is not None and value_cell.value is not None:
                report.error(
                    name_cell.place,
                    "valeur sans nom de champ en colonne A.",
                    code="seance.value-without-field",
                )
            continue
        key = fold(values.text(name_cell))
        field = FIELDS.get(key)
        if field is None:
            close = difflib.get_close_matches(key, list(FIELDS), n=1, cutoff=0.6)
            hint = f" Vouliez-vous dire « {FIELDS[close[0]].title} » ?" if close else ""
            report.error(
                name_cell.place,
                f"champ inconnu « {values.text(name_cell)} ».{hint}",
                code="seance.unknown-field",
            )
            continue
        if key in found:
            report.error(
                name_cell.place,
                f"le champ « {field.title} » apparaît deux fois.",
                code="seance.duplicate-field",
            )
            continue
        if value_cell is None or value_cell.value is None:
            blank[key] = name_cell.place
            continue
        value_cell = with_column(value_cell, field.title)
        if not field.supported:
            report.error(
                value_cell.place,
                f"le champ « {field.title} » {NOT_YET}.",
                code="seance.field-not-supported",
            )
            continue
        found[key] = value_cell
    last = max((c[0].place.row or 0 for c in sheet.rows if c), default=1)
    for key, field in FIELDS.items():
        if field.required and key not in found and not (before_vote and key in AT_THE_MEETING):
            _missing(sheet, field.title, blank.get(key), last, report)
    if blanks is not None:
        blanks.update(blank)
    return found


def _missing(sheet: Sheet, title: str, blank: Place | None, last: int, report: Report) -> None:
    """A required field left empty (name the cell to fill) or absent (say
    where to add it)."""
    if blank is not None and blank.row is not None:
        cell = f"B{blank.row}"
        report.error(
            Place(blank.file, blank.sheet, cell, blank.row, title),
            f"champ obligatoire « {title} » vide : écrivez sa valeur dans la cellule {cell}.",
            code="seance.missing-field",
        )
        return
    report.error(
        sheet.place,
        f"champ obligatoire « {title} » manquant : ajoutez-le sur une ligne, son nom en "
        f"colonne A et sa valeur en colonne B (par exemple A{last + 1} et B{last + 1}).",
        code="seance.missing-field",
    )


@dataclass(frozen=True)
class Seance:
    """The fields of « Séance » read as values: None when empty or unreadable."""

    cells: dict[str, Cell]  # folded field name → its value cell
    date: dt.date | None
    opening: dt.time | None
    closing: dt.time | None
    convocation: dt.date | None
    previous: dt.date | None
    previous_vote: VoteRecord | None
    feminine: bool | None
    quorum_base: QuorumBase | None
    threshold: str | int | None
    proxies_per_member: int | None
    second_convocation: bool | None
    first_number: int | None
    notice_days: int | None = None  # Délai de convocation
    urgency: bool | None = None
    approved_on: dt.date | None = None  # Procès-verbal arrêté le
    online_on: dt.date | None = None  # Mise en ligne le
    posted_on: dt.date | None = None  # Affichée le
    publication_url: str | None = None  # Adresse de publication, without its final /
    prefecture_code: str | None = None  # Code préfecture: PREF080, SPREF0802, SGAR080
    minutes_online_on: dt.date | None = None  # Procès-verbal mis en ligne le
    blanks: dict[str, Place] = dataclasses.field(
        default_factory=dict
    )  # fields left empty: their name

    def cell(self, title: str) -> Cell | None:
        return self.cells.get(fold(title))

    def text(self, title: str, default: str = "") -> str:
        cell = self.cell(title)
        return values.text(cell) if cell is not None else default


def read_seance(
    fields: dict[str, Cell], report: Report, blanks: dict[str, Place] | None = None
) -> Seance:
    """Each field as the value it holds, every unreadable one reported;
    ``blanks``: the fields left empty (:func:`seance_fields`)."""
    for name in ("Organisme", "Instance", "Membres"):
        cell = fields.get(fold(name))
        if cell is not None and len(values.text(cell)) > MAX_NAME:
            report.error(
                cell.place,
                f"texte trop long ({len(values.text(cell))} caractères) : un nom de moins de "
                f"{MAX_NAME} caractères est attendu.",
                code="seance.name-too-long",
            )

    def get(name: str, reader: Callable[..., Any], *args: Any) -> Any:
        cell = fields.get(fold(name))
        return None if cell is None else reader(cell, report, *args)

    return Seance(
        fields,
        date=get("Date", values.date),
        opening=get("Heure d'ouverture", values.time),
        closing=get("Heure de clôture", values.time),
        convocation=get("Date de convocation", values.date),
        previous=get("Procès-verbal précédent", values.date),
        previous_vote=get("Vote du procès-verbal précédent", vote_record),
        feminine=get("Genre de l'instance", values.choice, GENDER),
        quorum_base=get("Quorum", values.choice, QUORUM_BASE),
        threshold=get("Seuil du quorum", threshold),
        proxies_per_member=get("Pouvoirs par membre", values.whole, 1),
        second_convocation=get("Deuxième convocation", values.choice, YES_NO),
        first_number=get("Premier numéro", values.whole, 1),
        notice_days=get("Délai de convocation", notice_days),
        urgency=get("Urgence", values.choice, YES_NO),
        approved_on=get("Procès-verbal arrêté le", values.date),
        online_on=get("Mise en ligne le", values.date),
        posted_on=get("Affichée le", values.date),
        publication_url=get("Adresse de publication", publication_url),
        prefecture_code=get("Code préfecture", prefecture_code),
        minutes_online_on=get("Procès-verbal mis en ligne le", values.date),
        blanks=blanks or {},
    )


def notice_days(cell: Cell, report: Report) -> int | None:
    """« Délai de convocation »: a whole number of jours francs, at least
    the law's smallest (three, L2121-11); urgency is a field of its own."""
    days = values.whole(cell, report, 0)
    if days is not None and days < MIN_NOTICE:
        report.error(
            cell.place,
            f"délai de convocation de {days} jour{'s' if days > 1 else ''} franc"
            f"{'s' if days > 1 else ''} : la loi en exige au moins {MIN_NOTICE} (article "
            f"{notice_article(MIN_NOTICE)} du CGCT), {DEFAULT_NOTICE} dans les EPCI, les "
            "syndicats et les communes de 3 500 habitants et plus (L2121-12). Écrivez le délai "
            "de l’organisme ; pour une séance convoquée en urgence, écrivez « oui » dans le "
            "champ « Urgence ».",
            code="seance.notice-below-law",
        )
        return None
    return days


# What an « Adresse de publication » may hold: printable ASCII but the space
# and the characters RFC 3986 never allows in a URI (the SCDL's DELIB_URL is
# a « uri »).
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def publication_url(cell: Cell, report: Report) -> str | None:
    """« Adresse de publication »: an http(s) address with a host name
    (« https://www.exemple.fr/actes »), returned without its final /."""
    raw = values.text(cell).strip()
    parts = urllib.parse.urlsplit(raw) if URL_CHARACTERS.fullmatch(raw) else None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or "." not in parts.hostname
        or parts.query
        or parts.fragment
    ):
        report.error(
            cell.place,
            f"adresse de publication illisible « {raw} » : écrivez l’adresse web complète du "
            "dossier où les actes sont mis en ligne, commençant par https:// ou http://, sans "
            "espace ni accent, par exemple « https://www.exemple.fr/actes ».",
            code="seance.invalid-publication-url",
        )
        return None
    return raw.rstrip("/")


# PREF_ID of the SCDL: PREFNNN, SPREFNNNM, SGARNNN; NNN the département on
# three characters, 0-padded, 02A and 02B for Corsica; M the arrondissement.
PREFECTURE_CODE = re.compile(r"(?:PREF|SGAR)(?:[0-9]{3}|02[AB])|SPREF(?:[0-9]{3}|02[AB])[0-9]")


def prefecture_code(cell: Cell, report: Report) -> str | None:
    """« Code préfecture »: the SCDL's PREF_ID, spaces removed, in capitals."""
    raw = values.text(cell)
    code = re.sub(r"\s+", "", raw).upper()
    if not PREFECTURE_CODE.fullmatch(code):
        report.error(
            cell.place,
            f"code préfecture illisible « {raw} » : écrivez « PREF » suivi du numéro du "
            "département sur 3 caractères (PREF080 pour la préfecture de la Somme, PREF02A pour "
            "la Corse-du-Sud), « SPREF » suivi du département et du numéro de l’arrondissement "
            "pour une sous-préfecture (SPREF0802), ou « SGAR » suivi du département (SGAR080).",
            code="seance.invalid-prefecture-code",
        )
        return None
    return code


def vote_record(cell: Cell, report: Report) -> VoteRecord | None:
    """``unanimité``, or counts written ``12 pour, 1 contre, 2 abstentions``."""
    raw = values.text(cell)
    if fold(raw) in UNANIMITY.words:
        return VoteRecord(True, None, cell.place)
    found = dict.fromkeys(COUNT_FIELDS, 0)
    parts = [fold(p) for p in re.split(r"[,;]|\bet\b", raw.lower()) if p.strip()]
    for part in parts:
        m = re.fullmatch(r"(\d+) (?:voix )?(pour|contre|abstentions?|nppv)", part)
        if not m:
            report.error(
                cell.place,
                f"vote illisible « {raw} » : attendu « unanimité » ou des décomptes comme "
                "« 12 pour, 1 contre, 2 abstentions ».",
                code="seance.unreadable-previous-vote",
            )
            return None
        found[COUNT_WORDS[m[2]]] += int(m[1])
    return VoteRecord(False, Counts(**found), cell.place)


def threshold(cell: Cell, report: Report) -> str | int | None:
    """« Seuil du quorum »: « majorité », « tiers » or a whole number ≥ 1."""
    folded = fold(values.text(cell))
    if folded in THRESHOLD.words:
        return THRESHOLD.words[folded]
    if isinstance(cell.value, (int, float)) or folded.isdigit():
        return values.whole(cell, report, 1)
    values.unknown(cell, report, THRESHOLD)
    return None


def read_siret(seance: Seance, report: Report) -> str:
    """The SIRET, spaces removed: 14 digits whose SIREN (the first 9) and
    SIRET check digits hold, as data.gouv.fr's validator checks them
    (python-stdnum: the Luhn key, La Poste's rule for its establishments)."""
    siret = seance.text("SIRET").replace(" ", "")
    if not siret:
        return siret
    place = seance.cell("SIRET").place
    if not re.fullmatch(r"\d{14}", siret):
        report.error(
            place,
            f"SIRET attendu sur 14 chiffres, trouvé « {siret} ».",
            code="seance.invalid-siret",
        )
    elif not stdnum_siret.is_valid(siret):
        typed = seance.text("SIRET")
        if not stdnum_siren.is_valid(siret[:9]):
            fault = f"la clé de son SIREN (les 9 premiers chiffres, {siret[:9]}) est fausse"
        else:
            fault = f"son SIREN {siret[:9]} est juste, mais la clé du SIRET (les 5 derniers chiffres, {siret[9:]}) est fausse"
        report.error(
            place,
            f"SIRET « {typed} » erroné : {fault} ; un chiffre est mal recopié. Recopiez "
            "le SIRET de l’organisme depuis l’annuaire des entreprises "
            "(annuaire-entreprises.data.gouv.fr) ou l’avis de situation SIRENE.",
            code="seance.siret-checksum",
        )
    return siret


def resolve_officers(seance: Seance, names: Names, report: Report) -> tuple[str | None, list[str]]:
    """The president's and the secretaries' member keys."""
    president = None
    if cell := seance.cell("Président"):
        president = names.resolve(cell, values.text(cell), report, "président(e)")
    secretaries = []
    if cell := seance.cell("Secrétaire de séance"):
        secretaries = names.resolve_list(cell, report, "secrétaire de séance")
    return president, secretaries


def resolve_convener(seance: Seance, names: Names, report: Report) -> str | None:
    """The member key of « Signataire de la convocation », None when the
    field is empty (the president signs) or names nobody of Présences."""
    if cell := seance.cell("Signataire de la convocation"):
        return names.resolve(cell, values.text(cell), report, "signataire de la convocation")
    return None


def check_seance(seance: Seance, place: Place, report: Report, before_vote: bool = False) -> None:
    """The fields against each other: the previous minutes' date and vote
    go together (the vote once the meeting is held: not ``before_vote``),
    the convocation comes before the meeting (and early enough), the
    closing after the opening. ``place`` is the sheet's."""
    has_vote = seance.cell("Vote du procès-verbal précédent") is not None
    has_previous = seance.cell("Procès-verbal précédent") is not None
    if has_previous and not has_vote and not before_vote:
        how = "comment le procès-verbal précédent a été adopté (« unanimité » ou les décomptes)"
        name = seance.blanks.get(fold("Vote du procès-verbal précédent"))
        if name is not None and name.row is not None:  # its row is there, its value empty
            cell = f"B{name.row}"
            report.error(
                Place(name.file, name.sheet, cell, name.row, "Vote du procès-verbal précédent"),
                f"champ « Vote du procès-verbal précédent » vide : indiquez dans la cellule "
                f"{cell} {how}.",
                code="seance.previous-vote-missing",
            )
        else:
            report.error(
                place,
                f"champ « Vote du procès-verbal précédent » manquant : indiquez {how}.",
                code="seance.previous-vote-missing",
            )
    if has_vote and not has_previous:
        report.error(
            seance.cell("Vote du procès-verbal précédent").place,
            "vote sans date : indiquez la date de la réunion dans le champ « Procès-verbal précédent ».",
            code="seance.previous-date-missing",
        )
    date, convocation = seance.date, seance.convocation
    if date and convocation and convocation > date:
        report.error(
            seance.cell("Date de convocation").place,
            f"la convocation ({convocation.strftime('%d/%m/%Y')}) est postérieure à la séance ({date.strftime('%d/%m/%Y')}).",
            code="seance.convocation-after-meeting",
        )
    elif date and convocation:
        _check_notice(seance, date, convocation, report)
    approved = seance.approved_on
    if date and approved and approved <= date:
        report.error(
            seance.cell("Procès-verbal arrêté le").place,
            f"le procès-verbal serait arrêté le {approved.strftime('%d/%m/%Y')}, avant ou le "
            f"jour même de la séance ({date.strftime('%d/%m/%Y')}) : il est arrêté lors d’une "
            "séance suivante. Écrivez la date de la séance qui l’a approuvé.",
            code="seance.approval-before-meeting",
        )
    if date:
        _check_publication(seance, date, report)
    if seance.quorum_base is QuorumBase.PRESENT_OR_REPRESENTED:
        report.warning(
            seance.cell("Quorum").place,
            "le quorum compte ici les membres représentés : c’est une exception à la règle "
            "du CGCT (article L2121-17 : seuls les membres présents comptent), que seuls les "
            "statuts de l’organisme peuvent prévoir. Vérifiez qu’ils le disent ; sinon, "
            "écrivez « présents » ou effacez le champ « Quorum ».",
            code="seance.quorum-counts-proxies",
        )
    if seance.opening and seance.closing and seance.closing <= seance.opening:
        report.error(
            seance.cell("Heure de clôture").place,
            "l’heure de clôture précède l’heure d’ouverture.",
            code="seance.closing-before-opening",
        )


def _check_publication(seance: Seance, date: dt.date, report: Report) -> None:
    """« Mise en ligne le » and « Affichée le » against the meeting's date:
    not before it (an error), within the week of L2121-25 (else a warning)."""
    held = date.strftime("%d/%m/%Y")
    for title, done, what in (
        ("Mise en ligne le", seance.online_on, "mise en ligne"),
        ("Affichée le", seance.posted_on, "affichée"),
    ):
        if done is None:
            continue
        place = seance.cell(title).place
        if done < date:
            report.error(
                place,
                f"la liste des délibérations serait {what} le {done.strftime('%d/%m/%Y')}, "
                f"avant la séance du {held} : corrigez la date du champ « {title} ».",
                code="seance.publication-before-meeting",
            )
            continue
        late = publication.list_days_late(date, done)
        if late:
            report.warning(
                place,
                f"liste des délibérations {what} le {done.strftime('%d/%m/%Y')}, {late} "
                f"jour{'s' if late > 1 else ''} après le délai d’une semaine suivant la séance du "
                f"{held} (article {publication.LIST_ARTICLE} du CGCT : au plus tard le "
                f"{publication.list_deadline(date).strftime('%d/%m/%Y')}). Vérifiez la date "
                "écrite ; si elle est juste, rien n’est à corriger ici, mais la liste doit "
                "être publiée dans la semaine qui suit la séance.",
                code="seance.list-published-late",
            )


def _check_notice(seance: Seance, date: dt.date, convocation: dt.date, report: Report) -> None:
    """The jours francs between the convocation and the meeting, against
    « Délai de convocation », « Urgence » and « Deuxième convocation »
    (:func:`pipeline.law.convocation.short_notice`); not when one of them
    is typed but unreadable (its own error says so)."""
    typed = {
        "Délai de convocation": seance.notice_days,
        "Urgence": seance.urgency,
        "Deuxième convocation": seance.second_convocation,
    }
    if any(seance.cell(name) is not None and value is None for name, value in typed.items()):
        return
    fault = short_notice(
        convocation,
        date,
        seance.notice_days or DEFAULT_NOTICE,
        urgent=bool(seance.urgency),
        second=bool(seance.second_convocation),
    )
    if fault is None:
        return
    sent, held = convocation.strftime("%d/%m/%Y"), date.strftime("%d/%m/%Y")
    given = f"{max(fault.days, 0)} jour{'s' if fault.days > 1 else ''} franc{'s' if fault.days > 1 else ''}"
    dates = f"convocation du {sent} pour la séance du {held} : {given} seulement"
    article = f"article {fault.article} du CGCT"
    if fault.reason == "deuxieme":
        report.error(
            seance.cell("Date de convocation").place,
            f"{dates}, or une deuxième convocation après un quorum non atteint doit être "
            f"envoyée au moins {fault.required} jours francs avant la séance ({article}) ; "
            "sinon la séance ne peut pas délibérer sans condition de quorum. Corrigez la date "
            "de convocation, ou effacez le champ « Deuxième convocation ».",
            code="seance.second-convocation-short-notice",
        )
    elif fault.reason == "urgence":
        report.error(
            seance.cell("Date de convocation").place,
            f"{dates}, or même en urgence la convocation doit précéder la séance d’au moins "
            f"un jour franc ({article}) : ni le jour d’envoi ni celui de la séance ne comptent. "
            "Corrigez la date de convocation ou la date de la séance.",
            code="seance.urgent-notice-too-short",
        )
    else:
        report.warning(
            seance.cell("Date de convocation").place,
            f"{dates}, pour un délai de {fault.required} jours francs ({article} ; ni le jour "
            "d’envoi ni celui de la séance ne comptent). Vérifiez la date de convocation ; si "
            "la séance a été convoquée en urgence, écrivez « oui » dans le champ « Urgence » ; "
            "dans une commune de moins de 3 500 habitants, écrivez 3 dans le champ « Délai de "
            "convocation ».",
            code="seance.short-notice",
        )
