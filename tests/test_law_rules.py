"""The legal rules the parser applies to the values it reads, pure functions
of law/: the jours francs of the convocation (law/convocation.py) and the
act numbers (law/acts.py; numbering a meeting's acts: parse/acts.py). Hand-worked cases from docs/data-format.md, and
properties (hypothesis)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.law.acts import act_number_faults, fill, is_act_number, unknown_placeholders
from pipeline.law.convocation import clear_days
from pipeline.model import Deliberation
from pipeline.parse.acts import number_acts
from pipeline.problems import Place, Report
from pipeline.read.sources import Cell

# --- jours francs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "held", "days"),
    [
        # Sent on Monday 21, held on Monday 28: the 22nd to the 27th, six days.
        (dt.date(2016, 11, 21), dt.date(2016, 11, 28), 6),
        # Sent on the 24th: the 25th, 26th and 27th, exactly the three required.
        (dt.date(2016, 11, 24), dt.date(2016, 11, 28), 3),
        # Sent on the 25th: two days only (tests/test_bad_inputs.py warns).
        (dt.date(2016, 11, 25), dt.date(2016, 11, 28), 2),
        # Across the end of February of a leap year: the 28th, 29th and 1st.
        (dt.date(2024, 2, 27), dt.date(2024, 3, 2), 3),
        # The day before: no day between; the same day: minus one.
        (dt.date(2016, 11, 27), dt.date(2016, 11, 28), 0),
        (dt.date(2016, 11, 28), dt.date(2016, 11, 28), -1),
    ],
)
def test_clear_days_hand_worked(sent: dt.date, held: dt.date, days: int) -> None:
    assert clear_days(sent, held) == days


@given(st.dates(max_value=dt.date(9000, 1, 1)), st.integers(min_value=0, max_value=3000))
def test_clear_days_count_the_days_strictly_between(sent: dt.date, gap: int) -> None:
    held = sent + dt.timedelta(days=gap)
    between = [sent + dt.timedelta(days=i) for i in range(1, gap)]
    assert clear_days(sent, held) == (len(between) if gap else -1)


# --- act numbers --------------------------------------------------------------------------

DAY = dt.date(2023, 3, 14)


@pytest.mark.parametrize(
    ("pattern", "sequence", "number"),
    [
        ("C{AAAA}_{NNN}", 12, "C2023_012"),
        ("D{AAAA}{MM}{JJ}_{NN}", 1, "D20230314_01"),
        ("B_{N}", 5, "B_5"),
        ("B_{NN}", 123, "B_123"),  # more digits than N: the number is not cut
        ("FIXE", 7, "FIXE"),
    ],
)
def test_fill_hand_worked(pattern: str, sequence: int, number: str) -> None:
    assert fill(pattern, sequence, DAY) == number


@pytest.mark.parametrize(
    ("pattern", "unknown"),
    [
        ("C{AAAA}_{NNN}", []),
        ("C{aaaa}_{NNN}", ["aaaa"]),  # written in capitals
        ("C{AAAA}_{XX}{}", ["XX", ""]),
    ],
)
def test_unknown_placeholders(pattern: str, unknown: list[str]) -> None:
    assert unknown_placeholders(pattern) == unknown


@pytest.mark.parametrize(
    ("number", "accepted"),
    [
        ("C2023_012", True),
        ("A" * 15, True),
        ("A" * 16, False),
        ("C2023-012", False),
        ("b2023_001", False),
        ("C 2023", False),
        ("DÉLIB1", False),
        ("", False),
        # S²LOW's rule: no _ first or last.
        ("_B2023_001", False),
        ("B2023_001_", False),
        ("_", False),
        ("B__1", True),
        ("7", True),
        ("A" * 14 + "_", False),
    ],
)
def test_the_actes_form(number: str, accepted: bool) -> None:
    assert is_act_number(number) is accepted


ACTES_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
# S²LOW's own expression (its ACTES module), the rule the platform applies.
S2LOW = re.compile(r"^([A-Z0-9][A-Z0-9_]{0,13})?[A-Z0-9]$")


@given(st.text(alphabet=ACTES_CHARACTERS + "-/ éa", max_size=18))
def test_the_actes_form_is_s2low_s_rule(number: str) -> None:
    assert is_act_number(number) is (S2LOW.match(number) is not None)


@given(st.text(alphabet=ACTES_CHARACTERS, min_size=1, max_size=15))
def test_an_underscore_is_refused_only_first_or_last(number: str) -> None:
    """Of the allowed characters and length, a number is refused exactly
    when it starts or ends with an _, and the faults say which end."""
    edges = (number.startswith("_"), number.endswith("_"))
    assert is_act_number(number) is not any(edges)
    assert act_number_faults(number) == (0, [], edges)


@given(st.text(min_size=1, max_size=30))
def test_the_faults_name_what_the_rule_refuses(number: str) -> None:
    length, refused, (first, last) = act_number_faults(number)
    assert is_act_number(number) is (not length and not refused and not first and not last)
    assert all(c in number and c not in ACTES_CHARACTERS for c in refused)
    assert length in (0, len(number)) and (length > 15 or length == 0)


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", max_size=4),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=99_999),
)
def test_a_filled_pattern_keeps_the_sequence(prefix: str, width: int, sequence: int) -> None:
    number = fill(f"{prefix}{{AAAA}}_{{{'N' * width}}}", sequence, DAY)
    assert number == f"{prefix}2023_{sequence:0{width}d}"
    assert int(number.rsplit("_", 1)[1]) == sequence
    assert is_act_number(number) == (len(number) <= 15 and not number.startswith("_"))


def item(number: int, act_number: str = "") -> Deliberation:
    place = Place("deliberations.xlsx", "Délibérations", row=number + 1)
    return Deliberation(number, "Titre", (), (), (), None, "", place, act_number=act_number)


def test_a_typed_number_keeps_its_place_in_the_sequence() -> None:
    """docs/data-format.md: « Si le point 2 a Numéro d’acte = CA2022, les
    points portent C2023_012, CA2022, C2023_014… »."""
    report = Report()
    items = [item(1), item(2, "CA2022"), item(3)]
    numbered = number_acts(items, None, 12, DAY, report)
    assert [d.act_number for d in numbered] == ["", "CA2022", ""]  # no pattern: typed only
    pattern = Cell("C{AAAA}_{NNN}", Place("seance.xlsx", "Séance"), 19, 2)
    numbered = number_acts(items, pattern, 12, DAY, report)
    assert [d.act_number for d in numbered] == ["C2023_012", "CA2022", "C2023_014"]
    assert not report.problems


def test_a_number_given_twice_names_the_first() -> None:
    report = Report()
    pattern = Cell("B{AAAA}_{NN}", Place("seance.xlsx", "Séance"), 19, 2)
    number_acts([item(1), item(2, "B2023_01")], pattern, 1, DAY, report)
    sheet = "deliberations.xlsx, feuille « Délibérations »"
    assert [(str(p.place), p.message) for p in report.problems] == [
        (
            f"{sheet}, ligne 3, colonne « Numéro d'acte »",
            f"numéro d’acte « B2023_01 » déjà donné ({sheet}, ligne 2).",
        )
    ]
