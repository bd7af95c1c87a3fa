"""Reading one cell as the value a field expects, or reporting why not.

Each reader takes a :class:`~pipeline.read.sources.Cell` and the report, and
returns the value or ``None`` after reporting an error at the cell's place.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline.contract import Vocabulary
from pipeline.model import Block
from pipeline.problems import Report
from pipeline.read.sources import Cell
from pipeline.text import fold


def shown(value: Any) -> str:
    """A cell's value as the clerk sees it, for messages."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return str(value).replace(".", ",")  # as a French spreadsheet shows it
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def text(cell: Cell) -> str:
    value = cell.value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.time)):
        return shown(value)
    return str(value)


_FR_NUMBER = re.compile(r"^[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+(,\d+)?$|^[+-]?\d+(,\d+)?$")
_EN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def decimal(cell: Cell, report: Report, what: str = "un nombre") -> Decimal | None:
    """A numeric cell, or text in French (``1 234,5``) or English (``1234.5``)
    notation; built from the text, never from a float's binary value."""
    value = cell.value
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float) and math.isfinite(value):
        return Decimal(str(value))
    elif isinstance(value, str):
        raw = value.strip()
        if _FR_NUMBER.match(raw):
            return Decimal(re.sub(r"[ \u00a0\u202f]", "", raw).replace(",", "."))
        if _EN_NUMBER.match(raw):
            return Decimal(raw)
    report.error(
        cell.place, f"{what} attendu, trouvé « {shown(value)} ».", code="value.not-a-number"
    )
    return None


def whole(cell: Cell, report: Report, minimum: int = 0) -> int | None:
    """A whole number ≥ ``minimum``."""
    number = decimal(cell, report, "nombre entier")
    if number is None:
        return None
    try:
        if number != number.to_integral_value() or number < minimum:
            raise InvalidOperation
    except InvalidOperation:
        expected = (
            "nombre entier positif ou nul"
            if minimum == 0
            else f"nombre entier au moins égal à {minimum}"
        )
        report.error(
            cell.place,
            f"{expected} attendu, trouvé « {shown(cell.value)} ».",
            code="value.not-a-whole-number",
        )
        return None
    return int(number)


def non_negative(cell: Cell, report: Report, what: str, negative: str, code: str) -> Any:
    """A decimal number (``what``: « un montant en euros »…) that is not
    negative; None, reported, when it is not a number or is negative
    (``negative``: how the message names it, « montant négatif »)."""
    value = decimal(cell, report, what)
    if value is not None and value < 0:
        report.error(
            cell.place,
            f"{negative} « {shown(cell.value)} » : attendu un nombre positif ou nul.",
            code=code,
        )
        return None
    return value


_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def date(cell: Cell, report: Report) -> dt.date | None:
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        raw = value.strip()
        found = _DATE_FR.match(raw)
        parts = None
        if found:
            parts = int(found[3]), int(found[2]), int(found[1])
        elif found := _DATE_ISO.match(raw):
            parts = int(found[1]), int(found[2]), int(found[3])
        if parts:
            try:
                return dt.date(*parts)
            except ValueError:
                report.error(
                    cell.place,
                    f"« {raw} » n’est pas une date qui existe.",
                    code="value.impossible-date",
                )
                return None
    report.error(
        cell.place,
        f"date attendue (JJ/MM/AAAA ou AAAA-MM-JJ), trouvé « {shown(value)} ».",
        code="value.not-a-date",
    )
    return None


_TIME = re.compile(r"^(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?$")


def time(cell: Cell, report: Report) -> dt.time | None:
    """A time cell (or a fraction of a day), or ``17:00``, ``17h00``, ``17 h``."""
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, float) and 0 < value < 1:
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60, minutes % 60)
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if is_number and value == int(value) and 0 <= value < 24:  # 17 in a number cell: 17h00
        return dt.time(int(value), 0)
    if isinstance(value, str) and (found := _TIME.match(value.strip())):
        hours, minutes = int(found[1]), int(found[2] or 0)
        if hours < 24 and minutes < 60:
            return dt.time(hours, minutes)
    report.error(
        cell.place,
        f"heure attendue (17:00, 17h00 ou 17 h), trouvé « {shown(value)} ».",
        code="value.not-a-time",
    )
    return None


def choice(cell: Cell, report: Report, vocabulary: Vocabulary) -> Any:
    """One word of a vocabulary, compared after folding."""
    folded = fold(text(cell))
    if folded in vocabulary.words:
        return vocabulary.words[folded]
    unknown(cell, report, vocabulary)
    return None


def unknown(cell: Cell, report: Report, vocabulary: Vocabulary, otherwise: str = "") -> None:
    """« valeur inconnue « … » : attendu « a », « b » ou « c »[, otherwise]. »"""
    report.error(
        cell.place,
        f"valeur inconnue « {shown(cell.value)} » : attendu {vocabulary.expected}{otherwise}.",
        code=vocabulary.code,
    )


_BULLET = re.compile(r"^([ \t]*)[-•]\s+(.*)$")


def blocks(cell: Cell | None) -> tuple[Block, ...]:
    """Paragraphs and bullets of a text cell: a line is a paragraph; a line
    starting with "- " or "• " a bullet; two spaces or a tab per extra level."""
    if cell is None:
        return ()
    out = []
    for line in text(cell).split("\n"):
        if not line.strip():
            continue
        bullet = _BULLET.match(line)
        if bullet:
            indent = bullet[1].replace("\t", "  ")
            out.append(Block(bullet[2].strip(), 1 + len(indent) // 2))
        else:
            out.append(Block(line.strip(), 0))
    return tuple(out)
