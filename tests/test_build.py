"""build.py: the order of the stages, written once (read and check, prepare,
the --pdf order of a run), as the command line, --watch, fields and the
bench use it. The end-to-end behaviour is in test_cli, test_progress,
test_isolation and test_watch; here, the functions themselves."""

from __future__ import annotations

from pathlib import Path

from conftest import PRESENCES, SAMPLE, checked_problems, make_meeting

from pipeline import build
from pipeline.build import MeetingResult, Stage
from pipeline.problems import Report
from pipeline.read.sources import MeetingSource, find_meetings

BROKEN_DELIBERATIONS = [["N°", "Titre", "Vote"], [1, "Un point", "peut-être"]]


def sample() -> MeetingSource:
    return next(m for m in find_meetings(SAMPLE.parent) if m.name == SAMPLE.name)


def only(folder: Path) -> MeetingSource:
    (source,) = find_meetings(folder.parent)
    return source


def test_read_and_check_gives_the_meeting_and_its_analysis() -> None:
    report = Report()
    checked = build.read_and_check(sample(), report)
    assert checked is not None, report.problems
    meeting, analysis = checked
    assert meeting.name == SAMPLE.name
    assert analysis.items
    assert not report.errors


def test_a_workbook_error_stops_at_the_reading(tmp_path: Path) -> None:
    source = only(make_meeting(tmp_path / "data" / "cassee", deliberations=BROKEN_DELIBERATIONS))
    report = Report()
    assert build.read_meeting(source, report) is None
    assert report.errors
    report = Report()
    assert build.read_and_check(source, report) is None
    assert report.errors


def test_a_law_error_leaves_the_meeting_readable_but_not_checked(tmp_path: Path) -> None:
    """The president excused: the workbooks are well formed (``new --from``
    takes such a meeting over), the law refuses it."""
    folder = make_meeting(tmp_path / "data" / "absent", seance={"Président": "Ernest CANDELA"})
    source = only(folder)
    assert build.read_meeting(source, Report()) is not None
    report = Report()
    assert build.read_and_check(source, report) is None
    assert any("doit être présent" in p.message for p in report.errors), report.problems


def test_prepare_times_every_stage_in_the_build_order() -> None:
    seen: list[str] = []

    def timed(stage: str, action, *args):
        seen.append(stage)
        return action(*args)

    prepared = build.prepare(sample(), [], timed=timed)
    assert not prepared.report.errors
    assert seen[:3] == ["parse", "analyse", "contexts"]
    renders = [s for s in seen[3:] if s != "opendata"]
    assert all(s.startswith("render ") for s in renders), seen
    assert len(renders) == sum(name.endswith(".docx") for name in prepared.files)
    assert ("opendata" in seen) == ("deliberations.csv" in prepared.files)


def test_the_steps_of_a_run() -> None:
    assert build.steps(3, with_pdf=False) == 3
    assert build.steps(3, with_pdf=True) == 3 + 1 + 3


def record(calls: list) -> build.Progress:
    def progress(steps: int, stage: Stage | None = None, meeting: str = "") -> None:
        calls.append((steps, stage, meeting))

    return progress


def test_a_run_writes_each_meeting_and_counts_its_steps(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_meeting(data / "a")
    make_meeting(data / "b", deliberations=BROKEN_DELIBERATIONS)
    calls: list = []
    results = build.run(find_meetings(data), [], tmp_path / "out", jobs=2, progress=record(calls))
    assert [type(r) for r in results] == [MeetingResult, MeetingResult]
    assert [r.meeting for r in results] == ["a", "b"]
    assert results[0].ok and results[0].written
    assert not results[1].ok and not results[1].written
    assert calls[0] == (0, Stage.BUILDING, "")
    assert sorted(calls[1:]) == [(1, Stage.BUILT, "a"), (1, Stage.BUILT, "b")]
    assert sum(c[0] for c in calls) == build.steps(2, with_pdf=False)


def test_the_pdf_order_reads_all_then_converts_then_writes_each(tmp_path: Path) -> None:
    """A meeting with errors has no PDF to make: LibreOffice is not needed."""
    make_meeting(tmp_path / "data" / "cassee", deliberations=BROKEN_DELIBERATIONS)
    calls: list = []
    sources = find_meetings(tmp_path / "data")
    (result,) = build.run(sources, [], tmp_path / "out", with_pdf=True, progress=record(calls))
    assert isinstance(result, MeetingResult) and not result.ok
    assert calls == [
        (0, Stage.READING, ""),
        (1, Stage.READ, "cassee"),
        (0, Stage.PDF, ""),
        (1, None, ""),
        (0, Stage.WRITING, "cassee"),
        (1, None, ""),
        (0, Stage.DONE, ""),
    ]
    assert sum(c[0] for c in calls) == build.steps(1, with_pdf=True)
    assert not (tmp_path / "out" / "cassee").exists()


def test_a_meeting_result_is_ok_without_errors() -> None:
    assert MeetingResult("x").ok


HEADER = ["N°", "Titre", "Exposé", "Décision", "Vote", "Pour", "Contre", "Abstentions", "NPPV"]
# Item 1's Pour unreadable; item 2 counted 2 where 4 take part (3 present, 1 proxy).
TWO_WRONG_ITEMS = [
    HEADER,
    [1, "Un point", "Exposé.", "Décision.", None, "douze", 0, 0, 0],
    [2, "Un autre point", "Exposé.", "Décision.", None, 2, 0, 0, 0],
]


def codes(folder: Path) -> list[tuple[str, int | None]]:
    (problems,) = checked_problems(folder.parent).values()
    return [(p.code, p.place.row) for p in problems]


def test_the_law_checks_the_sound_items_beside_a_reading_error(tmp_path: Path) -> None:
    """The spec: every problem at once. Item 1's row has a reading error,
    so only item 2 is checked: its count is wrong, and item 1 gets no
    follow-on « vote manquant »."""
    folder = make_meeting(tmp_path / "data" / "deux", deliberations=TWO_WRONG_ITEMS)
    assert codes(folder) == [("value.not-a-number", 2), ("vote.total-mismatch", 3)]


def test_the_law_checks_the_officers_beside_a_reading_error(tmp_path: Path) -> None:
    folder = make_meeting(
        tmp_path / "data" / "absent",
        seance={"Président": "Ernest CANDELA"},
        deliberations=TWO_WRONG_ITEMS,
    )
    assert codes(folder) == [
        ("value.not-a-number", 2),
        ("officer.absent-at-opening", 3),
        ("vote.total-mismatch", 3),
    ]


def test_an_error_in_the_room_holds_the_law_back(tmp_path: Path) -> None:
    """A misspelt status: the member is not counted, so every count would
    look wrong; the law waits for the room to be read."""
    presences = [row[:] for row in PRESENCES]
    presences[1][4] = "présnte"
    folder = make_meeting(
        tmp_path / "data" / "statut", presences=presences, deliberations=TWO_WRONG_ITEMS
    )
    assert [code for code, _ in codes(folder)] == ["presence.unknown-status", "value.not-a-number"]


def test_an_item_left_unread_holds_the_law_back(tmp_path: Path) -> None:
    """Item 1 has no number: the agenda is incomplete (an arrival « au
    point 2 » would mean another moment), so no law is applied."""
    items = [row[:] for row in TWO_WRONG_ITEMS]
    items[1][0], items[1][5] = "un", 4
    folder = make_meeting(tmp_path / "data" / "numero", deliberations=items)
    assert [code for code, _ in codes(folder)] == ["value.not-a-number"]
