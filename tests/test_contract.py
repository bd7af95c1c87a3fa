"""The workbook contract is written once (pipeline/contract.py): the docs
(docs/data-format.md) list exactly its sheets, columns and fields, with the
same required ones, its other spellings and its words; the blank workbooks
of ``make-minutes new`` carry its headers, hints and drop-down lists; every
word a list offers is one the reader takes."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO

from pipeline import contract
from pipeline.commands.blank import LIST_NAMES, WORKBOOKS, write_blank
from pipeline.contract import COLUMNS, FIELDS, SHEET_SPECS, SHEET_TITLES, Vocabulary
from pipeline.text import fold

DOCS = REPO / "docs" / "data-format.md"


def docs_sheets() -> dict[str, tuple[bool, dict[str, tuple[str, str]]]]:
    """Each « ## Feuille `…` » of the docs: whether it is « obligatoire », and
    the rows of its first « Champ » or « Colonne » table: folded name → (the
    « Obligatoire » cell, the rest of the row)."""
    out: dict[str, tuple[bool, dict[str, tuple[str, str]]]] = {}
    title, rows, in_table, done = "", {}, False, False
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"## Feuille `([^`]+)` — (obligatoire|facultative)$", line)
        if heading:
            title, rows, in_table, done = heading[1], {}, False, False
            out[title] = (heading[2] == "obligatoire", rows)
        elif line.startswith("## "):
            title = ""
        elif title and not done and re.match(r"\| (Champ|Colonne) \| Obligatoire \|", line):
            in_table = True
        elif in_table and line.startswith("|---"):
            continue
        elif in_table and line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            for name in cells[0].split(", "):
                rows[fold(name)] = (cells[1], " | ".join(cells[2:]))
        elif in_table:
            in_table, done = False, True
    return out


def docs_section(heading: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    return text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def quoted(text: str) -> set[str]:
    """The words between backticks of ``text``."""
    return set(re.findall(r"`([^`]+)`", text))


def required_words(required: bool, unless: str = "", sheet: str = "") -> str:
    """The « Obligatoire » cell the docs write for a column or field."""
    if unless:
        return f"oui, sauf si `{COLUMNS[sheet][unless].title}` est rempli"
    return "oui" if required else "non"


def test_the_docs_list_exactly_the_sheets_of_the_contract() -> None:
    documented = {title: required for title, (required, _) in docs_sheets().items()}
    assert documented == {s.title: s.required for s in SHEET_SPECS}
    assert set(COLUMNS) | {"seance"} == set(SHEET_TITLES)


def test_the_docs_list_exactly_the_fields_of_seance() -> None:
    _, rows = docs_sheets()[SHEET_TITLES["seance"]]
    assert set(rows) == set(FIELDS)
    for key, field in FIELDS.items():
        assert rows[key][0] == required_words(field.required), field.title


@pytest.mark.parametrize("sheet", sorted(COLUMNS))
def test_the_docs_list_exactly_the_columns_of_each_sheet(sheet: str) -> None:
    _, rows = docs_sheets()[SHEET_TITLES[sheet]]
    columns = COLUMNS[sheet]
    assert set(rows) == {fold(c.title) for c in columns.values()}
    for column in columns.values():
        expected = required_words(column.required, column.unless, sheet)
        assert rows[fold(column.title)][0] == expected, column.title


def test_the_docs_give_every_other_spelling() -> None:
    """The other headers and the English sheet names, in « Comment les noms
    sont comparés »."""
    listed = {fold(word) for word in quoted(docs_section("Comment les noms sont comparés"))}
    for sheet in SHEET_SPECS:
        assert fold(sheet.english) in listed, sheet.english
    for columns in COLUMNS.values():
        for column in columns.values():
            for synonym in column.synonyms:
                assert fold(synonym) in listed, f"{column.title} = {synonym}"


def test_the_docs_give_the_words_of_every_list() -> None:
    """A word offered by a drop-down list is written in the row of its
    column or field."""
    sheets = docs_sheets()
    offered = [("seance", f) for f in FIELDS.values()] + [
        (sheet, c) for sheet, columns in COLUMNS.items() for c in columns.values()
    ]
    for sheet, item in offered:
        if item.choices:
            _, rows = sheets[SHEET_TITLES[sheet]]
            missing = set(item.choices) - quoted(rows[fold(item.title)][1])
            assert not missing, f"{item.title} : {missing}"


VOCABULARIES = {
    name: value for name, value in vars(contract).items() if isinstance(value, Vocabulary)
}


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_word_offered_is_one_the_reader_takes(name: str) -> None:
    vocabulary = VOCABULARIES[name]
    assert vocabulary.choices, name
    assert all(fold(word) in vocabulary.words for word in vocabulary.choices)
    # Every value can be chosen from the list.
    offered = {vocabulary.words[fold(word)] for word in vocabulary.choices}
    assert offered == set(vocabulary.words.values())


def test_the_choices_of_the_columns_and_fields_are_vocabularies() -> None:
    lists = {v.choices for v in VOCABULARIES.values()}
    for item in [*FIELDS.values(), *(c for cs in COLUMNS.values() for c in cs.values())]:
        assert not item.choices or item.choices in lists, item.title


def test_the_blank_workbooks_are_made_from_the_contract(tmp_path: Path) -> None:
    write_blank(tmp_path / "m")
    assert sorted(k for keys in WORKBOOKS.values() for k in keys) == sorted(SHEET_TITLES)
    for filename, keys in WORKBOOKS.items():
        workbook = openpyxl.load_workbook(tmp_path / "m" / filename)
        visible = [ws.title for ws in workbook if ws.sheet_state == "visible"]
        assert visible == [SHEET_TITLES[k] for k in keys]
        for key in keys:
            ws = workbook[SHEET_TITLES[key]]
            lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
            if key == "seance":
                items = list(FIELDS.values())
                cells = [row[0] for row in ws.iter_rows(min_row=2)]
                where = [f"B{c.row}" for c in cells]
            else:
                items = list(COLUMNS[key].values())
                cells = list(ws[1])
                where = [f"{c.column_letter}2:{c.column_letter}1000" for c in cells]
            assert [c.value for c in cells] == [i.title for i in items], key
            for cell, item, place in zip(cells, items, where, strict=True):
                comment = item.hint + (" (obligatoire)" if item.required else "")
                assert item.hint and cell.comment.text == comment, item.title
                expected = f'"{",".join(item.choices)}"' if item.choices else None
                if item.listed:  # the members' names or the deliberations' numbers
                    expected = LIST_NAMES[item.listed]
                assert lists.get(place) == expected, item.title
            assert len(lists) == sum(bool(i.choices or i.listed) for i in items), key
