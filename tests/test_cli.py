"""The command: where it looks, what it says, its exit code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE, docx_text, make_meeting, run

from pipeline.cli import SUMMARIES, main


def test_no_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, printed = run()
    assert code == 1
    assert (
        f"Aucune réunion trouvée dans « {tmp_path / 'data'} » (ce dossier n’existe pas)" in printed
    )
    assert "data/2024-03-15-conseil/" in printed and "« Séance »" in printed
    assert "Traceback" not in printed
    # The command that makes a meeting to fill, as it is to be typed.
    assert "\n    make-minutes new 2024-03-15-conseil\n" in printed
    # Elsewhere than ./data, the same folder.
    code, printed = run("check", "--data", "mes séances")
    assert code == 1
    assert "\n    make-minutes new 2024-03-15-conseil --data 'mes séances'\n" in printed
    assert "mes séances/2024-03-15-conseil/" in printed


def test_empty_data_folder(tmp_path: Path) -> None:
    (tmp_path / "data" / "exposes").mkdir(parents=True)
    (tmp_path / "data" / "vide").mkdir()
    (tmp_path / "data" / "~$verrou.xlsx").write_bytes(b"lock")
    code, printed = run("--data", str(tmp_path / "data"))
    assert code == 1
    assert f"Aucune réunion trouvée dans « {tmp_path / 'data'} »" in printed


def test_default_folders_and_one_line_per_meeting(tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(SAMPLE, tmp_path / "data" / SAMPLE.name)
    make_meeting(tmp_path / "data" / "2017-01-09-bureau")
    monkeypatch.chdir(tmp_path)
    code, printed = run()
    assert code == 0, printed
    # The per-meeting lines, then (after a blank line) the summary table.
    report, summary = printed.split("\n\n")
    assert summary.splitlines()[0].split() == [
        "Réunion",
        "Documents",
        "Avertissements",
        "Problèmes",
    ]
    # Warnings: no SIRET for the open data; a quorum counting proxies (the statutes').
    assert summary.splitlines()[1].split() == ["2016-11-28-bureau", "6", "2", "0"]
    lines = [line for line in report.splitlines() if "deliberations.csv" not in line]
    assert lines == [
        (
            "2016-11-28-bureau : proces-verbal.docx, annexe-tarifs.docx, liste-deliberations.docx, "
            "3 extraits écrits dans output/2016-11-28-bureau"
        ),
        (
            "  - seance.xlsx, feuille « Séance », cellule B15 (colonne « Quorum ») : avertissement : "
            "le quorum compte ici les membres représentés : c’est une exception à la règle du CGCT "
            "(article L2121-17 : seuls les membres présents comptent), que seuls les statuts de "
            "l’organisme peuvent prévoir. Vérifiez qu’ils le disent ; sinon, écrivez « présents » "
            "ou effacez le champ « Quorum »."
        ),
        (
            "2017-01-09-bureau : proces-verbal.docx, liste-deliberations.docx, 1 extrait écrits dans "
            "output/2017-01-09-bureau"
        ),
    ]
    assert (tmp_path / "output" / "2017-01-09-bureau" / "proces-verbal.docx").is_file()


def test_workbooks_directly_in_data_form_a_meeting(tmp_path: Path) -> None:
    data = make_meeting(tmp_path / "seance-du-jour")
    (data / ".~lock.seance.xlsx#").write_text("lock")
    code, printed = run("--data", str(data), "--output", str(tmp_path / "out"))
    assert code == 0, printed
    text = docx_text(tmp_path / "out" / "seance-du-jour" / "proces-verbal.docx")
    assert text[:2] == ["Syndicat mixte Somme Numérique", "BUREAU du 28 novembre 2016"]


def test_sheets_spread_or_together_and_default_sheet_names(tmp_path: Path) -> None:
    from conftest import DELIBERATIONS, PRESENCES, SEANCE, write_sheet

    folder = tmp_path / "data" / "m"
    folder.mkdir(parents=True)
    # One workbook for two sheets; a lone "Feuil1" sheet named by its file.
    write_sheet(folder / "classeur.xlsx", "SEANCE", [["Champ", "Valeur"], *SEANCE.items()])
    write_sheet(folder / "classeur.xlsx", "Attendance", PRESENCES)
    write_sheet(folder / "Délibérations.xlsx", "Feuil1", DELIBERATIONS)
    code, printed = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert code == 0, printed


def test_help_is_in_french() -> None:
    code, printed = run("--help")
    assert code == 0
    assert "Rédige les procès-verbaux" in printed
    assert "Dossier des réunions" in printed


def test_merged_cells_read_as_their_top_left_value(tmp_path: Path) -> None:
    import openpyxl
    from conftest import assert_first_college_merged_down

    folder = make_meeting(tmp_path / "data" / "m")
    # The college typed once, merged down over its members' rows.
    path = folder / "presences.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws["A3"] = None
    ws.merge_cells("A2:A3")
    wb.save(path)
    code, printed = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert code == 0, printed
    assert_first_college_merged_down(docx_text(tmp_path / "out" / "m" / "proces-verbal.docx"))


def test_check_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    from conftest import PRESENCES

    bad = [list(row) for row in PRESENCES]
    bad[1][4] = "presnt"
    make_meeting(tmp_path / "data" / "bonne")
    make_meeting(tmp_path / "data" / "mauvaise", presences=bad, seance={"Date": "32/13/2016"})
    data = str(tmp_path / "data")
    code, printed = run("check", "--data", data, "--output", str(tmp_path / "out"))
    assert code == 1
    lines = [line for line in printed.splitlines() if "deliberations.csv" not in line]
    assert lines[0] == "bonne : aucun problème, 1 avertissement."
    assert lines[1] == "mauvaise : 2 problèmes."
    assert (
        "presences.xlsx, feuille « Présences », cellule E2 (Florence RODINGER, colonne « Statut ») :"
        in lines[2]
    )
    assert "seance.xlsx, feuille « Séance », cellule B5 (colonne « Date ») :" in lines[3]
    assert not (tmp_path / "out").exists()
    # One meeting named: only that one is checked; a good one exits 0.
    code, printed = run("check", "bonne", "--data", data)
    assert code == 0 and "mauvaise" not in printed
    code, printed = run("check", "inconnue", "--data", data)
    assert code == 2 and "Réunion inconnue : inconnue" in printed


COMMANDS = ["build", "check", "new", "fields"]
# What click writes in English when a text escapes the translation, and its
# marks of a cut summary.
ENGLISH = [
    "Usage:",
    "Options:",
    "Commands:",
    "Arguments:",
    "Show this message",
    "Show the version",
    "default:",
    "required",
    "x>=",
    "x<=",
    ">=",
    "[env var",
    "...",
]


@pytest.mark.parametrize("width", [50, 80, 200])
@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_every_help_is_french_and_whole(command: list[str], width: int) -> None:
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=width)
    assert result.exit_code == 0, result.output
    printed = result.output
    assert printed.startswith("Utilisation : ") and "\nOptions :\n" in printed
    assert [word for word in ENGLISH if word in printed] == [], printed
    if not command:
        # Each command's summary, whole (the words wrap, nothing is cut).
        listed = " ".join(printed.split("Commandes :\n")[1].split())
        for name in COMMANDS:
            assert f"{name} {SUMMARIES[name]}" in listed, listed
        assert "[au moins 1]" in printed  # --jobs: click's « [x>=1] » in French


def test_a_number_out_of_its_range_is_said_in_french() -> None:
    code, printed = run("--jobs", "0")
    assert code == 2
    assert "0 ne convient pas : il faut au moins 1." in printed
