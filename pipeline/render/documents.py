"""One context builder per document, and rendering with docxtpl.

The context is what a template may use (``docs/templates.md`` lists it):
ready-made French sentences, and the raw figures for a clerk who rewrites
them. Rendering is strict: autoescape on (``&`` and ``<`` from the data
survive), and an unknown variable is an error naming the template.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import zipguard
from pipeline.law import rules, tariffs
from pipeline.law.checks import Analysis, Item, agenda
from pipeline.law.rules import Attendance
from pipeline.model import (
    Ballot,
    Block,
    ExposeFile,
    Meeting,
    Member,
    QuorumBase,
    Status,
    Tariff,
    Vote,
)
from pipeline.text import fold
from pipeline.words import french

ROMAN = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
    "XVIII",
    "XIX",
    "XX",
]
MAX_COLUMNS = 4  # colleges as columns up to four, as rows beyond


class TemplateError(Exception):
    """A template that cannot be rendered; the message is for the clerk."""


# --- the procès-verbal ---------------------------------------------------------------


def _blocks(blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
    return [{"texte": french.typography(b.text), "niveau": min(b.level, 3)} for b in blocks]


def _status_note(m: Member, meeting: Meeting) -> str:
    """ "Florence RODINGER", "Stéphane DECAYEUX (excusé, pouvoir à Philippe
    VARLET)", "Olivier JARDE, suppléé par Jean MARTIN", "Anne ROY (arrivée au
    point 3)"."""
    if m.status is Status.SUBSTITUTED:
        return f"{m.name}, {french.agree('suppléé', m.feminine)} par {m.substitute}"
    notes = []
    if m.status is not Status.PRESENT:
        notes.append(french.agree(m.status.value, m.feminine))
    if m.arrival is not None:
        notes.append(f"{french.agree('arrivé', m.feminine)} au point {m.arrival}")
    if m.departure is not None:
        notes.append(f"départ après le point {m.departure}")
    if m.proxy_to:
        notes.append(f"pouvoir à {meeting.member(m.proxy_to).seated_name}")
    return f"{m.name} ({', '.join(notes)})" if notes else m.name


def _members_table(meeting: Meeting) -> dict[str, Any]:
    colleges: dict[str, list[str]] = {}
    for m in meeting.members:
        colleges.setdefault(m.college, []).append(_status_note(m, meeting))
    names = list(colleges)
    depth = max((len(v) for v in colleges.values()), default=0)
    rows = [[colleges[c][i] if i < len(colleges[c]) else "" for c in names] for i in range(depth)]
    return {
        "en_colonnes": len(names) <= MAX_COLUMNS,
        "colleges": names,
        "lignes": rows,
        "par_college": [{"college": c, "noms": v} for c, v in colleges.items()],
    }


def _members_heading(meeting: Meeting) -> str:
    statuses = []
    for status in (Status.PRESENT, Status.SUBSTITUTED, Status.EXCUSED, Status.ABSENT):
        if any(m.status is status for m in meeting.members):
            statuses.append(status.value + "s")
    body = french.of_the(meeting.instance.upper(), meeting.instance_feminine)
    return f"Membres {body} {french.join_and(statuses)}{french.NBSP}:"


def _preamble(meeting: Meeting) -> str:
    instance = french.the(meeting.instance.upper(), meeting.instance_feminine)
    same_year = meeting.convocation.year == meeting.date.year
    convened = french.agree("convoqué", meeting.instance_feminine)
    met = french.agree("réuni", meeting.instance_feminine)
    president = meeting.member(meeting.president).name
    location = f" {meeting.location}" if meeting.location else ""
    return (
        f"L{french.APOSTROPHE}an {french.year_words(meeting.date)}, le "
        f"{french.date_words(meeting.date, with_year=False)} à {french.hour(meeting.opening)}, "
        f"{instance} {french.of_body(meeting.body)} légalement {convened} le "
        f"{french.date_words(meeting.convocation, with_year=not same_year)}, "
        f"s{french.APOSTROPHE}est {met}{location}, sous la présidence "
        f"{french.de(president)}{french.NBSP};"
    )


def _quorum_sentence(meeting: Meeting, analysis: Analysis) -> str:
    q = analysis.quorum
    word = meeting.members_word if q.counted != 1 else french.singular_of(meeting.members_word)
    who = french.agree("présent", False, q.counted != 1)
    if meeting.quorum_base is QuorumBase.PRESENT_OR_REPRESENTED:
        who += " ou " + french.agree("représenté", False, q.counted != 1)
    instance = french.the(meeting.instance, meeting.instance_feminine)
    if q.reached:
        return (
            f"Le quorum est atteint avec {q.counted}{french.NBSP}{word} {who}, "
            f"{instance} peut donc valablement délibérer."
        )
    missing = (
        f"Le quorum n{french.APOSTROPHE}est pas atteint ({q.counted}{french.NBSP}{word} {who}, "
        f"{q.required} requis)"
    )
    if meeting.second_convocation:
        return missing + "."
    return f"{missing}{french.NBSP}: {instance} ne peut pas valablement délibérer."


def _second_convocation(meeting: Meeting) -> str:
    if not meeting.second_convocation:
        return ""
    instance = french.the(meeting.instance, meeting.instance_feminine)
    convened = french.agree("convoqué", meeting.instance_feminine)
    return (
        f"Réuni{'e' if meeting.instance_feminine else ''} sur deuxième convocation, {instance}, "
        f"{convened} une seconde fois faute de quorum, délibère valablement sans condition de "
        f"quorum (article L2121-17 du CGCT)."
    )


def _headcount(meeting: Meeting, att: Attendance) -> list[str]:
    """ "Délégués en exercice : 9", "Présents : 4", "Représentés : 1",
    "Présents et représentés : 5"."""
    colon = f"{french.NBSP}:"
    word = meeting.members_word[:1].upper() + meeting.members_word[1:]
    return [
        f"{word} en exercice{colon} {att.in_office}",
        f"Présents{colon} {len(att.present)}",
        f"Représentés{colon} {att.represented}",
        f"Présents et représentés{colon} {att.taking_part}",
    ]


def _events(meeting: Meeting, index: int, presiding: dict[int, str]) -> list[str]:
    """What happens in the room just before the item at ``index``, in the
    order it happens: returns, departures (with the proxy handed on),
    arrivals, then withdrawals. ``presiding`` maps each item to who presides."""
    order, withdrawn = agenda(meeting)
    positions = rules.positions_of(order)
    number = order[index]
    previous = order[index - 1] if index > 0 else None

    def takes_part(m: Member, position: int) -> bool:
        item = order[position] if position >= 0 else None
        return rules.in_room(m, position, positions) and m.key not in withdrawn.get(item, ())

    returns, departures, arrivals, withdrawals = [], [], [], []
    for m in meeting.members:
        if (  # only who comes, goes or withdraws around this item has an event
            m.arrival != number
            and (previous is None or m.departure != previous)
            and m.key not in withdrawn[number]
            and (previous is None or m.key not in withdrawn[previous])
        ):
            continue
        who = m.seated_title
        seated = rules.in_room(m, index, positions)
        was_in = rules.in_room(m, index - 1, positions)
        if m.arrival == number:
            arrivals.append(f"{who} arrive en séance.")
        if previous is not None and m.departure == previous:
            hands_on = ""
            if m.proxy_to:
                hands_on = f" et donne pouvoir à {meeting.member(m.proxy_to).seated_title}"
            departures.append(f"{who} quitte la séance{hands_on}.")
        if m.key in withdrawn[number]:
            if seated and (not was_in or takes_part(m, index - 1) or m.arrival == number):
                withdrawals.append(f"{who} se retire et ne prend part ni au débat ni au vote.")
            elif not seated and m.proxy_to:
                # Away, but represented: the proxy does not count for this item either.
                other = "celle-ci" if m.feminine else "celui-ci"
                withdrawals.append(
                    f"Le pouvoir de {m.title} ne compte pas pour ce point, {other} ne prenant "
                    "part ni au débat ni au vote."
                )
        elif previous is not None and m.key in withdrawn[previous] and seated and was_in:
            again = ""
            if m.key == meeting.president and presiding.get(previous) != m.key:
                again = " et reprend la présidence"
            returns.append(f"{who} revient en séance{again}.")
    return returns + departures + arrivals + withdrawals


VOTE_LABELS = {
    Vote.POUR: ("Pour", "Pour"),
    Vote.CONTRE: ("Contre", "Contre"),
    Vote.ABSTENTION: ("Abstention", "Abstentions"),
    Vote.NPPV: ("Ne prend pas part au vote", "Ne prennent pas part au vote"),
}


def _named_votes(meeting: Meeting, item: Item) -> list[str]:
    """Under the result: who voted against, abstained, did not take part
    (and, in a public ballot, who voted for); a secret ballot names nobody."""
    if not item.named or item.deliberation.ballot is Ballot.SECRET:
        return []
    shown = [Vote.CONTRE, Vote.ABSTENTION, Vote.NPPV]
    if item.deliberation.ballot is Ballot.PUBLIC:
        shown.insert(0, Vote.POUR)
    holders = {p.giver: p.holder for p in item.attendance.proxies}
    lines = []
    for vote in shown:
        names = []
        for key, cast in item.named:
            if cast is not vote:
                continue
            m = meeting.member(key)
            if key in holders:
                represented = french.agree("représenté", m.feminine)
                holder = meeting.member(holders[key]).seated_name
                names.append(f"{m.name} ({represented} par {holder})")
            else:
                names.append(m.seated_name)
        if names:
            label = VOTE_LABELS[vote][len(names) > 1]
            lines.append(f"{label}{french.NBSP}: {', '.join(names)}")
    return lines


def _secretary_sentence(meeting: Meeting) -> str:
    people = [meeting.member(k) for k in meeting.secretaries]
    names = french.join_and([p.name for p in people])
    designated = french.agree_group("désigné", [p.feminine for p in people])
    if len(people) == 1:
        return f"{names} est {designated} secrétaire de séance."
    return f"{names} sont {designated} secrétaires de séance."


def _previous_sentence(meeting: Meeting, analysis: Analysis) -> str:
    if meeting.previous_minutes is None or analysis.previous is None:
        return ""
    counts, outcome = analysis.previous
    wording = french.result(outcome, counts, feminine=False)
    wording = wording[0].lower() + wording[1:]
    verb = "est " if not wording.startswith("non ") else "n’est pas "
    wording = wording.removeprefix("non ")
    return (
        f"Le procès-verbal de la réunion du {french.date_short(meeting.previous_minutes)} "
        f"{verb}{wording}."
    )


def _rate_blocks(meeting: Meeting, service: str, text: tuple[Block, ...]) -> tuple[Block, ...]:
    """The rates of a Tarifs service as bullets one level below the text's
    last line (level 1 after a paragraph): one per category, then the floor
    and ceiling, in one sentence when every category shares them."""
    level = min(text[-1].level + 1, 3) if text and text[-1].level else 1
    rows = [t for t in meeting.tariffs if fold(t.service) == fold(service)]
    out = [Block(f"{t.category} : {_rate_with_unit(t)}", level) for t in rows]
    if len({(t.floor, t.ceiling) for t in rows}) == 1:
        sentence = french.floor_and_ceiling(rows[0].floor, rows[0].ceiling)
        out += [Block(sentence, level)] if sentence else []
    else:
        for t in rows:
            sentence = french.floor_and_ceiling(t.floor, t.ceiling)
            if sentence:
                out.append(Block(f"{t.category} : {sentence[0].lower()}{sentence[1:]}", level))
    return tuple(out)


def _rate_with_unit(t: Tariff, tax: str = " HT") -> str:
    """ "0,07 € HT / habitant"."""
    return f"{french.rate(t.rate)}{tax}" + (f" / {t.unit}" if t.unit else "")


def _parts(meeting: Meeting, analysis: Analysis) -> list[dict[str, Any]]:
    parts: dict[str, dict[str, Any]] = {}
    opening = (len(analysis.attendance.present), analysis.attendance.represented)
    index_of = {d.number: i for i, d in enumerate(meeting.deliberations)}
    presiding_of = {item.deliberation.number: item.presiding for item in analysis.items}
    for item in analysis.items:
        d = item.deliberation
        part = parts.setdefault(d.part, {"titre": d.part, "deliberations": [], "points": []})
        presiding = meeting.member(item.presiding)
        att = item.attendance
        title = french.typography(d.title)
        act = f" (n°{french.NBSP}{d.act_number})" if d.act_number else ""
        part["deliberations"].append(
            {
                "numero": d.number,
                "numero_acte": d.act_number,
                "titre": title,
                "intitule": f"{d.number}. {title}{act}",
                "evenements": _events(meeting, index_of[d.number], presiding_of),
                "presidence": (
                    f"{presiding.title} préside la séance pour ce point."
                    if item.presiding != meeting.president
                    else ""
                ),
                "effectifs": (
                    f"Présents{french.NBSP}: {len(att.present)} – représentés{french.NBSP}: "
                    f"{att.represented} – présents et représentés{french.NBSP}: {att.taking_part}"
                    if (len(att.present), att.represented) != opening
                    else ""
                ),
                "scrutin": d.ballot.value,
                "expose": _blocks(d.expose),
                # Replaced, once the template is open, by the document (see render).
                "expose_document": d.expose_file or "",
                "debats": _blocks(d.debates),
                "decision": _blocks(d.decision),
                "resultat": french.result(
                    item.outcome,
                    item.counts,
                    secret=d.ballot is Ballot.SECRET,
                    presiding_feminine=presiding.feminine,
                ),
                "votes_nominatifs": _named_votes(meeting, item),
                "pour": item.counts.pour,
                "contre": item.counts.contre,
                "abstentions": item.counts.abstentions,
                "nppv": item.counts.nppv,
                "votants": item.counts.votants,
                "exprimes": item.counts.exprimes,
                "adoptee": item.outcome.adopted,
            }
        )
    for other in meeting.other_items:
        part = parts.setdefault(
            other.part, {"titre": other.part, "deliberations": [], "points": []}
        )
        text = other.text
        if other.tariff_service is not None:
            text += _rate_blocks(meeting, other.tariff_service, text)
        part["points"].append({"titre": french.typography(other.title), "texte": _blocks(text)})
    out = []
    for i, part in enumerate(parts.values()):
        numeral = ROMAN[i] if i < len(ROMAN) else str(i + 1)
        title = french.typography(part["titre"])
        out.append({**part, "titre": title, "numero": numeral, "intitule": f"{numeral} – {title}"})
    return out


BLANK = "………………………………"
ARRETE = f"Procès-verbal arrêté en séance du {BLANK}"


def _signatures(meeting: Meeting, secretaries: bool = True) -> list[dict[str, str]]:
    """The presiding officer, then each secretary, with the role agreeing."""
    president = meeting.member(meeting.president)
    out = [
        {"role": "La Présidente" if president.feminine else "Le Président", "nom": president.name}
    ]
    if secretaries:
        for key in meeting.secretaries:
            m = meeting.member(key)
            role = "La secrétaire de séance" if m.feminine else "Le secrétaire de séance"
            out.append({"role": role, "nom": m.name})
    return out


AGENDA_SINCE = dt.date(2022, 7, 1)  # ordonnance 2021-1310: the minutes give the agenda


def _agenda(parts: list[dict[str, Any]]) -> list[str]:
    out = []
    for part in parts:
        out += [f"{d['numero']}. {d['titre']}" for d in part["deliberations"]]
        titled = [p["titre"] for p in part["points"] if p["titre"]]
        if titled:
            out += titled
        elif part["points"] and not part["deliberations"]:
            out.append(part["titre"])
    return out


def minutes_context(meeting: Meeting, analysis: Analysis) -> dict[str, Any]:
    """Everything ``proces-verbal.docx`` may use."""
    att = analysis.attendance
    president = meeting.member(meeting.president)
    parts = _parts(meeting, analysis)
    return {
        "titre": _heading(meeting),
        "sous_titre": meeting.title,
        "preambule": _preamble(meeting),
        "membres_intitule": _members_heading(meeting),
        "membres": _members_table(meeting),
        "pouvoirs": [
            f"{meeting.member(p.giver).name} a donné son pouvoir à "
            f"{meeting.member(p.holder).seated_name}."
            for p in att.proxies
        ],
        "quorum": _quorum_sentence(meeting, analysis),
        "quorum_atteint": analysis.quorum.reached,
        "secretaire": _secretary_sentence(meeting),
        "proces_verbal_precedent": _previous_sentence(meeting, analysis),
        "parties": parts,
        "effectifs": _headcount(meeting, att),
        "ordre_du_jour": _agenda(parts) if meeting.date >= AGENDA_SINCE else [],
        "deuxieme_convocation": _second_convocation(meeting),
        "arrete": ARRETE,
        "signatures": _signatures(meeting),
        "cloture": (
            f"La séance est levée à {french.hour(meeting.closing)}." if meeting.closing else ""
        ),
        "seance": {
            "organisme": meeting.body,
            "instance": meeting.instance,
            "date": french.date_short(meeting.date),
            "date_en_lettres": french.date_words(meeting.date),
            "heure_ouverture": french.hour(meeting.opening),
            "heure_cloture": french.hour(meeting.closing) if meeting.closing else "",
            "date_convocation": french.date_short(meeting.convocation),
            "lieu": meeting.location,
            "president": president.name,
            "presidente": president.feminine,
            "secretaires": [meeting.member(k).name for k in meeting.secretaries],
            "membres_en_exercice": att.in_office,
            "presents": len(att.present),
            "representes": att.represented,
            "presents_et_representes": att.taking_part,
            "quorum_requis": analysis.quorum.required,
        },
    }


# --- the tariff annex ------------------------------------------------------------------


def _heading(meeting: Meeting) -> str:
    return f"{meeting.instance.upper()} du {french.date_short(meeting.date)}"


def annex_context(meeting: Meeting, analysis: Analysis) -> dict[str, Any]:
    """Everything ``annexe-tarifs.docx`` may use: per budget and service, the
    rates, then the contributions sorted by name with their total."""
    years = sorted({t.year for t in meeting.tariffs if t.year is not None})
    subtitle = "Annexe au procès-verbal – Tarifs"
    if years:
        subtitle += " " + french.join_and([str(y) for y in years])
    budgets: dict[str, dict[str, list[Tariff]]] = {}
    for t in meeting.tariffs:
        budgets.setdefault(t.budget, {}).setdefault(t.service, []).append(t)
    out = []
    for budget, services in budgets.items():
        entries = []
        for service, rows in services.items():
            charges = sorted(
                (c for c in analysis.charges if fold(c.tariff.service) == fold(service)),
                key=lambda c: (fold(c.contribution.payer), c.contribution.payer),
            )
            entries.append(
                {
                    "nom": french.typography(service),
                    "tarifs": [_tariff_row(t) for t in rows],
                    "contributions": [
                        {
                            "collectivite": french.typography(c.contribution.payer),
                            "categorie": french.typography(c.tariff.category),
                            "quantite": french.quantity(c.contribution.quantity),
                            "montant": french.euros(c.amount),
                        }
                        for c in charges
                    ],
                    "total": french.euros(tariffs.total(c.amount for c in charges)),
                }
            )
        out.append({"nom": french.typography(budget), "services": entries})
    return {
        "titre": _heading(meeting),
        "sous_titre": subtitle,
        "organisme": meeting.body,
        "budgets": out,
    }


def _tariff_row(t: Tariff) -> dict[str, str]:
    change = tariffs.change(t.previous, t.rate)
    if isinstance(change, str) or change is None:
        evolution = change or ""
    else:
        evolution = french.percent_change(change)
    return {
        "categorie": french.typography(t.category),
        "tarif": _rate_with_unit(t, tax=""),
        "plancher": french.euros(t.floor) if t.floor is not None else "",
        "plafond": french.euros(t.ceiling) if t.ceiling is not None else "",
        "precedent": french.rate(t.previous) if t.previous is not None else "",
        "evolution": evolution,
    }


# --- rendering ------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    filename: str  # relative to the meeting's output folder
    template: str  # the template's file name
    context: dict[str, Any]

    @property
    def heading(self) -> str:
        """The text its first page must show (checked in its PDF)."""
        return self.context["titre"]


def documents(meeting: Meeting, analysis: Analysis) -> list[Document]:
    """The documents of a meeting, each with the template it is rendered with."""
    minutes = minutes_context(meeting, analysis)
    docs = [Document("proces-verbal.docx", "proces-verbal.docx", minutes)]
    if meeting.has_tariff_sheet:
        docs.append(
            Document("annexe-tarifs.docx", "annexe-tarifs.docx", annex_context(meeting, analysis))
        )
    if analysis.items:
        docs.append(
            Document(
                "liste-deliberations.docx",
                "liste-deliberations.docx",
                list_context(meeting, analysis),
            )
        )
    rendered_items = [d for part in minutes["parties"] for d in part["deliberations"]]
    for item, context in zip(analysis.items, rendered_items, strict=True):
        docs.append(
            Document(
                extract_filename(item.deliberation),
                "extrait.docx",
                extract_context(meeting, item, context, minutes),
            )
        )
    return docs


# --- the list of deliberations and the extracts --------------------------------------


def issue(outcome: rules.Outcome) -> str:
    """ "Adoptée", "Rejetée" or "Non adoptée"."""
    if outcome.adopted:
        return "Adoptée"
    if outcome in (rules.Outcome.TIE, rules.Outcome.NO_VOTE_CAST):
        return "Non adoptée"
    return "Rejetée"


def _votes_short(item: Item) -> str:
    """ "Pour : 5 – Contre : 0 – Abstentions : 0" (and NPPV when any)."""
    c = item.counts
    colon = f"{french.NBSP}:"
    third = "Blancs ou nuls" if item.deliberation.ballot is Ballot.SECRET else "Abstentions"
    parts = [
        f"Pour{colon} {c.pour}",
        f"Contre{colon} {c.contre}",
        f"{third}{colon} {c.abstentions}",
    ]
    if c.nppv:
        parts.append(f"NPPV{colon} {c.nppv}")
    return " – ".join(parts)


def list_context(meeting: Meeting, analysis: Analysis) -> dict[str, Any]:
    """Everything ``liste-deliberations.docx`` may use (CGCT L2121-25)."""
    instance = french.of_the(meeting.instance, meeting.instance_feminine)
    return {
        "titre": _heading(meeting),
        "sous_titre": "Liste des délibérations",
        "organisme": meeting.body,
        "introduction": (
            f"Délibérations examinées par les membres {instance} {french.of_body(meeting.body)} "
            f"en sa séance du {french.date_short(meeting.date)} (article L2121-25 du CGCT)."
        ),
        "deliberations": [
            {
                "numero": item.deliberation.number,
                "numero_acte": item.deliberation.act_number,
                "titre": french.typography(item.deliberation.title),
                "issue": issue(item.outcome),
                "votes": _votes_short(item),
            }
            for item in analysis.items
        ],
        "affichage": f"Affichée le {BLANK}",
        "mise_en_ligne": f"Mise en ligne le {BLANK}",
        "arrete": "",
        "signatures": _signatures(meeting, secretaries=False),
    }


def extract_filename(d) -> str:
    """ "extraits/B2016_001-convention-cadre-espaces-numeriques.docx": the
    act number (or N°) and a slug of the title (ASCII, lower case, hyphens,
    at most 40 characters), so that no / nor accent reaches the file name."""
    from slugify import slugify

    slug = slugify(d.title, max_length=40, word_boundary=True, save_order=True) or "deliberation"
    return f"extraits/{d.act_number or d.number}-{slug}.docx"


def extract_context(
    meeting: Meeting, item: Item, rendered: dict[str, Any], minutes: dict[str, Any]
) -> dict[str, Any]:
    """Everything ``extrait.docx`` may use: the item as the minutes print it,
    with its own counts and the certification block."""
    att = item.attendance
    colon = f"{french.NBSP}:"
    word = meeting.members_word[:1].upper() + meeting.members_word[1:]
    return {
        "titre": "Extrait du registre des délibérations",
        "seance_titre": _heading(meeting),
        "organisme": meeting.body,
        "preambule": minutes["preambule"],
        "effectifs": [
            f"{word} en exercice{colon} {att.in_office}",
            f"Présents{colon} {len(att.present)}",
            f"Représentés{colon} {att.represented}",
            f"Votants{colon} {item.counts.votants}",
        ],
        "quorum": minutes["quorum"],
        "d": rendered,
        "arrete": "",
        "signatures": minutes["signatures"],
        "certification": [
            "Certifié exécutoire",
            f"Transmis en préfecture le {BLANK}",
            f"Publié le {BLANK}",
        ],
    }


# The document properties docxtpl renders (title, subject…), as text.
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def _environment(xml: bool = True):
    """Sandboxed (a template cannot reach Python's internals or files),
    strict (an unknown variable is an error) and bounded in what it produces
    and how long it runs (``pipeline/sandbox.py``). ``xml``: for a part of
    the document, autoescaped, data printed as typed through docxtpl's
    post-processing; otherwise for the document's properties, plain text."""
    from pipeline.render.sandbox import Environment

    return Environment(xml=xml)


def _limit(template: Path, exc: Exception) -> TemplateError:
    """A template over the sandbox's limits, out of memory or recursion."""
    from pipeline.render.sandbox import failure

    return TemplateError(f"modèle {template.name} : {failure(exc)}")


def _properties(tpl, sources: dict[str, str], context: dict[str, Any], env) -> None:
    """Set the document's properties (title…) rendered as text: ``&`` and
    ``<`` of the data stay themselves (the XML writer escapes them once)."""
    core = tpl.docx.core_properties
    for prop, source in sources.items():
        setattr(core, prop, env.from_string(source).render(context))


class _Embedded:
    """A Word exposé as a template sees it: the body of its sub-document, to
    print alone in its paragraph (``{{p d.expose_document }}``). Nothing else
    of it is reachable from the sandbox (its attributes start with "_")."""

    __slots__ = ("_xml", "_source", "_printed")

    def __init__(self, xml: str, source: ExposeFile):
        self._xml = xml
        self._source = source
        self._printed = False

    def __html__(self) -> str:
        self._printed = True
        return self._xml

    __str__ = __html__


_LINK = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}link"
_BLIPS = (
    "{http://schemas.openxmlformats.org/drawingml/2006/main}blip",
    "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip",
)


def _unlink_pictures(subdoc, part) -> None:
    """A picture an exposé both stores and links to its file (Word's
    « Insérer et lier ») shows its stored copy; its link is dropped, with the
    external relationship docxcompose gave ``part`` (the template's document)
    for it: the minutes must not point to a file of the author's computer,
    which Word or LibreOffice would try to open. (An exposé whose picture is
    only linked is refused when it is read: ``parse.expose_file``.)"""
    for blip in subdoc.subdocx.element.body.iter(*_BLIPS):
        rid = blip.attrib.pop(_LINK, None)
        rel = part.rels.get(rid) if rid else None
        if rel is None or not rel.is_external:
            continue
        if not any(rid in element.attrib.values() for element in part.element.iter()):
            del part.rels[rid]  # unless the template itself uses it


def _embed(value: Any, tpl, template: Path, embedded: list[_Embedded]) -> Any:
    """``value`` with each Word exposé made a sub-document of ``tpl`` (its
    styles, numbering and images joined to the template's), as a copy: the
    same context serves several templates."""
    if isinstance(value, ExposeFile):
        try:
            subdoc = tpl.new_subdoc(str(value.path))
            _unlink_pictures(subdoc, tpl.docx.part)
            xml = str(subdoc)
        except Exception as exc:  # noqa: BLE001 - a part docxcompose cannot join…
            raise TemplateError(
                f"modèle {template.name} : l’exposé « {value.name} » ({value.place}) ne peut pas "
                f"y être inséré ({type(exc).__name__}) ; ouvrez-le dans Word ou LibreOffice et "
                "enregistrez-le de nouveau au format .docx."
            ) from None
        embedded.append(_Embedded(xml, value))
        return embedded[-1]
    if isinstance(value, dict):
        return {k: _embed(v, tpl, template, embedded) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_embed(v, tpl, template, embedded) for v in value)
    return value


def render(template: Path, context: dict[str, Any]) -> bytes:
    """The rendered ``.docx`` as bytes; :class:`TemplateError` names the
    template and what went wrong (docxtpl's own errors name neither). A Word
    exposé the template does not print is an error: never left out silently."""
    import jinja2
    from docxtpl import DocxTemplate

    from pipeline.render.sandbox import Exceeded

    if not template.is_file():
        raise TemplateError(f"modèle {template.name} introuvable.")
    refused = zipguard.refusal(template, "ce modèle", count_rows=False)
    if refused:
        raise TemplateError(f"modèle {template.name} : {refused}")
    embedded: list[_Embedded] = []
    try:
        tpl = DocxTemplate(str(template))
        tpl.init_docx()  # a broken template is reported as such, before any exposé
        properties = {p: getattr(tpl.docx.core_properties, p) for p in PROPERTIES}
        context = _embed(context, tpl, template, embedded)
        env, text = _environment(), _environment(xml=False)
        env.begin(allowed=[e._xml for e in embedded])
        text.budget = env.budget  # one budget for the whole document
        tpl.render(context, jinja_env=env, autoescape=True)
        _properties(tpl, properties, context, text)
        if embedded and tpl.docx.element.body.xpath(".//w:t/*"):
            # {{ d.expose_document }} inside a sentence: paragraphs within a text run.
            raise TemplateError(
                f"modèle {template.name} : l’exposé « {embedded[0]._source.name} » y est imprimé "
                "au milieu d’un paragraphe ; la balise « {{p d.expose_document }} » (avec « p ») "
                "doit être seule dans son paragraphe (voir docs/templates.md)."
            )
        buffer = io.BytesIO()
        tpl.save(buffer)
    except TemplateError:
        raise
    except (Exceeded, MemoryError, RecursionError) as exc:
        raise _limit(template, exc) from None
    except jinja2.exceptions.SecurityError as exc:
        found = re.search(r"attribute '([^']+)'", str(exc))
        what = f"à « {found[1]} » " if found else ""
        raise TemplateError(
            f"modèle {template.name} : accès interdit {what}: un modèle n’utilise que les "
            "variables prévues (docs/templates.md)."
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"modèle {template.name} : accès interdit : un modèle ne peut pas inclure d’autre "
            f"fichier (« {exc.name} »)."
        ) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"modèle {template.name} : {_undefined(exc)} ; les variables disponibles sont "
            "décrites dans docs/templates.md."
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"modèle {template.name} : balise mal formée ({exc.message})."
        ) from None
    except Exception as exc:  # noqa: BLE001 - not a valid .docx, a broken part…
        raise TemplateError(
            f"modèle {template.name} : impossible de l’utiliser, ce n’est pas un document Word "
            f"valide ({type(exc).__name__})."
        ) from None
    left_out = [e._source for e in embedded if not e._printed]
    if left_out:
        raise TemplateError(
            f"modèle {template.name} : l’exposé « {left_out[0].name} » ({left_out[0].place}) n’y "
            "est pas imprimé ; ajoutez, seule dans un paragraphe, la balise "
            "« {{p d.expose_document }} » (voir docs/templates.md)."
        )
    return buffer.getvalue()


def _undefined(exc: Exception) -> str:
    """Jinja says "'dict object' has no attribute 'x'" or "'x' is undefined"."""
    message = str(exc)
    if "has no attribute" in message:
        name = message.split("has no attribute", 1)[1].strip().strip("'")
        if name.startswith("_"):
            return f"accès interdit à « {name} » : un modèle n’utilise que les variables prévues"
        return f"attribut inconnu « {name} »"
    return f"variable inconnue « {message.replace(' is undefined', '').strip(chr(39))} »"
