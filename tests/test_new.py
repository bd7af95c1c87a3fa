"""make-minutes new: blank workbooks that follow the contract, filled by
the test as a clerk would, then built."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
from conftest import SAMPLE, docx_text, run


def fill(folder: Path) -> None:
    """Type a small meeting into the blank workbooks, cell by cell."""
    wb = openpyxl.load_workbook(folder / "seance.xlsx")
    ws = wb["Séance"]
    values = {
        "Organisme": "commune de Rue",
        "Instance": "Conseil municipal",
        "Date": dt.datetime(2024, 1, 15),
        "Heure d'ouverture": dt.time(19, 0),
        "Date de convocation": dt.datetime(2024, 1, 8),
        "Président": "Anne ROY",
        "Secrétaire de séance": "Luc BLANC",
    }
    for row in ws.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    wb.save(folder / "seance.xlsx")
    wb = openpyxl.load_workbook(folder / "presences.xlsx")
    ws = wb["Présences"]
    for member in [
        ["", "Mme", "Anne", "ROY", "présente"],
        ["", "M.", "Luc", "BLANC", "présent"],
        ["", "M.", "Paul", "NOIR", "excusé"],
    ]:
        ws.append(member)
    wb.save(folder / "presences.xlsx")
    wb = openpyxl.load_workbook(folder / "deliberations.xlsx")
    wb["Délibérations"].append(
        [1, "Budget primitif 2024", "Exposé.", None, "Décision.", "unanimité"]
    )
    wb.save(folder / "deliberations.xlsx")


def test_new_then_filled_builds(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, printed = run("new", "2024-01-15-conseil", "--data", str(data))
    assert code == 0, printed
    folder = data / "2024-01-15-conseil"
    assert sorted(p.name for p in folder.iterdir()) == [
        "deliberations.xlsx",
        "presences.xlsx",
        "seance.xlsx",
        "tarifs.xlsx",
    ]
    fill(folder)
    code, printed = run("--data", str(data), "--output", str(tmp_path / "out"))
    assert code == 0, printed
    text = docx_text(tmp_path / "out" / "2024-01-15-conseil" / "proces-verbal.docx")
    assert text[0] == "CONSEIL MUNICIPAL du 15 janvier 2024"
    assert "1. Budget primitif 2024" in text
    # Empty Tarifs/Contributions/Votes sheets are no sheets: no annex.
    assert not (tmp_path / "out" / "2024-01-15-conseil" / "annexe-tarifs.docx").exists()


def test_blank_workbooks_carry_the_hints(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run("new", "m", "--data", str(data))[0] == 0
    wb = openpyxl.load_workbook(data / "m" / "presences.xlsx")
    ws = wb["Présences"]
    assert [c.value for c in ws[1]][:5] == ["Collège", "Civilité", "Prénom", "Nom", "Statut"]
    assert ws.freeze_panes == "A2"
    assert "suppléé" in ws["E1"].comment.text
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    statuses = '"présent,présente,excusé,excusée,absent,absente,suppléé,suppléée"'
    assert statuses in lists and '"M.,Mme"' in lists
    # Every word the list offers is one the reader takes (the contract's
    # feminine forms included), and each of the four statuses is offered.
    from pipeline.contract import STATUSES
    from pipeline.text import fold

    offered = statuses.strip('"').split(",")
    assert all(fold(word) in STATUSES for word in offered)
    assert {STATUSES[fold(word)] for word in offered} == set(STATUSES.values())
    seance = openpyxl.load_workbook(data / "m" / "seance.xlsx")["Séance"]
    fields = [row[0].value for row in seance.iter_rows(min_row=2)]
    assert fields[:3] == ["Organisme", "Instance", "Genre de l'instance"]
    date_row = fields.index("Date") + 2
    assert seance.cell(date_row, 2).number_format == "DD/MM/YYYY"
    assert "(obligatoire)" in seance.cell(date_row, 1).comment.text
    votes = openpyxl.load_workbook(data / "m" / "deliberations.xlsx")["Votes"]
    assert '"pour,contre,abstention,nppv"' in {
        dv.formula1 for dv in votes.data_validations.dataValidation
    }


def test_new_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "m"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("à garder")
    code, printed = run("new", "m", "--data", str(tmp_path / "data"))
    assert code == 1
    assert "existe déjà : rien n’a été écrasé" in printed
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_new_from_an_earlier_meeting_keeps_members_and_body(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data / SAMPLE.name)
    code, printed = run("new", "suite", "--from", SAMPLE.name, "--data", str(data))
    assert code == 0, printed
    seance = openpyxl.load_workbook(data / "suite" / "seance.xlsx")["Séance"]
    fields = {row[0].value: row[1].value for row in seance.iter_rows(min_row=2)}
    assert fields["Organisme"] == "syndicat mixte Somme Numérique"
    assert fields["Quorum"] == "présents ou représentés"
    assert fields["Date"] is None and fields["Secrétaire de séance"] is None
    rows = list(openpyxl.load_workbook(data / "suite" / "presences.xlsx")["Présences"].values)
    assert rows[1][:5] == ("Amiens Métropole", "Mme", "Florence", "RODINGER", None)
    assert len(rows) == 10  # the header and the nine members, attendance reset
