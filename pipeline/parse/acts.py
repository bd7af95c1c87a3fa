"""Act numbers: typed in « Numéro d'acte », or made from the « Numérotation »
pattern of « Séance » and « Premier numéro »; each of the ACTES form and
given once in the meeting (docs/data-format.md, « Numéros d'acte »)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from pipeline.contract import (
    ACT_DATE_PLACEHOLDERS,
    ACT_NUMBER,
    ACT_PLACEHOLDER,
    ACT_SEQUENCE_PLACEHOLDER,
)
from pipeline.model import Deliberation
from pipeline.parse import values
from pipeline.problems import Place, Report
from pipeline.read.sources import Cell


def unknown_placeholders(pattern: str) -> list[str]:
    """The names between braces of ``pattern`` that are no placeholder."""
    return [
        name
        for name in ACT_PLACEHOLDER.findall(pattern)
        if name not in ACT_DATE_PLACEHOLDERS and not ACT_SEQUENCE_PLACEHOLDER.fullmatch(name)
    ]


def fill(pattern: str, sequence: int, day: dt.date) -> str:
    """``pattern`` with its placeholders replaced: {AAAA} {MM} {JJ} by the
    date of ``day``, {N…} by ``sequence`` padded with zeros to as many
    digits as N; the rest copied as it is."""
    dates = {"AAAA": f"{day.year:04d}", "MM": f"{day.month:02d}", "JJ": f"{day.day:02d}"}
    return ACT_PLACEHOLDER.sub(
        lambda m: dates.get(m[1], str(sequence).zfill(len(m[1]))),
        pattern,
    )


def is_act_number(number: str) -> bool:
    """Of the form ACTES accepts."""
    return ACT_NUMBER.fullmatch(number) is not None


def number_acts(
    deliberations: list[Deliberation],
    pattern_cell: Cell | None,
    first: int,
    day: dt.date,
    report: Report,
) -> list[Deliberation]:
    """Each deliberation's act number: typed in « Numéro d'acte », or made
    from « Numérotation », the sequence starting at ``first`` on the first
    row and growing by one a row (a typed number keeps its place in it);
    unique, of the ACTES form."""
    pattern = values.text(pattern_cell) if pattern_cell is not None else ""
    for name in unknown_placeholders(pattern):
        report.error(
            pattern_cell.place,
            f"repère inconnu « {{{name}}} » : utilisez {{AAAA}}, {{MM}}, {{JJ}} et {{NNN}}.",
            code="act.unknown-placeholder",
        )
        pattern = ""
    out = []
    seen: dict[str, Place] = {}
    for index, d in enumerate(deliberations):
        number = d.act_number
        column = "Numéro d'acte"
        if not number and pattern:
            column = "N°"
            number = fill(pattern, first + index, day)
        if number:
            where = replace(d.place, column=column)
            if not is_act_number(number):
                report.error(
                    where,
                    f"numéro d’acte « {number} » refusé : au plus 15 caractères parmi A à Z "
                    "(majuscules sans accent), 0 à 9 et _ (règle ACTES).",
                    code="act.invalid-number",
                )
            elif number in seen:
                report.error(
                    where,
                    f"numéro d’acte « {number} » déjà donné ({seen[number]}).",
                    code="act.duplicate-number",
                )
            seen[number] = d.place
        out.append(replace(d, act_number=number))
    return out
