"""Templates compiled once per run give the same bytes as docxtpl's own
render-and-save for every document (issue 8: nothing traded for speed)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import DELIBERATIONS, SAMPLE, make_meeting

from pipeline import build, parse
from pipeline.law import checks
from pipeline.problems import Report
from pipeline.read.sources import find_meetings
from pipeline.render import compiled, contexts, package
from pipeline.render.docx import TemplateError, render


def _meetings(tmp_path: Path) -> Path:
    """The sample meeting and a second one, of different content, whose
    extracts are many: the shortcut serves every document but the first of
    each template."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data / "a-bureau")
    header, first = DELIBERATIONS[0], DELIBERATIONS[1]
    rows = [header] + [
        [n, f"Point n° {n} : tarifs & <conventions> {{{{ pas une balise }}}}", *first[2:]]
        for n in range(1, 8)
    ]
    # On the first of a month: "1er" is raised in superscript by both ways alike.
    make_meeting(data / "b-comite", seance={"Date": dt.datetime(2016, 12, 1)}, deliberations=rows)
    # A clerk's own extract for the second meeting: a header of plain text,
    # a table, a footnote-free page; the shortcut must give docxtpl's bytes.
    import docx

    own = docx.Document(str(build.default_templates() / "extrait.docx"))
    own.sections[0].header.paragraphs[0].text = "Syndicat mixte – {{ titre }}"
    own.sections[0].first_page_header.paragraphs[0].text = "Sans balise"
    own.add_table(rows=2, cols=2).cell(0, 0).text = "{{ d.titre }}"
    (data / "b-comite" / "templates").mkdir()
    own.save(str(data / "b-comite" / "templates" / "extrait.docx"))
    return data


def _docxtpl_way(source, templates: list[Path]) -> dict[str, bytes]:
    """Every document as before the compiled templates: docxtpl opens,
    renders and saves the template for each one."""
    report = Report()
    meeting = parse.parse_meeting(source, report)
    analysis = checks.analyse(meeting, report)
    assert not report.errors, report.problems
    when = dt.datetime.combine(meeting.date, meeting.opening)
    return {
        doc.filename: package.reproducible(
            render(build.find_template(doc.template, templates), doc.context), when
        )
        for doc in contexts.documents(meeting, analysis)
    }


def test_every_document_is_the_same_bytes_as_docxtpl_gives(tmp_path: Path) -> None:
    sources = find_meetings(_meetings(tmp_path))
    assert [s.name for s in sources] == ["a-bureau", "b-comite"]
    shared = compiled.Templates()  # one per run, as the command does
    for source in sources:
        prepared = build.prepare(source, [], shared)
        own = source.folder / "templates"
        expected = _docxtpl_way(source, [own] if own.is_dir() else [])
        docx = {k: v for k, v in prepared.files.items() if k.endswith(".docx")}
        assert sorted(docx) == sorted(expected)
        for name, content in expected.items():
            assert docx[name] == content, f"{source.name}/{name}"
    extracts = [n for n in prepared.files if n.startswith("extraits/")]
    assert len(extracts) == 7
    # The shortcut did serve them: each template was compiled once.
    compiled_once = set(shared._compiled.values())
    assert len(compiled_once) == 5  # the clerk's extract too
    assert all(c._shortcut for c in compiled_once)


def test_a_packed_part_is_written_as_writestr_would(tmp_path: Path) -> None:
    when = dt.datetime(2016, 11, 28, 17, 0)
    parts = [
        ("[Content_Types].xml", b"<Types/>" * 50),
        ("docProps/core.xml", b'<?xml version="1.0"?><cp:coreProperties/>'),
        ("word/document.xml", "<w:document>é</w:document>".encode() * 300),
        ("word/vide.xml", b""),
    ]
    plain = package.reproducible_parts(parts, when)
    packed = package.reproducible_parts([(n, package.pack(c)) for n, c in parts], when)
    mixed = package.reproducible_parts(
        [(n, package.pack(c) if i % 2 else c) for i, (n, c) in enumerate(parts)], when
    )
    assert packed == plain and mixed == plain
    with zipfile.ZipFile(io.BytesIO(packed)) as zipped:
        assert zipped.testzip() is None
        assert zipped.read("word/document.xml") == parts[2][1]


def test_a_template_error_is_the_same_through_the_shortcut(tmp_path: Path) -> None:
    """The second document of a template that fails on it (an unknown
    attribute reached only by that context) gets docxtpl's message."""
    sources = find_meetings(_meetings(tmp_path))
    shared = compiled.Templates()
    build.prepare(sources[0], [], shared)
    template = build.find_template("extrait.docx", [])
    with pytest.raises(TemplateError) as caught:
        shared.render(template, {"titre": "x"}, dt.datetime(2020, 1, 1))
    with pytest.raises(TemplateError) as direct:
        render(template, {"titre": "x"})
    assert str(caught.value) == str(direct.value)
    assert "variable inconnue" in str(caught.value)


def test_meetings_built_side_by_side_are_the_same_bytes_as_one_by_one(tmp_path: Path) -> None:
    from conftest import run

    data = _meetings(tmp_path)
    for n in range(3):  # more meetings than processes
        shutil.copytree(data / "a-bureau", data / f"c-bureau-{n}")
    serial = tmp_path / "serial"
    parallel = tmp_path / "parallel"
    code, printed = run("--data", str(data), "--output", str(serial), "--jobs", "1")
    assert code == 0, printed
    code, printed_parallel = run("build", "--data", str(data), "--output", str(parallel), "-j", "3")
    assert code == 0, printed_parallel
    # The same report, in the same order, whatever meeting finished first.
    assert printed_parallel.replace(str(parallel), "OUT") == printed.replace(str(serial), "OUT")
    files = sorted(p.relative_to(serial) for p in serial.rglob("*") if p.is_file())
    # 4 sample-like meetings (6 documents and the manifest), b-comite (9 and the manifest)
    assert len(files) == 4 * 7 + 10
    assert files == sorted(p.relative_to(parallel) for p in parallel.rglob("*") if p.is_file())
    for name in files:
        assert (parallel / name).read_bytes() == (serial / name).read_bytes(), name


def test_a_meeting_that_fails_in_a_worker_is_reported_like_the_others(tmp_path: Path) -> None:
    from conftest import run

    data = _meetings(tmp_path)
    (data / "b-comite" / "presences.xlsx").write_bytes(b"pas un classeur")
    code, printed = run("--data", str(data), "--output", str(tmp_path / "out"), "--jobs", "2")
    assert code == 1
    assert "b-comite : 1 problème, rien n’a été écrit pour cette réunion." in printed
    assert "presences.xlsx : ce fichier n’est pas un classeur Excel (.xlsx) lisible." in printed
    assert (tmp_path / "out" / "a-bureau" / "proces-verbal.docx").is_file()
    assert not (tmp_path / "out" / "b-comite").exists()
