"""``make-minutes new``: a meeting folder with blank workbooks, ready to
fill, optionally taking over the members and the body's fields of an
earlier meeting (``--from``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline import build
from pipeline.commands import blank
from pipeline.contract import COLUMNS
from pipeline.model import Meeting
from pipeline.problems import Report
from pipeline.read.sources import SKIPPED_FOLDERS, find_meetings
from pipeline.text import fold


def is_meeting_name(name: str) -> bool:
    """A plain folder name, created in data/ and nowhere else: no path
    ("../x", "/x", "C:x"), no hidden folder (never read), no folder the
    meetings keep for themselves, nothing Windows refuses in a name."""
    return not (
        not name.strip()
        or re.search(r'[/\\:<>"|?*\x00-\x1f]', name)
        or name.startswith(".")
        or name.endswith((" ", "."))
        or fold(name) in SKIPPED_FOLDERS
        or re.fullmatch(r"(con|prn|aux|nul|com\d|lpt\d)(\..*)?", name, re.IGNORECASE)
    )


def bad_name(name: str, data: Path) -> str:
    """Why ``name`` cannot name a meeting (see :func:`is_meeting_name`)."""
    return (
        f"« {name} » ne peut pas être le nom d’une réunion : son dossier est créé dans "
        f"« {data} » ; donnez un simple nom de dossier, sans « / », « \\ » ni « : », qui "
        "ne commence pas par un point et n’est ni « templates » ni « exposes », par "
        "exemple « 2025-03-14-bureau »."
    )


def taken_over(meeting: Meeting) -> tuple[dict[str, Any], list[list[Any]]]:
    """What ``--from`` takes from an earlier meeting: the fields of the
    Séance sheet that describe the body (those not empty), and the members
    with their address, e-mail and function; their attendance is reset,
    left to fill. The earlier meeting's date goes into « Procès-verbal
    précédent »: the new meeting approves its minutes (the minutes print
    that approval from this field and « Vote du procès-verbal précédent »,
    so it is no row of Délibérations, which would print it twice)."""
    convener = meeting.convener if meeting.convener != meeting.president else ""
    fields = {
        "Organisme": meeting.body,
        "Instance": meeting.instance,
        "Genre de l'instance": "féminin" if meeting.instance_feminine else "masculin",
        "Membres": meeting.members_word,
        "Lieu": meeting.location,
        "Président": meeting.member(meeting.president).name,
        "Quorum": meeting.quorum_base.value,
        "Seuil du quorum": meeting.quorum_threshold,
        "Titre": meeting.title,
        "Pouvoirs par membre": meeting.proxies_per_member,
        "SIRET": meeting.siret,
        "Code préfecture": meeting.prefecture_code,
        "Adresse de publication": meeting.publication_url,
        "Ville": meeting.city,
        "Délai de convocation": meeting.notice_days,
        "Signataire de la convocation": meeting.member(convener).name if convener else "",
        "Procès-verbal précédent": meeting.date,
    }
    seance = {k: v for k, v in fields.items() if v not in ("", None)}
    order = list(COLUMNS["presences"])
    members = []
    for m in meeting.members:
        row = {
            "college": m.college,
            "civilite": "Mme" if m.feminine else "M.",
            "prenom": m.first_name,
            "nom": m.last_name,
            "adresse": "\n".join(m.address),
            "courriel": m.email,
            "fonction": m.function,
        }
        values = [row.get(key) or None for key in order]
        while values and values[-1] is None:
            values.pop()
        members.append(values)
    return seance, members


def create(data: Path, name: str, earlier: str | None, echo: Callable[..., None]) -> int:
    """Create ``data/name`` (``name`` checked by :func:`is_meeting_name`),
    never over an existing folder; the exit code: 0 when created, 1 when
    the folder exists or ``earlier`` is missing or has errors."""
    folder = data / name
    if folder.exists():
        echo(f"« {folder} » existe déjà : rien n’a été écrasé.", err=True)
        return 1
    seance: dict[str, Any] = {}
    members = None
    if earlier:
        source = (
            next((m for m in find_meetings(data) if m.name == earlier), None)
            if data.is_dir()
            else None
        )
        if source is None:
            echo(f"Réunion « {earlier} » introuvable dans « {data} ».", err=True)
            return 1
        meeting = build.read_meeting(source, Report())
        if meeting is None:
            echo(
                f"La réunion « {earlier} » a des problèmes : lancez « make-minutes check "
                f"{earlier} » et corrigez-les d’abord.",
                err=True,
            )
            return 1
        seance, members = taken_over(meeting)
    written = blank.write_blank(folder, seance, members)
    echo(f"{folder} créé : {', '.join(p.name for p in written)}.")
    if earlier:
        echo(
            f"Le procès-verbal de la réunion « {earlier} » est à approuver : sa date est dans "
            "« Procès-verbal précédent » ; après le vote, remplissez « Vote du procès-verbal "
            "précédent »."
        )
    echo("Remplissez les classeurs, puis lancez « make-minutes check » et « make-minutes ».")
    return 0
