"""Act numbers, as the transmission platforms (ACTES, S²LOW) take them: the
form of a number, the « Numérotation » pattern filled for each act.

Pure rules over values: the parser applies them as it reads the numbers, so
that their problems are listed with the reading errors (all the problems of
a meeting at once, docs/data-format.md); tests/test_layout.py allows exactly
this call from parse/ into law/.
"""

from __future__ import annotations

import datetime as dt

from pipeline.contract import (
    ACT_DATE_PLACEHOLDERS,
    ACT_NUMBER,
    ACT_NUMBER_CHARACTERS,
    ACT_PLACEHOLDER,
    ACT_SEQUENCE_PLACEHOLDER,
)


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
    """Of the form ACTES accepts, by S²LOW's rule: 1 to 15 characters of
    A-Z, 0-9 and _, the first and the last not an _."""
    return ACT_NUMBER.fullmatch(number) is not None


def act_number_faults(number: str) -> tuple[int, list[str], tuple[bool, bool]]:
    """What keeps ``number`` from the ACTES form: its length when over 15,
    else 0; the characters it may not hold, in order of first appearance;
    whether it starts, whether it ends with an _."""
    length = len(number) if len(number) > 15 else 0
    refused = list(dict.fromkeys(c for c in number if c not in ACT_NUMBER_CHARACTERS))
    return length, refused, (number.startswith("_"), number.endswith("_"))
