"""Issues 18 and 19, act numbers across meetings: a number another meeting
of the same body in data/ gives too is an error of each build, naming the
other meeting (folder, date) and its row; numbers typed or made from
« Numérotation » alike; another body's numbers are its own; a neighbour that
cannot be read costs nothing to the others. The real command is run on
workbooks written here, and its printed problems read back."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import DELIBERATIONS, build, checked_problems, make_meeting, problem_lines, run

from pipeline.law.acts import ActUse, MeetingActs, clashes
from pipeline.problems import Place

CODE = "act.number-used-elsewhere"
HEADER = [*DELIBERATIONS[0], "Numéro d'acte"]


def items(*numbers: str | None) -> list[list[object]]:
    """Délibérations with one item per act number given (None: none typed)."""
    rows = [
        [n, f"Point {n}", "Un exposé.", "Les membres approuvent.", "unanimité", *[None] * 4, act]
        for n, act in enumerate(numbers, start=1)
    ]
    return [HEADER, *rows]


def meeting(folder: Path, day: dt.date, *acts: str | None, **seance: object) -> Path:
    when = dt.datetime.combine(day, dt.time())
    fields = {"Date": when, "Date de convocation": when - dt.timedelta(days=7), **seance}
    return make_meeting(folder, seance=fields, deliberations=items(*acts))


def clash_lines(printed: str) -> list[str]:
    return [line for line in problem_lines(printed) if "déjà donné" in line]


def test_a_typed_number_of_another_meeting_fails_both_builds(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    meeting(data / "2022-03-01-bureau", dt.date(2022, 3, 1), "B2022_001", "B2022_002")
    meeting(data / "2022-04-05-bureau", dt.date(2022, 4, 5), "B2022_003", "B2022_002")
    code, printed = build(data, out)
    assert code == 1, printed
    assert "Traceback" not in printed
    typed = (
        "deliberations.xlsx, feuille « Délibérations », ligne 3, colonne « Numéro d'acte » : "
        "numéro d’acte « B2022_002 » déjà donné par la réunion « {} » du {} (deliberations.xlsx, "
        "feuille « Délibérations », ligne 3) : la plateforme ACTES (S²LOW) refuse un numéro "
        "que l’organisme a déjà utilisé, même lors d’une autre réunion. Donnez à l’un des deux "
        "actes un autre numéro."
    )
    assert clash_lines(printed) == [
        typed.format("2022-04-05-bureau", "05/04/2022"),
        typed.format("2022-03-01-bureau", "01/03/2022"),
    ]
    assert not (out / "2022-03-01-bureau").exists() and not (out / "2022-04-05-bureau").exists()
    # Each meeting's own problems: the clash is listed under its name.
    found = checked_problems(data)
    for name, other in (("2022-03-01-bureau", "2022-04-05"), ("2022-04-05-bureau", "2022-03-01")):
        (clash,) = [p for p in found[name] if p.code == CODE]
        assert f"« {other}-bureau »" in clash.message


def test_numbers_made_by_the_same_pattern_in_one_year_clash(tmp_path: Path) -> None:
    """Two meetings of 2022 numbered B{AAAA}_{NNN} from 1: one error each,
    at the « Numérotation » cell, listing the numbers and both rows."""
    data, out = tmp_path / "data", tmp_path / "out"
    pattern = {"Numérotation": "B{AAAA}_{NNN}", "Premier numéro": 1}
    meeting(data / "a", dt.date(2022, 3, 1), None, None, None, None, **pattern)
    meeting(data / "b", dt.date(2022, 4, 5), None, None, **pattern)
    code, printed = build(data, out)
    assert code == 1, printed
    lines = clash_lines(printed)
    assert len(lines) == 2, printed
    first, second = lines
    assert first.startswith(
        "seance.xlsx, feuille « Séance », cellule B12 (colonne « Numérotation ») : "
    )
    assert (
        "numéros d’acte faits de « Numérotation » déjà donnés par la réunion « b » du "
        "05/04/2022 : « B2022_001 » (point 1, feuille « Délibérations », ligne 2 ; dans "
        "l’autre réunion : deliberations.xlsx, feuille « Délibérations », ligne 2, numéro fait "
        "de sa « Numérotation ») ; « B2022_002 » (point 2, feuille « Délibérations », ligne 3 ; "
        "dans l’autre réunion : deliberations.xlsx, feuille « Délibérations », ligne 3, numéro "
        "fait de sa « Numérotation »). La plateforme ACTES (S²LOW) refuse"
    ) in first
    assert "« Premier numéro »" in first
    assert "déjà donnés par la réunion « a » du 01/03/2022 : « B2022_001 »" in second
    # The fix the message says: b continues the year's sequence.
    shutil.rmtree(data / "b")
    meeting(data / "b", dt.date(2022, 4, 5), None, None, **{**pattern, "Premier numéro": 5})
    code, printed = build(data, out)
    assert code == 0, printed
    assert clash_lines(printed) == []


def test_many_made_numbers_are_counted_not_all_listed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    pattern = {"Numérotation": "B{AAAA}_{NNN}"}
    meeting(data / "a", dt.date(2022, 3, 1), *[None] * 6, **pattern)
    meeting(data / "b", dt.date(2022, 4, 5), *[None] * 6, "B2022_001", **pattern)
    found = checked_problems(data)
    (made,) = [p for p in found["a"] if p.code == CODE]  # b's typed B2022_001 is a duplicate
    assert "« B2022_003 » (point 3" in made.message and "« B2022_004 »" not in made.message
    assert ") et 3 autres. La plateforme" in made.message
    # b: its made numbers in one error, its typed one at its cell.
    places = sorted(str(p.place) for p in found["b"] if p.code == CODE)
    assert len(places) == 2
    assert "ligne 8, colonne « Numéro d'acte »" in places[0]


def test_a_typed_number_clashing_with_a_made_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    meeting(data / "a", dt.date(2022, 3, 1), None, None, **{"Numérotation": "B{AAAA}_{NNN}"})
    meeting(data / "b", dt.date(2022, 4, 5), "B2022_002")
    found = checked_problems(data)
    (b,) = [p for p in found["b"] if p.code == CODE]
    assert str(b.place) == (
        "deliberations.xlsx, feuille « Délibérations », ligne 2, colonne « Numéro d'acte »"
    )
    assert (
        "(deliberations.xlsx, feuille « Délibérations », ligne 3, numéro fait de sa "
        "« Numérotation »)" in b.message
    )
    (a,) = [p for p in found["a"] if p.code == CODE]
    assert "« B2022_002 » (point 2, feuille « Délibérations », ligne 3 ;" in a.message


def test_other_bodies_and_other_numbers_are_no_clash(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    meeting(data / "a", dt.date(2022, 3, 1), "B2022_001")
    # Same number, another body (Organisme folded: case and accents do not matter).
    meeting(data / "b", dt.date(2022, 3, 8), "B2022_001", Organisme="Commune de Rivery")
    meeting(
        data / "c", dt.date(2022, 4, 5), "B2022_002", Organisme="SYNDICAT MIXTE SOMME NUMERIQUE"
    )
    code, printed = build(data, out)
    assert code == 0, printed
    assert clash_lines(printed) == []
    # c is the same body as a, folded: a number of a given again in c clashes.
    shutil.rmtree(data / "c")
    meeting(
        data / "c", dt.date(2022, 4, 5), "B2022_001", Organisme="SYNDICAT MIXTE SOMME NUMERIQUE"
    )
    code, printed = build(data, out)
    assert code == 1, printed
    assert len(clash_lines(printed)) == 2
    assert all("« b »" not in line for line in clash_lines(printed))


def test_a_broken_or_hostile_neighbour_costs_the_others_nothing(tmp_path: Path) -> None:
    """A neighbour whose workbook kills the reader, and one that is no
    workbook at all: the good meetings are built; the clash between the
    two good ones is still found."""
    from test_isolation import DIED, command

    data = tmp_path / "data"
    meeting(data / "a", dt.date(2022, 3, 1), "B2022_001")
    meeting(data / "c", dt.date(2022, 5, 3), "B2022_003")
    trap = meeting(data / "m", dt.date(2022, 4, 5), "B2022_001")
    (trap / "deliberations.xlsx").rename(trap / "piege.xlsx")
    junk = make_meeting(data / "z")
    (junk / "seance.xlsx").write_bytes(b"PK\x03\x04 not a workbook" * 100)
    code, printed = command(tmp_path, "--data", "data", "--output", "out", "--jobs", "1")
    for word in ("Traceback", "erreur inattendue", "BrokenProcessPool"):
        assert word not in printed, printed
    assert code == 1, printed
    assert f"m : 1 problème, rien n’a été écrit pour cette réunion.\n  - {DIED}" in printed
    for name in ("a", "c"):
        assert (tmp_path / "out" / name / "proces-verbal.docx").is_file(), printed
    assert clash_lines(printed) == [], printed  # m is not read: no clash said for it
    # A good neighbour clashing with a beside a broken one is still found.
    meeting(data / "b", dt.date(2022, 4, 12), "B2022_001")
    code, printed = command(tmp_path, "--data", "data", "--output", "out", "--jobs", "2")
    assert code == 1, printed
    lines = clash_lines(printed)
    assert len(lines) == 2 and "« b » du 12/04/2022" in lines[0] and "« a »" in lines[1], printed
    assert (tmp_path / "out" / "c" / "proces-verbal.docx").is_file()


def test_a_neighbour_with_errors_gives_the_numbers_it_can_read(tmp_path: Path) -> None:
    """b's Séance has an error (a convocation after the meeting) and a row
    of b misses its title: its numbers are still those S²LOW would refuse."""
    data = tmp_path / "data"
    meeting(data / "a", dt.date(2022, 3, 1), "B2022_001", "B2022_002")
    rows = items("B2022_001", "B2022_002")
    rows[1][1] = None  # no Titre
    make_meeting(
        data / "b",
        seance={"Date": dt.datetime(2022, 4, 5), "Date de convocation": dt.datetime(2022, 5, 1)},
        deliberations=rows,
    )
    found = checked_problems(data)
    assert [p.code for p in found["a"]].count(CODE) == 2


def test_check_reports_the_clash(tmp_path: Path) -> None:
    data = tmp_path / "data"
    meeting(data / "a", dt.date(2022, 3, 1), "B2022_001")
    meeting(data / "b", dt.date(2022, 4, 5), "B2022_001")
    code, printed = run("check", "--data", str(data))
    assert code == 1, printed
    lines = clash_lines(printed)
    assert len(lines) == 2, printed
    assert "« b » du 05/04/2022" in lines[0] and "« a » du 01/03/2022" in lines[1]


def test_clashes_pure() -> None:
    row = Place("d.xlsx", "Délibérations", row=2)
    mine = [ActUse("X1", row, 1), ActUse("X2", row, 2)]
    other = MeetingActs("o", "syndicat", None, (ActUse("X2", row, 4), ActUse("X2", row, 5)))
    elsewhere = MeetingActs("e", "commune", None, (ActUse("X1", row, 1),))
    found = clashes(mine, "Syndicat", [other, elsewhere])
    assert [(c.mine.item, c.other.name, c.theirs.item) for c in found] == [(2, "o", 4)]


def test_no_meeting_above_the_data_folder_is_read(tmp_path: Path) -> None:
    """The meeting whose workbooks lie in data/ itself has as neighbours the
    meetings of data/'s sub-folders only: a folder beside data/ holding a
    workbook of the same body with the same numbers is never read."""
    data, out = tmp_path / "data", tmp_path / "out"
    meeting(data, dt.date(2022, 3, 1), "B2022_001")
    meeting(tmp_path / "ailleurs", dt.date(2022, 4, 5), "B2022_001")
    code, printed = build(data, out)
    assert code == 0, printed
    assert clash_lines(printed) == []
    # A sub-folder of data/ is a neighbour of the meeting of data/ itself.
    meeting(data / "2022-04-05-bureau", dt.date(2022, 4, 5), "B2022_001")
    code, printed = build(data, out)
    assert code == 1 and len(clash_lines(printed)) == 2, printed
