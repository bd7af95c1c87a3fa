"""``make-minutes prefecture``: the package for the contrôle de légalité.

Real meetings built in tmp_path and the real command run on them; the
préfecture's classification.xml written here byte by byte, in the form of
the ministry's RetourClassification (ISO-8859-1, the actes: namespace). One
test runs LibreOffice (the PDFs); the others stop before it (a meeting with
errors gets no PDF) or call the functions of the package.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    DELIBERATIONS,
    PDFTOTEXT,
    make_meeting,
    needs_libreoffice,
    problem_lines,
    run,
    write_sheet,
)

from pipeline.commands import prefecture
from pipeline.parse import classification
from pipeline.problems import Place, Report
from pipeline.render import prefecture as package

REPO = Path(__file__).resolve().parent.parent
ACTES_NS = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216"

HEADER = [*DELIBERATIONS[0], "Numéro d'acte", "Matière"]


def acts(*rows: tuple[str, str, str]) -> list[list]:
    """Délibérations rows (title, act number, Matière), voted unanimously."""
    return [HEADER] + [
        [i, title, "Un exposé.", "Le Bureau approuve.", "unanimité", None, None, None, None, n, m]
        for i, (title, n, m) in enumerate(rows, start=1)
    ]


GOOD = acts(
    ("Convention cadre Espaces Numériques de Travail", "B2016_001", "8.1"),
    ("Tarifs 2017 des services", "B2016_002", "7.10 Divers"),
)
OTHER = acts(("Convention avec la Région", "B2016_101", "8.2"))  # another meeting's act


def classification_xml(date: str = "2022-03-15", extra: str = "", prolog: str = "") -> bytes:
    """A préfecture's RetourClassification: 8 (8.1, 8.1.3, 8.2) and 7 (7.1)."""
    text = f"""<?xml version='1.0' encoding='ISO-8859-1' ?>{prolog}
<actes:RetourClassification xmlns:actes="{ACTES_NS}">
  <actes:DateClassification>{date}</actes:DateClassification>
  <actes:NaturesActes>
    <actes:NatureActe actes:CodeNatureActe="1" actes:Libelle="Délibérations" actes:TypeAbrege="DE" />
  </actes:NaturesActes>
  <actes:Matieres>{extra}
    <actes:Matiere1 actes:CodeMatiere="7" actes:Libelle="Finances locales">
      <actes:Matiere2 actes:CodeMatiere="1" actes:Libelle="Décisions budgétaires" />
    </actes:Matiere1>
    <actes:Matiere1 actes:CodeMatiere="8" actes:Libelle="Domaines de compétences par thèmes">
      <actes:Matiere2 actes:CodeMatiere="1" actes:Libelle="Enseignement">
        <actes:Matiere3 actes:CodeMatiere="3" actes:Libelle="Collèges" />
      </actes:Matiere2>
      <actes:Matiere2 actes:CodeMatiere="2" actes:Libelle="Aide sociale" />
    </actes:Matiere1>
  </actes:Matieres>
</actes:RetourClassification>
"""
    return text.encode("iso-8859-1")


def prefecture_run(data: Path, out: Path, *names: str) -> tuple[int, str]:
    return run("prefecture", "--data", str(data), "--output", str(out), *names)


def rows_of(table: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(table.decode("utf-8-sig")), delimiter=";"))


# --- classification.xml ------------------------------------------------------------


def test_the_classification_gives_every_level_and_its_date() -> None:
    report = Report()
    found = classification.parse(classification_xml(), report)
    assert not report.problems
    assert found is not None
    assert found.date == dt.date(2022, 3, 15)
    assert found.codes["8"] == "Domaines de compétences par thèmes"  # read as ISO-8859-1
    assert found.codes["8.1.3"] == "Collèges"
    assert set(found.codes) == {"7", "7.1", "8", "8.1", "8.1.3", "8.2"}


@pytest.mark.parametrize(
    ("data", "code", "fragment"),
    [
        (b"<actes:RetourClassification", "classification.malformed", "pas du XML valide"),
        (
            b"<a>\n  <b></a>",
            "classification.malformed",
            "(balise fermante qui ne correspond pas à la balise ouverte à la ligne 2, colonne 8)",
        ),
        (b"", "classification.malformed", "(fichier vide ou coupé avant la fin à la ligne 1"),
        (
            b'<?xml version="1.0" encoding="x-foo"?><a/>',
            "classification.malformed",
            "son encodage (déclaré en première ligne, « encoding=… ») est inconnu",
        ),
        (
            b'<?xml version="1.0" encoding="utf-7"?><a/>',
            "classification.malformed",
            "est inconnu ou non pris en charge",
        ),
        (
            b"<Classification/>",
            "classification.malformed",
            "attendu « actes:RetourClassification »",
        ),
        (classification_xml(date="15/03/2022"), "classification.malformed", "AAAA-MM-JJ"),
        (
            classification_xml(prolog='<!DOCTYPE r [<!ENTITY e "x">]>'),
            "classification.hostile",
            "DTD ou des entités",
        ),
    ],
)
def test_a_bad_classification_is_an_error_naming_the_file(
    data: bytes, code: str, fragment: str
) -> None:
    report = Report()
    assert classification.parse(data, report, "data/classification.xml") is None
    (problem,) = report.problems
    assert (problem.code, problem.place) == (code, Place("data/classification.xml"))
    assert fragment in problem.message
    assert "error" not in problem.message and "line" not in problem.message  # no English


@pytest.mark.parametrize("own", [False, True])
def test_a_bad_classification_is_named_by_its_real_folder(tmp_path: Path, own: bool) -> None:
    """The file at the root of --data is named by that folder's name (not
    always « data/ »); the meeting's own, by its name alone."""
    from pipeline.read.sources import find_meetings

    data = tmp_path / "donnees-2022"
    make_meeting(data / "m", deliberations=GOOD)
    where = data / "m" if own else data
    (where / "classification.xml").write_bytes(b"<a>")
    (source,) = find_meetings(data)
    problems = [p for p in prefecture.prepare(source, []).report.problems]
    (problem,) = [p for p in problems if p.code == "classification.malformed"]
    shown = "classification.xml" if own else "donnees-2022/classification.xml"
    assert problem.place == Place(shown), problems


def test_a_huge_classification_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "classification.xml"
    with path.open("wb") as f:
        f.truncate(classification.MAX_BYTES + 1)  # sparse: nothing to read
    report = Report()
    assert classification.read(path, report) is None
    assert [p.code for p in report.problems] == ["classification.too-big"]


# --- actes.csv and the checks, by their functions ----------------------------------------


def test_actes_csv_has_the_platform_fields_one_row_per_act(tmp_path: Path) -> None:
    from pipeline.model import Deliberation
    from pipeline.problems import Place

    def act(number: str, title: str, subject: str) -> Deliberation:
        return Deliberation(1, title, (), (), (), None, "", Place(), act_number=number,
                            subject=subject)  # fmt: skip

    table = package.actes_csv(
        [
            act("B2022_017", "Cantine\nscolaire", "8.1 Enseignement"),
            act("B2022_018", "X", "7.10 Divers"),
        ],
        dt.date(2022, 12, 5),
        dt.date(2022, 3, 15),
    )
    assert table.startswith("\ufeffnature_code;nature;number;subject;decision_date;".encode())
    first, second = rows_of(table)
    assert first == {
        "nature_code": "1",
        "nature": "DE",
        "number": "B2022_017",
        "subject": "Cantine scolaire",  # one line: the platforms refuse a line break
        "decision_date": "2022-12-05",
        "classif1": "8",
        "classif2": "1",
        "classif3": "",
        "classif4": "",
        "classif5": "",
        "classification_date": "2022-03-15",
        "type_acte": "99_DE",
        "acte_pdf_file": "B2022_017.pdf",
        "acte_attachments": "",
        "type_pj": "",
    }
    assert (second["classif1"], second["classif2"]) == ("7", "10")


def test_an_act_over_150_mo_is_an_error_naming_it() -> None:
    report = Report()
    place = Place("m/prefecture/B2022_017.pdf")
    prefecture.check_size("B2022_017", "Cantine", prefecture.MAX_ACT_BYTES, place, report)
    assert not report.problems  # 150 Mo exactly: accepted (Pastell's threshold_size)
    prefecture.check_size("B2022_017", "Cantine", 160 * 1024 * 1024, place, report)
    (problem,) = report.problems
    assert (problem.code, problem.place) == ("prefecture.too-big", place)
    assert "l’acte B2022_017 « Cantine » pèse 160,0\u00a0Mo" in problem.message


# --- the command's checks (no PDF made: a meeting with errors gets none) -------------------


def test_every_act_needs_a_number_and_a_matiere(tmp_path: Path) -> None:
    rows = acts(("Sans numéro", None, "8.1"), ("Sans matière", "B2016_002", None))
    make_meeting(tmp_path / "data" / "m", deliberations=rows)
    code, output = prefecture_run(tmp_path / "data", tmp_path / "out")
    assert code == 1, output
    lines = problem_lines(output, plain_spaces=True)
    assert any(
        line.startswith(
            "deliberations.xlsx, feuille « Délibérations », ligne 2, colonne « Numéro d'acte » : "
            "la délibération n° 1 « Sans numéro » n’a pas de numéro d’acte"
        )
        and "Numérotation" in line
        for line in lines
    ), output
    assert any(
        line.startswith(
            "deliberations.xlsx, feuille « Délibérations », ligne 3, colonne « Matière » : "
            "la délibération n° 2 « Sans matière » n’a pas de matière"
        )
        for line in lines
    ), output
    assert not (tmp_path / "out").exists()


def test_an_objet_over_499_characters_is_refused(tmp_path: Path) -> None:
    rows = acts(("T" * 499, "B2016_001", "8.1"), ("T" * 500, "B2016_002", "8.1"))
    make_meeting(tmp_path / "data" / "m", deliberations=rows)
    code, output = prefecture_run(tmp_path / "data", tmp_path / "out")
    assert code == 1, output
    (line,) = [line for line in problem_lines(output) if "colonne « Titre »" in line]
    assert "ligne 3, colonne « Titre »" in line, output
    assert "titre de 500 caractères, la préfecture n’accepte pas un objet de plus de 499" in line


def test_a_matiere_outside_the_prefecture_classification_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    rows = acts(("Enseignement", "B2016_001", "8.1"), ("Voirie", "B2016_002", "8.3 Voirie"))
    make_meeting(data / "m", deliberations=rows)
    (data / "classification.xml").write_bytes(classification_xml())
    code, output = prefecture_run(data, tmp_path / "out")
    assert code == 1, output
    (line,) = problem_lines(output, plain_spaces=True)
    assert line.startswith(
        "deliberations.xlsx, feuille « Délibérations », ligne 3, colonne « Matière » : "
        "la délibération n° 2 « Voirie » : la matière « 8.3 Voirie » n’est pas dans la "
        "classification de la préfecture (data/classification.xml, du 15 mars 2022)."
    ), output
    assert "8.1 Enseignement, 8.1.3 Collèges, 8.2 Aide sociale" in line, output


def test_no_classification_is_read_above_the_data_folder(tmp_path: Path) -> None:
    """The meeting whose workbooks lie in data/ itself takes data/'s
    classification.xml, never the one of the folder above data/."""
    from pipeline.read.sources import find_meetings

    data = tmp_path / "data"
    make_meeting(data, deliberations=GOOD)  # « 7.10 » is not in the file below
    (tmp_path / "classification.xml").write_bytes(classification_xml())
    (source,) = find_meetings(data)
    prepared = prefecture.prepare(source, [])
    assert not prepared.report.problems, prepared.report.problems
    (data / "classification.xml").write_bytes(classification_xml())
    prepared = prefecture.prepare(source, [])
    assert [p.code for p in prepared.report.problems] == ["prefecture.unknown-classification"]


def test_an_act_number_of_another_meeting_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_meeting(data / "m", deliberations=GOOD)
    rows = acts(("Autre convention", "B2016_002", "8.1"))
    make_meeting(data / "suivante", seance={"Date": dt.datetime(2016, 12, 12)}, deliberations=rows)
    code, output = prefecture_run(data, tmp_path / "out", "m")
    assert code == 1, output
    (line,) = problem_lines(output, plain_spaces=True)  # the common reading's check
    assert line.startswith(
        "deliberations.xlsx, feuille « Délibérations », ligne 3, colonne « Numéro d'acte » : "
    ), output
    assert "« B2016_002 »" in line and "« suivante »" in line, output
    assert not (tmp_path / "out").exists()


def test_libreoffice_missing_is_said_in_french(tmp_path: Path, monkeypatch) -> None:
    make_meeting(tmp_path / "data" / "m", deliberations=GOOD)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, output = prefecture_run(tmp_path / "data", tmp_path / "out")
    assert code == 1, output
    assert "demande pour cela LibreOffice, introuvable sur cet ordinateur" in output
    assert not (tmp_path / "out").exists()


# --- a hostile classification.xml ----------------------------------------------------------

BOMB = (
    '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]>"
)
EXTERNAL = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
PREPARE = """
import json, sys
from pathlib import Path
from pipeline.commands import prefecture
from pipeline.read.sources import find_meetings
out = {}
for source in find_meetings(Path(sys.argv[1])):
    prepared = prefecture.prepare(source, [])
    out[source.name] = {
        "problems": [[p.code, str(p.place), p.message] for p in prepared.report.problems],
        "files": sorted(prepared.files),
    }
print(json.dumps(out))
"""
MEMORY = 1_500_000_000


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.mark.parametrize(
    ("prolog", "entity"), [(BOMB, "&j;"), (EXTERNAL, "&x;")], ids=["entity-bomb", "external"]
)
def test_a_hostile_classification_is_refused_and_the_other_meeting_prepared(
    tmp_path: Path, prolog: str, entity: str
) -> None:
    data = tmp_path / "data"
    make_meeting(data / "bonne", deliberations=OTHER)
    make_meeting(data / "m", deliberations=GOOD)
    uses = f"<actes:Matiere1 actes:CodeMatiere='9' actes:Libelle='{entity}' />"
    body = classification_xml(prolog=prolog, extra=uses)
    (data / "m" / "classification.xml").write_bytes(body)
    done = subprocess.run(
        [sys.executable, "-c", PREPARE, str(data)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["m"]["files"] == []
    (problem,) = [p for p in found["m"]["problems"] if p[0].startswith("classification.")]
    assert problem[:2] == ["classification.hostile", "classification.xml"]
    assert "root:" not in done.stdout  # /etc/passwd never read
    assert found["bonne"]["files"] == ["B2016_101.docx", "actes.csv"]
    assert not [p for p in found["bonne"]["problems"] if p[0].startswith(("prefecture", "class"))]


# --- the package, with LibreOffice ----------------------------------------------------------


@needs_libreoffice
def test_the_package_holds_each_act_as_pdf_and_actes_csv(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    make_meeting(data / "m", deliberations=GOOD)
    (data / "classification.xml").write_bytes(classification_xml())
    make_meeting(data / "autre", deliberations=OTHER)  # not named: not built
    code, output = prefecture_run(data, out, "m")
    # 7.10 is not in this préfecture's classification: the package waits.
    assert code == 1 and "la matière « 7.10 Divers » n’est pas dans la classification" in output
    (data / "classification.xml").unlink()  # the nomenclature carried by make-minutes
    code, output = prefecture_run(data, out, "m")
    assert code == 0, output
    assert "m : 2\u00a0actes en PDF/A et actes.csv écrits dans" in output, output
    folder = out / "m" / "prefecture"
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert [w for w in written if not w.startswith(".")] == [
        "B2016_001.pdf",
        "B2016_002.pdf",
        "actes.csv",
    ], written
    assert not (out / "autre").exists()
    table = rows_of((folder / "actes.csv").read_bytes())
    assert [(r["number"], r["subject"], r["classif1"], r["classif2"]) for r in table] == [
        ("B2016_001", "Convention cadre Espaces Numériques de Travail", "8", "1"),
        ("B2016_002", "Tarifs 2017 des services", "7", "10"),
    ]
    assert {r["decision_date"] for r in table} == {"2016-11-28"}
    assert {r["classification_date"] for r in table} == {""}
    pdf = folder / "B2016_001.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert b"pdfaid:part" in pdf.read_bytes()  # PDF/A
    assert PDFTOTEXT
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, check=True).stdout
    words = " ".join(text.decode().split())
    assert "Extrait du registre des délibérations" in words
    assert "Convention cadre Espaces Numériques de Travail" in words
    # The minutes' build and the package leave each other's files alone.
    code, output = run("--data", str(data), "--output", str(out))
    assert (folder / "B2016_001.pdf").is_file() and (folder / "actes.csv").is_file()


# --- a Matière deeper than level 2 (the préfecture's classification) ------------------


def test_a_level_3_matiere_needs_the_prefecture_classification(tmp_path: Path) -> None:
    """« 8.1.3 » is refused without classification.xml (the nomenclature
    carried stops at level 2), accepted with one that lists it — its three
    levels in actes.csv, its level 2 in the SCDL open data — and refused
    when that file does not list it."""
    from pipeline.read.sources import find_meetings

    data = tmp_path / "data"
    rows = acts(("Collège Jules Verne", "B2016_001", "8.1.3"), ("Aide", "B2016_002", "8.2"))
    make_meeting(data / "m", {"SIRET": "200 000 008 00017"}, deliberations=rows)
    (source,) = find_meetings(data)
    prepared = prefecture.prepare(source, [])
    (problem,) = prepared.report.errors
    assert problem.code == "deliberation.unknown-subject", problem
    assert str(problem.place).endswith("cellule K2 (colonne « Matière »)"), problem.place
    assert "un code de niveau 3 ou plus n’est accepté qu’avec la classification de votre " in (
        problem.message
    )
    assert "« 8.1 Enseignement »" in problem.message

    (data / "classification.xml").write_bytes(classification_xml())
    prepared = prefecture.prepare(source, [])
    assert not prepared.report.errors, prepared.report.errors
    table = rows_of(prepared.files[package.CSV_NAME])
    assert [(r["classif1"], r["classif2"], r["classif3"]) for r in table] == [
        ("8", "1", "3"),
        ("8", "2", ""),
    ]
    assert {r["classification_date"] for r in table} == {"2022-03-15"}
    out = tmp_path / "out"
    code, printed = run("--data", str(data), "--output", str(out))
    assert code == 0, printed
    with (out / "m" / "deliberations.csv").open(encoding="utf-8", newline="") as f:
        scdl = list(csv.DictReader(f))
    assert [(r["DELIB_MATIERE_CODE"], r["DELIB_MATIERE_NOM"]) for r in scdl] == [
        ("8.1", "Domaines de compétences par thèmes/Enseignement"),
        ("8.2", "Domaines de compétences par thèmes/Aide sociale"),
    ]

    rows[1][-1] = "8.1.9"  # not in the préfecture's file
    (data / "m" / "deliberations.xlsx").unlink()
    write_sheet(data / "m" / "deliberations.xlsx", "Délibérations", rows)
    (problem,) = prefecture.prepare(source, []).report.errors
    assert problem.code == "deliberation.unknown-subject"
    assert "« 8.1.9 » absente de la classification de la préfecture (data/classification.xml)" in (
        problem.message
    )
