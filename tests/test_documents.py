"""The procès-verbal as a clerk reads it: wording, agreement, layout choices,
and the template rules (escaping, strict variables, overrides)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import docx
import pytest
from conftest import PRESENCES, REPO, build, docx_text, make_meeting, run

import pipeline


def minutes(tmp_path: Path, **kwargs) -> list[str]:
    make_meeting(tmp_path / "data" / "m", **kwargs)
    code, printed = build(tmp_path / "data", tmp_path / "out")
    assert code == 0, printed
    return docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")


def test_the_source_tree_is_tested() -> None:
    assert Path(pipeline.__file__).resolve().is_relative_to(REPO)


def test_feminine_instance_and_women(tmp_path: Path) -> None:
    presences = [
        ["Civilité", "Prénom", "Nom", "Statut", "Pouvoir à"],
        ["Mme", "Anne", "MARTIN", "présente", None],
        ["Mme", "Éloïse", "PETIT", "présente", None],
        ["M.", "Olivier", "JARDE", "excusé", "Anne MARTIN"],
        ["Mme", "Inès", "ROUX", "absente", None],
    ]
    text = minutes(
        tmp_path,
        seance={
            "Instance": "Commission des finances",
            "Genre de l'instance": "féminin",
            "Organisme": "Communauté de communes du Vimeu",
            "Président": "Éloïse PETIT",
            "Secrétaire de séance": "Anne MARTIN; Éloïse PETIT",
            "Date": dt.datetime(2024, 3, 1),
            "Date de convocation": dt.datetime(2023, 12, 21),
            "Membres": None,
            "Quorum": "présents ou représentés",
        },
        presences=presences,
    )
    assert text[:2] == [
        "Communauté de communes du Vimeu",
        "COMMISSION DES FINANCES du 1er mars 2024",
    ]
    assert text[3] == (
        "L’an deux mille vingt-quatre, le premier mars à 17h00, la COMMISSION DES FINANCES "
        "de la Communauté de communes du Vimeu légalement convoquée le vingt et un décembre "
        "deux mille vingt-trois, s’est réunie dans ses locaux, sous la présidence "
        "d’Éloïse PETIT\u00a0;"
    )
    assert "Membres de la COMMISSION DES FINANCES présents, excusés et absents\u00a0:" in text
    assert "Mme Inès ROUX (absente)" in text  # the list of members has the civility
    assert "M. Olivier JARDE (excusé, pouvoir à Mme Anne MARTIN)" in text
    assert "Anne MARTIN et Éloïse PETIT sont désignées secrétaires de séance." in text
    # 4 members: majority 3; 2 present + 1 represented = 3.
    assert (
        "Le quorum est atteint avec 3\u00a0membres présents ou représentés, "
        "la Commission des finances peut donc valablement délibérer." in text
    )


def test_quorum_not_reached_carries_no_deliberation(tmp_path: Path) -> None:
    # 5 members, 3 present: base "présents", threshold 4 (a number).
    deliberations = [["N°", "Titre", "Vote"], [1, "Point reporté", None]]
    text = minutes(tmp_path, seance={"Seuil du quorum": 4}, deliberations=deliberations)
    assert (
        "Le quorum n’est pas atteint (3\u00a0délégués présents, 4 requis)\u00a0: "
        "le Bureau ne peut pas valablement délibérer." in text
    )
    assert not any("Point reporté" in t for t in text)


def test_counts_and_previous_minutes(tmp_path: Path) -> None:
    # 3 present + 1 proxy = 4 présents et représentés: 2 + 1 + 1 = 4.
    deliberations = [
        ["N°", "Titre", "Pour", "Contre", "Abstentions", "NPPV", "Partie"],
        [1, "Budget", 2, 1, 1, None, "FINANCES"],
        [2, "Tarifs", 3, None, None, 1, "FINANCES"],
        [3, "Motion", 1, 3, None, None, "DIVERS"],
    ]
    others = [
        ["Partie", "Titre", "Texte"],
        ["INFORMATIONS", "Travaux", "Point d'étape.\n- lot 1\n  - clos"],
    ]
    text = minutes(
        tmp_path,
        seance={
            "Procès-verbal précédent": dt.datetime(2016, 10, 3),
            "Vote du procès-verbal précédent": "3 pour, 1 abstention",
            "Quorum": "présents ou représentés",
        },
        deliberations=deliberations,
        others=others,
    )
    assert (
        "Le procès-verbal de la réunion du 3 octobre 2016 est adopté à l’unanimité des "
        "suffrages exprimés (1\u00a0abstention)." in text
    )
    assert "I – FINANCES" in text and "II – DIVERS" in text and "III – INFORMATIONS" in text
    assert "Adoptée à la majorité (2\u00a0voix pour, 1\u00a0voix contre, 1\u00a0abstention)" in text
    assert "Adoptée à l’unanimité des votants (1\u00a0membre ne prend pas part au vote)" in text
    assert "Rejetée à la majorité (1\u00a0voix pour, 3\u00a0voix contre)" in text
    assert (
        "Le quorum est atteint avec 4\u00a0délégués présents ou représentés, le Bureau peut donc valablement délibérer."
        in text
    )
    assert "Point d’étape." in text


def test_bullets_and_parts_use_template_styles(tmp_path: Path) -> None:
    others = [["Partie", "Texte"], ["INFORMATIONS", "Intro\n- un\n  - deux\n    - trois"]]
    make_meeting(tmp_path / "data" / "m", others=others)
    assert build(tmp_path / "data", tmp_path / "out")[0] == 0
    document = docx.Document(str(tmp_path / "out" / "m" / "proces-verbal.docx"))
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["un"] == "List Bullet"
    assert styles["deux"] == "List Bullet 2"
    assert styles["trois"] == "List Bullet 3"
    assert styles["II – INFORMATIONS"] == "Heading 1"
    assert styles["Adoptée à l’unanimité"] == "Résultat"


def test_colleges_as_rows_beyond_four(tmp_path: Path) -> None:
    header, *rows = PRESENCES
    presences = [header] + [[f"Collège {i}", *row[1:]] for i, row in enumerate(rows)]
    make_meeting(tmp_path / "data" / "m", presences=presences)
    assert build(tmp_path / "data", tmp_path / "out")[0] == 0
    document = docx.Document(str(tmp_path / "out" / "m" / "proces-verbal.docx"))
    table = document.tables[0]
    assert len(table.columns) == 2
    assert [row.cells[0].text for row in table.rows] == [f"Collège {i}" for i in range(5)]
    assert (
        table.rows[3].cells[1].text == "M. Stéphane DECAYEUX (excusé, pouvoir à M. Philippe VARLET)"
    )


def test_data_is_escaped_not_interpreted(tmp_path: Path) -> None:
    text = minutes(tmp_path, seance={"Organisme": "syndicat Board & Co <2026> {{ x }}"})
    assert text[0] == "Syndicat Board & Co <2026> {{ x }}"
    assert "du syndicat Board & Co <2026> {{ x }} légalement" in text[3]


def _template_with(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "modeles"
    folder.mkdir()
    document = docx.Document(str(REPO / "templates" / "proces-verbal.docx"))
    document.add_paragraph(extra)
    document.save(str(folder / "proces-verbal.docx"))
    return folder


def test_templates_option_overrides_the_default(tmp_path: Path) -> None:
    folder = _template_with(tmp_path, "Séance ouverte par {{ seance.president }}.")
    make_meeting(tmp_path / "data" / "m")
    code, printed = build(tmp_path / "data", tmp_path / "out", "--templates", str(folder))
    assert code == 0, printed
    assert "Séance ouverte par Philippe VARLET." in docx_text(
        tmp_path / "out" / "m" / "proces-verbal.docx"
    )


def test_templates_folder_of_the_current_directory(tmp_path: Path, monkeypatch) -> None:
    folder = _template_with(tmp_path, "Modèle local.")
    shutil.move(folder, tmp_path / "templates")
    make_meeting(tmp_path / "data" / "m")
    monkeypatch.chdir(tmp_path)
    code, printed = run()
    assert code == 0, printed
    assert "Modèle local." in docx_text(tmp_path / "output" / "m" / "proces-verbal.docx")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("{{ inconnue }}", "variable inconnue « inconnue »"),
        ("{{ seance.datee }}", "attribut inconnu « datee »"),
        ("{% if %}", "balise mal formée"),
    ],
)
def test_a_broken_template_is_named_and_nothing_is_written(
    tmp_path: Path, tag: str, expected: str
) -> None:
    folder = _template_with(tmp_path, tag)
    make_meeting(tmp_path / "data" / "m")
    code, printed = build(tmp_path / "data", tmp_path / "out", "--templates", str(folder))
    assert code == 1
    assert "modèle proces-verbal.docx" in printed and expected in printed
    assert "Traceback" not in printed
    assert not (tmp_path / "out" / "m").exists()


def test_a_template_that_is_not_a_document(tmp_path: Path) -> None:
    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / "proces-verbal.docx").write_text("pas un document")
    make_meeting(tmp_path / "data" / "m")
    code, printed = build(tmp_path / "data", tmp_path / "out", "--templates", str(folder))
    assert code == 1
    assert "modèle proces-verbal.docx : impossible de l’utiliser" in printed
    assert not (tmp_path / "out" / "m").exists()


def test_a_meeting_s_own_templates_win_for_that_meeting_only(tmp_path: Path) -> None:
    own = _template_with(tmp_path, "Modèle de la réunion m.")
    make_meeting(tmp_path / "data" / "m")
    make_meeting(tmp_path / "data" / "autre")
    shutil.move(own, tmp_path / "data" / "m" / "templates")
    code, printed = build(tmp_path / "data", tmp_path / "out")
    assert code == 0, printed
    assert "Modèle de la réunion m." in docx_text(tmp_path / "out" / "m" / "proces-verbal.docx")
    assert "Modèle de la réunion m." not in docx_text(
        tmp_path / "out" / "autre" / "proces-verbal.docx"
    )


def test_documents_carry_no_stale_thumbnail(sample: Path, tmp_path: Path) -> None:
    """python-docx's blank document has a thumbnail of itself; file managers
    would preview that picture instead of the minutes."""
    import zipfile

    assert run("--data", str(sample), "--output", str(tmp_path / "out"))[0] == 0
    for document in (tmp_path / "out").rglob("*.docx"):
        names = zipfile.ZipFile(document).namelist()
        assert not [n for n in names if "thumbnail" in n], document


def test_the_command_names_a_template_that_is_not_the_default(tmp_path: Path) -> None:
    folder = _template_with(tmp_path, "Modèle modifié.")
    make_meeting(tmp_path / "data" / "m")
    code, printed = build(tmp_path / "data", tmp_path / "out", "--templates", str(folder))
    assert code == 0, printed
    assert f"  - modèle utilisé : {folder / 'proces-verbal.docx'}" in printed.splitlines()
    # The other documents use the shipped templates: not named.
    assert "liste-deliberations.docx" not in printed.split("modèle utilisé")[-1]
    code, printed = build(tmp_path / "data", tmp_path / "out2")
    assert "modèle utilisé" not in printed
