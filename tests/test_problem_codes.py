"""Every problem has a stable code beside its place and message.

The French message may be reworded; the code (``vote.total-mismatch``) does
not change, so that tests and tools can tell problems apart without parsing
printed lines. Here every place of ``pipeline/`` that reports a problem is
read (with ``ast``), and each must give its ``code``: a string written
there, or a name whose value is such a string where it is defined.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import make_meeting, problems_of

from pipeline.problems import CODE, Place, Problem, Report

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"


def reporting_calls(tree: ast.AST) -> list[ast.Call]:
    """``x.error(…)``, ``x.warning(…)``, ``x.note(…)`` on a report, and ``Problem(…)``."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("error", "warning", "note"):
            if not (isinstance(func.value, ast.Name) and func.value.id in ("logging", "click")):
                found.append(node)
        elif isinstance(func, ast.Name) and func.id == "Problem":
            found.append(node)
    return found


def missing_codes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = []
    for call in reporting_calls(tree):
        code = next((k.value for k in call.keywords if k.arg == "code"), None)
        where = f"{path.name}:{call.lineno}"
        if code is None:
            wrong.append(f"{where}: no code=")
        elif isinstance(code, ast.Constant) and not (
            isinstance(code.value, str) and CODE.fullmatch(code.value)
        ):
            wrong.append(f"{where}: code {code.value!r} is not like « area.what »")
    return wrong


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_every_problem_reported_has_a_code(path: Path) -> None:
    assert missing_codes(path) == []


def test_the_guard_sees_a_problem_without_code(tmp_path: Path) -> None:
    """The witness: a call without code, or with a badly formed one, is found;
    one with its code is not."""
    fake = tmp_path / "witness.py"
    fake.write_text(
        "report.error(place, 'x')\n"
        "report.warning(place, 'y', code='Pas Bien')\n"
        "report.error(place, 'z', code='vote.total-mismatch')\n"
        "Problem(place, 'w')\n"
    )
    assert [line.split(": ", 1)[1] for line in missing_codes(fake)] == [
        "no code=",
        "code 'Pas Bien' is not like « area.what »",
        "no code=",
    ]


def test_a_report_refuses_a_problem_without_its_code() -> None:
    report = Report()
    with pytest.raises(TypeError):
        report.error(Place("f.xlsx"), "message")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        report.error(Place("f.xlsx"), "message", code="Mauvais code")
    with pytest.raises(ValueError):
        Problem(Place("f.xlsx"), "message")  # made by hand (build, console): a code too


def test_a_meeting_s_problems_carry_their_codes(tmp_path: Path) -> None:
    """Read through the real pipeline (conftest.problems_of): an unknown
    status is reported with its code and its cell; the other meeting has none."""
    make_meeting(tmp_path / "data" / "bonne")
    make_meeting(
        tmp_path / "data" / "m",
        presences=[
            ["Collège", "Civilité", "Prénom", "Nom", "Statut", "Pouvoir à"],
            ["A", "Mme", "Florence", "RODINGER", "présente", None],
            ["A", "M.", "Philippe", "VARLET", "absnet", None],
            ["A", "M.", "Philippe", "COCQ", "présent", None],
        ],
    )
    found = problems_of(tmp_path / "data")
    assert [c for c, _ in found["bonne"] if c != "opendata.missing"] == []
    (status,) = [(c, p) for c, p in found["m"] if "cellule E3" in p]
    assert CODE.fullmatch(status[0]), status
    assert (
        status[1]
        == "presences.xlsx, feuille « Présences », cellule E3 (Philippe VARLET, colonne « Statut »)"
    )
    assert all(CODE.fullmatch(code) for problems in found.values() for code, _ in problems)


DOCS = PACKAGE.parent / "docs" / "problem-codes.md"
# Literals of these files that look like codes are not problem codes (the
# template variables seance.date, d.titre…; click's modules).
NOT_CODES = {"render/variables.py", "render/variables_cycle.py", "clickfr.py"}
FILE_SUFFIXES = (".xlsx", ".docx", ".csv", ".xml", ".pdf", ".json", ".ics")


def codes_in_the_code() -> set[str]:
    """Every string of pipeline/ written like a problem code whose area is
    one the docs know (file names such as « seance.xlsx » are not codes)."""
    areas = {code.split(".")[0] for code in codes_in_the_docs()}
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if str(path.relative_to(PACKAGE)) in NOT_CODES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            if (
                isinstance(value, str)
                and CODE.fullmatch(value)
                and value.split(".")[0] in areas
                and not value.endswith(FILE_SUFFIXES)
            ):
                found.add(value)
    return found


def codes_in_the_docs() -> set[str]:
    return set(re.findall(r"^\| `([a-z0-9.-]+)` \|", DOCS.read_text(encoding="utf-8"), re.M))


def test_the_docs_list_every_code_and_no_other() -> None:
    in_code, in_docs = codes_in_the_code(), codes_in_the_docs()
    assert in_code - in_docs == set(), "codes missing from docs/problem-codes.md"
    assert in_docs - in_code == set(), "codes of docs/problem-codes.md no longer used"


def test_every_code_given_literally_has_a_known_area() -> None:
    areas = {code.split(".")[0] for code in codes_in_the_docs()}
    for path in PACKAGE.rglob("*.py"):
        for call in reporting_calls(ast.parse(path.read_text(encoding="utf-8"))):
            for k in call.keywords:
                if k.arg == "code" and isinstance(k.value, ast.Constant):
                    assert k.value.value.split(".")[0] in areas, (path, k.value.value)
