"""Blank workbooks that follow the contract, for ``make-minutes new``: every
sheet with its headers, a comment on each header and field saying what goes
in it, drop-down lists for the words the program expects, date and time
formats, frozen header rows, readable widths."""

from __future__ import annotations

from pathlib import Path

from pipeline.contract import COLUMNS, FIELDS, SEANCE_HEADER, SHEET_TITLES
from pipeline.text import fold

# The hints (comments), drop-down lists and formats come from the contract;
# what is left here is where each sheet goes and how the sheets look.
WORKBOOKS = {
    "seance.xlsx": ["seance"],
    "presences.xlsx": ["presences"],
    "deliberations.xlsx": ["deliberations", "votes", "autres_points"],
    "tarifs.xlsx": ["tarifs", "contributions"],
}
WIDE = {"expose", "debats", "decision", "texte", "titre"}  # folded titles of the text columns
NUMBER_FORMATS = {"date": "DD/MM/YYYY", "time": "HH:MM"}


def _comment(hint: str, required: bool) -> str:
    return hint + (" (obligatoire)" if required else "")


def _validation(ws, column_letter: str, choices: str, rows: str = "2:1000") -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    first, last = rows.split(":")
    dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    dv.error = "Choisissez une valeur de la liste."
    dv.errorTitle = "Valeur inconnue"
    dv.prompt = "Choisissez dans la liste."
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    dv.add(f"{column_letter}{first}:{column_letter}{last}")


def write_blank(folder: Path, seance: dict[str, object] | None = None, members=None) -> list[Path]:
    """Create the blank workbooks of a meeting in ``folder`` (which must not
    exist). ``seance`` pre-fills fields (by title), ``members`` the rows of
    Présences (lists of values in the order of its columns)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    folder.mkdir(parents=True)
    written = []
    bold = Font(bold=True)
    for filename, keys in WORKBOOKS.items():
        wb = Workbook()
        wb.remove(wb.active)
        for key in keys:
            ws = wb.create_sheet(SHEET_TITLES[key])
            if key == "seance":
                ws.append(list(SEANCE_HEADER))
                for field in FIELDS.values():
                    value = (seance or {}).get(field.title)
                    ws.append([field.title, value])
                    row = ws.max_row
                    ws.cell(row, 1).comment = Comment(
                        _comment(field.hint, field.required), "make-minutes"
                    )
                    if field.required:
                        ws.cell(row, 1).font = bold
                    if field.kind in NUMBER_FORMATS:
                        ws.cell(row, 2).number_format = NUMBER_FORMATS[field.kind]
                    if field.choices:
                        _validation(ws, "B", ",".join(field.choices), f"{row}:{row}")
                ws.column_dimensions["A"].width = 34
                ws.column_dimensions["B"].width = 60
            else:
                columns = list(COLUMNS[key].values())
                ws.append([c.title for c in columns])
                for index, column in enumerate(columns, start=1):
                    letter = get_column_letter(index)
                    cell = ws.cell(1, index)
                    cell.font = bold
                    cell.comment = Comment(_comment(column.hint, column.required), "make-minutes")
                    wide = fold(column.title) in WIDE
                    ws.column_dimensions[letter].width = 60 if wide else 18
                    if wide:
                        for r in range(2, 200):
                            ws.cell(r, index).alignment = Alignment(wrap_text=True, vertical="top")
                    if column.choices:
                        _validation(ws, letter, ",".join(column.choices))
                if key == "presences" and members:
                    for row in members:
                        ws.append(list(row))
            ws.freeze_panes = "A2"
        path = folder / filename
        wb.save(path)
        written.append(path)
    return written
