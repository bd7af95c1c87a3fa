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

from conftest import (
    DELIBERATIONS,
    SEANCE,
    build,
    checked_problems,
    docx_text,
    make_meeting,
    problem_lines,
    run,
    write_sheet,
)

from pipeline.law.acts import ActUse, MeetingActs, clashes
from pipeline.problems import Place

CODE = "act.number-used-elsewhere"
FROM_1 = {"Premier numéro": 1}
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
    # b starts its sequence at 1 again (its « Premier numéro » given).
    meeting(data / "b", dt.date(2022, 4, 5), *[None] * 6, "B2022_001", **pattern, **FROM_1)
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


# --- The sequence of the year: « Premier numéro » empty continues it -------------------------

NUMBERED = {"Numérotation": "B{AAAA}_{NNN}"}
CONTINUED = "act.sequence-continued"


def extracts(out: Path, name: str) -> list[str]:
    """The act numbers an extract's file name starts with, in order."""
    return sorted(p.name.split("-point-")[0] for p in (out / name / "extraits").iterdir())


def notes(printed: str) -> list[str]:
    return [line for line in problem_lines(printed) if " : information : " in line]


def test_three_meetings_of_a_year_continue_the_sequence(tmp_path: Path) -> None:
    """B{AAAA}_{NNN}, « Premier numéro » given in the first meeting only (its
    row absent from the third): each continues after the one before; a
    typed number keeps its place, unused; check says where it continues from."""
    data, out = tmp_path / "data", tmp_path / "out"
    meeting(data / "2022-03-01-bureau", dt.date(2022, 3, 1), None, None, None, **NUMBERED, **FROM_1)
    meeting(data / "2022-04-05-bureau", dt.date(2022, 4, 5), None, None, **NUMBERED)
    meeting(data / "2022-05-03-bureau", dt.date(2022, 5, 3), None, "X1", None, **NUMBERED)
    code, printed = build(data, out)
    assert code == 0, printed
    assert notes(printed) == [], printed  # the build says nothing of it
    assert extracts(out, "2022-03-01-bureau") == ["B2022_001", "B2022_002", "B2022_003"]
    assert extracts(out, "2022-04-05-bureau") == ["B2022_004", "B2022_005"]
    assert extracts(out, "2022-05-03-bureau") == ["B2022_006", "B2022_008", "X1"]
    listed = " ".join(docx_text(out / "2022-05-03-bureau" / "liste-deliberations.docx"))
    assert "B2022_006" in listed and "B2022_008" in listed and "B2022_001" not in listed
    code, printed = run("check", "--data", str(data))
    assert code == 0, printed
    assert "2022-04-05-bureau : aucun problème, 1 avertissement.\n" in printed  # not counted
    said = (
        "seance.xlsx, feuille « Séance », cellule B12 (colonne « Numérotation ») : "
        "information : « Premier numéro » vide : la numérotation reprend à {} (« B2022_00{} »), "
        "à la suite de la réunion « {} » du {} (la précédente de la même instance dans "
        "l’année), qui a fini à {} (« B2022_00{} »). Pour partir d’un autre numéro, remplissez "
        "« Premier numéro »."
    )
    assert notes(printed) == [
        said.format(4, 4, "2022-03-01-bureau", "01/03/2022", 3, 3),
        said.format(6, 6, "2022-04-05-bureau", "05/04/2022", 5, 5),
    ]
    found = checked_problems(data)
    assert [p.code for p in found["2022-03-01-bureau"] if p.code.startswith("act.")] == []
    # The note is at the empty « Premier numéro » cell when its row is there.
    b = data / "2022-04-05-bureau"
    day = dt.datetime(2022, 4, 5)
    fields = {**SEANCE, "Date": day, "Date de convocation": day - dt.timedelta(days=7)}
    rows = [["Champ", "Valeur"], *fields.items(), *NUMBERED.items(), ["Premier numéro", None]]
    (b / "seance.xlsx").unlink()
    write_sheet(b / "seance.xlsx", "Séance", [list(r) for r in rows])
    (note,) = [p for p in checked_problems(data)["2022-04-05-bureau"] if p.code == CONTINUED]
    assert (
        str(note.place)
        == "seance.xlsx, feuille « Séance », cellule B13 (colonne « Premier numéro »)"
    )


def test_another_year_another_instance_or_a_dated_sequence_start_again(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    meeting(data / "a", dt.date(2022, 3, 1), None, None, None, **NUMBERED)
    meeting(data / "b", dt.date(2023, 1, 10), None, None, **NUMBERED)  # another year
    monthly = {"Numérotation": "M{AAAA}{MM}_{NN}"}  # a sequence each month
    meeting(data / "c", dt.date(2022, 3, 8), None, None, **monthly)
    meeting(data / "d", dt.date(2022, 4, 12), None, **monthly)
    code, printed = build(data, out)
    assert code == 0, printed
    assert extracts(out, "b") == ["B2023_001", "B2023_002"]
    assert extracts(out, "c") == ["M202203_01", "M202203_02"]
    assert extracts(out, "d") == ["M202204_01"]
    assert notes(run("check", "--data", str(data))[1]) == []
    # Another instance of the same body has a sequence of its own: with the
    # same pattern, its numbers are those of the Bureau, refused (one body).
    meeting(data / "e", dt.date(2022, 4, 5), None, **NUMBERED, Instance="Comité syndical")
    found = checked_problems(data)
    assert [p.code for p in found["e"] if p.code.startswith("act.")] == [CODE]
    assert "« B2022_001 »" in next(p.message for p in found["e"] if p.code == CODE)


def test_a_gap_after_the_previous_meeting_is_a_warning(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    meeting(data / "a", dt.date(2022, 3, 1), None, None, None, **NUMBERED)
    meeting(data / "b", dt.date(2022, 4, 5), None, None, **NUMBERED, **{"Premier numéro": 6})
    code, printed = build(data, out)
    assert code == 0, printed
    assert extracts(out, "b") == ["B2022_006", "B2022_007"]
    (gap,) = [line for line in problem_lines(printed) if "trou" in line]
    assert gap == (
        "seance.xlsx, feuille « Séance », cellule B13 (colonne « Premier numéro ») : "
        "avertissement : « Premier numéro » 6 laisse un trou dans la numérotation de l’année : "
        "la réunion « a » du 01/03/2022 (la précédente de la même instance dans l’année) a "
        "fini à 3 (« B2022_003 ») ; les numéros 4 à 5 ne sont donnés à aucun acte. Si c’est "
        "voulu, rien à faire ; sinon mettez 4, ou videz la cellule : la numérotation continue "
        "alors d’elle-même."
    )
    assert [p.code for p in checked_problems(data)["b"] if p.code.startswith("act.")] == [
        "act.sequence-gap"
    ]
    # The next number: nothing to say.
    shutil.rmtree(data / "b")
    meeting(data / "b", dt.date(2022, 4, 5), None, **NUMBERED, **{"Premier numéro": 4})
    assert [p for p in checked_problems(data)["b"] if p.code.startswith("act.")] == []


def test_an_overlap_is_a_warning_or_the_clash_error(tmp_path: Path) -> None:
    """a makes 1 and 3 (its row 2 typed): b starting at 2 gives a number a
    does not, yet goes back: a warning. Starting at 1, b gives B2022_001
    again: the clash error, and no warning beside it."""
    data = tmp_path / "data"
    meeting(data / "a", dt.date(2022, 3, 1), None, "A2", None, **NUMBERED)
    meeting(data / "b", dt.date(2022, 4, 5), None, **NUMBERED, **{"Premier numéro": 2})
    (overlap,) = [p for p in checked_problems(data)["b"] if p.code.startswith("act.")]
    assert overlap.code == "act.sequence-overlap"
    assert str(overlap).startswith(
        "seance.xlsx, feuille « Séance », cellule B13 (colonne « Premier numéro ») : "
        "avertissement : « Premier numéro » 2 revient en arrière dans la numérotation de "
        "l’année : la réunion « a » du 01/03/2022 (la précédente de la même instance dans "
        "l’année) a fini à 3 (« B2022_003 »). Mettez 4, ou videz la cellule"
    ), overlap
    shutil.rmtree(data / "b")
    meeting(data / "b", dt.date(2022, 4, 5), None, **NUMBERED, **FROM_1)
    assert [p.code for p in checked_problems(data)["b"] if p.code.startswith("act.")] == [CODE]


def test_same_day_meetings_follow_their_folder_names(tmp_path: Path) -> None:
    """Two meetings the same day: the folder names give the order; the
    later's numbers are settled along the sequence for the earlier's clash
    check too (no false clash)."""
    data, out = tmp_path / "data", tmp_path / "out"
    meeting(data / "2022-03-01-b-soir", dt.date(2022, 3, 1), None, None, **NUMBERED)
    meeting(data / "2022-03-01-a-matin", dt.date(2022, 3, 1), None, None, **NUMBERED)
    meeting(data / "2022-01-10", dt.date(2022, 1, 10), None, **NUMBERED)
    code, printed = build(data, out)
    assert code == 0, printed
    assert extracts(out, "2022-01-10") == ["B2022_001"]
    assert extracts(out, "2022-03-01-a-matin") == ["B2022_002", "B2022_003"]
    assert extracts(out, "2022-03-01-b-soir") == ["B2022_004", "B2022_005"]


def test_a_neighbour_that_cannot_be_read_is_left_out_of_the_sequence(tmp_path: Path) -> None:
    """m, between a and c, kills the reader: c continues after a (m's
    numbers are not known: a clash with them would be S²LOW's to find)."""
    from test_isolation import DIED, command

    data = tmp_path / "data"
    meeting(data / "a", dt.date(2022, 3, 1), None, None, None, **NUMBERED)
    trap = meeting(data / "m", dt.date(2022, 4, 5), None, None, **NUMBERED)
    (trap / "deliberations.xlsx").rename(trap / "piege.xlsx")
    meeting(data / "c", dt.date(2022, 5, 3), None, None, **NUMBERED)
    code, printed = command(tmp_path, "--data", "data", "--output", "out", "--jobs", "1")
    for word in ("Traceback", "erreur inattendue", "BrokenProcessPool"):
        assert word not in printed, printed
    assert code == 1 and f"  - {DIED}" in printed, printed
    assert extracts(tmp_path / "out", "c") == ["B2022_004", "B2022_005"]


# --- acts already transmitted; a pattern without a date (review of issue 19) ---------------

RENUMBERED = "accuse.renumbered"


def acknowledge(meeting_folder: Path, day: dt.date, *numbers: str) -> None:
    """The préfecture's acknowledgements of ``numbers``, decided on ``day``."""
    from test_accuses import SIREN, aracte

    folder = meeting_folder / "accuses"
    folder.mkdir(exist_ok=True)
    for number in numbers:
        act_id = f"080-{SIREN}-{day:%Y%m%d}-{number}-DE"
        received = f"{day + dt.timedelta(days=2):%Y-%m-%d}"
        (folder / f"{number}.xml").write_bytes(aracte(number, received, act_id))


def test_acts_transmitted_then_renumbered_by_an_earlier_meeting_are_an_error(
    tmp_path: Path,
) -> None:
    """b's four acts were sent as B2016_001…004 (« Premier numéro » empty,
    no meeting before it); a of October, added later, shifts b to 004…007:
    an error at b's « Premier numéro », naming the files, the numbers now
    made, a, and the number to write; once written, b's acts are acknowledged
    again. An acknowledgement of another day stays the plain warning."""
    data, out = tmp_path / "data", tmp_path / "out"
    day = dt.date(2016, 11, 28)
    b = meeting(data / "b", day, None, None, None, None, **NUMBERED)
    when = dt.datetime.combine(day, dt.time())
    fields = {**SEANCE, "Date": when, "Date de convocation": when - dt.timedelta(days=7)}
    rows = [["Champ", "Valeur"], *fields.items(), *NUMBERED.items(), ["Premier numéro", None]]
    (b / "seance.xlsx").unlink()  # with an empty « Premier numéro » row
    write_sheet(b / "seance.xlsx", "Séance", [list(r) for r in rows])
    acknowledge(b, day, "B2016_001", "B2016_002", "B2016_003", "B2016_004")
    found = checked_problems(data)
    assert [p.code for p in found["b"] if p.code.startswith("accuse.")] == []
    meeting(data / "a", dt.date(2016, 10, 3), None, None, None, **NUMBERED)
    acknowledge(b, dt.date(2016, 11, 29), "B2016_099")  # another meeting's, misfiled
    code, printed = build(data, out)
    assert code == 1, printed
    assert "Traceback" not in printed
    found = checked_problems(data)
    (error,) = [p for p in found["b"] if p.code == RENUMBERED]
    assert str(error.place) == (
        "seance.xlsx, feuille « Séance », cellule B13 (colonne « Premier numéro »)"
    )
    assert error.message == (
        "« Premier numéro » vide : la numérotation de la séance continue celle de la réunion "
        "« a » du 03/10/2016 (la précédente de la même instance dans l’année), qui a fini à 3 "
        "(« B2016_003 »), et ses actes portent maintenant les numéros « B2016_004 » à "
        "« B2016_007 » ; mais les accusés de réception « accuses/B2016_001.xml » (acte n° "
        "B2016_001) ; « accuses/B2016_002.xml » (acte n° B2016_002) ; "
        "« accuses/B2016_003.xml » (acte n° B2016_003) ne sont ceux d’aucune de ces "
        "délibérations : les actes ont déjà été transmis sous un autre numéro, qui ne doit "
        "plus changer (une réunion ajoutée avant celle-ci a décalé la numérotation). Une fois les actes transmis, leur numéro est fixé : fixez le champ "
        "« Premier numéro » à 1 : les actes retrouvent les numéros transmis."
    )
    (other,) = [p for p in found["b"] if p.code == "accuse.unknown-act"]
    assert "B2016_099" in other.message and str(other.place) == "accuses/B2016_099.xml"
    # The fix the message says: b's numbers are fixed again, a's clash with them.
    (b / "seance.xlsx").unlink()
    meeting(data / "b", day, None, None, None, None, **{**NUMBERED, "Premier numéro": 1})
    found = checked_problems(data)
    assert [p.code for p in found["b"] if p.code.startswith("accuse.")] == ["accuse.unknown-act"]
    assert CODE in [p.code for p in found["a"]]


def test_a_given_first_number_keeps_the_plain_warning(tmp_path: Path) -> None:
    data = tmp_path / "data"
    day = dt.date(2016, 11, 28)
    b = meeting(data / "b", day, None, None, **NUMBERED, **{"Premier numéro": 5})
    acknowledge(b, day, "B2016_001")
    codes = [p.code for p in checked_problems(data)["b"] if p.code.startswith("accuse.")]
    assert codes == ["accuse.unknown-act"]


def test_a_pattern_without_a_date_continues_across_years(tmp_path: Path) -> None:
    """B{NNN}: January 2017 follows November 2016, no clash; the note does
    not speak of the year. A dated pattern still starts again (above)."""
    data, out = tmp_path / "data", tmp_path / "out"
    plain = {"Numérotation": "B{NNN}"}
    meeting(data / "a", dt.date(2016, 11, 8), None, None, **plain)
    meeting(data / "b", dt.date(2017, 1, 10), None, None, None, **plain)
    code, printed = build(data, out)
    assert code == 0, printed
    assert extracts(out, "a") == ["B001", "B002"]
    assert extracts(out, "b") == ["B003", "B004", "B005"]
    (note,) = [p for p in checked_problems(data)["b"] if p.code == CONTINUED]
    assert "à la suite de la réunion « a » du 08/11/2016 (la précédente de la même instance)," in (
        note.message
    )


def test_sequence_number_and_first_number_pure() -> None:
    from pipeline.law.acts import Continued, Link, Numbering, first_number, sequence_number

    day = dt.date(2016, 11, 28)
    assert sequence_number("B{AAAA}_{NNN}", "B2016_004", day) == 4
    assert sequence_number("B{AAAA}_{NNN}", "B2016_1234", day) == 1234
    assert sequence_number("B{AAAA}_{NNN}", "B2015_004", day) is None  # another year
    assert sequence_number("B{AAAA}_{NNN}", "B2016_04", day) is None
    assert sequence_number("D{AAAA}{MM}{JJ}_{NN}", "D20161128_07", day) == 7
    assert sequence_number("B{NN}_{NN}", "B01_01", day) is None  # two sequence parts
    place = Place("seance.xlsx")
    numbering = Numbering("bureau", "B{AAAA}_{NNN}", None, (0, 1, 2, 3))
    continued = Continued(Link(4), numbering, day, place)
    assert first_number(continued, ["B2016_002", "B2016_001"]) == 1
    assert first_number(continued, ["B2016_003", "B2016_006"]) == 3
    assert first_number(continued, ["B2016_001", "B2016_009"]) is None  # too far apart
    assert first_number(continued, ["X1"]) is None
    # A typed number on the first row: the made ones start at offset 1.
    typed = Continued(Link(4), Numbering("bureau", "B{AAAA}_{NNN}", None, (1, 2)), day, place)
    assert first_number(typed, ["B2016_008"]) == 7


def test_acts_transmitted_while_their_numbers_follow_another_meeting_are_an_error(
    tmp_path: Path,
) -> None:
    """A meeting whose numbers continue the one before and whose acts have
    acknowledgements must write its « Premier numéro »: a meeting added
    before it by fewer items than it has would shift its numbers onto the
    acknowledged ones, and certify acts never transmitted (no number would
    be left unmatched to say it). Written, the meeting builds."""
    data, out = tmp_path / "data", tmp_path / "out"
    meeting(data / "a", dt.date(2016, 11, 8), None, None, None, **NUMBERED)  # B2016_001…003
    day = dt.date(2016, 11, 28)
    b = meeting(data / "b", day, None, None, None, **NUMBERED)  # B2016_004…006
    acknowledge(b, day, "B2016_005", "B2016_006")
    code, printed = build(data, out)
    assert code == 1 and not (out / "b").exists(), printed
    (error,) = [p for p in checked_problems(data)["b"] if p.code.startswith("accuse.")]
    assert error.code == "accuse.unfixed-numbering"
    # no « Premier numéro » row: the « Numérotation » cell (its own row when there is one)
    assert str(error.place).endswith("(colonne « Numérotation »)"), error.place
    assert error.message == (
        "« Premier numéro » vide : la numérotation de la séance continue celle de la réunion "
        "« a » du 08/11/2016 (la précédente de la même instance dans l’année), mais des actes "
        "de la séance ont déjà été transmis (accusés de réception des actes n° B2016_005, "
        "B2016_006). Un numéro transmis ne doit plus changer ; or il changerait si une réunion "
        "était ajoutée ou retirée avant celle-ci dans le dossier, et un accusé de réception "
        "pourrait alors être rattaché à un autre acte. Écrivez dans le champ « Premier numéro » "
        "le numéro d’ordre de la première délibération tel qu’il a été transmis "
        "(aujourd’hui 4)."
    )
    (b / "seance.xlsx").unlink()
    meeting(data / "b", day, None, None, None, **{**NUMBERED, "Premier numéro": 4})
    code, printed = build(data, out)
    assert code == 0, printed
    assert extracts(out, "b") == ["B2016_004", "B2016_005", "B2016_006"]
