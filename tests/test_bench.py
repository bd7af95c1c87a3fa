"""The bench's generator (bench/generate.py) must not rot: its Paris-like
meeting, at a reduced scale, passes ``make-minutes check`` without a problem,
and at full scale it has the counts of issue 8. Nothing here is timed: the
timings are bench/run.py's business (docs/performance.md)."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

from conftest import REPO, run

from bench import generate


def test_generated_meeting_passes_check(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "generate.py"), str(tmp_path), "--scale", "0.05"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    code, output = run("check", "--data", str(tmp_path / "paris"))
    assert code == 0, output
    assert f"{generate.PARIS} : aucun problème." in output
    # The other inputs of the bench, at the same scale.
    assert len(list((tmp_path / "lot").iterdir())) == 10
    assert (tmp_path / "exemple" / "2016-11-28-bureau" / "seance.xlsx").is_file()
    assert (tmp_path / "votes-5000.xlsx").is_file()


def test_full_scale_has_the_counts_of_the_issue() -> None:
    plan = generate.plan(1.0)
    assert len(plan.members) == len(plan.presences) - 1 == 163
    assert len({m.college for m in plan.members}) == 8
    assert len(plan.deliberations) - 1 == 600
    exposes = [len(row[2]) for row in plan.deliberations[1:]]
    assert 1_400 <= statistics.mean(exposes) <= 1_600
    assert len(plan.votes) - 1 == 9_000
    assert len(plan.tariffs) - 1 == 50
    assert len(plan.contributions) - 1 == 772
    assert generate.FULL["meetings"] == 200
    assert generate.FULL["votes_rows"] == 100_000


def test_generation_is_deterministic() -> None:
    assert generate.plan(0.05, seed=7) == generate.plan(0.05, seed=7)
