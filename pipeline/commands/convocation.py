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

import dataclasses
import datetime as dt
from pathlib import Path

from pipeline import build as builder
from pipeline.build import Prepared
from pipeline.law.convocation import synthesis_required
from pipeline.model import Meeting
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
    if synthesis_required(meeting.notice_days):
        items_without_expose(meeting, report)
    templates = builder.meeting_templates(source, templates)
    logo = meeting_logo(source.folder, templates, report)
    when = dt.datetime.combine(meeting.convocation, dt.time())
    docs = convocation.documents(meeting, logo)
    embeds = logo is not None or any(d.expose_file is not None for d in meeting.deliberations)
    builder.render_documents(prepared, docs, templates, compiled, when, embeds)
    prepared.files["seance.ics"] = convocation.calendar(meeting)
    return prepared


def items_without_expose(meeting: Meeting, report: Report) -> None:
    """A warning for each deliberation whose note of synthesis would say
    nothing (no Exposé typed nor Word file), at its Exposé: the note is
    required (L2121-12) and still written."""
    for d in meeting.deliberations:
        if d.expose or d.expose_file is not None:
            continue
        report.warning(
            dataclasses.replace(d.place, column="Exposé"),
            f"le point {d.number} « {d.title} » n’a pas d’exposé : la note explicative de "
            "synthèse jointe à la convocation (obligatoire, article L2121-12 du CGCT) n’en dit "
            "rien. Saisissez son exposé dans la colonne « Exposé », ou le nom de son document "
            "Word (exposes/….docx) ; la note est écrite quand même.",
            code="convocation.item-without-expose",
        )


PACK = builder.Pack(prepare, FOLDER)  # built by pipeline.build.run, as the minutes are
