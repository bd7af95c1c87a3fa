"""The préfecture package's table, ``actes.csv``: one row per act, with the
fields a transmission platform asks for when an act is sent to the
contrôle de légalité (``make-minutes prefecture``, docs/publication.md,
« Le dossier pour la préfecture »).

The columns are named as S²LOW's form names them (libriciel/s2low,
public.ssl/modules/actes/actes_transac_create.php: nature_code, classif1…
classif5, number, decision_date, subject, acte_pdf_file, acte_attachments,
type_acte, type_pj), so that a script can post a row as it is; Pastell's
« Actes (générique) » asks for the same (module/actes-generique/definition.yml:
acte_nature, numero_de_lacte, objet, date_de_lacte, classification, arrete,
autre_document_attache, type_piece). UTF-8 with a byte order mark and « ; »
between fields: Excel opens it as a table, accents included.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from pipeline.model import Deliberation

FOLDER = "prefecture"  # output/<meeting>/prefecture/, a manifest of its own
CSV_NAME = "actes.csv"
NATURE_CODE = "1"  # « Délibérations » in the ACTES natures (CodeNatureActe)
NATURE = "DE"  # its TypeAbrege
TYPE_ACTE = "99_DE"  # the principal file's type (typologie des pièces): a deliberation
LEVELS = 5  # classif1 … classif5, as ACTES has at most five levels

COLUMNS = [
    "nature_code",
    "nature",
    "number",
    "subject",
    "decision_date",
    *(f"classif{i}" for i in range(1, LEVELS + 1)),
    "classification_date",
    "type_acte",
    "acte_pdf_file",
    "acte_attachments",
    "type_pj",
]


def act_filename(d: Deliberation) -> str:
    """ "B2022_017.pdf": an act's PDF is named after its number, unique in
    the body, ASCII, what the platform shows and the clerk looks for."""
    return f"{d.act_number}.pdf"


def objet(d: Deliberation) -> str:
    """The act's objet: its title on one line (the platforms refuse a line
    break in it)."""
    return " ".join(d.title.split())


def subject_code(d: Deliberation) -> str:
    """ "8.1" of « 8.1 Enseignement »: the Matière's code."""
    return d.subject.split(" ", 1)[0] if d.subject else ""


def classification_levels(code: str) -> list[str]:
    """``classif1``… of a code: « 8.1 » → ["8", "1", "", "", ""]."""
    levels = code.split(".") if code else []
    return [*levels, *[""] * (LEVELS - len(levels))][:LEVELS]


def actes_csv(
    deliberations: Iterable[Deliberation], day: dt.date, classified: dt.date | None
) -> bytes:
    """``actes.csv`` for the acts decided on ``day``; ``classified``: the
    date of the préfecture's classification used (None: the nomenclature
    carried by make-minutes, the column left empty)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for d in deliberations:
        writer.writerow(
            [
                NATURE_CODE,
                NATURE,
                d.act_number,
                objet(d),
                day.isoformat(),
                *classification_levels(subject_code(d)),
                classified.isoformat() if classified else "",
                TYPE_ACTE,
                act_filename(d),
                "",  # annexes: none is made per act (the tariffs annex belongs to the minutes)
                "",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
