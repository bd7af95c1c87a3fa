"""console.py: what the command prints, function by function (the whole
command's output is in test_cli and test_progress)."""

from __future__ import annotations

from pathlib import Path

from pipeline import console
from pipeline.build import MeetingResult, Stage
from pipeline.problems import Place, Problem, Severity


def test_every_stage_of_a_run_has_its_label() -> None:
    assert set(console.STAGES) == set(Stage)
    assert console.STAGES[Stage.READ].format(meeting="m") == "m lue"


def test_a_bug_is_said_in_french_and_fails_its_meeting() -> None:
    result = console.unexpected("m", ValueError("boum"))
    assert not result.ok
    (problem,) = result.problems
    assert str(problem) == (
        "m : erreur inattendue (ValueError : boum) ; rien n’a été écrit pour cette réunion. "
        "Merci de signaler ce problème."
    )


def test_the_line_of_a_meeting_written(capsys, tmp_path: Path) -> None:
    out = tmp_path / "out" / "m"
    result = MeetingResult("m")
    result.written = [
        out / "proces-verbal.docx",
        out / "proces-verbal.pdf",
        out / "extraits" / "1.docx",
        out / "extraits" / "2.docx",
    ]
    result.kept = [out / "proces-verbal (modifié).docx"]
    result.problems = [Problem(Place("m"), "attention", Severity.WARNING, "test.warning")]
    console.report(result, "12:00:00 ")
    assert capsys.readouterr().out.splitlines() == [
        f"12:00:00 m : proces-verbal.docx, 2 extraits, leurs copies PDF/A écrits dans {out}",
        "  - votre version modifiée est gardée dans proces-verbal (modifié).docx",
        "  - m : avertissement : attention",
    ]


def test_the_line_of_a_meeting_with_problems(capsys) -> None:
    result = MeetingResult("m", problems=[Problem(Place("a.xlsx"), "faux", code="test.error")] * 2)
    console.report(result)
    assert capsys.readouterr().out.splitlines() == [
        "m : 2 problèmes, rien n’a été écrit pour cette réunion.",
        "  - a.xlsx : faux",
        "  - a.xlsx : faux",
    ]


def test_the_summary_table(capsys, tmp_path: Path) -> None:
    ok = MeetingResult("une-longue-reunion", written=[tmp_path / "a.docx"])
    bad = MeetingResult("b", problems=[Problem(Place("b"), "faux", code="test.error")])
    console.summary([ok, bad])
    assert capsys.readouterr().out.split("\n") == [
        "",
        "Réunion             Documents  Avertissements  Problèmes",
        "une-longue-reunion          1               0          0",
        "b                           0               0          1",
        "",
    ]


def test_the_lines_of_a_check(capsys) -> None:
    warning = Problem(Place("a.xlsx"), "à voir", Severity.WARNING, "test.warning")
    assert (
        console.checked("m", [Problem(Place("a.xlsx"), "faux", code="test.error"), warning]) is True
    )
    assert console.checked("n", []) is False
    assert capsys.readouterr().out.splitlines() == [
        "m : 1 problème, 1 avertissement.",
        "  - a.xlsx : faux",
        "  - a.xlsx : avertissement : à voir",
        "n : aucun problème.",
    ]


def test_no_progress_bar_for_a_single_meeting(capsys) -> None:
    with console.progress(1, meetings=1) as progress:
        progress(0, Stage.BUILDING)
        progress(1, Stage.BUILT, "m")
    assert capsys.readouterr().err == ""
