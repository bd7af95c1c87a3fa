"""commands/new.py, function by function: which names may name a meeting,
and what ``--from`` takes over (the whole command is in test_new)."""

from __future__ import annotations

import pytest
from conftest import SAMPLE

from pipeline import build
from pipeline.commands import new
from pipeline.problems import Report
from pipeline.read.sources import find_meetings


@pytest.mark.parametrize("name", ["2025-03-14-bureau", "conseil de mars", "Réunion n°2"])
def test_a_plain_folder_name_names_a_meeting(name: str) -> None:
    assert new.is_meeting_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "  ",
        "../x",
        "a/b",
        "a\\b",
        "C:x",
        ".cachee",
        "fin.",
        "fin ",
        "templates",
        "Exposés",
        "con",
        "LPT1.txt",
        "a?b",
    ],
)
def test_a_path_or_a_reserved_name_does_not(name: str) -> None:
    assert not new.is_meeting_name(name)
    assert f"« {name} » ne peut pas être le nom d’une réunion" in new.bad_name(name, SAMPLE)


def test_from_takes_over_the_body_and_the_members_without_their_attendance() -> None:
    source = next(m for m in find_meetings(SAMPLE.parent) if m.name == SAMPLE.name)
    meeting = build.read_meeting(source, Report())
    assert meeting is not None
    seance, members = new.taken_over(meeting)
    assert seance["Instance"] == meeting.instance
    assert "Date" not in seance and "Secrétaire de séance" not in seance
    assert all(v not in ("", None) for v in seance.values())
    assert len(members) == len(meeting.members)
    assert all(len(row) == 4 for row in members)  # collège, civilité, prénom, nom: no status
