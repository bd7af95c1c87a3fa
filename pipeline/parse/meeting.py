"""Rows → model, one function per sheet. Collects problems, never raises on
bad data: a meeting with any error yields ``None`` and its full report."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline import zipguard
from pipeline.contract import SUBJECT
from pipeline.model import (
    Ballot,
    Block,
    Contribution,
    Counts,
    Deliberation,
    ExposeFile,
    Meeting,
    Member,
    NamedVote,
    OtherItem,
    QuorumBase,
    Status,
    Tariff,
    Vote,
    VoteRecord,
)
from pipeline.parse import values
from pipeline.problems import Place, Report
from pipeline.read.sources import (
    SHEET_TITLES,
    Cell,
    MeetingSource,
    Sheet,
    is_ignored_file,
    read_workbook,
    with_column,
)
from pipeline.text import fold

NOT_YET = "n’est pas encore pris en charge par cette version"
NOT_YET_F = "n’est pas encore prise en charge par cette version"  # la colonne, la feuille


@dataclass(frozen=True)
class Column:
    title: str  # as the spec names it, for messages
    names: tuple[str, ...]  # folded forms accepted
    required: bool = False
    supported: bool = True


def _col(title: str, *synonyms: str, required: bool = False, supported: bool = True) -> Column:
    return Column(title, tuple(fold(n) for n in (title, *synonyms)), required, supported)


NUMBER_SYNONYMS = ("No", "Num", "Numéro", "Numero")

COLUMNS: dict[str, dict[str, Column]] = {
    "presences": {
        "college": _col("Collège"),
        "civilite": _col("Civilité", required=True),
        "prenom": _col("Prénom", required=True),
        "nom": _col("Nom", required=True),
        "statut": _col("Statut", required=True),
        "pouvoir": _col("Pouvoir à", "Pouvoir donné à", "Mandataire"),
        "supplee": _col("Suppléé par", "Suppléant"),
        "arrivee": _col("Arrivée"),
        "depart": _col("Départ"),
    },
    "deliberations": {
        "numero": _col("N°", *NUMBER_SYNONYMS, required=True),
        "titre": _col("Titre", required=True),
        "expose": _col("Exposé"),
        "debats": _col("Débats"),
        "decision": _col("Décision"),
        "vote": _col("Vote", "Votes"),
        "pour": _col("Pour"),
        "contre": _col("Contre"),
        "abstentions": _col("Abstentions", "Abstention"),
        "nppv": _col("NPPV"),
        "scrutin": _col("Scrutin"),
        "se_retirent": _col("Se retirent"),
        "presidence": _col("Présidence"),
        "partie": _col("Partie"),
        "numero_acte": _col("Numéro d'acte"),
        "matiere": _col("Matière"),
    },
    "autres_points": {
        "partie": _col("Partie", required=True),
        "titre": _col("Titre"),
        "texte": _col("Texte"),
        "tarifs": _col("Tarifs"),
    },
    "votes": {
        "numero": _col("N°", *NUMBER_SYNONYMS, required=True),
        "membre": _col("Membre", required=True),
        "vote": _col("Vote", "Votes", required=True),
    },
    "tarifs": {
        "budget": _col("Budget"),
        "service": _col("Service", required=True),
        "categorie": _col("Catégorie", required=True),
        "tarif": _col("Tarif HT", "Tarif", required=True),
        "unite": _col("Unité"),
        "plancher": _col("Plancher HT", "Plancher"),
        "plafond": _col("Plafond HT", "Plafond"),
        "precedent": _col("Tarif précédent HT", "Tarif précédent"),
        "annee": _col("Année"),
    },
    "contributions": {
        "collectivite": _col("Collectivité", required=True),
        "service": _col("Service", required=True),
        "categorie": _col("Catégorie", required=True),
        "quantite": _col("Quantité", required=True),
    },
}


@dataclass(frozen=True)
class Field:
    title: str
    required: bool = False
    supported: bool = True


FIELDS: dict[str, Field] = {
    fold(f.title): f
    for f in (
        Field("Organisme", True),
        Field("Instance", True),
        Field("Genre de l'instance"),
        Field("Membres"),
        Field("Date", True),
        Field("Heure d'ouverture", True),
        Field("Heure de clôture"),
        Field("Date de convocation", True),
        Field("Lieu"),
        Field("Président", True),
        Field("Secrétaire de séance", True),
        Field("Procès-verbal précédent"),
        Field("Vote du procès-verbal précédent"),
        Field("Quorum"),
        Field("Seuil du quorum"),
        Field("Titre"),
        Field("Deuxième convocation"),
        Field("Pouvoirs par membre"),
        Field("Numérotation"),
        Field("Premier numéro"),
        Field("SIRET"),
    )
}

CIVILITIES = {"m": False, "monsieur": False, "mme": True, "madame": True}
STATUSES = {
    "present": Status.PRESENT,
    "presente": Status.PRESENT,
    "present e": Status.PRESENT,
    "excuse": Status.EXCUSED,
    "excusee": Status.EXCUSED,
    "excuse e": Status.EXCUSED,
    "absent": Status.ABSENT,
    "absente": Status.ABSENT,
    "absent e": Status.ABSENT,
}
STATUSES.update(dict.fromkeys(("supplee", "suppleee", "supplee e"), Status.SUBSTITUTED))
STATUS_WORDS = "« présent », « excusé », « absent » ou « suppléé »"
VOTES = {
    "pour": Vote.POUR,
    "contre": Vote.CONTRE,
    "abstention": Vote.ABSTENTION,
    "abstentions": Vote.ABSTENTION,
    "nppv": Vote.NPPV,
    "ne prend pas part au vote": Vote.NPPV,
}
BALLOTS = {
    "main levee": Ballot.SHOW_OF_HANDS,
    "a main levee": Ballot.SHOW_OF_HANDS,
    "public": Ballot.PUBLIC,
    "scrutin public": Ballot.PUBLIC,
    "appel nominal": Ballot.PUBLIC,
    "secret": Ballot.SECRET,
    "scrutin secret": Ballot.SECRET,
}
YES_NO = {"oui": True, "non": False, "o": True, "n": False, "vrai": True, "faux": False}
UNANIMITY = {"unanimite", "a l unanimite", "unanime"}


# --- sheets and tables --------------------------------------------------------


def _gather(source: MeetingSource, report: Report) -> dict[str, Sheet]:
    sheets: dict[str, Sheet] = {}
    for path in source.files:
        for sheet in read_workbook(path, report):
            if sheet.key in sheets:
                first = sheets[sheet.key]
                report.error(
                    sheet.place,
                    f"la feuille « {SHEET_TITLES[sheet.key]} » apparaît deux fois dans cette "
                    f"réunion (aussi dans {first.place}) : gardez-en une seule.",
                )
            else:
                sheets[sheet.key] = sheet
    return sheets


@dataclass(frozen=True)
class Row:
    number: int
    place: Place  # file, sheet, row
    cells: dict[str, Cell]  # column key → non-empty cell
    headers: frozenset[str] = frozenset()  # column keys found in the header row


def _table(sheet: Sheet, report: Report) -> list[Row]:
    """The rows of a sheet whose first non-empty row holds the headers."""
    columns = COLUMNS[sheet.key]
    if not sheet.grid:
        if not sheet.refused:  # a refused sheet has its own message already
            report.error(sheet.place, "la feuille est vide : attendu une ligne d’en-têtes.")
        return []
    header = sheet.cells(0)
    by_name = {name: key for key, col in columns.items() for name in col.names}
    index: dict[str, tuple[int, str]] = {}
    for i, cell in enumerate(header):
        if cell.value is None:
            continue
        title = values.text(cell)
        key = by_name.get(fold(title))
        if key is None:
            known = ", ".join(f"« {c.title} »" for c in columns.values())
            report.warning(
                cell.place,
                f"colonne « {title} » ignorée : elle n’est pas reconnue (colonnes : {known}).",
            )
        elif key in index:
            report.error(cell.place, f"la colonne « {title} » apparaît deux fois.")
        else:
            index[key] = (i, title)
    for key, col in columns.items():
        if col.required and key not in index:
            report.error(
                Place(sheet.file, sheet.name, row=header[0].place.row),
                f"colonne obligatoire « {col.title} » introuvable dans la ligne d’en-têtes.",
            )
    rows = []
    base, make = sheet.place, tuple.__new__  # Cell's __new__ without its Python frame
    wanted = [(key, i + 1, title) for key, (i, title) in index.items()]
    headers = frozenset(index)
    unsupported = {key for key in index if not columns[key].supported}
    for r, filled in sheet.grid[1:]:  # a hundred thousand rows of Votes: only the cells used
        found = {
            key: make(Cell, (filled[c], base, r, c, title))
            for key, c, title in wanted
            if c in filled
        }
        if not found:
            continue
        place = Place(sheet.file, sheet.name, row=r)
        for key in unsupported.intersection(found):
            report.error(found[key].place, f"la colonne « {columns[key].title} » {NOT_YET_F}.")
        rows.append(Row(r, place, found, headers))
    return rows


def _required(row: Row, key: str, sheet: str, report: Report) -> Cell | None:
    cell = row.cells.get(key)
    # A column missing from the header is reported once, not on every row.
    if cell is None and key in row.headers:
        title = COLUMNS[sheet][key].title
        report.error(
            Place(row.place.file, row.place.sheet, row=row.number, column=title),
            "cellule vide : cette colonne est obligatoire.",
        )
    return cell


# --- text cells -----------------------------------------------------------------

_BULLET = re.compile(r"^([ \t]*)[-•]\s+(.*)$")


def blocks(cell: Cell | None) -> tuple[Block, ...]:
    """Paragraphs and bullets of a text cell: a line is a paragraph; a line
    starting with "- " or "• " a bullet; two spaces or a tab per extra level."""
    if cell is None:
        return ()
    out = []
    for line in values.text(cell).split("\n"):
        if not line.strip():
            continue
        bullet = _BULLET.match(line)
        if bullet:
            indent = bullet[1].replace("\t", "  ")
            out.append(Block(bullet[2].strip(), 1 + len(indent) // 2))
        else:
            out.append(Block(line.strip(), 0))
    return tuple(out)


# --- names -------------------------------------------------------------------------


class Names:
    """Resolves "Prénom Nom" typed anywhere to a member key."""

    def __init__(self, members: list[Member], unreadable: set[str] | None = None):
        self.members = {m.key: m for m in members}
        # A substitute may be named by the substitute's own name.
        self.substitutes = {fold(m.substitute): m.key for m in members if m.substitute}
        self.unreadable = unreadable or set()  # rows of Présences already reported

    def resolve(self, cell: Cell, text: str, report: Report, role: str) -> str | None:
        key = fold(text)
        if key in self.members:
            return key
        if key in self.substitutes:
            return self.substitutes[key]
        if key in self.unreadable:
            return None
        hint = ""
        close = difflib.get_close_matches(key, list(self.members), n=1, cutoff=0.75)
        if close:
            hint = f" Vouliez-vous dire « {self.members[close[0]].name} » ?"
        report.error(
            cell.place,
            f"{role} « {text} » introuvable dans la feuille « Présences » : attendu le prénom et "
            f"le nom d’un membre.{hint}",
        )
        return None


# --- Présences ----------------------------------------------------------------------


@dataclass(frozen=True)
class _RawMember:
    member: Member
    proxy_cell: Cell | None
    moves: dict[str, Cell]  # "arrivee", "depart" → cell, checked against the agenda


def parse_presences(
    sheet: Sheet, report: Report, unreadable: set[str] | None = None
) -> list[_RawMember]:
    """The members; ``unreadable`` receives the names of rows with an error."""
    raw: list[_RawMember] = []
    seen: dict[str, Place] = {}
    for row in _table(sheet, report):
        cells = [
            _required(row, k, "presences", report) for k in ("civilite", "prenom", "nom", "statut")
        ]
        civ_cell, first_cell, last_cell, status_cell = cells
        feminine = status = None
        if civ_cell:
            feminine = values.choice(civ_cell, report, CIVILITIES, "« M. » ou « Mme »")
        if status_cell:
            status = values.choice(status_cell, report, STATUSES, STATUS_WORDS)
        substitute = row.cells.get("supplee")
        if status is Status.SUBSTITUTED and substitute is None:
            report.error(
                replace(row.place, column="Suppléé par"),
                "statut « suppléé » : indiquez dans « Suppléé par » le nom du suppléant qui siège.",
            )
        elif substitute is not None and status not in (None, Status.SUBSTITUTED):
            report.error(
                substitute.place,
                f"un suppléant est indiqué mais le statut est « {status.value} » : "
                "mettez le statut « suppléé » ou videz la cellule.",
            )
        moves = {k: row.cells[k] for k in ("arrivee", "depart") if k in row.cells}
        arrival, departure = (
            values.whole(moves[k], report, 1) if k in moves else None for k in ("arrivee", "depart")
        )
        if moves and status not in (None, Status.PRESENT):
            first_move = next(iter(moves.values()))
            report.error(
                first_move.place,
                f"une arrivée ou un départ concerne un membre présent, or le statut est "
                f"« {status.value} ».",
            )
        if None in (feminine, status, first_cell, last_cell):
            if first_cell and last_cell and unreadable is not None:
                unreadable.add(fold(f"{values.text(first_cell)} {values.text(last_cell)}"))
            continue
        first, last = values.text(first_cell), values.text(last_cell)
        key = fold(f"{first} {last}")
        if key in seen:
            report.error(
                row.place, f"« {first} {last} » figure deux fois (aussi à la {seen[key]})."
            )
            continue
        seen[key] = row.place
        college = values.text(row.cells["college"]) if "college" in row.cells else ""
        member = Member(
            key,
            feminine,
            first,
            last,
            status,
            college,
            None,
            row.place,
            values.text(substitute) if substitute is not None else "",
            arrival,
            departure,
        )
        raw.append(_RawMember(member, row.cells.get("pouvoir"), moves))
    return raw


# --- Séance ---------------------------------------------------------------------------


def _seance_fields(sheet: Sheet, report: Report) -> dict[str, Cell]:
    """Field name (folded) → its value cell. A first row "Champ | Valeur" is
    the header; an unknown field is an error naming its row."""
    rows = list(sheet.rows)
    if rows and fold(values.text(rows[0][0]) if rows[0][0].value is not None else "") == "champ":
        rows = rows[1:]
    found: dict[str, Cell] = {}
    for cells in rows:
        name_cell = cells[0]
        value_cell = cells[1] if len(cells) > 1 else None
        if name_cell.value is None:
            if value_cell is not None and value_cell.value is not None:
                report.error(name_cell.place, "valeur sans nom de champ en colonne A.")
            continue
        key = fold(values.text(name_cell))
        field = FIELDS.get(key)
        if field is None:
            close = difflib.get_close_matches(key, list(FIELDS), n=1, cutoff=0.6)
            hint = f" Vouliez-vous dire « {FIELDS[close[0]].title} » ?" if close else ""
            report.error(name_cell.place, f"champ inconnu « {values.text(name_cell)} ».{hint}")
            continue
        if key in found:
            report.error(name_cell.place, f"le champ « {field.title} » apparaît deux fois.")
            continue
        if value_cell is None or value_cell.value is None:
            continue
        value_cell = with_column(value_cell, field.title)
        if not field.supported:
            report.error(value_cell.place, f"le champ « {field.title} » {NOT_YET}.")
            continue
        found[key] = value_cell
    for key, field in FIELDS.items():
        if field.required and key not in found:
            report.error(sheet.place, f"champ obligatoire « {field.title} » manquant ou vide.")
    return found


def _vote_record(cell: Cell, report: Report) -> VoteRecord | None:
    """``unanimité``, or counts written ``12 pour, 1 contre, 2 abstentions``."""
    raw = values.text(cell)
    if fold(raw) in UNANIMITY:
        return VoteRecord(True, None, cell.place)
    found = dict.fromkeys(("pour", "contre", "abstentions", "nppv"), 0)
    words = {
        "pour": "pour",
        "contre": "contre",
        "abstention": "abstentions",
        "abstentions": "abstentions",
        "nppv": "nppv",
    }
    parts = [fold(p) for p in re.split(r"[,;]|\bet\b", raw.lower()) if p.strip()]
    for part in parts:
        m = re.fullmatch(r"(\d+) (?:voix )?(pour|contre|abstentions?|nppv)", part)
        if not m:
            report.error(
                cell.place,
                f"vote illisible « {raw} » : attendu « unanimité » ou des décomptes comme "
                "« 12 pour, 1 contre, 2 abstentions ».",
            )
            return None
        found[words[m[2]]] += int(m[1])
    return VoteRecord(False, Counts(**found), cell.place)


def _cell_value(fields: dict[str, Cell], name: str, reader, report: Report, *args) -> Any:
    cell = fields.get(fold(name))
    return None if cell is None else reader(cell, report, *args)


# --- Délibérations et autres points -----------------------------------------------------

DEFAULT_PART = "DÉLIBÉRATIONS"
MAX_NAME = 150  # Organisme, Instance: they go into titles and document properties


def _is_file_reference(text: str) -> bool:
    return "\n" not in text and bool(re.search(r"\.(docx?|odt|rtf)$", text.strip(), re.IGNORECASE))


EXPOSES = "exposes"  # the folder of a meeting that holds its Word exposés


def exposes_folder(meeting: Path) -> Path:
    """``<meeting>/exposes`` (also found as « Exposés », « EXPOSES »…)."""
    if meeting.is_dir():
        for child in sorted(meeting.iterdir()):
            if child.is_dir() and fold(child.name) == EXPOSES:
                return child
    return meeting / EXPOSES


def _same_name(a: str, b: str) -> bool:
    """File names as Windows compares them (and macOS writes accents)."""
    return unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold()


def expose_file(cell: Cell, meeting: Path, report: Report) -> ExposeFile | None:
    """The Word document an Exposé cell names (« exposes/01.docx » or
    « 01.docx »), checked: inside the meeting's exposes/ folder, present, a
    .docx that is neither hostile nor broken. None, with the error, otherwise."""
    typed = values.text(cell).strip()
    parts = [p for p in typed.replace("\\", "/").split("/") if p not in ("", ".")]
    if len(parts) > 1 and fold(parts[0]) == EXPOSES:
        parts = parts[1:]
    folder = exposes_folder(meeting)
    if not folder.resolve().is_relative_to(meeting.resolve()):  # a link to another folder
        report.error(
            cell.place,
            f"exposé « {typed} » refusé : le dossier « {folder} » est un lien vers "
            f"« {folder.resolve()} », hors du dossier de la réunion ; remplacez ce lien par un "
            "vrai dossier « exposes » qui contient les exposés.",
        )
        return None
    outside = (
        typed.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", typed) is not None
        or ".." in parts
        or not parts
    )
    if not outside:
        path = folder.joinpath(*parts)
        if not path.exists() and path.parent.is_dir():
            # Typed as Windows would find it: another case, other accents.
            found = [c for c in path.parent.iterdir() if _same_name(c.name, parts[-1])]
            path = found[0] if len(found) == 1 else path
        outside = path.exists() and not path.resolve().is_relative_to(folder.resolve())
    if outside:
        report.error(
            cell.place,
            f"exposé « {typed} » refusé : indiquez le nom d’un fichier du dossier « {folder} » "
            "(« exposes/01.docx » ou « 01.docx »), sans chemin qui en sorte.",
        )
        return None
    suffix = "." + parts[-1].rsplit(".", 1)[-1].lower()
    if suffix != ".docx":
        report.error(
            cell.place,
            f"exposé « {typed} » : le format {suffix} n’est pas lu ; ouvrez ce document dans Word "
            f"ou LibreOffice, enregistrez-le au format Word (.docx) dans le dossier « {folder} » "
            f"et indiquez « {EXPOSES}/{parts[-1][: -len(suffix)]}.docx ».",
        )
        return None
    if not path.is_file():
        present = sorted(
            c.name
            for c in (folder.iterdir() if folder.is_dir() else ())
            if c.suffix.lower() == ".docx" and not is_ignored_file(c)
        )
        listed = (
            f"fichiers présents : {', '.join(present)}"
            if present
            else ("ce dossier n’existe pas" if not folder.is_dir() else "ce dossier est vide")
        )
        report.error(
            cell.place,
            f"exposé « {typed} » introuvable dans le dossier « {folder} » ({listed}).",
        )
        return None
    refused = zipguard.refusal(path, "ce document", count_rows=False)
    if not refused:
        import docx  # heavy: imported where used

        try:
            refused = _linked_picture(docx.Document(str(path)))
        except Exception:  # noqa: BLE001 - not a zip, not Word, a broken part…
            refused = (
                "ce fichier n’est pas un document Word (.docx) valide ; ouvrez-le dans Word ou "
                "LibreOffice et enregistrez-le au format .docx."
            )
    if refused:
        report.error(cell.place, f"exposé « {typed} » : {refused}")
        return None
    return ExposeFile(path, typed, cell.place)


_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PICTURES = (
    "{http://schemas.openxmlformats.org/drawingml/2006/main}blip",
    "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip",
    "{urn:schemas-microsoft-com:vml}imagedata",  # a picture of an older Word
)


def _linked_picture(document: Any) -> str:
    """Why a Word exposé cannot be embedded, or "": a picture it only links
    to a file (Word's « Lier au fichier ») would show nowhere but on its
    author's computer. A picture it stores as well is embedded, its link
    dropped (``documents._embed``)."""
    rels = document.part.rels
    for picture in document.element.body.iter(*_PICTURES):
        rid = picture.get(f"{_R}link") or picture.get(f"{_R}id")
        rel = rels.get(rid or "")
        if picture.get(f"{_R}embed") or not rid or rel is not None and not rel.is_external:
            continue
        return (
            f"ce document montre une image liée au fichier « {rel.target_ref if rel else rid} » "
            "au lieu de la contenir : elle ne pourrait pas s’afficher dans le procès-verbal. Dans "
            "Word, Fichier > Informations > Modifier les liens d’accès aux fichiers, cochez "
            "« Enregistrer l’image dans le document » et enregistrez l’exposé (ou insérez "
            "l’image de nouveau sans la lier au fichier)."
        )
    return ""


def parse_deliberations(
    sheet: Sheet, report: Report, meeting: Path
) -> list[tuple[Deliberation, Row]]:
    """The items put to the vote, each with its row (names are resolved once
    the members are known). An Exposé naming a file is looked up in the
    exposes/ folder of ``meeting`` (the meeting's folder)."""
    out: list[tuple[Deliberation, Row]] = []
    numbers: dict[int, Place] = {}
    for row in _table(sheet, report):
        num_cell = _required(row, "numero", "deliberations", report)
        title_cell = _required(row, "titre", "deliberations", report)
        number = values.whole(num_cell, report, 1) if num_cell else None
        if number is not None:
            if number in numbers:
                report.error(
                    num_cell.place, f"le N° {number} est déjà utilisé ({numbers[number]})."
                )
            numbers[number] = row.place
        expose = row.cells.get("expose")
        word_expose = None
        if expose is not None and _is_file_reference(values.text(expose)):
            word_expose = expose_file(expose, meeting, report)
            expose = None  # the file's name is not the exposé
        ballot = Ballot.SHOW_OF_HANDS
        if "scrutin" in row.cells:
            ballot = values.choice(
                row.cells["scrutin"], report, BALLOTS, "« main levée », « public » ou « secret »"
            )
        vote = _deliberation_vote(row, report)
        if number is None or title_cell is None or ballot is None:
            continue
        part = values.text(row.cells["partie"]) if "partie" in row.cells else DEFAULT_PART
        optional = {
            k: values.text(row.cells[k]) for k in ("numero_acte", "matiere") if k in row.cells
        }
        subject = row.cells.get("matiere")
        if subject is not None:
            optional["matiere"] = " ".join(values.text(subject).split())
        if subject is not None and not SUBJECT.match(optional["matiere"]):
            report.error(
                subject.place,
                f"matière « {values.text(subject)} » illisible : attendu le code ACTES puis son "
                "nom, par exemple « 8.1 Enseignement ».",
            )
        deliberation = Deliberation(
            number,
            values.text(title_cell),
            blocks(expose),
            blocks(row.cells.get("debats")),
            blocks(row.cells.get("decision")),
            vote,
            part,
            row.place,
            ballot=ballot,
            act_number=optional.get("numero_acte", ""),
            subject=optional.get("matiere", ""),
            expose_file=word_expose,
        )
        out.append((deliberation, row))
    return out


def _resolve_item_names(
    deliberation: Deliberation, row: Row, names: Names, report: Report
) -> Deliberation:
    """Se retirent (several names, ``;``-separated) and Présidence."""
    withdrawn = []
    if cell := row.cells.get("se_retirent"):
        for name in values.text(cell).split(";"):
            if name.strip() and (key := names.resolve(cell, name.strip(), report, "membre")):
                withdrawn.append(key)
    presiding = None
    if cell := row.cells.get("presidence"):
        presiding = names.resolve(cell, values.text(cell), report, "président(e) de séance")
    return replace(deliberation, withdrawn=tuple(withdrawn), presiding=presiding)


def parse_votes(sheet: Sheet, names: Names, numbers: set[int], report: Report) -> list[NamedVote]:
    """Named votes: a deliberation's N°, a member (or substitute), a vote."""
    out = []
    for row in _table(sheet, report):
        num_cell, member_cell, vote_cell = (
            _required(row, k, "votes", report) for k in ("numero", "membre", "vote")
        )
        number = values.whole(num_cell, report, 1) if num_cell else None
        if number is not None and number not in numbers:
            report.error(
                num_cell.place,
                f"aucune délibération n° {number} dans la feuille « Délibérations ».",
            )
            number = None
        member = (
            names.resolve(member_cell, values.text(member_cell), report, "membre")
            if member_cell
            else None
        )
        vote = (
            values.choice(
                vote_cell, report, VOTES, "« pour », « contre », « abstention » ou « nppv »"
            )
            if vote_cell
            else None
        )
        if None not in (number, member, vote):
            out.append(NamedVote(number, member, vote, row.place))
    return out


def _deliberation_vote(row: Row, report: Report) -> VoteRecord | None:
    vote_cell = row.cells.get("vote")
    counts: dict[str, int] = {}
    bad = False
    for key in ("pour", "contre", "abstentions", "nppv"):
        if key in row.cells:
            n = values.whole(row.cells[key], report)
            bad |= n is None
            counts[key] = n or 0
    if bad:
        return None
    if vote_cell is not None:
        if fold(values.text(vote_cell)) not in UNANIMITY:
            report.error(
                vote_cell.place,
                f"valeur inconnue « {values.text(vote_cell)} » : attendu « unanimité », ou la "
                "cellule vide et les décomptes dans Pour, Contre, Abstentions, NPPV.",
            )
            return None
        full = {k: counts.get(k, 0) for k in ("pour", "contre", "abstentions", "nppv")}
        return VoteRecord(True, Counts(**full) if counts else None, vote_cell.place)
    if counts:
        return VoteRecord(
            False,
            Counts(**{k: counts.get(k, 0) for k in ("pour", "contre", "abstentions", "nppv")}),
            row.place,
        )
    return None


def parse_other_items(sheet: Sheet, report: Report) -> list[OtherItem]:
    out = []
    for row in _table(sheet, report):
        part_cell = _required(row, "partie", "autres_points", report)
        if "texte" not in row.cells and "tarifs" not in row.cells:
            _required(row, "texte", "autres_points", report)
        if part_cell is None:
            continue
        title = values.text(row.cells["titre"]) if "titre" in row.cells else ""
        tariffs = row.cells.get("tarifs")
        out.append(
            OtherItem(
                values.text(part_cell),
                title,
                blocks(row.cells.get("texte")),
                row.place,
                values.text(tariffs) if tariffs is not None else None,
            )
        )
    return out


# --- Tarifs et Contributions ---------------------------------------------------------------


def _money(row: Row, key: str, report: Report) -> Decimal | None:
    """A non-negative amount of an optional column (None when empty or bad)."""
    cell = row.cells.get(key)
    if cell is None:
        return None
    value = values.decimal(cell, report, "un montant en euros")
    if value is not None and value < 0:
        report.error(
            cell.place,
            f"montant négatif « {values.shown(cell.value)} » : attendu un nombre positif ou nul.",
        )
        return None
    return value


def parse_tariffs(sheet: Sheet, report: Report) -> list[Tariff]:
    out: list[Tariff] = []
    seen: dict[tuple[str, str], Place] = {}
    for row in _table(sheet, report):
        service, category, rate_cell = (
            _required(row, k, "tarifs", report) for k in ("service", "categorie", "tarif")
        )
        rate = _money(row, "tarif", report) if rate_cell else None
        floor, ceiling = _money(row, "plancher", report), _money(row, "plafond", report)
        previous = _money(row, "precedent", report)
        year = values.whole(row.cells["annee"], report, 1) if "annee" in row.cells else None
        if floor is not None and ceiling is not None and floor > ceiling:
            report.error(
                row.cells["plancher"].place,
                f"le plancher ({values.shown(row.cells['plancher'].value)}) dépasse le plafond "
                f"({values.shown(row.cells['plafond'].value)}).",
            )
        if service is None or category is None or rate is None:
            continue
        pair = (fold(values.text(service)), fold(values.text(category)))
        if pair in seen:
            report.error(
                row.place,
                f"le couple Service « {values.text(service)} » / Catégorie « {values.text(category)} » "
                f"figure déjà à la {seen[pair]} : un seul tarif par catégorie d’un service.",
            )
            continue
        seen[pair] = row.place
        budget = values.text(row.cells["budget"]) if "budget" in row.cells else ""
        unit = values.text(row.cells["unite"]) if "unite" in row.cells else ""
        out.append(
            Tariff(
                budget,
                values.text(service),
                values.text(category),
                rate,
                unit,
                floor,
                ceiling,
                previous,
                year,
                row.place,
            )
        )
    return out


def parse_contributions(
    sheet: Sheet, tariffs: list[Tariff] | None, report: Report
) -> list[Contribution]:
    """Each row's Service/Catégorie pair must be a row of Tarifs."""
    if tariffs is None:
        report.error(
            sheet.place,
            "une feuille « Contributions » demande une feuille « Tarifs » qui donne le tarif "
            "de chaque service et catégorie.",
        )
        return []
    known = {t.key: t for t in tariffs}
    out: list[Contribution] = []
    seen: dict[tuple[str, str], Place] = {}
    for row in _table(sheet, report):
        payer, service, category, quantity_cell = (
            _required(row, k, "contributions", report)
            for k in ("collectivite", "service", "categorie", "quantite")
        )
        quantity = None
        if quantity_cell is not None:
            quantity = values.decimal(quantity_cell, report, "une quantité (nombre)")
            if quantity is not None and quantity < 0:
                report.error(
                    quantity_cell.place,
                    f"quantité négative « {values.shown(quantity_cell.value)} ».",
                )
                quantity = None
        if None in (payer, service, category, quantity):
            continue
        pair = (fold(values.text(service)), fold(values.text(category)))
        if pair not in known:
            report.error(
                row.place,
                f"aucun tarif pour le service « {values.text(service)} » et la catégorie "
                f"« {values.text(category)} » dans la feuille « Tarifs ».",
            )
            continue
        tariff = known[pair]
        who = (fold(values.text(payer)), pair[0])
        if who in seen:
            report.warning(
                row.place,
                f"« {values.text(payer)} » figure déjà pour ce service à la {seen[who]} : "
                "sa contribution sera comptée deux fois.",
            )
        seen[who] = row.place
        out.append(
            Contribution(values.text(payer), tariff.service, tariff.category, quantity, row.place)
        )
    return out


# --- the meeting ---------------------------------------------------------------------------

GENDERS = {"masculin": False, "m": False, "feminin": True, "f": True}
QUORUM_BASES = {
    "presents": QuorumBase.PRESENT,
    "presents ou representes": QuorumBase.PRESENT_OR_REPRESENTED,
}


def parse_meeting(source: MeetingSource, report: Report) -> Meeting | None:
    """The meeting of ``source``, or None with every problem in ``report``."""
    unreadable_before = len(report.errors)
    sheets = _gather(source, report)
    # A workbook that could not be opened may hold the missing sheets: its own
    # error says so; don't add guesses about what it contained.
    if not any(p.place.sheet == "" and p.place.file for p in report.errors[unreadable_before:]):
        for key in ("seance", "presences", "deliberations"):
            if key not in sheets:
                names = ", ".join(p.name for p in source.files)
                report.error(
                    Place(source.name),
                    f"feuille obligatoire « {SHEET_TITLES[key]} » introuvable dans les classeurs "
                    f"de la réunion ({names}).",
                )
    fields = _seance_fields(sheets["seance"], report) if "seance" in sheets else {}
    unreadable: set[str] = set()
    raw_members = (
        parse_presences(sheets["presences"], report, unreadable) if "presences" in sheets else []
    )
    parsed_items = (
        parse_deliberations(sheets["deliberations"], report, source.folder)
        if "deliberations" in sheets
        else []
    )
    others = parse_other_items(sheets["autres_points"], report) if "autres_points" in sheets else []
    # A sheet left with its headers only (as "make-minutes new" makes them) is no sheet.
    for key in ("tarifs", "contributions", "votes", "autres_points"):
        if key in sheets and len(sheets[key].grid) <= 1:
            del sheets[key]
    tariffs = parse_tariffs(sheets["tarifs"], report) if "tarifs" in sheets else None
    contributions = (
        parse_contributions(sheets["contributions"], tariffs, report)
        if "contributions" in sheets
        else []
    )
    services = {fold(t.service): t.service for t in tariffs or []}
    for item in others:
        if item.tariff_service is not None and fold(item.tariff_service) not in services:
            known = ", ".join(f"« {name} »" for name in services.values()) or "aucun"
            report.error(
                replace(item.place, column="Tarifs"),
                f"service « {item.tariff_service} » introuvable dans la feuille « Tarifs » "
                f"(services : {known}).",
            )
    if "presences" in sheets and not raw_members and not report.errors:
        report.error(
            sheets["presences"].place,
            "aucun membre : une ligne par membre en exercice est attendue.",
        )

    names = Names([r.member for r in raw_members], unreadable)
    members = []
    numbers = {d.number for d, _ in parsed_items}
    for r in raw_members:
        holder = None
        if r.proxy_cell is not None:
            holder = names.resolve(
                r.proxy_cell, values.text(r.proxy_cell), report, "titulaire du pouvoir"
            )
        members.append(_with_proxy(r.member, holder))
        _check_moves(r, numbers, [d.number for d, _ in parsed_items], report)
    deliberations = [_resolve_item_names(d, row, names, report) for d, row in parsed_items]
    votes = parse_votes(sheets["votes"], names, numbers, report) if "votes" in sheets else []

    def get(name: str, reader, *args):
        return _cell_value(fields, name, reader, report, *args)

    def text_field(name: str, default: str = "") -> str:
        cell = fields.get(fold(name))
        return values.text(cell) if cell is not None else default

    for name in ("Organisme", "Instance", "Membres"):
        cell = fields.get(fold(name))
        if cell is not None and len(values.text(cell)) > MAX_NAME:
            report.error(
                cell.place,
                f"texte trop long ({len(values.text(cell))} caractères) : un nom de moins de "
                f"{MAX_NAME} caractères est attendu.",
            )

    date = get("Date", values.date)
    opening = get("Heure d'ouverture", values.time)
    closing = get("Heure de clôture", values.time)
    convocation = get("Date de convocation", values.date)
    previous = get("Procès-verbal précédent", values.date)
    previous_vote = get("Vote du procès-verbal précédent", _vote_record)
    feminine = get("Genre de l'instance", values.choice, GENDERS, "« masculin » ou « féminin »")
    base = get("Quorum", values.choice, QUORUM_BASES, "« présents » ou « présents ou représentés »")
    threshold = _threshold(fields.get(fold("Seuil du quorum")), report)
    per_member = get("Pouvoirs par membre", values.whole, 1)
    second = get("Deuxième convocation", values.choice, YES_NO, "« oui » ou « non »")
    first_number = get("Premier numéro", values.whole, 1)
    pattern_cell = fields.get(fold("Numérotation"))
    if date is not None:
        deliberations = _act_numbers(deliberations, pattern_cell, first_number or 1, date, report)
    siret = text_field("SIRET").replace(" ", "")
    if siret and not re.fullmatch(r"\d{14}", siret):
        report.error(
            fields[fold("SIRET")].place, f"SIRET attendu sur 14 chiffres, trouvé « {siret} »."
        )

    # Without a Présences sheet (already reported) no name can be checked.
    has_members = "presences" in sheets
    president = None
    if has_members and (cell := fields.get(fold("Président"))):
        president = names.resolve(cell, values.text(cell), report, "président(e)")
    secretaries = []
    if has_members and (cell := fields.get(fold("Secrétaire de séance"))):
        for name in values.text(cell).split(";"):
            if name.strip():
                key = names.resolve(cell, name.strip(), report, "secrétaire de séance")
                if key:
                    secretaries.append(key)

    has_vote = fold("Vote du procès-verbal précédent") in fields
    has_previous = fold("Procès-verbal précédent") in fields
    if has_previous and not has_vote:
        report.error(
            sheets["seance"].place,
            "champ « Vote du procès-verbal précédent » manquant : indiquez comment le "
            "procès-verbal précédent a été adopté (« unanimité » ou les décomptes).",
        )
    if has_vote and not has_previous:
        report.error(
            fields[fold("Vote du procès-verbal précédent")].place,
            "vote sans date : indiquez la date de la réunion dans le champ « Procès-verbal précédent ».",
        )
    if date and convocation and convocation > date:
        report.error(
            fields[fold("Date de convocation")].place,
            f"la convocation ({convocation.strftime('%d/%m/%Y')}) est postérieure à la séance ({date.strftime('%d/%m/%Y')}).",
        )
    elif date and convocation and (date - convocation).days - 1 < 3:
        report.warning(
            fields[fold("Date de convocation")].place,
            "moins de 3 jours francs entre la convocation et la séance.",
        )
    if opening and closing and closing <= opening:
        report.error(
            fields[fold("Heure de clôture")].place,
            "l’heure de clôture précède l’heure d’ouverture.",
        )

    if report.errors:
        return None
    return Meeting(
        name=source.name,
        body=text_field("Organisme"),
        instance=text_field("Instance"),
        instance_feminine=bool(feminine),
        members_word=text_field("Membres", "membres"),
        date=date,
        opening=opening,
        closing=closing,
        convocation=convocation,
        location=text_field("Lieu"),
        president=president,
        secretaries=tuple(secretaries),
        previous_minutes=previous,
        previous_vote=previous_vote,
        quorum_base=base or QuorumBase.PRESENT,
        quorum_threshold=threshold or "majorité",
        title=text_field("Titre", "Procès-verbal"),
        proxies_per_member=per_member or 1,
        siret=siret,
        members=tuple(members),
        deliberations=tuple(deliberations),
        other_items=tuple(others),
        second_convocation=bool(second),
        votes=tuple(votes),
        tariffs=tuple(tariffs or ()),
        contributions=tuple(contributions),
    )


def _check_moves(raw: _RawMember, numbers: set[int], order: list[int], report: Report) -> None:
    """Arrivée and Départ name existing items, arrival not after departure."""
    m = raw.member
    for key, number in (("arrivee", m.arrival), ("depart", m.departure)):
        if number is not None and number not in numbers:
            report.error(
                raw.moves[key].place,
                f"aucune délibération n° {number} dans la feuille « Délibérations ».",
            )
    both = m.arrival in numbers and m.departure in numbers
    if both and order.index(m.arrival) > order.index(m.departure):
        report.error(
            raw.moves["arrivee"].place,
            f"{m.name} arrive au point {m.arrival} après être {'partie' if m.feminine else 'parti'} "
            f"au point {m.departure}.",
        )


def _with_proxy(member: Member, holder: str | None) -> Member:
    return replace(member, proxy_to=holder)


def _threshold(cell: Cell | None, report: Report) -> str | int | None:
    if cell is None:
        return None
    folded = fold(values.text(cell))
    if folded in {"majorite", "tiers"}:
        return {"majorite": "majorité", "tiers": "tiers"}[folded]
    if isinstance(cell.value, (int, float)) or folded.isdigit():
        return values.whole(cell, report, 1)
    report.error(
        cell.place,
        f"valeur inconnue « {values.text(cell)} » : attendu « majorité », « tiers » ou un nombre entier.",
    )
    return None


_ACT = re.compile(r"[A-Z0-9_]{1,15}")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _act_numbers(
    deliberations: list[Deliberation],
    pattern_cell: Cell | None,
    first: int,
    date: dt.date,
    report: Report,
) -> list[Deliberation]:
    """Each deliberation's act number: typed in « Numéro d'acte », or made
    from « Numérotation » ({AAAA} {MM} {JJ} {NNN}) and « Premier numéro »;
    unique, at most 15 characters of A-Z, 0-9 and _ (ACTES)."""
    pattern = values.text(pattern_cell) if pattern_cell is not None else ""
    for name in _PLACEHOLDER.findall(pattern):
        if name not in {"AAAA", "MM", "JJ"} and not re.fullmatch(r"N+", name):
            report.error(
                pattern_cell.place,
                f"repère inconnu « {{{name}}} » : utilisez {{AAAA}}, {{MM}}, {{JJ}} et {{NNN}}.",
            )
            pattern = ""
    out = []
    seen: dict[str, Place] = {}
    for index, d in enumerate(deliberations):
        number = d.act_number
        column = "Numéro d'acte"
        if not number and pattern:
            column = "N°"
            number = _PLACEHOLDER.sub(
                lambda m, seq=first + index: {
                    "AAAA": f"{date.year:04d}",
                    "MM": f"{date.month:02d}",
                    "JJ": f"{date.day:02d}",
                }.get(m[1], str(seq).zfill(len(m[1]))),
                pattern,
            )
        if number:
            where = replace(d.place, column=column)
            if not _ACT.fullmatch(number):
                report.error(
                    where,
                    f"numéro d’acte « {number} » refusé : au plus 15 caractères parmi A à Z "
                    "(majuscules sans accent), 0 à 9 et _ (règle ACTES).",
                )
            elif number in seen:
                report.error(where, f"numéro d’acte « {number} » déjà donné ({seen[number]}).")
            seen[number] = d.place
        out.append(replace(d, act_number=number))
    return out
