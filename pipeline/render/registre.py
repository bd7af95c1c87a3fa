"""The register of deliberations of a year (CGCT R2121-9): what
``registre.docx`` prints, from the meetings of the year, each read and
checked as a build reads it (:mod:`pipeline.commands.registre`).

A meeting's part (:func:`meeting_part`) is made in the worker that read it:
its heading, its opening, each deliberation as the minutes and the extract
print it, and its closing sheet. :func:`register_context` puts the parts in
order, gives each deliberation its bookmark (the tables' PAGEREF fields
point to it) and makes the tables by date, title and subject.
:func:`with_meeting_headers` gives each meeting's section a header of its
own once the document is rendered, and :func:`yearly_csv` joins the SCDL
files of the year.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from pipeline.contract import ACTES
from pipeline.law.checks import Analysis
from pipeline.model import Meeting, Status
from pipeline.render import contexts
from pipeline.render.package import reproducible_parts
from pipeline.text import fold
from pipeline.words import french, sentences
from pipeline.words.sentences import COLON

TITLE = "Registre des délibérations"
NO_SUBJECT = "Sans matière"


@dataclass
class Part:
    """One meeting of the register, as its worker made it (picklable)."""

    name: str  # the meeting's folder
    body: str  # Organisme, as the letterhead prints it
    date: Any  # dt.date
    instance: str
    context: dict[str, Any]  # ``seances[]`` of the template, bookmarks to come
    subjects: list[str] = field(default_factory=list)  # each deliberation's Matière, or ""


def _closing_sheet(meeting: Meeting, analysis: Analysis, minutes: dict[str, Any]) -> dict:
    """The closing sheet of a meeting (« feuillet de clôture »): its date,
    its deliberations (order and act numbers), the members present, and the
    places for the signatures of the president and the secretaries."""
    items = [i.deliberation for i in analysis.items]
    n = len(items)
    date = french.date_short(meeting.date)
    written = "inscrite" if n == 1 else "inscrites"
    phrase = (
        f"La séance du {date} a donné lieu à {french.count_noun(n, 'délibération')}, "
        f"{written} ci-dessus au registre sous les numéros suivants{COLON}"
        if n
        else f"La séance du {date} n’a donné lieu à aucune délibération."
    )
    present = [
        sentences.status_note(m, meeting)
        for m in meeting.members
        if m.status in (Status.PRESENT, Status.SUBSTITUTED)
    ]
    return {
        "titre": f"Feuillet de clôture de la séance du {date}",
        "phrase": phrase,
        "deliberations": [
            {
                "numero": d.number,
                "numero_acte": d.act_number,
                "titre": french.typography(d.title),
            }
            for d in items
        ],
        "presents_intitule": f"Membres présents ({len(present)}){COLON}",
        "presents": present,
        "levee": minutes["cloture"],
        "arrete": "",
        "signatures": minutes["signatures"],
    }


def meeting_part(name: str, meeting: Meeting, analysis: Analysis) -> Part:
    """A meeting as the register prints it: its heading, its opening, each
    deliberation (the minutes' and the extract's fields: title, N°, act
    number, exposé, débats, decision, result and votes), its closing sheet."""
    minutes = contexts.minutes_context(meeting, analysis)
    items = [d for part in minutes["parties"] for d in part["deliberations"]]
    context = {
        "titre": sentences.heading(meeting),
        "preambule": minutes["preambule"],
        "effectifs": minutes["effectifs"],
        "quorum": minutes["quorum"],
        "deliberations": items,
        "cloture": _closing_sheet(meeting, analysis, minutes),
    }
    subjects = [i.deliberation.subject for i in analysis.items]
    return Part(name, minutes["organisme"], meeting.date, meeting.instance, context, subjects)


def _subject_heading(subject: str) -> str:
    """ "8.1 – Enseignement (Domaines de compétences par thèmes)": the code
    and its ACTES name; the Matière as typed when the code is unknown."""
    if not subject:
        return NO_SUBJECT
    code = subject.split(" ", 1)[0]
    name = ACTES.get(code)
    return f"{code} – {name}" if name else french.typography(subject)


def register_context(
    year: int, parts: list[Part], left_out: list[tuple[str, list[str]]]
) -> dict[str, Any]:
    """Everything ``registre.docx`` uses: ``parts`` in the register's order;
    ``left_out``, each meeting of the year not included, with its problems."""
    rows: list[dict[str, Any]] = []
    subjects: list[str] = []
    seances = []
    for part in parts:
        deliberations = []
        for d, subject in zip(part.context["deliberations"], part.subjects, strict=True):
            k = len(rows) + 1
            signet = f"_Registre_{k}"
            deliberations.append({**d, "signet": signet, "signet_id": 9000 + k})
            rows.append(
                {
                    "date": french.date_short(part.date),
                    "numero": d["numero"],
                    "numero_acte": d["numero_acte"],
                    "titre": d["titre"],
                    "signet": signet,
                }
            )
            subjects.append(subject)
        seances.append({**part.context, "deliberations": deliberations})
    by_subject: dict[str, list[dict[str, Any]]] = {}
    ordered = sorted(zip(subjects, rows), key=lambda sr: (sr[0] == "", _code_key(sr[0])))
    for subject, row in ordered:
        by_subject.setdefault(_subject_heading(subject), []).append(row)
    body = parts[-1].body if parts else ""
    n, m = len(rows), len(parts)
    introduction = (
        f"Ce registre réunit, dans l’ordre des séances, {_deliberations(n)} {'prise' if n == 1 else 'prises'} en {year} "
        f"{_meetings(m)}. Ses feuillets sont numérotés de façon continue ; chaque séance se "
        "termine par son feuillet de clôture, signé du président et du ou des secrétaires de "
        "séance."
    )
    return {
        "logo": "",  # the letterhead's image: none in the register
        "organisme": body,
        "titre": TITLE,
        "annee": str(year),
        "entete": f"{TITLE} {year}",
        "sous_titre": f"Année {year}",
        "introduction": introduction,
        "non_incluses_intitule": "Réunions de l’année non incluses dans ce registre",
        "non_incluses": [{"reunion": r, "problemes": p} for r, p in left_out],
        "seances": seances,
        "titre_par_date": "Table chronologique des délibérations",
        "titre_par_titre": "Table des délibérations par objet",
        "titre_par_matiere": "Table des délibérations par matière",
        "par_date": rows,
        "par_titre": sorted(rows, key=lambda r: (fold(r["titre"]), r["titre"])),
        "par_matiere": [{"matiere": s, "deliberations": r} for s, r in by_subject.items()],
    }


def sample_context(name: str, meeting: Meeting, analysis: Analysis) -> dict[str, Any]:
    """The register of one meeting's year holding only it, with one meeting
    left out as an example: what ``make-minutes fields`` shows and tries."""
    example = [("exemple-de-reunion-non-incluse", ["un exemple de problème"])]
    return register_context(meeting.date.year, [meeting_part(name, meeting, analysis)], example)


def _deliberations(n: int) -> str:
    if n == 0:
        return "les délibérations"
    return "la délibération" if n == 1 else f"les {french.count_noun(n, 'délibération')}"


def _meetings(m: int) -> str:
    if m == 0:
        return "(aucune séance n’y est incluse)"
    return "au cours d’une séance" if m == 1 else f"au cours de {french.count_noun(m, 'séance')}"


def _code_key(subject: str) -> tuple[int, ...]:
    """ "8.10 …" after "8.2 …": the ACTES code compared level by level."""
    code = subject.split(" ", 1)[0]
    return tuple(int(x) if x.isdigit() else 0 for x in code.split("."))


_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_SECTION = re.compile(rb"<w:sectPr\b[^>]*?(/?)>")
_DEFAULT_HEADER = re.compile(rb'<w:headerReference\b[^>]*w:type="default"[^>]*/>')
_RID = re.compile(rb'r:id="([^"]*)"')


def with_meeting_headers(docx: bytes, marker: str, headings: list[str], when: dt.datetime) -> bytes:
    """The rendered register with a header of its own for each section: a
    copy of the header of its first section, ``marker`` (the register's
    heading, where the template prints ``{{ entete }}``) replaced by
    ``headings[i]`` in section i; a section whose heading is ``marker``, or
    beyond ``headings``, keeps its own. Done on the package's parts, the
    body never parsed: a register of thousands of deliberations is large."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        parts = {i.filename: package.read(i.filename) for i in package.infolist()}
    body = parts["word/document.xml"]
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    source = _first_header(body, {r.get("Id"): r.get("Target") for r in rels})
    if source is None or f"word/{source}" not in parts:
        return docx  # a template without a header in its first section: nothing to copy
    header = parts[f"word/{source}"]
    header_rels = parts.get(f"word/_rels/{PurePosixPath(source).name}.rels")
    added: dict[str, bytes] = {}
    pieces, at = [], 0
    for k, section in enumerate(_SECTION.finditer(body)):
        if k >= len(headings) or headings[k] == marker:
            continue
        name, rid = f"header-registre-{k}.xml", f"rIdRegistre{k}"
        added[f"word/{name}"] = header.replace(_xml_text(marker), _xml_text(headings[k]))
        if header_rels is not None:
            added[f"word/_rels/{name}.rels"] = header_rels
        etree.SubElement(rels, f"{{{_REL}}}Relationship", Id=rid, Type=_HEADER_REL, Target=name)
        new = f'<w:headerReference w:type="default" r:id="{rid}"/>'.encode()
        if section.group(1):  # <w:sectPr/>: opened, given the reference, closed
            pieces += [body[at : section.start()], section.group(0)[:-2] + b">", new]
            pieces.append(b"</w:sectPr>")
            at = section.end()
            continue
        end = body.find(b"</w:sectPr>", section.end())
        own = _DEFAULT_HEADER.search(body, section.end(), end)
        if own:  # the template's reference replaced
            pieces += [body[at : own.start()], new]
            at = own.end()
        else:  # the first child: references come first in a w:sectPr
            pieces += [body[at : section.end()], new]
            at = section.end()
    pieces.append(body[at:])
    parts["word/document.xml"] = b"".join(pieces)
    parts["word/_rels/document.xml.rels"] = _xml(rels)
    types = etree.fromstring(parts["[Content_Types].xml"])
    for name in added:
        if name.endswith(".xml"):
            etree.SubElement(
                types, f"{{{_TYPES}}}Override", PartName=f"/{name}", ContentType=_HEADER_TYPE
            )
    parts["[Content_Types].xml"] = _xml(types)
    parts.update(added)
    return reproducible_parts(list(parts.items()), when)


def _first_header(body: bytes, targets: dict[str, str]) -> str | None:
    """The part name (``header1.xml``) of the default header of the
    document's first section, None without one."""
    first = _SECTION.search(body)
    if first is None or first.group(1):
        return None
    end = body.find(b"</w:sectPr>", first.end())
    reference = _DEFAULT_HEADER.search(body, first.end(), end)
    found = reference and _RID.search(reference.group(0))
    return targets.get(found.group(1).decode()) if found else None


def _xml(root: Any) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _xml_text(text: str) -> bytes:
    """``text`` as a part's XML holds it."""
    return escape(text).encode("utf-8")


def yearly_csv(files: list[bytes]) -> bytes:
    """The SCDL files of the meetings of a year as one: the header row once."""
    out: list[bytes] = []
    for i, content in enumerate(files):
        lines = content.splitlines(keepends=True)
        out += lines if i == 0 else lines[1:]
    return b"".join(out)
