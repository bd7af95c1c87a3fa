"""Act numbers: typed in « Numéro d'acte », or made from the « Numérotation »
pattern of « Séance » and « Premier numéro »; each of the ACTES form and
given once in the meeting (docs/data-format.md, « Numéros d'acte »)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from pipeline.law.acts import act_number_faults, fill, is_act_number, unknown_placeholders
from pipeline.model import Deliberation
from pipeline.parse import values
from pipeline.problems import Place, Report
from pipeline.read.sources import Cell


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
                report.error(where, _refused(number), code="act.invalid-number")
            elif number in seen:
                report.error(
                    where,
                    f"numéro d’acte « {number} » déjà donné ({seen[number]}).",
                    code="act.duplicate-number",
                )
            seen[number] = d.place
        made = pattern_cell.place if column == "N°" and pattern_cell is not None else None
        out.append(replace(d, act_number=number, numbering=made))
    return out


def _refused(number: str) -> str:
    """Why the ACTES platform refuses ``number``, and its rule."""
    length, refused, (first, last) = act_number_faults(number)
    why = []
    if length:
        why.append(f"{length} caractères")
    if refused:
        shown = ", ".join("espace" if c.isspace() else f"« {c} »" for c in refused)
        plural = "s" if len(refused) > 1 else ""
        why.append(f"caractère{plural} refusé{plural} : {shown}")
    if first or last:
        where = " et ".join(w for w, bad in (("au début", first), ("à la fin", last)) if bad)
        why.append(f"un _ {where}")
    return (
        f"numéro d’acte « {number} » refusé ({' ; '.join(why)}) : de 1 à 15 caractères parmi "
        "A à Z (majuscules sans accent), 0 à 9 et _, sans _ au début ni à la fin (règle de "
        "la plateforme ACTES, appliquée par S²LOW)."
    )
