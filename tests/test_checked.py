"""Every command that makes documents of a held meeting reads it as the
minutes' build does (pipeline.build.checked): a problem the build finds
only once the approval of the minutes is known (L2121-15) keeps the meeting
out of the register and of the préfecture package too, not only out of
output/<meeting>/. Real workbooks, the real commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import make_meeting, run

from pipeline.commands import prefecture
from pipeline.read.sources import find_meetings

CODE = "seance.minutes-online-before-approval"


def _early_minutes(data: Path) -> None:
    """Meeting « a » says its minutes went online on 5 December 2016; « b »,
    on 19 December, approved them: online before approved, an error."""
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


def test_the_register_leaves_out_what_the_build_refuses(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    _early_minutes(data)
    code, printed = run("registre", "2016", "--data", str(data), "--output", str(out))
    assert code == 1, printed
    assert printed.startswith("a : 1 problème, réunion non incluse dans le registre."), printed
    assert "mis en ligne le 05/12/2016, avant d’avoir été arrêté en séance du 19/12/2016" in (
        printed
    )
    assert "Registre 2016 : 1 séance incluse." in printed, printed


def test_the_prefecture_package_refuses_what_the_build_refuses(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _early_minutes(data)
    sources = {s.name: s for s in find_meetings(data)}
    problems = prefecture.prepare(sources["a"], []).report.errors
    assert CODE in [p.code for p in problems], problems
