"""``make-minutes prefecture``: the package a clerk sends to the contrôle de
légalité, written into ``output/<meeting>/prefecture/`` (a folder with a
manifest of its own, as the convocation's): each deliberation's extract as
PDF/A, named after its act number (``B2022_017.pdf``), and ``actes.csv``,
the fields the transmission platform asks for (:mod:`pipeline.render.prefecture`).

The meeting is read and checked as for its minutes (:func:`pipeline.build.
checked`, as :func:`pipeline.build.prepare` does), then as
the platforms check an act (S²LOW, Pastell's « Actes (générique) »): an act
number and a Matière for every deliberation, an objet of 1 to 499
characters, a code of the préfecture's classification when the body drops
its ``classification.xml`` (:mod:`pipeline.parse.classification`), and at
most 150 Mo for an act and its annexes, checked on the PDFs once they are
made (:func:`finish`). A meeting with errors gets nothing written.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

from pipeline import build as builder
from pipeline.build import MeetingResult, Prepared
from pipeline.law.checks import Item
from pipeline.model import Classification, Deliberation
from pipeline.problems import Place, Report
from pipeline.read.sources import MeetingSource
from pipeline.render import contexts, pdf
from pipeline.render import prefecture as package
from pipeline.render.compiled import Templates
from pipeline.render.logo import of_meeting as meeting_logo
from pipeline.words.french import NBSP, count_noun, date_short

FOLDER = package.FOLDER
MAX_OBJET = 499  # characters (Pastell: #^.{1,499}$#us)
# An act and its annexes (Pastell's threshold_size for arrete and
# autre_document_attache: 157 286 400 bytes, « 150 Mo »).
MAX_ACT_BYTES = 150 * 1024 * 1024
INSTALL = pdf.missing("make-minutes prefecture écrit les actes en PDF/A et demande pour cela")


def prepare(
    source: MeetingSource, templates: list[Path], compiled: Templates | None = None
) -> Prepared:
    """Read and check a meeting, then render its acts' extracts (named
    after their act numbers) and ``actes.csv``; every problem is in the
    result's report. Their PDFs are made by the build (with_pdf), then
    :func:`finish` keeps them and drops the .docx."""
    compiled = compiled or Templates()
    report = Report()
    prepared = Prepared(source, report)
    checked = builder.checked(source, report)
    if checked is None:
        return prepared
    meeting, analysis = checked
    known = meeting.classification  # read with the workbooks (parse/classification.py)
    if not analysis.items:
        report.warning(
            Place(source.name),
            "aucune délibération dans cette réunion : rien à transmettre à la préfecture.",
            code="prefecture.no-act",
        )
        return prepared
    check_acts(analysis.items, known, report)
    if report.errors:
        return prepared
    templates = builder.meeting_templates(source, templates)
    logo = meeting_logo(source.folder, templates, report)
    embeds = logo is not None or any(d.expose_file is not None for d in meeting.deliberations)
    when = dt.datetime.combine(meeting.date, meeting.opening)
    docs = extracts(contexts.documents(meeting, analysis, logo), analysis.items)
    builder.render_documents(prepared, docs, templates, compiled, when, embeds)
    acts = [item.deliberation for item in analysis.items]
    prepared.files[package.CSV_NAME] = package.actes_csv(
        acts, meeting.date, known.date if known else None
    )
    return prepared


def extracts(docs: list[contexts.Document], items: tuple[Item, ...]) -> list[contexts.Document]:
    """The extracts of the minutes' build, each renamed after its act
    number (« B2022_017.docx », whose PDF is the act's file)."""
    by_name = {contexts.extract_filename(item.deliberation): item for item in items}
    out = []
    for doc in docs:
        item = by_name.get(doc.filename)
        if doc.template == "extrait.docx" and item is not None:
            pdf = package.act_filename(item.deliberation)
            out.append(dataclasses.replace(doc, filename=pdf[: -len(".pdf")] + ".docx"))
    return out


def check_acts(items: tuple[Item, ...], known: Classification | None, report: Report) -> None:
    """Each act as the platforms check it: an act number, a Matière of the
    préfecture's classification (``known``; without it the parser checked
    the Matière against the ACTES nomenclature), an objet of 1 to 499
    characters. Each problem an error at the item's cell."""
    for item in items:
        d = item.deliberation
        which = f"la délibération n°{NBSP}{d.number} « {d.title} »"
        if not d.act_number:
            report.error(
                dataclasses.replace(d.place, column="Numéro d'acte"),
                f"{which} n’a pas de numéro d’acte : la préfecture en demande un pour chaque "
                "acte. Tapez-le dans la colonne « Numéro d’acte » (par exemple B2022_017), ou "
                "donnez le champ « Numérotation » de la feuille « Séance » (par exemple "
                "B{AAAA}_{NNN}) : chaque délibération reçoit alors le sien.",
                code="prefecture.missing-act-number",
            )
        if not d.subject:
            report.error(
                dataclasses.replace(d.place, column="Matière"),
                f"{which} n’a pas de matière : la préfecture classe chaque acte dans la "
                "nomenclature ACTES. Tapez son code dans la colonne « Matière » (par exemple "
                "« 8.1 » ou « 8.1 Enseignement » ; la liste est dans docs/data-format.md).",
                code="prefecture.missing-subject",
            )
        elif known is not None:
            _check_classified(d, which, known, report)
        length = len(package.objet(d))
        if length > MAX_OBJET:
            report.error(
                dataclasses.replace(d.place, column="Titre"),
                f"{which[:80]}… : titre de {length} caractères, la préfecture n’accepte pas "
                f"un objet de plus de {MAX_OBJET} caractères. Raccourcissez le titre (le détail "
                "a sa place dans l’exposé ou la décision).",
                code="prefecture.objet-too-long",
            )
        elif length == 0:
            report.error(
                dataclasses.replace(d.place, column="Titre"),
                f"la délibération n°{NBSP}{d.number} n’a pas de titre : c’est l’objet de l’acte "
                "que demande la préfecture. Tapez-le dans la colonne « Titre ».",
                code="prefecture.objet-empty",
            )


def _check_classified(d: Deliberation, which: str, known: Classification, report: Report) -> None:
    code = package.subject_code(d)
    if code in known.codes:
        return
    first = code.split(".")[0]
    under = [f"{c} {n}" for c, n in known.codes.items() if c.startswith(f"{first}.")]
    hint = (
        f" Ses codes sous « {first} » sont : {', '.join(under[:20])}."
        if under
        else f" Elle n’a aucun code sous « {first} »."
    )
    report.error(
        dataclasses.replace(d.place, column="Matière"),
        f"{which} : la matière « {d.subject} » n’est pas dans la classification de la "
        f"préfecture ({known.file}, du {date_short(known.date)}).{hint} Choisissez un de "
        "ses codes, ou téléchargez de nouveau la classification si elle a changé.",
        code="prefecture.unknown-classification",
    )


def finish(prepared: Prepared) -> None:
    """Once the PDFs are made: an act whose PDF could not be made, or whose
    PDF (with its annexes) is over 150 Mo, is an error, so that no package
    goes out incomplete; the .docx the PDFs were made from are dropped."""
    report = prepared.report
    if report.errors:
        return
    report.problems.extend(prepared.missing_pdfs)  # errors: nothing written
    prepared.missing_pdfs = []
    for name in [n for n in prepared.files if n.endswith(".docx")]:
        del prepared.files[name]
        prepared.headings.pop(name, None)
    for number, title, act_pdf in _rows(prepared.files.get(package.CSV_NAME, b"")):
        size = len(prepared.files.get(act_pdf, b""))
        place = Place(f"{prepared.source.name}/{FOLDER}/{act_pdf}")
        check_size(number, title, size, place, report)


def check_size(number: str, title: str, size: int, place: Place, report: Report) -> None:
    """An act and its annexes within :data:`MAX_ACT_BYTES`."""
    if size <= MAX_ACT_BYTES:
        return
    megabytes = f"{size / 1024 / 1024:.1f}".replace(".", ",")
    report.error(
        place,
        f"l’acte {number} « {title} » pèse {megabytes}{NBSP}Mo avec ses annexes : la "
        f"préfecture refuse un acte de plus de 150{NBSP}Mo. Allégez le document (images "
        "moins lourdes dans l’exposé ou le modèle), ou transmettez les pièces volumineuses "
        "à part.",
        code="prefecture.too-big",
    )


def _rows(table: bytes) -> list[tuple[str, str, str]]:
    """(number, objet, PDF file) of each row of ``actes.csv``."""
    rows = csv.DictReader(io.StringIO(table.decode("utf-8-sig")), delimiter=";")
    return [(r["number"], r["subject"], r["acte_pdf_file"]) for r in rows]


def summary(result: MeetingResult) -> str | None:
    """The line a written package is said with (« m : 2 actes en PDF/A et
    actes.csv écrits dans output/m/prefecture »), None when nothing was."""
    pdfs = [p for p in result.written if p.suffix == ".pdf"]
    if not pdfs:
        return None
    acts = count_noun(len(pdfs), "acte")
    return f"{result.meeting} : {acts} en PDF/A et {package.CSV_NAME} écrits dans {pdfs[0].parent}"


PACK = builder.Pack(prepare, FOLDER, finish)  # built by pipeline.build.run, with PDFs
