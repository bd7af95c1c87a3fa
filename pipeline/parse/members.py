"""Names → members: the « Présences » sheet, and the names typed anywhere
else (proxies, president, secretaries, withdrawals, named votes) resolved to
its members."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import Any

from pipeline.contract import CIVILITY, STATUS
from pipeline.model import Member, Status
from pipeline.parse import values
from pipeline.parse.tables import table
from pipeline.problems import Place, Report
from pipeline.read.sources import Cell, Sheet
from pipeline.text import fold


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
            code="member.unknown-name",
        )
        return None

    def resolve_list(self, cell: Cell, report: Report, role: str) -> list[str]:
        """The members of a cell naming several, separated by « ; »."""
        keys = []
        for name in values.text(cell).split(";"):
            if name.strip() and (key := self.resolve(cell, name.strip(), report, role)):
                keys.append(key)
        return keys


@dataclass(frozen=True)
class PresenceRow:
    """A member as read from its row, before the names it holds are resolved."""

    member: Member
    proxy_cell: Cell | None
    moves: dict[str, Cell]  # "arrivee", "depart" → cell, checked against the agenda


def parse_presences(
    sheet: Sheet,
    report: Report,
    unreadable: set[str] | None = None,
    who: dict[tuple[str, str, int | None], str] | None = None,
    before_vote: bool = False,
) -> list[PresenceRow]:
    """The members; ``unreadable`` receives the names of rows with an error,
    ``who`` the « Prénom NOM » of each row that has both (to name the member
    in the problems of its row: :meth:`Report.name_rows`). ``before_vote``:
    the sheet as it is before the meeting (``make-minutes convocation``),
    Statut may be empty: such a member is read as convened, « présent »
    (the convocation documents do not print the status)."""
    rows: list[PresenceRow] = []
    seen: dict[str, Place] = {}
    for row in table(sheet, report, frozenset({"statut"}) if before_vote else frozenset()):
        cells = row.cells
        civ_cell, first_cell, last_cell, status_cell = (
            cells.get(k) for k in ("civilite", "prenom", "nom", "statut")
        )
        if first_cell and last_cell and who is not None:
            name = f"{values.text(first_cell)} {values.text(last_cell).upper()}"
            who[row.place.line] = " ".join(name.split())
        feminine = values.choice(civ_cell, report, CIVILITY) if civ_cell else None
        status = values.choice(status_cell, report, STATUS) if status_cell else None
        if status_cell is None and before_vote:
            status = Status.PRESENT
        substitute = cells.get("supplee")
        _check_substitute(row.place, status, substitute, report)
        moves = {k: cells[k] for k in ("arrivee", "depart") if k in cells}
        arrival, departure = (
            values.whole(moves[k], report, 1) if k in moves else None for k in ("arrivee", "depart")
        )
        if moves and status not in (None, Status.PRESENT):
            first_move = next(iter(moves.values()))
            report.error(
                first_move.place,
                f"une arrivée ou un départ concerne un membre présent, or le statut est "
                f"« {status.value} ».",
                code="presence.move-not-present",
            )
        if None in (feminine, status, first_cell, last_cell):
            if first_cell and last_cell and unreadable is not None:
                unreadable.add(fold(f"{values.text(first_cell)} {values.text(last_cell)}"))
            continue
        first, last = values.text(first_cell), values.text(last_cell)
        key = fold(f"{first} {last}")
        if key in seen:
            report.error(
                row.place,
                f"« {first} {last} » figure deux fois (aussi à la {seen[key]}).",
                code="presence.duplicate-member",
            )
            continue
        seen[key] = row.place
        member = Member(
            key,
            feminine,
            first,
            last,
            status,
            values.text(cells["college"]) if "college" in cells else "",
            None,
            replace(row.place, who=f"{first} {last.upper()}"),
            values.text(substitute) if substitute is not None else "",
            arrival,
            departure,
            **_contact(cells, report),
        )
        rows.append(PresenceRow(member, cells.get("pouvoir"), moves))
    return rows


# An e-mail address as a clerk types it: something, @, a domain with a dot.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _contact(cells: dict[str, Cell], report: Report) -> dict[str, Any]:
    """Adresse (its lines, blank ones dropped), Courriel and Fonction of a
    member's row; an address that cannot be an e-mail address is a warning
    (only the convocations sent by e-mail need it)."""
    found: dict[str, Any] = {}
    if "adresse" in cells:
        lines = (" ".join(line.split()) for line in values.text(cells["adresse"]).split("\n"))
        found["address"] = tuple(line for line in lines if line)
    if "courriel" in cells:
        email = values.text(cells["courriel"]).strip()
        if not EMAIL.fullmatch(email):
            report.warning(
                cells["courriel"].place,
                f"adresse électronique « {email} » douteuse : attendu une adresse comme "
                "« nom@exemple.fr », sans espace. Corrigez-la ou videz la cellule.",
                code="presence.invalid-email",
            )
        found["email"] = email
    if "fonction" in cells:
        found["function"] = " ".join(values.text(cells["fonction"]).split())
    return found


def _check_substitute(
    place: Place, status: Status | None, substitute: Cell | None, report: Report
) -> None:
    """« Suppléé par » filled exactly when the status is « suppléé »."""
    if status is Status.SUBSTITUTED and substitute is None:
        report.error(
            replace(place, column="Suppléé par"),
            "statut « suppléé » : indiquez dans « Suppléé par » le nom du suppléant qui siège.",
            code="presence.substitute-missing",
        )
    elif substitute is not None and status not in (None, Status.SUBSTITUTED):
        report.error(
            substitute.place,
            f"un suppléant est indiqué mais le statut est « {status.value} » : "
            "mettez le statut « suppléé » ou videz la cellule.",
            code="presence.unexpected-substitute",
        )


def resolve_members(
    rows: list[PresenceRow], names: Names, agenda: list[int], report: Report
) -> list[Member]:
    """Each member with the holder of its proxy resolved, its arrival and
    departure checked against the agenda (the N° of the deliberations)."""
    members = []
    numbers = set(agenda)
    for row in rows:
        holder = None
        if row.proxy_cell is not None:
            holder = names.resolve(
                row.proxy_cell, values.text(row.proxy_cell), report, "titulaire du pouvoir"
            )
        members.append(replace(row.member, proxy_to=holder))
        _check_moves(row, numbers, agenda, report)
    return members


def _check_moves(row: PresenceRow, numbers: set[int], order: list[int], report: Report) -> None:
    """Arrivée and Départ name existing items, arrival not after departure."""
    m = row.member
    for key, number in (("arrivee", m.arrival), ("depart", m.departure)):
        if number is not None and number not in numbers:
            report.error(
                row.moves[key].place,
                f"aucune délibération n° {number} dans la feuille « Délibérations ».",
                code="deliberation.unknown-number",
            )
    both = m.arrival in numbers and m.departure in numbers
    if both and order.index(m.arrival) > order.index(m.departure):
        report.error(
            row.moves["arrivee"].place,
            f"{m.name} arrive au point {m.arrival} après être {'partie' if m.feminine else 'parti'} "
            f"au point {m.departure}.",
            code="presence.arrival-after-departure",
        )
