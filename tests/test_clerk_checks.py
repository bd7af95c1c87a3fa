"""Issue 15, items 7 and 8: the warnings a clerk needs before the meeting
goes into the register (Débats, act numbers, a quorum counting proxies),
and messages that name the member of a row, the cell to fill, and what a
problem follows from. Each case is read by the real pipeline (as
``make-minutes check``) and its problems compared by code and text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import DELIBERATIONS, PRESENCES, checked_problems, make_meeting

from pipeline.problems import Problem, Severity

RECENT = {"Date": dt.datetime(2025, 3, 12), "Date de convocation": dt.datetime(2025, 3, 1)}


def problems(tmp_path: Path, **kwargs) -> list[Problem]:
    make_meeting(tmp_path / "data" / "m", **kwargs)
    (found,) = checked_problems(tmp_path / "data").values()
    return found


def lines(found: list[Problem]) -> dict[str, str]:
    return {p.code: str(p) for p in found}


def of_law(found: list[Problem]) -> list[Problem]:
    """Leave out the open-data notice (no SIRET in these meetings)."""
    return [p for p in found if p.code != "opendata.missing"]


def with_debates(text: str | None) -> list[list]:
    return [DELIBERATIONS[0] + ["Débats"]] + [row[:] + [text] for row in DELIBERATIONS[1:]]


def counted(counts: list[int]) -> list[list]:
    items = [row[:] for row in DELIBERATIONS]
    items[1][4:9] = [None, *counts]
    return items


# --- 7. missing legal content -------------------------------------------------------------


def test_a_recent_meeting_without_debates_or_act_numbers_is_warned(tmp_path: Path) -> None:
    found = problems(tmp_path, seance=RECENT)
    assert all(p.severity is Severity.WARNING for p in found), found
    said = lines(found)
    debates = said["content.debates-missing"]
    assert debates.startswith("deliberations.xlsx, feuille « Délibérations », colonne « Débats »")
    assert "rien dans « Débats » pour le point 1" in debates
    assert "CGCT L2121-15" in debates and "Aucune observation." in debates
    numbers = said["content.act-numbers-missing"]
    assert "aucune délibération n’a de numéro d’acte" in numbers
    assert "« Numérotation »" in numbers and "D{AAAA}_{NNN}" in numbers


def test_debates_and_act_numbers_given_raise_no_warning(tmp_path: Path) -> None:
    items = with_debates("M. VARLET présente la convention.")
    found = problems(
        tmp_path, seance={**RECENT, "Numérotation": "B{AAAA}_{NNN}"}, deliberations=items
    )
    assert not [p for p in found if p.code.startswith("content.")], found


def test_a_meeting_before_july_2022_is_not_held_to_the_reform(tmp_path: Path) -> None:
    """The sample's 2016 Bureau: no Débats, no act numbers, no warning."""
    assert not [p for p in problems(tmp_path) if p.code.startswith("content.")]


def test_the_debates_warning_names_the_silent_items(tmp_path: Path) -> None:
    items = with_debates(None)
    for n in (2, 3, 4):
        items.append(
            [n, f"Point {n}", "Exposé.", "Décision.", "unanimité", None, None, None, None, None]
        )
    items[2][-1] = "Une question sur le point 2."
    found = problems(tmp_path, seance=RECENT, deliberations=items)
    assert (
        "rien dans « Débats » pour les points 1, 3 et 4 :"
        in lines(found)["content.debates-missing"]
    )


def test_a_quorum_counting_proxies_is_warned_as_an_exception(tmp_path: Path) -> None:
    (warning,) = of_law(problems(tmp_path, seance={"Quorum": "présents ou représentés"}))
    assert warning.code == "seance.quorum-counts-proxies"
    assert warning.severity is Severity.WARNING
    assert str(warning.place) == "seance.xlsx, feuille « Séance », cellule B12 (colonne « Quorum »)"
    assert "L2121-17" in warning.message and "statuts" in warning.message


# --- 8. messages that name the member, the cell, the cause --------------------------------


def test_a_reading_error_on_a_member_s_row_names_the_member(tmp_path: Path) -> None:
    presences = [row[:] for row in PRESENCES]
    presences[1][4] = "présnte"
    (error,) = problems(tmp_path, presences=presences)
    assert str(error.place) == (
        "presences.xlsx, feuille « Présences », cellule E2 (Florence RODINGER, colonne « Statut »)"
    )


def test_a_law_error_on_a_member_s_row_names_the_member(tmp_path: Path) -> None:
    presences = [row[:] for row in PRESENCES]
    presences[4][5] = "Stéphane DECAYEUX"  # a proxy to oneself
    (error,) = problems(tmp_path, presences=presences)
    assert error.code == "proxy.to-self"
    assert str(error.place) == (
        "presences.xlsx, feuille « Présences », ligne 5 (Stéphane DECAYEUX), colonne « Pouvoir à »"
    )


def test_an_empty_president_names_the_cell_to_fill(tmp_path: Path) -> None:
    (error,) = problems(tmp_path, seance={"Président": ""})
    assert error.code == "seance.missing-field"
    assert str(error) == (
        "seance.xlsx, feuille « Séance », cellule B10 (colonne « Président ») : champ obligatoire "
        "« Président » vide : écrivez sa valeur dans la cellule B10."
    )


def test_a_missing_secretary_says_where_to_add_it(tmp_path: Path) -> None:
    (error,) = problems(tmp_path, seance={"Secrétaire de séance": None})
    assert str(error) == (
        "seance.xlsx, feuille « Séance » : champ obligatoire « Secrétaire de séance » manquant : "
        "ajoutez-le sur une ligne, son nom en colonne A et sa valeur en colonne B (par exemple "
        "A11 et B11)."
    )


def test_a_wrong_total_after_a_refused_proxy_says_it_follows_from_it(tmp_path: Path) -> None:
    """Ernest CANDELA also gives his proxy to Philippe VARLET, who may hold
    one: refused. The clerk counted 4 where the room has 5."""
    presences = [row[:] for row in PRESENCES]
    presences[2][5] = "Philippe VARLET"
    proxy, total = problems(tmp_path, presences=presences, deliberations=counted([4, 0, 0, 0]))
    assert (proxy.code, total.code) == ("proxy.too-many", "vote.total-mismatch")
    assert "ligne 5 (Stéphane DECAYEUX)" in str(proxy.place)
    assert total.message.endswith(
        "Cette erreur peut découler du pouvoir refusé de Stéphane DECAYEUX (voir plus haut) : "
        "corrigez d’abord ce pouvoir."
    )


def test_a_wrong_total_with_no_proxy_refused_says_nothing_more(tmp_path: Path) -> None:
    (total,) = problems(tmp_path, deliberations=counted([3, 0, 0, 0]))
    assert total.code == "vote.total-mismatch"
    assert total.message.endswith("alors que 4 membres sont présents ou représentés.")
