"""``make-minutes convocation``: the documents sent and posted before the
meeting, from the workbooks as they are before the votes, written into
``output/<meeting>/convocation/`` (a folder with a manifest of its own: the
minutes' build and this one never remove each other's files).

The meeting is read with every reading check but those that need the
meeting held (:func:`pipeline.build.read_before_vote`); a meeting with
errors gets nothing written, its problems listed as for ``check``. The
documents are made by :mod:`pipeline.render.convocation`, rendered and
written as the minutes are (:mod:`pipeline.build`): in worker processes,
atomically, the clerk's edits kept, with their PDF/A copies on ``--pdf``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline import build as builder
from pipeline.build import MeetingResult, Prepared
from pipeline.problems import Report
from pipeline.read.sources import MeetingSource
from pipeline.render import convocation
from pipeline.render.compiled import Templates
from pipeline.render.logo import of_meeting as meeting_logo

FOLDER = convocation.FOLDER


def prepare(
    source: MeetingSource, templates: list[Path], compiled: Templates | None = None
) -> Prepared:
    """Read a meeting before its votes and render its convocation pack;
    every problem is in the result's report."""
    compiled = compiled or Templates()
    report = Report()
    prepared = Prepared(source, report)
    meeting = builder.read_before_vote(source, report)
    if meeting is None:
        return prepared
    templates = builder.meeting_templates(source, templates)
    logo = meeting_logo(source.folder, templates, report)
    when = dt.datetime.combine(meeting.convocation, dt.time())
    docs = convocation.documents(meeting, logo)
    builder.render_documents(prepared, docs, templates, compiled, when, logo is not None)
    prepared.files["seance.ics"] = convocation.calendar(meeting)
    return prepared


def _prepare_task(source: MeetingSource, compiled: Templates, templates: list[Path]) -> Prepared:
    return prepare(source, templates, compiled)


def _build_task(
    source: MeetingSource, compiled: Templates, templates: list[Path], out_dir: Path, force: bool
) -> MeetingResult:
    return builder.write(prepare(source, templates, compiled), out_dir, force, under=FOLDER)


def run(
    sources: list[MeetingSource],
    templates: list[Path],
    out_dir: Path,
    force: bool = False,
    with_pdf: bool = False,
    jobs: int = 1,
) -> list[MeetingResult | Exception]:
    """The convocation pack of each meeting: its result, or the exception a
    bug raised for it, in the order given. With PDFs, every meeting is
    rendered first, the PDFs made at once, then each is written (as
    :func:`pipeline.build.run`)."""
    if not with_pdf:
        return builder.for_each(sources, _build_task, templates, out_dir, force, jobs=jobs)
    results: list = builder.for_each(sources, _prepare_task, templates, jobs=jobs)
    builder.add_pdfs([r for r in results if isinstance(r, Prepared)], jobs)
    for i, result in enumerate(results):
        if isinstance(result, Prepared):
            try:
                results[i] = builder.write(result, out_dir, force, under=FOLDER)
            except Exception as exc:  # noqa: BLE001 - a bug must not hide the others
                results[i] = exc
    return results
