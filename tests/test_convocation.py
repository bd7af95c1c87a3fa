"""``make-minutes convocation``: the documents of a meeting before its votes
(issue 17), from workbooks with an empty Statut, no Secrétaire de séance
and no vote; each document read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from conftest import (
    REPO,
    SEANCE,
    build,
    docx_text,
    make_meeting,
    needs_libreoffice,
    normalise,
    problem_lines,
    problems_of,
    to_pdf_text,
)

NAME = "2016-11-28-bureau"
HEADERS = ["Collège", "Civilité", "Prénom", "Nom", "Statut", "Fonction", "Adresse"]
MEMBERS = [
    [
        "Amiens Métropole",
        "Mme",
        "Florence",
        "RODINGER",
        None,
        "Vice-présidente",
        "12 rue des Lilas\n80000 Amiens",
    ],
    ["Amiens Métropole", "M.", "Ernest", "CANDELA", None, None, None],
    [
        "Département de la Somme",
        "M.",
        "Philippe",
        "VARLET",
        None,
        "Président",
        "Hôtel du Département\n53 rue de la République\n80000 Amiens",
    ],
    ["Communautés de communes", "M.", "Philippe", "COCQ", None, None, "Mairie\n80120 Rue"],
]
ITEMS = [
    ["N°", "Titre", "Exposé", "Décision", "Partie"],
    [1, "Convention cadre", "Un exposé.", "Les membres approuvent.", "Administration"],
    [2, "Budget primitif 2017", "Le budget.", "Le budget est adopté.", "Finances"],
    [3, "Tarifs 2017", "Les tarifs.", "Les tarifs sont fixés.", "Finances"],
]
BEFORE = {"Secrétaire de séance": None, "Heure de clôture": None, "Ville": "Amiens"}


def before_the_vote(data: Path, items: list[list] = ITEMS, **seance) -> Path:
    """A meeting as the clerk has it two weeks before: every member in
    office with an empty Statut, the agenda (``items``) without votes."""
    return make_meeting(
        data / NAME,
        seance={**BEFORE, **seance},
        presences=[HEADERS, *MEMBERS],
        deliberations=items,
    )


def held(data: Path) -> Path:
    """The same meeting once held: statuses, secretary and votes filled
    (its workbooks written again)."""
    for workbook in (data / NAME).glob("*.xlsx"):
        workbook.unlink()
    rows = [[*m[:4], "présente" if m[1] == "Mme" else "présent", *m[5:]] for m in MEMBERS]
    voted = [[*ITEMS[0], "Vote"], *([*row, "unanimité"] for row in ITEMS[1:])]
    return make_meeting(data / NAME, presences=[HEADERS, *rows], deliberations=voted)


def convene(data: Path, out: Path, *extra: str) -> tuple[int, str]:
    return build(data, out, "convocation", *extra)


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    data, out = tmp_path / "data", tmp_path / "output"
    before_the_vote(data)
    code, printed = convene(data, out)
    assert code == 0, printed
    return out / NAME / "convocation"


def test_the_pack_is_written_from_a_meeting_before_the_vote(pack: Path) -> None:
    names = {p.relative_to(pack).as_posix() for p in pack.rglob("*") if p.is_file()}
    assert names - {".make-minutes.json"} == {
        "ordre-du-jour.docx",
        "convocations.docx",
        "feuille-emargement.docx",
        "pouvoir.docx",
        "seance.ics",
        "convocations/florence-rodinger.docx",
        "convocations/ernest-candela.docx",
        "convocations/philippe-varlet.docx",
        "convocations/philippe-cocq.docx",
        "note-de-synthese.docx",
        "projets/1-convention-cadre.docx",
        "projets/2-budget-primitif-2017.docx",
        "projets/3-tarifs-2017.docx",
    }


def test_each_letter_names_its_member_and_address(pack: Path) -> None:
    text = docx_text(pack / "convocations" / "florence-rodinger.docx")
    assert text[1:5] == [
        "Mme Florence RODINGER",
        "Vice-présidente",
        "12 rue des Lilas",
        "80000 Amiens",
    ]
    assert "Amiens, le 21 novembre 2016" in text
    assert "Madame," in text
    assert (
        "J’ai l’honneur de vous convoquer à la séance du BUREAU du syndicat mixte Somme "
        "Numérique, qui se tiendra le lundi vingt-huit novembre deux mille seize à 17h00, "
        "dans ses locaux." in text
    )
    rule = next(p for p in text if "L2121-20" in p)
    assert rule.startswith("Si vous êtes empêchée d’assister à cette séance")
    assert "un membre ne peut détenir qu’un seul pouvoir" in rule
    assert text[-2:] == ["Le Président", "Philippe VARLET"]
    other = docx_text(pack / "convocations" / "philippe-cocq.docx")
    assert other[1:4] == ["M. Philippe COCQ", "Mairie", "80120 Rue"]
    assert "Monsieur," in other
    assert "Mme Florence RODINGER" not in other


def test_all_letters_in_one_document_each_on_a_new_page(pack: Path) -> None:
    document = docx.Document(str(pack / "convocations.docx"))
    starts = [p for p in document.paragraphs if p.style.paragraph_format.page_break_before]
    assert [p.text for p in starts] == ["Syndicat mixte Somme Numérique"] * len(MEMBERS)
    text = docx_text(pack / "convocations.docx")
    for row in MEMBERS:
        title = f"{'Mme' if row[1] == 'Mme' else 'M.'} {row[2]} {row[3]}"
        assert text.count(title) == 1, title


def test_the_agenda_numbers_the_items_as_the_minutes_do(tmp_path: Path, pack: Path) -> None:
    agenda = docx_text(pack / "ordre-du-jour.docx")
    items = ["I – Administration", "1. Convention cadre", "II – Finances"]
    items += ["2. Budget primitif 2017", "3. Tarifs 2017"]
    start = agenda.index(items[0])
    assert agenda[start : start + len(items)] == items
    assert agenda[start - 1] == (
        "Le BUREAU du syndicat mixte Somme Numérique se réunira le lundi vingt-huit novembre "
        "deux mille seize à 17h00, dans ses locaux, avec l’ordre du jour suivant\u00a0:"
    )
    letter = docx_text(pack / "convocations" / "florence-rodinger.docx")
    start = letter.index(items[0])
    assert letter[start - 1 : start + len(items)] == [
        "L’ordre du jour est le suivant\u00a0:",
        *items,
    ]
    # The meeting held: statuses, secretary and votes filled, the minutes built.
    data, out = tmp_path / "held", tmp_path / "held-output"
    held(data)
    code, printed = build(data, out)
    assert code == 0, printed
    minutes = docx.Document(str(out / NAME / "proces-verbal.docx"))
    headings = [p.text for p in minutes.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert headings == items


def test_the_sign_in_sheet_lists_every_member_by_college(pack: Path) -> None:
    document = docx.Document(str(pack / "feuille-emargement.docx"))
    (table,) = document.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Membre", "Signature", "Pouvoir donné à", "Arrivée, départ"]
    header = table.rows[0]._tr.trPr
    assert header is not None and header.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    assert [r[0] for r in rows[1:]] == [
        "Amiens Métropole",
        "Mme Florence RODINGER, Vice-présidente",
        "M. Ernest CANDELA",
        "Département de la Somme",
        "M. Philippe VARLET, Président",
        "Communautés de communes",
        "M. Philippe COCQ",
    ]
    assert "Membres en exercice\u00a0: 4" in docx_text(pack / "feuille-emargement.docx")


def test_the_proxy_form_names_the_meeting(pack: Path) -> None:
    text = docx_text(pack / "pouvoir.docx")
    assert text[1:3] == ["Pouvoir", "BUREAU du 28 novembre 2016"]
    assert any("séance du lundi vingt-huit novembre deux mille seize à 17h00" in p for p in text)
    assert any(p.startswith("Article L2121-20 du CGCT") for p in text)


def test_the_calendar_event_reads_back_and_is_reproducible(tmp_path: Path, pack: Path) -> None:
    from icalendar import Calendar

    raw = (pack / "seance.ics").read_bytes()
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2016, 11, 28, 17, 0)
    assert str(event["summary"]) == "Bureau du syndicat mixte Somme Numérique"
    assert str(event["uid"]) == f"{NAME}@make-minutes"
    assert str(event["location"]) == "dans ses locaux, Amiens"
    assert "1. Convention cadre" in str(event["description"])
    data, out = tmp_path / "again", tmp_path / "again-output"
    before_the_vote(data)
    assert convene(data, out)[0] == 0
    assert (out / NAME / "convocation" / "seance.ics").read_bytes() == raw


def test_the_minutes_of_the_same_folder_still_say_what_is_missing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    before_the_vote(data)
    found = problems_of(data)[NAME]
    assert ("seance.missing-field", "seance.xlsx, feuille « Séance »") in found
    empty_status = [p for code, p in found if code == "cell.required-empty" and "Statut" in p]
    assert len(empty_status) == len(MEMBERS)


def test_the_previous_minutes_vote_waits_for_the_meeting(tmp_path: Path) -> None:
    """« make-minutes new --from » dates the previous minutes: their vote is
    typed after the meeting; the convocation does not ask for it."""
    data, out = tmp_path / "data", tmp_path / "output"
    before_the_vote(data, **{"Procès-verbal précédent": dt.datetime(2016, 9, 26)})
    code, printed = convene(data, out)
    assert code == 0, printed
    assert "seance.previous-vote-missing" in [c for c, _ in problems_of(data)[NAME]]


def test_a_short_notice_is_said_and_the_pack_written(tmp_path: Path) -> None:
    """Sent on Friday 25 November for Monday 28: two jours francs of five."""
    data, out = tmp_path / "data", tmp_path / "output"
    before_the_vote(data, **{"Date de convocation": dt.datetime(2016, 11, 25)})
    code, printed = convene(data, out)
    assert code == 0, printed
    (line,) = problem_lines(printed)
    assert "convocation du 25/11/2016 pour la séance du 28/11/2016 : 2 jours francs" in line
    assert "Amiens, le 25 novembre 2016" in docx_text(
        out / NAME / "convocation" / "pouvoir.docx"
    ) or (
        "Amiens, le 25 novembre 2016"
        in docx_text(out / NAME / "convocation" / "ordre-du-jour.docx")
    )


def test_a_meeting_with_errors_gets_nothing_written(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "output"
    before_the_vote(data, **{"Président": "Philippe VARLAIT"})
    code, printed = convene(data, out)
    assert code == 1
    assert f"{NAME} : 1 problème, rien n’a été écrit pour cette réunion." in printed
    (line,) = problem_lines(printed)
    assert "président(e) « Philippe VARLAIT » introuvable" in line
    assert "Vouliez-vous dire « Philippe VARLET » ?" in line
    assert not (out / NAME).exists()


def test_the_minutes_build_leaves_the_pack_alone_and_edits_are_kept(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "output"
    before_the_vote(data)
    assert convene(data, out)[0] == 0
    agenda = out / NAME / "convocation" / "ordre-du-jour.docx"
    # The meeting held: its minutes written beside the pack, which stays.
    held(data)
    code, printed = build(data, out)
    assert code == 0, printed
    assert agenda.is_file() and (out / NAME / "convocation" / "seance.ics").is_file()
    # An edited agenda is not replaced.
    agenda.write_bytes(agenda.read_bytes() + b"\0")
    code, printed = convene(data, out)
    assert code == 1
    assert "ordre-du-jour.docx" in printed and "--force" in printed


def test_an_unknown_meeting_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    before_the_vote(data)
    code, printed = convene(data, tmp_path / "output", "2016-12-01-bureau")
    assert code == 2
    assert "Réunion inconnue : 2016-12-01-bureau" in printed


def test_the_president_signs_unless_another_member_is_named(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "output"
    before_the_vote(data, **{"Signataire de la convocation": "Florence RODINGER"})
    assert convene(data, out)[0] == 0
    text = docx_text(out / NAME / "convocation" / "ordre-du-jour.docx")
    assert text[-3:-1] == ["Vice-présidente", "Florence RODINGER"]
    assert SEANCE["Président"] == "Philippe VARLET"


@needs_libreoffice
def test_libreoffice_opens_the_letters(tmp_path: Path, pack: Path) -> None:
    text = to_pdf_text(pack / "convocations.docx", tmp_path)
    for name in ("Florence RODINGER", "Ernest CANDELA", "Philippe VARLET", "Philippe COCQ"):
        assert name in text
    assert "Le Président" in text


def test_a_logo_heads_every_letter(tmp_path: Path) -> None:
    from test_letterhead import png

    data, out = tmp_path / "data", tmp_path / "output"
    before_the_vote(data)
    (data / NAME / "logo.png").write_bytes(png(300, 100))
    assert convene(data, out)[0] == 0
    document = docx.Document(str(out / NAME / "convocation" / "convocations.docx"))
    starts = [p for p in document.paragraphs if p.style.name == "Logo lettre"]
    assert len(starts) == len(document.inline_shapes) == len(MEMBERS)


# --- the note of synthesis and the drafts (CGCT L2121-12) ----------------------------------


def test_the_note_gives_every_item_its_expose(pack: Path) -> None:
    note = docx_text(pack / "note-de-synthese.docx")
    assert note[1:3] == ["Note explicative de synthèse", "BUREAU du 28 novembre 2016"]
    assert "(article L2121-12 du CGCT)" in note[3]
    start = note.index("I – Administration")
    assert note[start:] == [
        "I – Administration",
        "1. Convention cadre",
        "Un exposé.",
        "II – Finances",
        "2. Budget primitif 2017",
        "Le budget.",
        "3. Tarifs 2017",
        "Les tarifs.",
    ]
    # The letter says it is attached (required: five jours francs by default).
    letter = docx_text(pack / "convocations" / "ernest-candela.docx")
    assert any("ci-joint la note explicative de synthèse" in p for p in letter)


def test_one_draft_per_item_marked_projet_with_its_decision(pack: Path) -> None:
    for row in ITEMS[1:]:
        number, title, expose, decision, _ = row
        (draft,) = pack.glob(f"projets/{number}-*.docx")
        text = docx_text(draft)
        assert text[1:3] == ["Projet de délibération", "BUREAU du 28 novembre 2016"]
        assert text[3].startswith("PROJET\u00a0: ce texte sera soumis au vote du BUREAU")
        assert text[4:] == [f"{number}. {title}", expose, "Décision proposée\u00a0:", decision]
        footer = docx.Document(str(draft)).sections[0].footer.paragraphs[0].text
        assert footer.startswith("Projet de délibération – BUREAU du 28 novembre 2016")


def with_word_expose(tmp_path: Path) -> Path:
    """The pack of the meeting whose item 2 has its exposé in exposes/02.docx."""
    from test_exposes import write_expose

    data, out = tmp_path / "data", tmp_path / "output"
    rows = [list(r) for r in ITEMS]
    rows[2][2] = "exposes/02.docx"
    write_expose(before_the_vote(data, rows) / "exposes" / "02.docx")
    code, printed = convene(data, out)
    assert code == 0, printed
    return out


def test_a_word_expose_is_embedded_in_the_note_and_its_draft(tmp_path: Path) -> None:
    from test_exposes import EMBEDDED

    out = with_word_expose(tmp_path)
    note = docx_text(out / NAME / "convocation" / "note-de-synthese.docx")
    start = note.index("2. Budget primitif 2017")
    assert note[start + 1 : note.index("3. Tarifs 2017")] == EMBEDDED
    draft = docx_text(out / NAME / "convocation" / "projets" / "2-budget-primitif-2017.docx")
    start = draft.index("2. Budget primitif 2017")
    assert draft[start + 1 : draft.index("Décision proposée\u00a0:")] == EMBEDDED


@needs_libreoffice
def test_libreoffice_opens_the_note_with_its_word_expose(tmp_path: Path) -> None:
    from test_exposes import PARAGRAPH

    out = with_word_expose(tmp_path)
    text = normalise(to_pdf_text(out / NAME / "convocation" / "note-de-synthese.docx", tmp_path))
    assert "2. Budget primitif 2017" in text
    assert normalise(PARAGRAPH) in text


def test_an_item_without_expose_is_a_warning_and_the_note_still_written(
    tmp_path: Path,
) -> None:
    from pipeline.commands import convocation
    from pipeline.read.sources import find_meetings

    data, out = tmp_path / "data", tmp_path / "output"
    rows = [list(r) for r in ITEMS]
    rows[3][2] = None
    before_the_vote(data, rows)
    (source,) = find_meetings(data)
    prepared = convocation.prepare(source, [REPO / "templates"])
    assert [(p.code, str(p.place)) for p in prepared.report.problems] == [
        (
            "convocation.item-without-expose",
            "deliberations.xlsx, feuille « Délibérations », ligne 4, colonne « Exposé »",
        )
    ]
    code, printed = convene(data, out)
    assert code == 0, printed
    (line,) = problem_lines(printed)
    assert "le point 3 « Tarifs 2017 » n’a pas d’exposé" in line
    note = docx_text(out / NAME / "convocation" / "note-de-synthese.docx")
    assert note[-1] == "3. Tarifs 2017"


def test_a_small_commune_is_not_asked_for_the_note(tmp_path: Path) -> None:
    """Three jours francs (a commune under 3,500, L2121-11): no note is
    required; it is written all the same, the letter does not announce it."""
    data, out = tmp_path / "data", tmp_path / "output"
    rows = [list(r) for r in ITEMS]
    rows[3][2] = None
    before_the_vote(data, rows, **{"Délai de convocation": 3})
    code, printed = convene(data, out)
    assert code == 0, printed
    assert problem_lines(printed) == []
    pack = out / NAME / "convocation"
    assert (pack / "note-de-synthese.docx").is_file()
    letter = docx_text(pack / "convocations" / "ernest-candela.docx")
    assert not any("synthèse" in p for p in letter)


def test_the_agenda_opens_with_the_approval_of_the_previous_minutes(tmp_path: Path) -> None:
    """« Procès-verbal précédent » (filled by ``new --from``): the agenda
    posted and the letters' agenda start with its approval, as the minutes
    will record it; without the field, no such line (the ``pack`` above)."""
    data, out = tmp_path / "data", tmp_path / "output"
    before_the_vote(data, **{"Procès-verbal précédent": dt.datetime(2016, 11, 7)})
    code, printed = convene(data, out)
    assert code == 0, printed
    line = "Approbation du procès-verbal de la réunion du 7 novembre 2016"
    agenda = docx_text(out / NAME / "convocation" / "ordre-du-jour.docx")
    assert agenda[agenda.index(line) + 1] == "I – Administration", agenda
    letter = docx_text(out / NAME / "convocation" / "convocations" / "ernest-candela.docx")
    assert letter[letter.index(line) - 1] == "L’ordre du jour est le suivant\u00a0:", letter
    from icalendar import Calendar

    (event,) = Calendar.from_ical((out / NAME / "convocation" / "seance.ics").read_bytes()).walk(
        "VEVENT"
    )
    description = str(event["description"]).splitlines()
    assert description[1:3] == [line, "I – Administration"], description


def test_no_approval_line_without_previous_minutes(pack: Path) -> None:
    for name in ("ordre-du-jour.docx", "convocations.docx"):
        assert not any("Approbation" in line for line in docx_text(pack / name)), name
