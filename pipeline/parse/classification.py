"""The préfecture's classification of acts: ``classification.xml``, the
``actes:RetourClassification`` the transmission platform (S²LOW, FAST…)
hands the body, dropped by the clerk in the meeting's folder or at the root
of data/ (docs/data-format.md, « La classification de la préfecture »).

It lists the codes the préfecture accepts, to five levels (« 8.1 »,
« 8.1.3 »…), and the date of that classification. Read with defusedxml,
at most :data:`MAX_BYTES`: a DTD, an entity, a file that is not well-formed
XML or not a RetourClassification is an error naming the file, never a
traceback (``make-minutes prefecture``, pipeline/commands/prefecture.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.model import Classification
from pipeline.problems import Place, Report
from pipeline.read.sources import MeetingSource

FILENAME = "classification.xml"
# A préfecture's file is some 50 kB (five levels for a département); 5 MB
# leaves room for any real one and refuses a file made to exhaust memory.
MAX_BYTES = 5 * 1024 * 1024
ACTES_NAMESPACES = ("http://www.interieur.gouv.fr/ACTES#",)  # then a version: v1.1-20040216


def of_meeting(source: MeetingSource, report: Report) -> Classification | None:
    """The classification of a meeting (its own file, else data/'s), read;
    None without one, or with an error in ``report`` naming it."""
    found = find(source.folder, source.data)
    if found is None:
        return None
    # The file named by its real folder: « classification.xml » (the
    # meeting's own), « data/classification.xml » (--data's, as named).
    shown = found.name if found.parent == source.folder else f"{found.parent.name}/{found.name}"
    return read(found, report, shown)


def find(folder: Path, data: Path | None) -> Path | None:
    """The classification file of the meeting in ``folder``: its own, else
    the one at the root of its data folder ``data`` (never a folder above)."""
    for candidate in dict.fromkeys((folder / FILENAME, (data or folder) / FILENAME)):
        if candidate.is_file():
            return candidate
    return None


def read(path: Path, report: Report, name: str = FILENAME) -> Classification | None:
    """The classification of ``path``, or None with an error in ``report``
    naming the file (``name``) when it is too big, hostile or not a
    RetourClassification."""
    place = Place(name)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            report.error(place, _too_big(size), code="classification.too-big")
            return None
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        report.error(
            place,
            f"fichier illisible ({exc.strerror or exc}) : vérifiez qu’il n’est pas ouvert "
            "ailleurs, puis relancez.",
            code="classification.unreadable",
        )
        return None
    if len(data) > MAX_BYTES:  # grew while read
        report.error(place, _too_big(len(data)), code="classification.too-big")
        return None
    return parse(data, report, name)


def _too_big(size: int) -> str:
    return (
        f"fichier de classification trop gros ({size / 1024 / 1024:.1f} Mo, au plus "
        f"{MAX_BYTES // 1024 // 1024} Mo) : ce n’est pas le fichier de la préfecture. "
        "Téléchargez de nouveau la classification sur votre plateforme de télétransmission."
    )


def parse(data: bytes, report: Report, name: str = FILENAME) -> Classification | None:
    """A RetourClassification from its bytes (see :func:`read`)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException, ElementTree

    place = Place(name)
    again = (
        " Téléchargez de nouveau la classification sur votre plateforme de télétransmission "
        "(S²LOW, FAST…) et déposez-la telle quelle, ou retirez ce fichier : la nomenclature "
        "ACTES fournie (niveaux 1 et 2) est alors utilisée."
    )
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        report.error(
            place,
            "fichier refusé : il déclare une DTD ou des entités, ce que ne fait jamais le "
            "fichier de classification de la préfecture (un tel fichier peut être piégé)." + again,
            code="classification.hostile",
        )
        return None
    except ParseError as exc:
        report.error(place, _not_xml(exc) + again, code="classification.malformed")
        return None
    except (LookupError, ValueError):  # UnicodeError too: an encoding Python cannot read
        report.error(
            place,
            "fichier de classification illisible : son encodage (déclaré en première ligne, "
            "« encoding=… ») est inconnu ou non pris en charge ; celui de la préfecture est "
            f"UTF-8 ou ISO-8859-1.{again}",
            code="classification.malformed",
        )
        return None
    except RecursionError:
        report.error(
            place,
            f"fichier de classification illisible : ses éléments sont imbriqués trop "
            f"profondément.{again}",
            code="classification.malformed",
        )
        return None
    namespace, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", "")
    if local != "RetourClassification" or not namespace.startswith(ACTES_NAMESPACES):
        report.error(
            place,
            "ce fichier n’est pas une classification ACTES (élément racine "
            f"« {root.tag} », attendu « actes:RetourClassification »).{again}",
            code="classification.malformed",
        )
        return None
    ns = "{" + namespace + "}"
    date = _date(root.findtext(f"{ns}DateClassification"))
    if date is None:
        report.error(
            place,
            "date de la classification (actes:DateClassification) absente ou illisible, "
            f"attendue sous la forme AAAA-MM-JJ.{again}",
            code="classification.malformed",
        )
        return None
    codes: dict[str, str] = {}
    for top in root.iterfind(f"{ns}Matieres/{ns}Matiere1"):
        _collect(top, ns, 1, "", codes)
    if not codes:
        report.error(
            place,
            f"la classification ne contient aucune matière (actes:Matieres vide).{again}",
            code="classification.malformed",
        )
        return None
    return Classification(name, date, codes)


# The errors of expat (xml.parsers.expat.errors) a damaged file gives, in French.
EXPAT_FRENCH = {
    2: "syntaxe invalide",
    3: "fichier vide ou coupé avant la fin",
    4: "caractère ou balise invalide",
    5: "balise non fermée",
    7: "balise fermante qui ne correspond pas à la balise ouverte",
    9: "texte après la fin du document",
    19: "encodage déclaré incorrect",
}


def _not_xml(exc: Exception) -> str:
    """ "ce n’est pas du XML valide (… à la ligne 1, colonne 5)" for an
    expat ParseError (its column counted from 1, as a text editor does)."""
    line, column = getattr(exc, "position", (0, 0))
    what = EXPAT_FRENCH.get(getattr(exc, "code", 0), "erreur de syntaxe")
    return (
        f"fichier de classification illisible : ce n’est pas du XML valide ({what} à la "
        f"ligne {line}, colonne {column + 1})."
    )


def _collect(element, ns: str, level: int, prefix: str, codes: dict[str, str]) -> None:
    """The codes of ``element`` (an actes:MatiereN) and of those under it."""
    number = (element.get(f"{ns}CodeMatiere") or element.get("CodeMatiere") or "").strip()
    if not number.isdigit():
        return
    code = f"{prefix}.{int(number)}" if prefix else str(int(number))
    codes[code] = " ".join((element.get(f"{ns}Libelle") or element.get("Libelle") or "").split())
    if level < 5:
        for child in element.iterfind(f"{ns}Matiere{level + 1}"):
            _collect(child, ns, level + 1, code, codes)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None
