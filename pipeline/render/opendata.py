"""The open-data export: deliberations.csv in the SCDL « Délibérations »
format of OpenDataFrance, version 2.1.5 (one row per deliberation)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote

from pipeline.contract import actes_path
from pipeline.render.contexts import extract_filename

if TYPE_CHECKING:
    from pipeline.law.checks import Analysis
    from pipeline.model import Deliberation, Meeting

COLUMNS = [  # the SCDL columns, in order
    "COLL_NOM",
    "COLL_SIRET",
    "DELIB_ID",
    "DELIB_DATE",
    "DELIB_MATIERE_CODE",
    "DELIB_MATIERE_NOM",
    "DELIB_OBJET",
    "BUDGET_ANNEE",
    "BUDGET_NOM",
    "PREF_ID",
    "PREF_DATE",
    "VOTE_EFFECTIF",
    "VOTE_REEL",
    "VOTE_POUR",
    "VOTE_CONTRE",
    "VOTE_ABSTENTION",
    "DELIB_URL",
]


def missing(meeting: Meeting, analysis: Analysis) -> list[str]:
    """What the schema requires and the meeting lacks, in French ([] when
    the CSV can be written)."""
    out = []
    if not meeting.siret:
        out.append("le SIRET de l’organisme (champ « SIRET » de la feuille « Séance »)")
    without = [str(i.deliberation.number) for i in analysis.items if not i.deliberation.subject]
    if without:
        which = "de la délibération" if len(without) == 1 else "des délibérations"
        out.append(f"la matière ACTES (colonne « Matière ») {which} n° " + ", ".join(without))
    return out


def site_folder(name: str, date: dt.date) -> str:
    """ "2016/2016-11-28-bureau": the folder of the meeting named ``name``
    (its folder in data/) in the publication site, output/site/."""
    return f"{date.year}/{name}"


def extract_pdf(d: Deliberation) -> str:
    """ "extraits/B2016_001-cantine-scolaire.pdf": the extract's PDF,
    relative to the meeting's folder (in output/<réunion>/ as in the site)."""
    return str(PurePosixPath(extract_filename(d)).with_suffix(".pdf"))


def delib_url(meeting: Meeting, d: Deliberation) -> str:
    """ "https://www.exemple.fr/actes/2016/seance/extraits/B2016_001-cantine.pdf":
    the « Adresse de publication », where output/site/ is deposited, then
    the extract's PDF in the site, percent-encoded as the site's links are;
    "" without the address."""
    if not meeting.publication_url:
        return ""
    path = f"{site_folder(meeting.name, meeting.date)}/{extract_pdf(d)}"
    return f"{meeting.publication_url}/{quote(path, safe='/')}"


def prefecture(meeting: Meeting, d: Deliberation) -> dict[str, str]:
    """PREF_DATE, the acknowledgement's DateReception, and PREF_ID, the
    « Code préfecture »: both for an act acknowledged only (the SCDL: « ne
    peut être renseigné que si la délibération a effectivement été
    transmise »); PREF_ID also needs the field."""
    if d.acknowledgement is None:
        return {}
    return {
        "PREF_DATE": d.acknowledgement.received.isoformat(),
        "PREF_ID": meeting.prefecture_code,
    }


def scdl_csv(meeting: Meeting, analysis: Analysis) -> bytes:
    """The CSV: UTF-8, comma-separated, a header row."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in analysis.items:
        d = item.deliberation
        # « Matière »: a code and its official name; SCDL takes its level 2 (« 8.1.3 » → « 8.1 »)
        code = ".".join(d.subject.split(" ", 1)[0].split(".")[:2])
        writer.writerow(
            {
                "COLL_NOM": meeting.body,
                "COLL_SIRET": meeting.siret,
                "DELIB_ID": d.act_number or f"{meeting.date:%Y%m%d}_{d.number}",
                "DELIB_DATE": meeting.date.isoformat(),
                "DELIB_MATIERE_CODE": code,
                "DELIB_MATIERE_NOM": actes_path(code),  # « niveau 1/niveau 2 »
                "DELIB_OBJET": d.title,
                "VOTE_EFFECTIF": item.attendance.in_office,
                "VOTE_REEL": item.counts.votants,
                "VOTE_POUR": item.counts.pour,
                "VOTE_CONTRE": item.counts.contre,
                "VOTE_ABSTENTION": item.counts.abstentions,
                "DELIB_URL": delib_url(meeting, d),
                **prefecture(meeting, d),
            }
        )
    return buffer.getvalue().encode("utf-8")
