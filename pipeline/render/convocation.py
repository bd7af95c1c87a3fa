"""The documents of the convocation pack (``make-minutes convocation``),
written before the meeting from the same workbooks: the agenda to post
(``ordre-du-jour.docx``), a letter to each member (``convocations.docx``
and ``convocations/<nom>.docx``), the sign-in sheet
(``feuille-emargement.docx``), the proxy form (``pouvoir.docx``), the note
of synthesis (``note-de-synthese.docx``, CGCT L2121-12), one draft per
deliberation (``projets/<n>-<titre>.docx``) and the calendar event
(``seance.ics``).

The meeting is read before the vote (:func:`pipeline.build.read_before_vote`):
no analysis, no status, no vote; only what the workbooks say of the meeting,
its members and its agenda. The agenda is numbered as the minutes number it
(:func:`agenda_parts`, the order of ``contexts._parts``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipeline.law.convocation import synthesis_required
from pipeline.model import Deliberation, Meeting, Member
from pipeline.render.contexts import Document, blocks, title_slug
from pipeline.render.logo import Logo
from pipeline.words import convocation as words
from pipeline.words import french, sentences

FOLDER = "convocation"  # output/<meeting>/convocation/, a manifest of its own
LETTERS = "convocations"  # one letter per member, in convocation/convocations/
DRAFTS = "projets"  # one draft deliberation per item, in convocation/projets/


def agenda_parts(meeting: Meeting) -> list[dict[str, Any]]:
    """The parts of the agenda and their items, numbered as the minutes
    number them: the parts in the order their first deliberation comes,
    then those of the other items; « 1. Convention cadre »; the titled
    other items listed after the deliberations of their part (a part of
    untitled items only listed by its title)."""
    parts: dict[str, dict[str, Any]] = {}
    for d in meeting.deliberations:
        part = parts.setdefault(d.part, {"titre": d.part, "points": [], "_delib": 0})
        part["points"].append(sentences.item_heading(d.number, french.typography(d.title)))
        part["_delib"] += 1
    for other in meeting.other_items:
        part = parts.setdefault(other.part, {"titre": other.part, "points": [], "_delib": 0})
        if other.title:
            part["points"].append(french.typography(other.title))
    out = []
    for i, part in enumerate(parts.values()):
        numeral = french.part_numeral(i)
        title = french.typography(part["titre"])
        out.append(
            {
                "numero": numeral,
                "titre": title,
                "intitule": sentences.part_heading(numeral, title),
                "points": part["points"],
            }
        )
    return out


def _common(meeting: Meeting, logo: Logo | None, subtitle: str) -> dict[str, Any]:
    return {
        "organisme": sentences.body_heading(meeting),
        "logo": logo or "",
        "titre": sentences.heading(meeting),
        "sous_titre": subtitle,
    }


def agenda_context(meeting: Meeting, logo: Logo | None = None) -> dict[str, Any]:
    """Everything ``ordre-du-jour.docx`` may use (CGCT L2121-10)."""
    return {
        **_common(meeting, logo, "Ordre du jour"),
        "annonce": words.announcement(meeting),
        "conditions": words.conditions(meeting),
        "approbation": words.approval_item(meeting),
        "parties": agenda_parts(meeting),
        "fait_a": words.dated(meeting),
        "signataire": words.signatory(meeting),
        "affichage": f"Affiché le {sentences.BLANK}",
    }


def _letter(meeting: Meeting, member: Member) -> dict[str, Any]:
    return {
        "nom": member.name,
        "destinataire": words.recipient(member),
        "appel": f"{words.civility(member)},",
        "pouvoir": words.proxy_rule(meeting, member),
        "salutations": words.regards(member),
    }


def letters_context(
    meeting: Meeting, logo: Logo | None = None, members: tuple[Member, ...] | None = None
) -> dict[str, Any]:
    """Everything ``convocations.docx`` may use: one letter per member in
    office (``members``: those of this document, every one by default)."""
    chosen = meeting.members if members is None else members
    return {
        **_common(meeting, logo, "Convocation"),
        "fait_a": words.dated(meeting),
        "convocation": words.invitation(meeting),
        "conditions": words.conditions(meeting),
        "ordre_du_jour": words.AGENDA_INTRO,
        "approbation": words.approval_item(meeting),
        "parties": agenda_parts(meeting),
        "note": words.synthesis_attached(synthesis_required(meeting.notice_days)),
        "signataire": words.signatory(meeting),
        "lettres": [_letter(meeting, m) for m in chosen],
    }


def sheet_context(meeting: Meeting, logo: Logo | None = None) -> dict[str, Any]:
    """Everything ``feuille-emargement.docx`` may use: the members grouped
    by college, in the order of Présences (as the minutes' table)."""
    colleges: dict[str, list[dict[str, str]]] = {}
    for m in meeting.members:
        colleges.setdefault(m.college, []).append(
            {"nom": m.title, "fonction": french.typography(m.function)}
        )
    return {
        **_common(meeting, logo, "Feuille d’émargement"),
        "seance": words.sheet_heading(meeting),
        "en_exercice": words.in_office(meeting),
        "colleges": [{"college": c, "membres": v} for c, v in colleges.items()],
    }


def proxy_context(meeting: Meeting, logo: Logo | None = None) -> dict[str, Any]:
    """Everything ``pouvoir.docx`` may use."""
    return {
        **_common(meeting, logo, "Pouvoir"),
        "texte": words.proxy_form(meeting),
        "notes": words.proxy_notes(meeting),
    }


def _item(d: Deliberation) -> dict[str, Any]:
    """An item as the note and its draft print it: its heading as the
    minutes number it, its exposé typed (``expose``) or written in Word
    (``expose_document``, embedded as in the minutes), its proposed decision."""
    title = french.typography(d.title)
    return {
        "numero": d.number,
        "titre": title,
        "intitule": sentences.item_heading(d.number, title),
        "expose": blocks(d.expose),
        # Replaced, once the template is open, by the document (see docx.render).
        "expose_document": d.expose_file or "",
        "decision": blocks(d.decision),
    }


def synthesis_context(meeting: Meeting, logo: Logo | None = None) -> dict[str, Any]:
    """Everything ``note-de-synthese.docx`` may use: the parts that have
    deliberations, each item with its exposé (CGCT L2121-12)."""
    parts: dict[str, list[dict[str, Any]]] = {}
    for d in meeting.deliberations:
        parts.setdefault(d.part, []).append(_item(d))
    out = []
    for i, (part, items) in enumerate(parts.items()):  # numbered as agenda_parts does
        numeral, title = french.part_numeral(i), french.typography(part)
        out.append(
            {
                "numero": numeral,
                "titre": title,
                "intitule": sentences.part_heading(numeral, title),
                "deliberations": items,
            }
        )
    return {
        **_common(meeting, logo, "Note explicative de synthèse"),
        "introduction": words.synthesis_introduction(meeting),
        "parties": out,
    }


def draft_context(meeting: Meeting, d: Deliberation, logo: Logo | None = None) -> dict[str, Any]:
    """Everything ``projet.docx`` may use: one item before its vote."""
    return {
        **_common(meeting, logo, words.DRAFT),
        "mention": words.draft_notice(meeting),
        "d": _item(d),
    }


def draft_filename(d: Deliberation) -> str:
    """ "projets/1-convention-cadre.docx": the N° and the title's slug, as
    the extracts are named (``contexts.extract_filename``)."""
    return f"{DRAFTS}/{d.number}-{title_slug(d)}.docx"


def letter_filename(member: Member, taken: set[str]) -> str:
    """ "convocations/florence-rodinger.docx": a slug of the name (ASCII,
    lower case, hyphens), numbered when two members' names give the same."""
    from slugify import slugify

    slug = slugify(f"{member.first_name} {member.last_name}", max_length=60) or "membre"
    name, n = slug, 1
    while name in taken:
        n += 1
        name = f"{slug}-{n}"
    taken.add(name)
    return f"{LETTERS}/{name}.docx"


def documents(meeting: Meeting, logo: Logo | None = None) -> list[Document]:
    """The .docx of the convocation pack, each with its template."""
    docs = [
        Document("ordre-du-jour.docx", "ordre-du-jour.docx", agenda_context(meeting, logo)),
        Document("convocations.docx", "convocations.docx", letters_context(meeting, logo)),
    ]
    taken: set[str] = set()
    for member in meeting.members:
        docs.append(
            Document(
                letter_filename(member, taken),
                "convocations.docx",
                letters_context(meeting, logo, (member,)),
            )
        )
    docs.append(
        Document("feuille-emargement.docx", "feuille-emargement.docx", sheet_context(meeting, logo))
    )
    docs.append(Document("pouvoir.docx", "pouvoir.docx", proxy_context(meeting, logo)))
    docs.append(
        Document("note-de-synthese.docx", "note-de-synthese.docx", synthesis_context(meeting, logo))
    )
    for d in meeting.deliberations:
        docs.append(Document(draft_filename(d), "projet.docx", draft_context(meeting, d, logo)))
    return docs


def calendar(meeting: Meeting) -> bytes:
    """``seance.ics``: one event (RFC 5545, the icalendar library) at the
    meeting's date and hour, in local time; the same bytes for the same
    meeting: its UID from the meeting's name, its DTSTAMP the convocation's
    date."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//make-minutes//convocation//FR")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{meeting.name}@make-minutes")
    event.add("dtstamp", dt.datetime.combine(meeting.convocation, dt.time(), tzinfo=dt.UTC))
    start = dt.datetime.combine(meeting.date, meeting.opening)
    event.add("dtstart", start)
    if meeting.closing is not None and meeting.closing > meeting.opening:
        event.add("dtend", dt.datetime.combine(meeting.date, meeting.closing))
    event.add("summary", f"{meeting.instance} {french.of_body(meeting.body)}")
    place = ", ".join(p for p in (meeting.location, meeting.city) if p)
    if place:
        event.add("location", place)
    agenda = [p for part in agenda_parts(meeting) for p in [part["intitule"], *part["points"]]]
    approval = [words.approval_item(meeting)] if meeting.previous_minutes else []
    event.add("description", "\n".join([sentences.body_heading(meeting), *approval, *agenda]))
    cal.add_component(event)
    return cal.to_ical()
