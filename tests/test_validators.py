"""What the validators downstream refuse, refused here first (issue 15, items 9
and 10): deliberations.csv passes validata-table, the validator data.gouv.fr
runs on SCDL files, against the official SCDL « Délibérations » 2.1.5 schema
and its custom checks (the ACTES nomenclature « niveau 1/niveau 2 » in
DELIB_MATIERE_NOM, the SIRET checksum); the « Matière » column takes an
ACTES code alone and fills its name; the SIRET's keys are checked as it is
read; act numbers follow S²LOW's rule.

validata-table pins Flask, Werkzeug and Jinja2 3.1.4, older than the Jinja2
make-minutes renders its templates with: it lives in its own virtual
environment (tests/validata.txt; .ci/run makes it, a developer too:
« python3 -m venv .venv-validata && .venv-validata/bin/pip install -r
tests/validata.txt »), found through MAKE_MINUTES_VALIDATA (its python) or
at .venv-validata/. Without it the validata tests are skipped, except in CI.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, build, checked_problems, make_meeting, problem_lines, problems_of

from pipeline.contract import ACTES, actes_path

SCHEMA = next(
    (
        path
        for path in (
            REPO / "tests" / "fixtures" / "scdl-deliberations-2.1.5.schema.json",
            REPO.parent / "shared" / "spec" / "scdl-deliberations-2.1.5.schema.json",
        )
        if path.is_file()
    ),
    None,
)
VALIDATA = next(
    (
        Path(p)
        for p in (os.environ.get("MAKE_MINUTES_VALIDATA"), REPO / ".venv-validata/bin/python")
        if p and Path(p).is_file()
    ),
    None,
)
needs_validata = pytest.mark.skipif(
    (VALIDATA is None or SCHEMA is None) and not os.environ.get("CI"),
    reason="validata-table absent (voir tests/validata.txt) ou schéma SCDL introuvable",
)
# validata-table's own Python API, run by the python of its environment:
# the report (errors, warnings, valid) as JSON on stdout.
RUNNER = """
import json, sys
from validata_core import resource_service, validation_service
path, schema = sys.argv[1:]
with open(path, "rb") as f:
    resource = resource_service.from_file_content(path, f.read())
with open(schema, encoding="utf-8") as f:
    report = validation_service.validate_resource(resource, json.load(f))
json.dump(report.to_dict(), sys.stdout, ensure_ascii=False)
"""

HEADERS = ["N°", "Titre", "Vote", "Pour", "Contre", "Abstentions", "Matière"]
ITEMS: list[dict[str, Any]] = [
    {"Titre": "Cantine scolaire", "Vote": "unanimité", "Matière": "8.1"},  # the code alone
    {
        "Titre": "Budget supplémentaire",
        "Pour": 3,
        "Contre": 1,
        "Matière": "7.1 Décisions budgétaires",
    },
    {"Titre": "Règlement intérieur", "Pour": 2, "Abstentions": 2, "Matière": "5.2"},
    {"Titre": "Vœu sur la ligne de bus", "Vote": "unanimité", "Matière": "9.4 voeux et motions"},
]
SIRET = "200 000 008 00017"  # the example of docs/data-format.md: its keys hold


def write(tmp_path: Path, items: list[dict[str, Any]] = ITEMS, **seance: Any) -> tuple[Path, Path]:
    """The meeting ``items`` with SIRET and Numérotation (unless given) in tmp_path/data;
    (the data folder, the meeting's output folder)."""
    rows = [HEADERS] + [
        [cells.get(h, n if h == "N°" else None) for h in HEADERS]
        for n, cells in enumerate(items, start=1)
    ]
    make_meeting(
        tmp_path / "data" / "seance",
        seance={"SIRET": SIRET, "Numérotation": "B{AAAA}_{NNN}", **seance},
        deliberations=rows,
    )
    return tmp_path / "data", tmp_path / "out" / "seance"


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def validata(path: Path) -> dict[str, Any]:
    """validata-table's report on the CSV ``path``, against the SCDL schema."""
    assert VALIDATA is not None, "validata-table is required in CI (tests/validata.txt)"
    assert SCHEMA is not None, "the SCDL 2.1.5 schema file is required in CI"
    result = subprocess.run(
        [str(VALIDATA), "-c", RUNNER, str(path), str(SCHEMA)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def errors(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e.get("fieldName", ""), e.get("cell", "")) for e in report["errors"]]


# --- 9. deliberations.csv passes validata-table ------------------------------------------


@pytest.fixture(scope="module")
def meeting_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CSV of a meeting with a SIRET and a Matière on every item."""
    data, out = write(tmp_path_factory.mktemp("validata"))
    code, output = build(data, out.parent)
    assert code == 0, output
    assert problem_lines(output) == [], output
    return out / "deliberations.csv"


def test_the_matiere_name_reads_level_1_slash_level_2(meeting_csv: Path) -> None:
    rows = csv_rows(meeting_csv)
    assert [(r["DELIB_MATIERE_CODE"], r["DELIB_MATIERE_NOM"]) for r in rows] == [
        ("8.1", "Domaines de compétences par thèmes/Enseignement"),
        ("7.1", "Finances locales/Décisions budgétaires"),
        ("5.2", "Institutions et vie politique/Fonctionnement des assemblées"),
        ("9.4", "Autres domaines de compétences/Vœux et motions"),
    ]
    assert {r["COLL_SIRET"] for r in rows} == {"20000000800017"}


@needs_validata
def test_validata_accepts_the_csv(meeting_csv: Path) -> None:
    report = validata(meeting_csv)
    assert report["errors"] == [], report["errors"]
    assert report["valid"] is True
    assert report["stats"]["rows"] == len(ITEMS)


@needs_validata
def test_validata_refuses_a_broken_siret_and_a_bare_name(meeting_csv: Path, tmp_path: Path) -> None:
    """The same CSV with the SIRET's last digit changed and a name without
    its level 1 (what make-minutes wrote before): validata reports both,
    so the test above can fail."""
    rows = csv_rows(meeting_csv)
    rows[0]["COLL_SIRET"] = "20000000800018"
    rows[1]["DELIB_MATIERE_NOM"] = "Décisions budgétaires"
    broken = tmp_path / "deliberations.csv"
    with broken.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    report = validata(broken)
    assert report["valid"] is False
    assert errors(report) == [
        ("COLL_SIRET", "20000000800018"),
        ("DELIB_MATIERE_NOM", "Décisions budgétaires"),
    ]


@needs_validata
def test_validata_accepts_every_code_of_the_nomenclature(meeting_csv: Path, tmp_path: Path) -> None:
    """Each level-2 code of pipeline/actes.csv, written as make-minutes
    writes it (actes_path), passes validata's ACTES check."""
    (row, *_) = csv_rows(meeting_csv)
    codes = [c for c in ACTES if "." in c]
    assert len(codes) == 57 and len(ACTES) == 66
    every = tmp_path / "deliberations.csv"
    with every.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(row), lineterminator="\r\n")
        writer.writeheader()
        for code in codes:
            writer.writerow(
                {**row, "DELIB_MATIERE_CODE": code, "DELIB_MATIERE_NOM": actes_path(code)}
            )
    report = validata(every)
    assert report["errors"] == [], report["errors"]


# --- the « Matière » column ---------------------------------------------------------------


def subject_problems(tmp_path: Path, matiere: Any) -> list[tuple[str, str, str]]:
    """(code, place, message) of each problem of a one-item meeting whose
    Matière is ``matiere``."""
    data, _ = write(tmp_path, [{"Titre": "Cantine", "Vote": "unanimité", "Matière": matiere}])
    (problems,) = checked_problems(data).values()
    return [(p.code, str(p.place), p.message) for p in problems]


CELL = "deliberations.xlsx, feuille « Délibérations », cellule G2 (colonne « Matière »)"


@pytest.mark.parametrize(
    "matiere",
    [
        "8.1",
        "8.1 Enseignement",
        "8.1 enseignement",
        "8,1",
        "8.1 - Enseignement",
        "8.1 ENSEIGNEMENT",
        "9.4 Voeux et motions",  # « œ » written out
        "4.1 Personnel titulaires et stagiaires de la FPT",  # « F.P.T. » without its dots
    ],
)
def test_a_code_alone_or_with_its_name_is_accepted(tmp_path: Path, matiere: str) -> None:
    assert subject_problems(tmp_path, matiere) == []


def test_a_numeric_cell_is_read_as_its_code(tmp_path: Path) -> None:
    data, out = write(tmp_path, [{"Titre": "Cantine", "Vote": "unanimité", "Matière": 8.1}])
    code, output = build(data, out.parent)
    assert code == 0 and problem_lines(output) == [], output
    (row,) = csv_rows(out / "deliberations.csv")
    assert (row["DELIB_MATIERE_CODE"], row["DELIB_MATIERE_NOM"]) == (
        "8.1",
        "Domaines de compétences par thèmes/Enseignement",
    )


def test_seven_point_one_typed_as_a_number_warns_of_seven_point_ten(tmp_path: Path) -> None:
    ((code, place, message),) = subject_problems(tmp_path, 7.1)
    assert (code, place) == ("deliberation.subject-as-number", CELL)
    assert "« 7.10 Divers »" in message


def test_another_name_is_a_warning_and_the_official_one_is_written(tmp_path: Path) -> None:
    data, out = write(
        tmp_path, [{"Titre": "Cantine", "Vote": "unanimité", "Matière": "8.1 Écoles"}]
    )
    assert problems_of(data) == {"seance": [("deliberation.subject-name-differs", CELL)]}
    code, output = build(data, out.parent)
    assert code == 0, output
    (row,) = csv_rows(out / "deliberations.csv")
    assert row["DELIB_MATIERE_NOM"] == "Domaines de compétences par thèmes/Enseignement"
    (line,) = problem_lines(output)
    assert line == (
        f"{CELL} : avertissement : matière « 8.1 Écoles » : le nom ACTES du code 8.1 est "
        "« Enseignement », c’est lui qui est retenu. Tapez « 8.1 » seul ou « 8.1 Enseignement »."
    )


def test_the_name_of_another_code_says_which(tmp_path: Path) -> None:
    ((code, place, message),) = subject_problems(tmp_path, "8.2 Enseignement")
    assert (code, place) == ("deliberation.subject-name-differs", CELL)
    assert "le nom ACTES du code 8.2 est « Aide sociale »" in message
    assert "« Enseignement » est le nom du code 8.1 : vérifiez le code" in message


@pytest.mark.parametrize(
    ("matiere", "listed"),
    [
        ("8.12", "les codes de « 8 Domaines de compétences par thèmes » sont : 8.1 Enseignement, "),
        ("8", "8.9 Culture."),  # level 1 alone
        ("12.1", "les codes vont de 1.1 à 9.4"),
    ],
)
def test_an_unknown_code_is_an_error_naming_the_cell(
    tmp_path: Path, matiere: str, listed: str
) -> None:
    ((code, place, message),) = subject_problems(tmp_path, matiere)
    assert (code, place) == ("deliberation.unknown-subject", CELL)
    assert message.startswith(f"matière « {matiere} » inconnue de la nomenclature ACTES")
    assert listed in message


def test_a_level_3_code_without_the_prefecture_classification_says_its_level_2(
    tmp_path: Path,
) -> None:
    ((code, place, message),) = subject_problems(tmp_path, "7.1.2 Budget primitif")
    assert (code, place) == ("deliberation.unknown-subject", CELL)
    assert message == (
        "matière « 7.1.2 Budget primitif » : un code de niveau 3 ou plus n’est accepté qu’avec "
        "la classification de votre préfecture (déposez son fichier classification.xml dans "
        "data/) ; sans elle, tapez le code de niveau 2 « 7.1 Décisions budgétaires »."
    )


def test_a_name_without_code_is_unreadable(tmp_path: Path) -> None:
    assert subject_problems(tmp_path, "Enseignement") == [
        (
            "deliberation.unreadable-subject",
            CELL,
            (
                "matière « Enseignement » illisible : attendu un code de la nomenclature ACTES, "
                "seul ou suivi de son nom, par exemple « 8.1 » ou « 8.1 Enseignement »."
            ),
        )
    ]


def test_the_docs_list_the_nomenclature() -> None:
    """docs/data-format.md lists every code of pipeline/actes.csv with its name."""
    docs = (REPO / "docs" / "data-format.md").read_text(encoding="utf-8")
    section = docs.split("#### La nomenclature ACTES", 1)[1].split("\n#", 1)[0]
    listed = dict(
        (cells[0].strip(" `*"), cells[1].strip(" *"))
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| Code")
        for cells in [line.strip("|").split(" | ")]
    )
    assert listed == ACTES


# --- the SIRET ----------------------------------------------------------------------------

SIRET_CELL = "seance.xlsx, feuille « Séance », cellule B12 (colonne « SIRET »)"


def siret_problems(tmp_path: Path, siret: str) -> list[tuple[str, str, str]]:
    data, _ = write(tmp_path, SIRET=siret)
    (problems,) = checked_problems(data).values()
    return [(p.code, str(p.place), p.message) for p in problems]


@pytest.mark.parametrize(
    "siret",
    [
        "20000000800017",
        "200 000 008 00017",
        "35600000000048",  # La Poste's head office: the Luhn key
        "35600000000001",  # a post office: La Poste's rule (digits adding up to a multiple of 5)
    ],
)
def test_a_siret_whose_keys_hold_is_accepted(tmp_path: Path, siret: str) -> None:
    assert siret_problems(tmp_path, siret) == []


def test_a_siren_whose_key_fails_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    ((code, place, message),) = siret_problems(tmp_path, "253 800 018 00017")
    assert (code, place) == ("seance.siret-checksum", SIRET_CELL)
    assert message.startswith(
        "SIRET « 253 800 018 00017 » erroné : la clé de son SIREN (les 9 premiers chiffres, "
        "253800018) est fausse ; un chiffre est mal recopié."
    )


def test_a_siret_whose_key_fails_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    ((code, place, message),) = siret_problems(tmp_path, "20000000800018")
    assert (code, place) == ("seance.siret-checksum", SIRET_CELL)
    assert (
        "son SIREN 200000008 est juste, mais la clé du SIRET (les 5 derniers chiffres, 00018)"
        in message
    )


def test_a_siret_of_13_digits_keeps_its_message(tmp_path: Path) -> None:
    ((code, place, message),) = siret_problems(tmp_path, "2000000080001")
    assert (code, place) == ("seance.invalid-siret", SIRET_CELL)
    assert message == "SIRET attendu sur 14 chiffres, trouvé « 2000000080001 »."


# --- 10. act numbers: S²LOW's rule --------------------------------------------------------


def test_a_typed_act_number_with_a_leading_underscore_is_an_error(tmp_path: Path) -> None:
    rows = [
        ["N°", "Titre", "Vote", "Numéro d'acte"],
        [1, "Cantine", "unanimité", "_B2016_001"],
        [2, "Voirie", "unanimité", "B2016_002"],
    ]
    data = tmp_path / "data"
    make_meeting(data / "seance", deliberations=rows)
    ((code, place, message),) = [
        (p.code, str(p.place), p.message) for p in checked_problems(data)["seance"]
    ]
    assert (code, place) == (
        "act.invalid-number",
        "deliberations.xlsx, feuille « Délibérations », ligne 2, colonne « Numéro d'acte »",
    )
    assert message.startswith("numéro d’acte « _B2016_001 » refusé (un _ au début) : ")
    assert "sans _ au début ni à la fin" in message


def test_a_pattern_ending_with_an_underscore_refuses_every_number(tmp_path: Path) -> None:
    data, _ = write(tmp_path, ITEMS[:2], **{"Numérotation": "B{AAAA}_{NNN}_"})
    sheet = "deliberations.xlsx, feuille « Délibérations »"
    assert problems_of(data) == {
        "seance": [
            ("act.invalid-number", f"{sheet}, ligne 2, colonne « N° »"),
            ("act.invalid-number", f"{sheet}, ligne 3, colonne « N° »"),
        ]
    }
