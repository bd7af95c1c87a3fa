"""Issue 18, « The acknowledgements read back » and « Publication »: the
préfecture's acknowledgements (ARActe) dropped into data/<meeting>/accuses/,
« Code préfecture », the certification of the extracts and the minutes'
publication (CGCT L2121-15, « Procès-verbal mis en ligne le »).

The acknowledgements are written byte by byte in the format S²LOW returns
and Pastell reads (libriciel/pastell, ActeEnvelopeParserTest::getAractes):
the root actes:ARActe with the attributes IDActe and DateReception, its
child actes:ActeRecu with Date, NumeroInterne and CodeNatureActe. The
hostile ones run in a subprocess under a memory cap and a time limit, with
a good meeting beside that must still be built (tests/test_hostile.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import build, checked_problems, docx_text, make_meeting, problem_lines, run
from openpyxl import load_workbook
from test_hostile import assert_built, assert_clean, run_limited, two_meetings
from test_validators import csv_rows, errors, needs_validata, validata, write

from pipeline.law import publication
from pipeline.parse.accuses import MAX_BYTES, MAX_FILES
from pipeline.problems import Severity
from pipeline.words.sentences import BLANK

NB = "\u00a0"
NS = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216"
SIREN = "200000008"  # test_validators.SIRET's
ONLINE = {"Mise en ligne le": dt.datetime(2016, 12, 1)}


def aracte(
    number: str = "B2016_001",
    received: str = "2016-11-30",
    act_id: str | None = None,
    encoding: str = "ISO-8859-1",
) -> bytes:
    """An acknowledgement as the préfecture's platform writes it."""
    act_id = act_id or f"080-{SIREN}-20161128-{number}-DE"
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<actes:ARActe xmlns:actes="{NS}" actes:IDActe="{act_id}" '
        f'actes:DateReception="{received}">\n'
        f'  <actes:ActeRecu actes:Date="2016-11-28" actes:NumeroInterne="{number}" '
        'actes:CodeNatureActe="1">\n'
        '    <actes:CodeMatiere1 actes:CodeMatiere="8"/>\n'
        '    <actes:CodeMatiere2 actes:CodeMatiere="1"/>\n'
        "    <actes:Objet>Cantine scolaire, tarifs de l’année</actes:Objet>\n"
        "    <actes:Document>\n"
        f"      <actes:NomFichier>99_DE-{act_id}-1-1_1.pdf</actes:NomFichier>\n"
        "    </actes:Document>\n"
        "  </actes:ActeRecu>\n"
        "  <actes:ClassificationDateVersionEnCours>2019-08-29"
        "</actes:ClassificationDateVersionEnCours>\n"
        "</actes:ARActe>\n"
    ).encode("cp1252" if encoding == "ISO-8859-1" else encoding)


def meeting(tmp_path: Path, files: dict[str, bytes], **seance: Any) -> tuple[Path, Path]:
    """test_validators' meeting (four acts B2016_001…004 of 28/11/2016, SIRET
    given) with ``files`` in its accuses/ folder."""
    data, out = write(tmp_path, **seance)
    folder = data / "seance" / "accuses"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return data, out


def extract(out: Path, number: str) -> list[str]:
    (path,) = (out / "extraits").glob(f"{number}-*.docx")
    return docx_text(path)


def certification(text: list[str]) -> list[str]:
    """The extract's certification block: « Certifié exécutoire » (once in
    force), the transmission, the publication."""
    start = next(i for i, line in enumerate(text) if line.startswith("Transmis en préfecture"))
    if text[start - 1] == "Certifié exécutoire":
        start -= 1
    end = next(i for i, line in enumerate(text) if line.startswith("Publié le"))
    return text[start : end + 1]


def problems(data: Path) -> list[tuple[str, Severity, str, str]]:
    return [
        (p.code, p.severity, str(p.place), p.message)
        for p in checked_problems(data)["seance"]
        if p.code.startswith("accuse.")
    ]


# --- the documents and the CSV ---------------------------------------------------------


def test_an_acknowledgement_certifies_its_extract_and_fills_the_csv(tmp_path: Path) -> None:
    data, out = meeting(tmp_path, {"ar.xml": aracte()}, **ONLINE, **{"Code préfecture": "PREF080"})
    code, output = build(data, out.parent)
    assert code == 0, output
    assert problem_lines(output) == [], output
    assert certification(extract(out, "B2016_001")) == [
        "Certifié exécutoire",
        (
            "Transmis en préfecture le 30 novembre 2016 (accusé de réception "
            f"n°{NB}080-200000008-20161128-B2016_001-DE)"
        ),
        "Publié le 1er décembre 2016",
    ]
    # another act, not acknowledged yet: its transmission stays dotted, not in force yet
    assert certification(extract(out, "B2016_002")) == [
        f"Transmis en préfecture le {BLANK}",
        "Publié le 1er décembre 2016",
    ]
    rows = {r["DELIB_ID"]: r for r in csv_rows(out / "deliberations.csv")}
    assert (rows["B2016_001"]["PREF_DATE"], rows["B2016_001"]["PREF_ID"]) == (
        "2016-11-30",
        "PREF080",
    )
    assert {(r["PREF_DATE"], r["PREF_ID"]) for n, r in rows.items() if n != "B2016_001"} == {
        ("", "")
    }


def test_without_publication_date_the_acknowledgement_alone_is_printed(tmp_path: Path) -> None:
    data, out = meeting(tmp_path, {"ar.xml": aracte()})
    code, output = build(data, out.parent)
    assert code == 0, output
    lines = certification(extract(out, "B2016_001"))  # not published: not in force
    assert lines[0].startswith("Transmis en préfecture le 30 novembre 2016 (accusé")
    assert lines[1:] == [f"Publié le {BLANK}"]
    # without « Code préfecture », PREF_ID stays empty; PREF_DATE is filled
    (row,) = [r for r in csv_rows(out / "deliberations.csv") if r["DELIB_ID"] == "B2016_001"]
    assert (row["PREF_DATE"], row["PREF_ID"]) == ("2016-11-30", "")


def test_the_number_is_the_id_s_when_numero_interne_is_missing(tmp_path: Path) -> None:
    xml = aracte().replace(b' actes:NumeroInterne="B2016_001"', b"")
    data, out = meeting(tmp_path, {"ar.xml": xml})
    code, output = build(data, out.parent)
    assert code == 0, output
    assert "accusé" in certification(extract(out, "B2016_001"))[0]


def test_without_any_acknowledgement_the_extract_is_unchanged(tmp_path: Path) -> None:
    data, out = meeting(tmp_path, {})
    code, output = build(data, out.parent)
    assert code == 0, output
    assert certification(extract(out, "B2016_001")) == [
        f"Transmis en préfecture le {BLANK}",
        f"Publié le {BLANK}",
    ]


@needs_validata
def test_the_csv_with_pref_date_and_pref_id_passes_validata(tmp_path: Path) -> None:
    files = {"1.xml": aracte(), "2.xml": aracte("B2016_002", "2016-11-28")}  # the same day
    data, out = meeting(tmp_path, files, **ONLINE, **{"Code préfecture": "SPREF0802"})
    code, output = build(data, out.parent)
    assert code == 0, output
    dates = [r["PREF_DATE"] for r in csv_rows(out / "deliberations.csv")]
    assert dates == ["2016-11-30", "2016-11-28", "", ""]
    report = validata(out / "deliberations.csv")
    assert errors(report) == [], report
    assert report["valid"], report


# --- matching the acts -----------------------------------------------------------------


def test_an_acknowledgement_of_another_act_is_a_warning_naming_file_and_number(
    tmp_path: Path,
) -> None:
    data, out = meeting(tmp_path, {"autre.xml": aracte("B2016_009")})
    ((code, severity, place, message),) = problems(data)
    assert (code, severity, place) == ("accuse.unknown-act", Severity.WARNING, "accuses/autre.xml")
    assert "B2016_009" in message and "B2016_001" in message
    built, output = build(data, out.parent)
    assert built == 0, output  # a warning: the meeting is built
    assert certification(extract(out, "B2016_001"))[0] == f"Transmis en préfecture le {BLANK}"


def test_the_same_acknowledgement_twice_is_a_warning(tmp_path: Path) -> None:
    data, _ = meeting(tmp_path, {"a.xml": aracte(), "b.xml": aracte()})
    ((code, severity, place, message),) = problems(data)
    assert (code, severity, place) == (
        "accuse.duplicate-identical",
        Severity.WARNING,
        "accuses/b.xml",
    )
    assert "accuses/a.xml" in message


def test_two_different_acknowledgements_of_one_act_are_an_error_naming_both(
    tmp_path: Path,
) -> None:
    data, _ = meeting(tmp_path, {"a.xml": aracte(), "b.xml": aracte(received="2016-12-02")})
    ((code, severity, place, message),) = problems(data)
    assert (code, severity) == ("accuse.duplicate", Severity.ERROR)
    assert "accuses/a.xml" in message and "accuses/b.xml" in message


def test_an_acknowledgement_before_the_meeting_is_an_error(tmp_path: Path) -> None:
    data, _ = meeting(tmp_path, {"ar.xml": aracte(received="2016-11-27")})
    ((code, severity, place, message),) = problems(data)
    assert (code, severity, place) == ("accuse.before-meeting", Severity.ERROR, "accuses/ar.xml")
    assert "27/11/2016" in message and "28/11/2016" in message


def test_another_day_and_another_siren_in_the_id_are_warnings(tmp_path: Path) -> None:
    act_id = "080-213000000-20161127-B2016_001-DE"
    data, out = meeting(tmp_path, {"ar.xml": aracte(act_id=act_id)})
    found = {(code, severity, place) for code, severity, place, _ in problems(data)}
    assert found == {
        ("accuse.other-date", Severity.WARNING, "accuses/ar.xml"),
        ("accuse.other-siren", Severity.WARNING, "accuses/ar.xml"),
    }
    code, output = build(data, out.parent)
    assert code == 0, output


def test_an_uppercase_folder_and_other_files_are_read_as_they_come(tmp_path: Path) -> None:
    """« Accusés » is the folder too; a PDF stamped by the platform beside
    the XML is not an acknowledgement and is left alone."""
    data, out = write(tmp_path, **ONLINE)
    folder = data / "seance" / "Accusés"
    folder.mkdir()
    (folder / "AR.XML").write_bytes(aracte(encoding="UTF-8"))
    (folder / "99_DE-acte-tamponne.pdf").write_bytes(b"%PDF-1.4 not read")
    code, output = build(data, out.parent)
    assert code == 0, output
    assert "(accusé de réception" in certification(extract(out, "B2016_001"))[1]


# --- hostile and broken files: refused with their name ---------------------------------

BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>\n<actes:ARActe>&lol9;</actes:ARActe>\n"
)
XXE = b'<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + aracte(
    encoding="UTF-8"
).split(b"\n", 1)[1].replace(b"<actes:Objet>", b"<actes:Objet>&x;")
DTD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE ARActe SYSTEM "http://exemple.invalid/actes.dtd">\n'
    + (aracte(encoding="UTF-8").split(b"\n", 1)[1])
)
HOSTILE = "contient des déclarations XML interdites"
UNREADABLE = "n’est pas un XML lisible"

CASES = {
    "billion-laughs": (BOMB, HOSTILE),
    "external-entity": (XXE, HOSTILE),
    "dtd": (DTD, HOSTILE),
    "not-xml": (b"Accuse de reception du 30/11/2016\n", UNREADABLE),
    "binary": (bytes(range(256)) * 8, UNREADABLE),
    "truncated": (aracte()[:200], UNREADABLE),
    "empty": (b"", UNREADABLE),
    "another-document": (
        f'<?xml version="1.0"?><actes:Acte xmlns:actes="{NS}" actes:Date="2016-11-28"/>'.encode(),
        "n’est pas un accusé de réception d’acte",
    ),
    "no-namespace": (aracte().replace(NS.encode(), b"urn:autre"), "n’est pas un accusé"),
    "bad-date": (aracte(received="2016-02-30"), "date de réception illisible « 2016-02-30 »"),
    "no-date": (
        aracte().replace(b' actes:DateReception="2016-11-30"', b""),
        "date de réception absente",
    ),
    "bad-id": (aracte(act_id="80-200000008-20161128-B2016_001"), "identifiant d’acte illisible"),
    "id-not-a-date": (
        aracte(act_id="080-200000008-20161328-B2016_001-DE"),
        "identifiant d’acte illisible",
    ),
    "too-large": (
        aracte().replace(b"</actes:ARActe>", b"<!--" + b"x" * MAX_BYTES + b"--></actes:ARActe>"),
        "il est refusé sans être lu",
    ),
}


def refused(tmp_path: Path, file: str, fragment: str) -> None:
    """Meeting m refused with ``fragment`` at accuses/``file`` as its only
    problem, nothing written for it; meeting bonne built — in a subprocess
    under a memory cap and a time limit."""
    code, output, _ = run_limited(tmp_path)
    assert_clean(output)
    assert code == 1, output
    lines = problem_lines(output, open_data=False, plain_spaces=True)
    assert any(line.startswith(f"accuses/{file} : ") and fragment in line for line in lines), output
    assert "m : 1 problème, rien n’a été écrit pour cette réunion." in output, output
    assert not (tmp_path / "out" / "m").exists(), output
    assert_built(tmp_path, output, "bonne")


@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_or_hostile_acknowledgement_is_refused_with_its_name(
    tmp_path: Path, case: str
) -> None:
    content, fragment = CASES[case]
    folder = two_meetings(tmp_path) / "accuses"
    folder.mkdir()
    (folder / f"{case}.xml").write_bytes(content)
    refused(tmp_path, f"{case}.xml", fragment)


def test_a_folder_of_too_many_files_is_refused_unread(tmp_path: Path) -> None:
    folder = two_meetings(tmp_path) / "accuses"
    folder.mkdir()
    for n in range(MAX_FILES + 1):
        (folder / f"{n:05}.xml").write_bytes(BOMB)  # never opened
    code, output, _ = run_limited(tmp_path)
    assert_clean(output)
    assert code == 1, output
    assert f"accuses/ : le dossier « accuses » contient plus de {MAX_FILES} fichiers" in output
    assert "m : 1 problème" in output, output
    assert_built(tmp_path, output, "bonne")


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "ailleurs.xml"
    secret.write_bytes(aracte())
    folder = two_meetings(tmp_path) / "accuses"
    folder.mkdir()
    (folder / "lien.xml").symlink_to(secret)
    refused(tmp_path, "lien.xml", "n’est pas un fichier ordinaire du dossier")


# --- « Code préfecture » ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("PREF080", "PREF080"),
        ("pref 02A", "PREF02A"),
        ("SPREF0802", "SPREF0802"),
        ("SGAR080", "SGAR080"),
        ("PREF974", "PREF974"),
    ],
)
def test_a_prefecture_code_of_the_scdl_is_accepted(tmp_path: Path, typed: str, kept: str) -> None:
    data, out = meeting(tmp_path, {"ar.xml": aracte()}, **{"Code préfecture": typed})
    code, output = build(data, out.parent)
    assert code == 0, output
    assert csv_rows(out / "deliberations.csv")[0]["PREF_ID"] == kept


@pytest.mark.parametrize("typed", ["PREF80", "Préfecture de la Somme", "SPREF080", "PREF02C"])
def test_another_prefecture_code_is_an_error_naming_the_cell(tmp_path: Path, typed: str) -> None:
    make_meeting(tmp_path / "data" / "seance", seance={"Code préfecture": typed})
    (problem,) = [
        p for p in checked_problems(tmp_path / "data")["seance"] if p.code.startswith("seance.")
    ]
    assert problem.code == "seance.invalid-prefecture-code"
    assert problem.severity is Severity.ERROR
    assert "B12" in str(problem.place) and "Code préfecture" in str(problem.place)
    assert f"« {typed} »" in problem.message and "PREF080" in problem.message


# --- published, not acknowledged: not in force yet -------------------------------------


def test_a_published_act_without_acknowledgement_is_not_certified(tmp_path: Path) -> None:
    """Publication alone does not make a deliberation executory (L2131-1: it
    is transmitted too): « Certifié exécutoire » waits for both dates, the
    transmission keeps its dotted line, even without an act number."""
    make_meeting(tmp_path / "data" / "seance", seance=ONLINE)
    code, output = build(tmp_path / "data", tmp_path / "out")
    assert code == 0, output
    (path,) = (tmp_path / "out" / "seance" / "extraits").glob("*.docx")
    text = docx_text(path)
    assert "Certifié exécutoire" not in text
    assert certification(text) == [
        f"Transmis en préfecture le {BLANK}",
        "Publié le 1er décembre 2016",
    ]


# --- the minutes' publication, L2121-15 ------------------------------------------------

APPROVED = {"Procès-verbal arrêté le": dt.datetime(2016, 12, 19)}


def test_the_week_of_l2121_15_counts_from_the_approving_meeting() -> None:
    monday = dt.date(2016, 12, 19)
    assert publication.minutes_deadline(monday) == dt.date(2016, 12, 26)
    assert publication.minutes_days_late(monday, dt.date(2016, 12, 26)) == 0
    assert publication.minutes_days_late(monday, dt.date(2016, 12, 27)) == 1


def test_the_minutes_print_their_publication(tmp_path: Path) -> None:
    seance = {**APPROVED, "Procès-verbal mis en ligne le": dt.datetime(2016, 12, 20)}
    make_meeting(tmp_path / "data" / "seance", seance=seance)
    code, output = build(tmp_path / "data", tmp_path / "out")
    assert code == 0, output
    assert problem_lines(output, open_data=False) == [], output
    assert (
        f"Procès-verbal arrêté en séance du 19 décembre 2016{NB}; mis en ligne le "
        "20 décembre 2016 par Philippe VARLET, Le Président"
    ) in docx_text(tmp_path / "out" / "seance" / "proces-verbal.docx")


def test_minutes_put_online_late_are_a_warning_naming_both_dates(tmp_path: Path) -> None:
    seance = {**APPROVED, "Procès-verbal mis en ligne le": "03/01/2017"}
    make_meeting(tmp_path / "data" / "seance", seance=seance)
    (late,) = [
        p for p in checked_problems(tmp_path / "data")["seance"] if p.code.startswith("seance.")
    ]
    assert (late.code, late.severity) == ("seance.minutes-published-late", Severity.WARNING)
    assert "Procès-verbal mis en ligne le" in str(late.place)
    assert "03/01/2017" in late.message and "19/12/2016" in late.message
    assert "L2121-15" in late.message and "26/12/2016" in late.message


def test_minutes_online_before_their_approval_are_an_error(tmp_path: Path) -> None:
    """The approval from a later meeting of data/ (known only once every
    meeting is read) is checked too."""
    data = tmp_path / "data"
    make_meeting(data / "a", seance={"Procès-verbal mis en ligne le": dt.datetime(2016, 12, 5)})
    make_meeting(
        data / "b",
        seance={
            "Date": dt.datetime(2016, 12, 19),
            "Date de convocation": dt.datetime(2016, 12, 12),
            "Procès-verbal précédent": dt.datetime(2016, 11, 28),
            "Vote du procès-verbal précédent": "unanimité",
        },
    )
    (problem,) = [p for p in checked_problems(data)["a"] if p.code.startswith("seance.")]
    assert (problem.code, problem.severity) == (
        "seance.minutes-online-before-approval",
        Severity.ERROR,
    )
    assert "05/12/2016" in problem.message and "19/12/2016" in problem.message
    code, output = build(data, tmp_path / "out")
    assert code == 1 and not (tmp_path / "out" / "a").exists(), output
    assert (tmp_path / "out" / "b" / "proces-verbal.docx").is_file(), output


def test_a_folder_named_like_an_acknowledgement_is_refused(tmp_path: Path) -> None:
    data, _ = meeting(tmp_path, {"ar.xml": aracte()})
    (data / "seance" / "accuses" / "dossier.xml").mkdir()
    ((code, severity, place, _),) = problems(data)
    assert (code, severity, place) == ("accuse.not-a-file", Severity.ERROR, "accuses/dossier.xml")


def test_new_from_takes_over_the_prefecture_code(tmp_path: Path) -> None:
    data = tmp_path / "data"
    url = "https://www.exemple.fr/actes"
    make_meeting(data / "a", seance={"Code préfecture": "PREF080", "Adresse de publication": url})
    code, output = run("new", "b", "--from", "a", "--data", str(data))
    assert code == 0, output
    seance = load_workbook(data / "b" / "seance.xlsx")["Séance"]
    rows = [[c.value for c in row[:2]] for row in seance.rows]
    assert ["Code préfecture", "PREF080"] in rows and ["Adresse de publication", url] in rows


def test_a_folder_linked_out_of_the_meeting_is_refused(tmp_path: Path) -> None:
    data, _ = write(tmp_path)
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (elsewhere / "ar.xml").write_bytes(aracte())
    (data / "seance" / "accuses").symlink_to(elsewhere, target_is_directory=True)
    ((code, severity, place, message),) = problems(data)
    assert (code, severity, place) == ("accuse.folder-linked-outside", Severity.ERROR, "accuses/")
    assert str(elsewhere) in message
