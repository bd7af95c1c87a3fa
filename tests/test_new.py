"""make-minutes new: blank workbooks that follow the contract, filled by
the test as a clerk would, then built."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import python_calamine
from conftest import SAMPLE, SOFFICE, docx_text, needs_libreoffice, run


def fill(folder: Path) -> None:
    """Type a small meeting into the blank workbook, cell by cell."""
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
    ws = wb["Présences"]
    for member in [
        ["", "Mme", "Anne", "ROY", "présente"],
        ["", "M.", "Luc", "BLANC", "présent"],
        ["", "M.", "Paul", "NOIR", "excusé", "Anne ROY"],
    ]:
        ws.append(member)
    item = [1, "Budget primitif 2024", "Exposé.", None, "Décision.", "unanimité"]
    for column, value in enumerate(item, start=1):  # in row 2: the text columns are styled
        wb["Délibérations"].cell(2, column).value = value
    wb.save(folder / "seance.xlsx")


def test_new_then_filled_builds(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, printed = run("new", "2024-01-15-conseil", "--data", str(data))
    assert code == 0, printed
    folder = data / "2024-01-15-conseil"
    # The sheets that name one another in one workbook, so that their
    # drop-down lists can offer one another's cells; the tariffs apart.
    assert sorted(p.name for p in folder.iterdir()) == ["seance.xlsx", "tarifs.xlsx"]
    fill(folder)
    code, printed = run("--data", str(data), "--output", str(tmp_path / "out"))
    assert code == 0, printed
    # The hidden sheet of the lists is no sheet of the meeting: not even a warning.
    assert "Listes" not in printed and "feuille ignorée" not in printed, printed
    text = docx_text(tmp_path / "out" / "2024-01-15-conseil" / "proces-verbal.docx")
    assert "CONSEIL MUNICIPAL du 15 janvier 2024" in text
    assert "1. Budget primitif 2024" in text
    # Empty Tarifs/Contributions/Votes sheets are no sheets: no annex.
    assert not (tmp_path / "out" / "2024-01-15-conseil" / "annexe-tarifs.docx").exists()


def test_blank_workbooks_carry_the_hints(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run("new", "m", "--data", str(data))[0] == 0
    wb = openpyxl.load_workbook(data / "m" / "seance.xlsx")
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
    seance = wb["Séance"]
    fields = [row[0].value for row in seance.iter_rows(min_row=2)]
    assert fields[:3] == ["Organisme", "Instance", "Genre de l'instance"]
    date_row = fields.index("Date") + 2
    assert seance.cell(date_row, 2).number_format == "DD/MM/YYYY"
    assert "(obligatoire)" in seance.cell(date_row, 1).comment.text
    votes = wb["Votes"]
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
    rows = list(openpyxl.load_workbook(data / "suite" / "seance.xlsx")["Présences"].values)
    assert rows[1][:5] == ("Amiens Métropole", "Mme", "Florence", "RODINGER", None)
    assert len(rows) == 10  # the header and the nine members, attendance reset


def _comments(data: Path) -> dict[tuple[str, str], str]:
    """(sheet, header or field) → the comment of that header or field, read
    back from every blank workbook."""
    found = {}
    for book in sorted((data / "m").glob("*.xlsx")):
        for ws in openpyxl.load_workbook(book):
            if ws.sheet_state != "visible":
                continue
            cells = [row[0] for row in ws.iter_rows(min_row=2)] if ws.title == "Séance" else ws[1]
            for cell in cells:
                found[ws.title, cell.value] = cell.comment.text
    return found


def test_every_column_has_a_comment_of_its_own(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run("new", "m", "--data", str(data))[0] == 0
    comments = _comments(data)
    assert len(comments) > 50
    # Two headers of different meaning never share a comment (the same
    # column in two sheets is not the same column: Votes!Vote is one
    # member's vote, Délibérations!Vote the whole assembly's).
    shared = {}
    for place, text in comments.items():
        shared.setdefault(text, []).append(place)
    assert [places for places in shared.values() if len(places) > 1] == []
    votes, deliberation = comments["Votes", "Vote"], comments["Délibérations", "Vote"]
    assert "pour, contre, abstention ou nppv" in votes and "unanimité" not in votes
    assert "unanimité" in deliberation
    part, title = comments["Autres points", "Partie"], comments["Autres points", "Titre"]
    assert "DÉLIBÉRATIONS" not in part and "délibération" not in title.lower()
    assert "point" in part and "point" in title
    assert comments["Votes", "N°"] != comments["Délibérations", "N°"]


def _lists(ws) -> dict[str, tuple[str, str]]:
    """First cell of each validated range → (its list, its error style)."""
    return {
        str(dv.sqref).split(":")[0]: (dv.formula1, dv.errorStyle)
        for dv in ws.data_validations.dataValidation
    }


def test_the_lists_offer_the_members_and_the_deliberations(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run("new", "m", "--data", str(data))[0] == 0
    wb = openpyxl.load_workbook(data / "m" / "seance.xlsx")
    members, numbers = ("ListeMembres", "warning"), ("ListeNumeros", "warning")
    seance = wb["Séance"]
    row = {r[0].value: r[0].row for r in seance.iter_rows(min_row=2)}
    lists = _lists(seance)
    assert lists[f"B{row['Président']}"] == members
    assert lists[f"B{row['Secrétaire de séance']}"] == members  # several names: a warning only
    assert lists[f"B{row['Seuil du quorum']}"] == ('"majorité,tiers"', "warning")  # or a number
    assert lists[f"B{row['Deuxième convocation']}"] == ('"oui,non"', "stop")
    # Présences: F Pouvoir à, H Arrivée, I Départ; the fixed words still refused.
    lists = _lists(wb["Présences"])
    assert (lists["F2"], lists["H2"], lists["I2"]) == (members, numbers, numbers)
    assert lists["E2"][1] == "stop" and lists["B2"] == ('"M.,Mme"', "stop")
    lists = _lists(wb["Délibérations"])
    header = [c.value for c in wb["Délibérations"][1]]
    assert lists[f"{'ABCDEFGHIJKLMNOP'[header.index('Présidence')]}2"] == members
    # « Se retirent » takes several names: no list there.
    assert f"{'ABCDEFGHIJKLMNOP'[header.index('Se retirent')]}2" not in lists
    lists = _lists(wb["Votes"])
    assert (lists["A2"], lists["B2"]) == (numbers, members)
    assert lists["C2"] == ('"pour,contre,abstention,nppv"', "stop")
    # The names come from a hidden sheet joining Prénom and Nom of Présences,
    # the numbers from the N° column of Délibérations, down to their last row.
    assert wb["Listes"].sheet_state == "hidden"
    assert "'Présences'!$C:$C" in wb["Listes"]["A2"].value
    assert "'Présences'!$D:$D" in wb["Listes"]["A2"].value
    names = {name: value.attr_text for name, value in wb.defined_names.items()}
    assert names["ListeMembres"].startswith("OFFSET('Listes'!$A$2,")
    assert names["ListeNumeros"].startswith("OFFSET('Délibérations'!$A$2,")


@needs_libreoffice
def test_libreoffice_opens_the_blank_workbook_and_fills_its_lists(tmp_path: Path) -> None:
    """The workbook filled as a clerk would, then saved by LibreOffice (.ods):
    LibreOffice computed the lists (read back from the saved file, with a copy
    that asks what the named lists hold), kept the drop-downs, and the saved
    meeting still builds."""
    data = tmp_path / "data"
    assert run("new", "m", "--data", str(data))[0] == 0
    folder = data / "m"
    fill(folder)
    (folder / "tarifs.xlsx").unlink()
    probe = tmp_path / "probe.xlsx"
    wb = openpyxl.load_workbook(folder / "seance.xlsx")
    ws = wb.create_sheet("Sonde")
    ws["A1"], ws["A2"], ws["A3"] = (
        "=ROWS(ListeMembres)",
        "=INDEX(ListeMembres,3)",
        "=ROWS(ListeNumeros)",
    )
    wb.save(probe)
    converted = tmp_path / "converted"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "ods",
            "--outdir",
            str(converted),
            str(folder / "seance.xlsx"),
            str(probe),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = converted / "seance.ods"
    assert saved.is_file() and (converted / "probe.ods").is_file(), "LibreOffice n’a pas ouvert"
    book = python_calamine.CalamineWorkbook.from_path(str(converted / "probe.ods"))
    assert book.get_sheet_by_name("Sonde").to_python()[:3] == [[3.0], ["Paul NOIR"], [1.0]]
    listed = book.get_sheet_by_name("Listes").to_python()
    assert [row[0] for row in listed[1:4]] == ["Anne ROY", "Luc BLANC", "Paul NOIR"]
    with zipfile.ZipFile(saved) as package:
        content = package.read("content.xml").decode("utf-8")
    assert "cell-content-is-in-list(ListeMembres)" in content
    assert "cell-content-is-in-list(ListeNumeros)" in content
    (folder / "seance.xlsx").unlink()
    shutil.copy(saved, folder / "seance.ods")
    code, printed = run("--data", str(data), "--output", str(tmp_path / "out"))
    assert code == 0, printed
    assert "Listes" not in printed and "feuille ignorée" not in printed, printed
