"""Blank workbooks that follow the contract, for ``make-minutes new``: every
sheet with its headers, a comment on each header and field saying what goes
in it, drop-down lists (the words the program expects, the members' names,
the deliberations' numbers), date and time formats, frozen header rows,
readable widths.

The sheets that name one another — Séance and Délibérations name members of
Présences, Présences and Votes name deliberations by their N° — are in one
workbook, ``seance.xlsx``: a drop-down list can only offer cells of its own
workbook (Excel and LibreOffice cannot list the cells of another file, and a
copy made when ``new`` runs would not follow the members the clerk types
afterwards). So each list follows its sheet as it is filled. The tariffs,
prepared apart and often by someone else, stay in ``tarifs.xlsx``.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.contract import (
    COLUMNS,
    FIELDS,
    HELPER_SHEET,
    MEMBERS_LIST,
    NUMBERS_LIST,
    SEANCE_HEADER,
    SHEET_TITLES,
)
from pipeline.text import fold

# The hints (comments), drop-down lists and formats come from the contract;
# what is left here is where each sheet goes and how the sheets look.
WORKBOOKS = {
    "seance.xlsx": ["seance", "presences", "deliberations", "votes", "autres_points"],
    "tarifs.xlsx": ["tarifs", "contributions"],
}
WIDE = {"expose", "debats", "decision", "texte", "titre"}  # folded titles of the text columns
NUMBER_FORMATS = {"date": "DD/MM/YYYY", "time": "HH:MM"}
ROWS = 1000  # the rows of a sheet that get its drop-down lists
LISTED_ROWS = 500  # the rows of Présences and Délibérations the lists offer

# The defined names of the lists that follow the sheets (a dynamic range:
# from the second row to the last filled one), the sheet each one needs, and
# what the spreadsheet says of a value outside them.
LIST_NAMES = {MEMBERS_LIST: "ListeMembres", NUMBERS_LIST: "ListeNumeros"}
LIST_SOURCES = {MEMBERS_LIST: "presences", NUMBERS_LIST: "deliberations"}
OUTSIDE = {
    MEMBERS_LIST: (
        "Nom absent de la feuille Présences",
        (
            "Ce nom ne figure pas dans la feuille Présences. Oui : le garder (un suppléant, "
            "plusieurs secrétaires séparés par « ; », un membre pas encore listé) ; Non : le "
            "corriger. « make-minutes check » vérifiera les noms."
        ),
    ),
    NUMBERS_LIST: (
        "N° absent de Délibérations",
        (
            "Ce numéro ne figure pas dans la colonne N° de la feuille Délibérations. Oui : le "
            "garder (une délibération pas encore listée) ; Non : le corriger. « make-minutes "
            "check » vérifiera les numéros."
        ),
    ),
}


def _comment(hint: str, required: bool):
    """A header's comment, its box large enough to show the whole text."""
    from openpyxl.comments import Comment

    text = hint + (" (obligatoire)" if required else "")
    return Comment(text, "make-minutes", height=20 * (len(text) // 40 + 2), width=260)


def _quoted(title: str) -> str:
    """A sheet's name as a formula writes it."""
    return "'" + title.replace("'", "''") + "'"


def _validation(ws, cells: str, item, listed_here: set[str]) -> None:
    """The drop-down list of ``item`` (a Column or Field) over ``cells``:
    its fixed words, refused outside them when the list is closed; or a list
    of the meeting's own (``item.listed``), when its sheet is in this
    workbook, that only warns: such a list may be incomplete."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if item.listed:
        if item.listed not in listed_here:
            return
        formula, style = LIST_NAMES[item.listed], "warning"
        title, error = OUTSIDE[item.listed]
    elif item.choices:
        formula = f'"{",".join(item.choices)}"'
        if item.closed:
            style, title, error = "stop", "Valeur inconnue", "Choisissez une valeur de la liste."
        else:
            style, title = "warning", "Valeur hors de la liste"
            error = (
                "Ce mot ne figure pas dans la liste. Oui : le garder (un nombre, par exemple) ; "
            )
            error += "Non : le corriger."
    else:
        return
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle=style)
    dv.error, dv.errorTitle, dv.showErrorMessage = error, title, True
    dv.prompt = "Choisissez dans la liste."
    ws.add_data_validation(dv)
    dv.add(cells)


def _last_filled(cells: str) -> str:
    """A formula: the row of the last non-empty cell of ``cells`` (a column range)."""
    return f'SUMPRODUCT(MAX(({cells}<>"")*ROW({cells})))'


def _dynamic(first: str, cells: str) -> str:
    """A formula: the range from ``first`` down to the last non-empty cell of
    ``cells`` (at least one cell), so a list shows no trailing blanks."""
    return f"OFFSET({first},0,0,MAX(1,{_last_filled(cells)}-1),1)"


def _add_lists(wb, keys: list[str]) -> set[str]:
    """The lists that follow the sheets of this workbook: their defined
    names, and for the members' names the hidden helper sheet that joins
    Prénom and Nom (a list can only offer cells, not a formula's results).
    The lists this workbook can offer."""
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName

    here = {listed for listed, source in LIST_SOURCES.items() if source in keys}
    if NUMBERS_LIST in here:
        delib = _quoted(SHEET_TITLES["deliberations"])
        letter = get_column_letter(list(COLUMNS["deliberations"]).index("numero") + 1)
        cells = f"{delib}!${letter}$2:${letter}${LISTED_ROWS + 1}"
        wb.defined_names[LIST_NAMES[NUMBERS_LIST]] = DefinedName(
            LIST_NAMES[NUMBERS_LIST], attr_text=_dynamic(f"{delib}!${letter}$2", cells)
        )
    if MEMBERS_LIST in here:
        presences, order = _quoted(SHEET_TITLES["presences"]), list(COLUMNS["presences"])
        first, last = (get_column_letter(order.index(k) + 1) for k in ("prenom", "nom"))
        helper = wb.create_sheet(HELPER_SHEET)
        helper.sheet_state = "hidden"
        helper["A1"] = "Membres (Prénom Nom, d’après la feuille Présences : ne pas modifier)"
        # INDEX(…, ROW()) rather than a reference to the cell: a row inserted
        # or deleted in Présences leaves every row of the list in step.
        name = f"INDEX({presences}!${{c}}:${{c}},ROW())"
        for r in range(2, LISTED_ROWS + 2):
            helper.cell(r, 1).value = (
                f'=IF({name.format(c=last)}="","",'
                f'TRIM({name.format(c=first)}&" "&{name.format(c=last)}))'
            )
        helper.column_dimensions["A"].width = 40
        title = _quoted(HELPER_SHEET)
        wb.defined_names[LIST_NAMES[MEMBERS_LIST]] = DefinedName(
            LIST_NAMES[MEMBERS_LIST],
            attr_text=_dynamic(f"{title}!$A$2", f"{title}!$A$2:$A${LISTED_ROWS + 1}"),
        )
    return here


def write_blank(folder: Path, seance: dict[str, object] | None = None, members=None) -> list[Path]:
    """Create the blank workbooks of a meeting in ``folder`` (which must not
    exist). ``seance`` pre-fills fields (by title), ``members`` the rows of
    Présences (lists of values in the order of its columns)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    folder.mkdir(parents=True)
    written = []
    bold = Font(bold=True)
    for filename, keys in WORKBOOKS.items():
        wb = Workbook()
        wb.remove(wb.active)
        listed_here = _add_lists(wb, keys)
        for position, key in enumerate(keys):
            ws = wb.create_sheet(SHEET_TITLES[key], position)
            if key == "seance":
                ws.append(list(SEANCE_HEADER))
                for field in FIELDS.values():
                    value = (seance or {}).get(field.title)
                    ws.append([field.title, value])
                    row = ws.max_row
                    ws.cell(row, 1).comment = _comment(field.hint, field.required)
                    if field.required:
                        ws.cell(row, 1).font = bold
                    if field.kind in NUMBER_FORMATS:
                        ws.cell(row, 2).number_format = NUMBER_FORMATS[field.kind]
                    _validation(ws, f"B{row}", field, listed_here)
                ws.column_dimensions["A"].width = 34
                ws.column_dimensions["B"].width = 60
            else:
                columns = list(COLUMNS[key].values())
                ws.append([c.title for c in columns])
                for index, column in enumerate(columns, start=1):
                    letter = get_column_letter(index)
                    cell = ws.cell(1, index)
                    cell.font = bold
                    cell.comment = _comment(column.hint, column.required)
                    wide = fold(column.title) in WIDE
                    ws.column_dimensions[letter].width = 60 if wide else 18
                    if wide:
                        for r in range(2, 200):
                            ws.cell(r, index).alignment = Alignment(wrap_text=True, vertical="top")
                    _validation(ws, f"{letter}2:{letter}{ROWS}", column, listed_here)
                if key == "presences" and members:
                    for row in members:
                        ws.append(list(row))
            ws.freeze_panes = "A2"
        wb.active = 0
        path = folder / filename
        wb.save(path)
        written.append(path)
    return written
