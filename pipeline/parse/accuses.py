"""The préfecture's acknowledgements (ACTES ``ARActe``) dropped by the clerk
into ``data/<meeting>/accuses/``: each file judged before it is parsed (a
size cap, a cap on the number of files, defusedxml with no DTD, no entity,
nothing external), read, and matched to a deliberation by its act number.

The format, as S²LOW returns it and Pastell reads it (its
``ActeEnvelopeParser``): the root ``actes:ARActe`` carries the attributes
``actes:IDActe`` (« 080-200000008-20221205-B2022_017-DE »: département,
SIREN, date of the decision, act number, nature) and ``actes:DateReception``
(« 2022-12-05 »); its child ``actes:ActeRecu`` carries ``actes:Date``,
``actes:NumeroInterne`` (the act number) and ``actes:CodeNatureActe``. An
element holding the value instead of an attribute is read as well."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import replace
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from pipeline.law.acts import Continued, belongs, report_renumbered, report_unfixed
from pipeline.model import Acknowledgement, Deliberation
from pipeline.problems import Place, Report
from pipeline.read.sources import is_ignored_file
from pipeline.text import fold

ACCUSES = "accuses"  # the folder of a meeting that holds its acknowledgements
NAMESPACE = "http://www.interieur.gouv.fr/ACTES"  # « #v1.1-20040216 » follows
MAX_BYTES = 1 << 20  # an acknowledgement weighs about 2 Ko
MAX_FILES = 1000  # a meeting of 600 items, acknowledged once each
# département (3 characters: 080, 02A, 974) - SIREN - AAAAMMJJ - act number - nature
ACT_ID = re.compile(r"([0-9]{3}|02[AB])-([0-9]{9})-([0-9]{8})-([A-Z0-9_]{1,15})-([A-Z]{2})")
XSD_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})?")
DELIBERATION = "DE"  # the nature of a deliberation in an IDActe
REDO = (
    "Téléchargez à nouveau l’accusé de réception depuis la plateforme de télétransmission "
    "(S²LOW, FAST, Pastell…) sans l’ouvrir ni le modifier, ou retirez ce fichier du dossier "
    "« accuses »."
)


def accuses_folder(meeting: Path) -> Path | None:
    """``<meeting>/accuses`` (also « Accusés », « ACCUSES »), None without it."""
    if meeting.is_dir():
        for child in sorted(meeting.iterdir()):
            if child.is_dir() and fold(child.name) == ACCUSES:
                return child
    return None


def read_acknowledgements(
    meeting: Path,
    deliberations: list[Deliberation],
    date: dt.date | None,
    siret: str,
    report: Report,
    continued: Continued | None = None,
) -> list[Deliberation]:
    """``deliberations``, each with the acknowledgement of its act number
    found in ``meeting``'s accuses/ folder; every problem in ``report``.
    ``continued``: the meeting's numbers continue those of a meeting before
    (« Premier numéro » empty): an acknowledgement of its day that
    matches none of them is then the error that they moved
    (:func:`pipeline.law.acts.report_renumbered`), not a warning; one that
    matches is the error that they may move
    (:func:`pipeline.law.acts.report_unfixed`)."""
    folder = accuses_folder(meeting)
    if folder is None:
        return deliberations
    name = f"{folder.name}/"
    if not folder.resolve().is_relative_to(meeting.resolve()):
        report.error(
            Place(name),
            f"le dossier « {folder.name} » est un lien vers « {folder.resolve()} », hors du "
            "dossier de la réunion : remplacez-le par un vrai dossier qui contient les accusés "
            "de réception.",
            code="accuse.folder-linked-outside",
        )
        return deliberations
    try:
        files = _xml_files(folder, name, report)
    except OSError as exc:
        report.error(
            Place(name),
            f"le dossier « {folder.name} » ne peut pas être lu ({exc.strerror or exc}) : "
            "vérifiez que vous avez le droit de l’ouvrir.",
            code="accuse.cannot-read",
        )
        return deliberations
    if files is None:
        return deliberations
    found: dict[str, Acknowledgement] = {}
    numbers = {d.act_number for d in deliberations if d.act_number}
    moved: list[tuple[str, str]] = []  # (file, number) of acts whose number changed since
    transmitted: list[str] = []  # the numbers acknowledged for the meeting's day
    for path in files:
        ack = _read(path, f"{name}{path.name}", folder, report)
        if ack is None:
            continue
        if continued is not None and belongs(continued, ack.act_id):
            transmitted.append(ack.number)
            if ack.number not in numbers:
                moved.append((ack.file, ack.number))
                continue
        if not _check(ack, found, numbers, date, siret, report):
            continue
        found[ack.number] = ack
    if continued is not None and moved:
        made = [d.act_number for d in deliberations if d.numbering is not None]
        report_renumbered(continued, moved, transmitted, made, report)
    elif continued is not None and transmitted:
        report_unfixed(continued, transmitted, report)
    return [replace(d, acknowledgement=found.get(d.act_number)) for d in deliberations]


def _xml_files(folder: Path, name: str, report: Report) -> list[Path] | None:
    """The .xml files of the folder, sorted; None (and an error) beyond
    :data:`MAX_FILES` entries: counted without listing a huge folder whole."""
    files = []
    with os.scandir(folder) as entries:
        for count, entry in enumerate(entries, 1):
            if count > MAX_FILES:
                report.error(
                    Place(name),
                    f"le dossier « {folder.name} » contient plus de {MAX_FILES} fichiers : il "
                    "est refusé sans être lu. Ne gardez que les accusés de réception des actes "
                    "de cette séance.",
                    code="accuse.too-many-files",
                )
                return None
            path = Path(entry.path)
            if not is_ignored_file(path) and path.suffix.lower() == ".xml":
                files.append(path)
    return sorted(files)


def _read(path: Path, name: str, folder: Path, report: Report) -> Acknowledgement | None:
    """The acknowledgement of one file, or None with an error naming it."""
    place = Place(name)
    if not path.resolve().is_relative_to(folder.resolve()) or not path.is_file():
        report.error(
            place,
            "ce fichier n’est pas un fichier ordinaire du dossier (un lien vers un autre "
            "dossier ?) : il est refusé. Copiez l’accusé de réception lui-même dans le dossier.",
            code="accuse.not-a-file",
        )
        return None
    try:
        size = path.stat().st_size
        data = b""
        if size <= MAX_BYTES:  # else refused unread, below
            with path.open("rb") as stream:
                data = stream.read(MAX_BYTES + 1)  # the file may have grown since
    except OSError as exc:
        report.error(
            place,
            f"ce fichier ne peut pas être lu ({exc.strerror or exc}) : vérifiez qu’il n’est pas "
            "ouvert dans un autre programme et que vous avez le droit de le lire.",
            code="accuse.cannot-read",
        )
        return None
    if size > MAX_BYTES:
        report.error(
            place,
            f"ce fichier fait {size // 1024} Ko, or un accusé de réception en fait quelques-uns "
            f"(au plus {MAX_BYTES // 1024} Ko acceptés) : il est refusé sans être lu. {REDO}",
            code="accuse.too-large",
        )
        return None
    root = _parse(data, place, report)
    return None if root is None else _acknowledgement(root, name, report)


def _parse(data: bytes, place: Place, report: Report) -> Element | None:
    """The root element, parsed by defusedxml: no DTD, no entity, nothing
    external. None, with the error, for a hostile or malformed file."""
    from defusedxml import DefusedXmlException, ElementTree

    if len(data) > MAX_BYTES:
        report.error(
            place,
            f"ce fichier dépasse {MAX_BYTES // 1024} Ko : il est refusé. {REDO}",
            code="accuse.too-large",
        )
        return None
    try:
        return ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        report.error(
            place,
            "ce fichier contient des déclarations XML interdites (DOCTYPE ou entités, le "
            "procédé des « bombes XML » et des lectures de fichiers cachées) : il est refusé "
            f"sans être lu. Un accusé de réception de la préfecture n’en contient pas. {REDO}",
            code="accuse.hostile-xml",
        )
    except (ParseError, ValueError, LookupError, UnicodeError, RecursionError):
        report.error(
            place,
            "ce fichier n’est pas un XML lisible (tronqué, abîmé ou d’un autre format). " + REDO,
            code="accuse.unreadable",
        )
    return None


def _value(element: Element, name: str) -> str:
    """An ACTES value: the attribute ``actes:name`` (or ``name``), else the
    text of a child element of that name; "" when absent."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value.strip()
    for child in element:
        if _local(child.tag) == name and len(child) == 0:
            return (child.text or "").strip()
    return ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _acknowledgement(root: Element, name: str, report: Report) -> Acknowledgement | None:
    """The root read as an ARActe; None, with the error, when it is not one."""
    place = Place(name)
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if _local(root.tag) != "ARActe" or not namespace.startswith(NAMESPACE):
        report.error(
            place,
            f"ce fichier n’est pas un accusé de réception d’acte (élément « {_local(root.tag)[:40]} » "
            "au lieu de « actes:ARActe ») : ne déposez dans le dossier « accuses » que les "
            "accusés de réception (ARActe) téléchargés de la plateforme de télétransmission.",
            code="accuse.not-an-acknowledgement",
        )
        return None
    act_id = _value(root, "IDActe")
    found = ACT_ID.fullmatch(act_id)
    if not found or _date(found[3], compact=True) is None:
        report.error(
            place,
            f"identifiant d’acte {_typed(act_id)} (attribut actes:IDActe) : attendu "
            "département-SIREN-date-numéro-nature, par exemple "
            f"« 080-200000008-20221205-B2022_017-DE ». {REDO}",
            code="accuse.invalid-act-id",
        )
        return None
    typed = _value(root, "DateReception")
    received = _date(typed)
    if received is None:
        report.error(
            place,
            f"date de réception {_typed(typed, 'absente')} (attribut actes:DateReception) : "
            f"attendue sous la forme AAAA-MM-JJ, par exemple « 2022-12-05 ». {REDO}",
            code="accuse.invalid-date",
        )
        return None
    number = found[4]
    for child in root:
        if _local(child.tag) == "ActeRecu":
            number = _value(child, "NumeroInterne") or number
            break
    return Acknowledgement(number=number, received=received, act_id=act_id, file=name)


def _typed(value: str, missing: str = "absent") -> str:
    """ "illisible « … »", or ``missing`` for a value missing."""
    return f"illisible « {value[:80]} »" if value else missing


def _date(text: str, compact: bool = False) -> dt.date | None:
    """An xsd:date (« 2022-12-05 », a time zone allowed), or AAAAMMJJ when
    ``compact``; None when it is not a date of the calendar."""
    if compact:
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}" if len(text) == 8 else ""
    found = XSD_DATE.fullmatch(text)
    try:
        return dt.date.fromisoformat(found[1]) if found else None
    except ValueError:
        return None


def _check(
    ack: Acknowledgement,
    found: dict[str, Acknowledgement],
    numbers: set[str],
    date: dt.date | None,
    siret: str,
    report: Report,
) -> bool:
    """Whether ``ack`` is kept: an act of the meeting, not acknowledged
    twice, received on or after the meeting. Warnings for an act whose
    identifier names another day, another body or another nature."""
    place = Place(ack.file)
    if ack.number not in numbers:
        known = ", ".join(sorted(numbers)[:5]) + (" …" if len(numbers) > 5 else "")
        where = f" (ceux de la séance : {known})" if numbers else " (la séance n’en a aucun)"
        report.warning(
            place,
            f"accusé de réception de l’acte n° {ack.number}, qui n’est celui d’aucune "
            f"délibération de cette séance{where} : il est ignoré. Vérifiez qu’il est rangé "
            "dans le dossier de la bonne séance et que le numéro d’acte est bien recopié.",
            code="accuse.unknown-act",
        )
        return False
    other = found.get(ack.number)
    if other is not None:
        if (other.act_id, other.received) == (ack.act_id, ack.received):
            report.warning(
                place,
                f"deuxième accusé de réception de l’acte n° {ack.number}, identique à "
                f"« {other.file} » : il est ignoré ; supprimez l’un des deux fichiers.",
                code="accuse.duplicate-identical",
            )
        else:
            report.error(
                place,
                f"deux accusés de réception différents pour l’acte n° {ack.number} : "
                f"« {other.file} » et « {ack.file} ». Gardez seulement celui que la "
                "préfecture a délivré pour cet acte et supprimez l’autre.",
                code="accuse.duplicate",
            )
        return False
    _, siren, day, _, nature = ack.act_id.split("-")
    if date is not None and ack.received < date:
        report.error(
            place,
            f"accusé de réception daté du {ack.received:%d/%m/%Y}, avant la séance du "
            f"{date:%d/%m/%Y} : un acte ne peut être reçu en préfecture qu’après avoir été "
            "adopté. Vérifiez que ce fichier est rangé dans le dossier de la bonne séance.",
            code="accuse.before-meeting",
        )
        return False
    if date is not None and day != f"{date:%Y%m%d}":
        report.warning(
            place,
            f"l’identifiant de l’acte {ack.act_id} porte la date du {day[6:]}/{day[4:6]}/"
            f"{day[:4]}, et non celle de la séance ({date:%d/%m/%Y}) : la date de décision a "
            "été mal saisie sur la plateforme de télétransmission, ou l’accusé est celui d’une "
            "autre séance. Vérifiez-le.",
            code="accuse.other-date",
        )
    if siret and siren != siret[:9]:
        report.warning(
            place,
            f"l’identifiant de l’acte {ack.act_id} porte le SIREN {siren}, et non celui de "
            f"l’organisme ({siret[:9]}, les 9 premiers chiffres de son SIRET) : vérifiez que "
            "l’accusé est bien celui d’un acte de cet organisme.",
            code="accuse.other-siren",
        )
    if nature != DELIBERATION:
        report.warning(
            place,
            f"l’identifiant de l’acte {ack.act_id} finit par « {nature} » et non par « DE » : "
            "l’acte a été transmis avec une autre nature que « délibération ». Vérifiez-le "
            "sur la plateforme de télétransmission.",
            code="accuse.not-a-deliberation",
        )
    return True
