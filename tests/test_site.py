"""``make-minutes site`` (issue 18): the publication site. The pages are
made from real workbooks read by the real pipeline; the HTML is read back
with the standard library's parser. One test builds the site with
LibreOffice; the browser test is tests/test_site_browser.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import posixpath
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import DELIBERATIONS, SAMPLE, make_meeting, needs_libreoffice, run

from pipeline.commands import site as publication
from pipeline.read.sources import find_meetings
from pipeline.render import opendata, site
from pipeline.render.site import SiteMeeting

NBSP = "\u00a0"
HOSTILE = '<script>alert("x")</script> & "Salle" <b>'
OPEN_DATA = {"SIRET": "200 000 008 00017"}
WITH_SUBJECTS = [
    [*DELIBERATIONS[0], "Matière"],
    [*DELIBERATIONS[1], "8.1 Enseignement"],
    [2, HOSTILE, "Un exposé.", "Décide.", "unanimité", None, None, None, None, "8.1 Enseignement"],
]


class Page(HTMLParser):
    """What a test asks of a page: its tags in order, links, headings, and
    the text of each element it names."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[int, str]] = []
        self.cells: list[str] = []  # the text of every td and th, in order
        self.links: list[tuple[str, str]] = []  # href, text
        self._open: list[tuple[str, list[str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "a"):
            self._open.append((tag, []))

    def handle_data(self, data: str) -> None:
        for _, texts in self._open:
            texts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            return
        _, texts = self._open.pop()
        text = "".join(texts)
        if tag[0] == "h" and tag[1:].isdigit():
            self.headings.append((int(tag[1]), text))
        elif tag == "a":
            href = next(a["href"] for t, a in reversed(self.tags) if t == "a")
            self.links.append((href or "", text))
        else:
            self.cells.append(text)


def summaries(data: Path) -> list[SiteMeeting]:
    """Each meeting of ``data`` read as the site command reads it."""
    found = [publication.summarise(source, []) for source in find_meetings(data)]
    assert all(isinstance(m, SiteMeeting) for m in found), found
    return found


def make_site(data: Path) -> tuple[dict[str, bytes], set[str]]:
    """The site's pages (made as the command makes them, every PDF said to be
    2 Ko) and the paths its PDFs would have."""
    meetings = summaries(data)
    pdfs = {f"{m.folder}/{name}" for m in meetings for name in m.pdfs}
    return site.site_files(meetings, lambda path: 2048), pdfs


def two_years(tmp_path: Path) -> Path:
    """The sample (2016) and a meeting of 2017 with its open data and a
    title that is HTML."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data / SAMPLE.name)
    make_meeting(
        data / "2017-03-02-bureau",
        {
            "Date": dt.datetime(2017, 3, 2),
            "Date de convocation": dt.datetime(2017, 2, 20),
            "Procès-verbal précédent": dt.datetime(2016, 11, 28),  # arrêtés here
            "Vote du procès-verbal précédent": "unanimité",
        }
        | OPEN_DATA,
        deliberations=WITH_SUBJECTS,
    )
    return data


def pages(files: dict[str, bytes]) -> dict[str, Page]:
    return {
        name: Page(body.decode("utf-8")) for name, body in files.items() if name.endswith("html")
    }


def test_every_link_is_relative_and_leads_to_a_file_of_the_site(tmp_path: Path) -> None:
    files, pdfs = make_site(two_years(tmp_path))
    site_paths = set(files) | pdfs
    seen = set()
    for name, page in pages(files).items():
        for tag, attrs in page.tags:
            assert tag != "script" and not any(a.startswith("on") for a in attrs), name
            for attr in ("href", "src", "action", "srcset", "style"):
                value = attrs.get(attr)
                if value is None or attr == "style":
                    assert value is None, (name, tag, attr)
                    continue
                parts = urlsplit(value)
                assert not parts.scheme and not parts.netloc, (name, value)  # no CDN, no http
                assert not value.startswith("/"), (name, value)  # no absolute path
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(value)))
                assert not target.startswith(".."), (name, value)  # nothing above site/
                assert target in site_paths, (name, value)
                seen.add(target)
    assert b"@import" not in files["style.css"] and b"url(" not in files["style.css"]
    assert pdfs <= seen  # every PDF is linked
    assert "2016/deliberations-2016.csv" not in files  # the sample has no SIRET
    assert "2017/deliberations-2017.csv" in seen


def test_workbook_text_comes_out_as_text(tmp_path: Path) -> None:
    data = two_years(tmp_path)
    make_meeting(
        data / "2017-06-01-bureau",
        {
            "Date": dt.datetime(2017, 6, 1),
            "Date de convocation": dt.datetime(2017, 5, 20),
            "Lieu": '<img src="http://evil.example/x.png"> « salle » & co',
            "Instance": 'Bureau "<i>"',
        },
        deliberations=WITH_SUBJECTS,
    )
    files, _ = make_site(data)
    page = files["2017/2017-03-02-bureau/index.html"].decode("utf-8")
    assert "<script" not in page and "<b>" not in page
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Salle&quot; &lt;b&gt;"
        in page
    )
    assert HOSTILE in Page(page).cells  # read back, the title is the one typed
    other = files["2017/2017-06-01-bureau/index.html"].decode("utf-8")
    assert "<img" not in other and "<i>" not in other
    assert '<img src="http://evil.example/x.png"> « salle » & co' in Page(other).cells + [
        text for text in _definitions(other)
    ]
    index = Page(files["index.html"].decode("utf-8"))
    assert ("2017/2017-06-01-bureau/index.html", 'Bureau "<i>" du 1er juin 2017') in index.links


def _definitions(page: str) -> list[str]:
    """The texts of a page's <dd>."""
    out: list[str] = []

    class Definitions(HTMLParser):
        inside = False

        def handle_starttag(self, tag, attrs):
            self.inside = tag == "dd"

        def handle_data(self, data):
            if self.inside:
                out.append(data)

    Definitions(convert_charrefs=True).feed(page)
    return out


def test_pages_are_in_french_with_headings_in_order_and_table_headers(tmp_path: Path) -> None:
    files, _ = make_site(two_years(tmp_path))
    for name, page in pages(files).items():
        assert page.tags[0] == ("html", {"lang": "fr"}), name
        levels = [level for level, _ in page.headings]
        assert levels.count(1) == 1 and levels[0] == 1, name
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), name  # no level skipped
        ths = [attrs for tag, attrs in page.tags if tag == "th"]
        assert all(a.get("scope") in ("col", "row") for a in ths), name
        tables = [t for t, _ in page.tags if t in ("table", "caption")]
        assert tables.count("table") == tables.count("caption"), name
    index = pages(files)["index.html"]
    assert [h for h in index.headings if h[0] == 2] == [(2, "2017"), (2, "2016")]  # newest first
    meeting = pages(files)["2016/2016-11-28-bureau/index.html"]
    assert meeting.headings[0] == (1, "Bureau du 28 novembre 2016")
    assert ("proces-verbal.pdf", f"Procès-verbal du 28 novembre 2016 (PDF, 2{NBSP}Ko)") in (
        meeting.links
    )
    assert "arrêté en séance du 2 mars 2017" in files["2016/2016-11-28-bureau/index.html"].decode(
        "utf-8"
    )
    # The minutes of 2 March 2017 are not « arrêtés » yet: not published (L2121-15).
    later = files["2017/2017-03-02-bureau/index.html"].decode("utf-8")
    assert (
        "proces-verbal.pdf" not in later and "2017/2017-03-02-bureau/proces-verbal.pdf" not in files
    )
    assert "publié ici dans la semaine qui suit la séance où il sera arrêté" in later
    assert (
        "extraits/1-convention-cadre-espaces-numeriques-de.pdf",
        f"Extrait de la délibération n°{NBSP}1 (PDF, 2{NBSP}Ko)",
    ) in meeting.links
    # The result as the minutes word it.
    assert "Adoptée à l’unanimité" in meeting.cells
    assert meeting.cells[:5] == ["N°", "Objet", "Résultat", "Mise en ligne le", "Document"]


def test_a_yearly_csv_holds_the_rows_of_each_meeting_that_gives_them(tmp_path: Path) -> None:
    data = two_years(tmp_path)
    make_meeting(
        data / "2017-06-01-bureau",
        {"Date": dt.datetime(2017, 6, 1), "Date de convocation": dt.datetime(2017, 5, 20)}
        | OPEN_DATA,
        deliberations=WITH_SUBJECTS[:2],
    )
    make_meeting(  # no SIRET: published, without rows
        data / "2017-09-01-bureau",
        {"Date": dt.datetime(2017, 9, 1), "Date de convocation": dt.datetime(2017, 8, 20)},
        deliberations=WITH_SUBJECTS[:2],
    )
    meetings = {m.name: m for m in summaries(data)}
    files, _ = make_site(data)
    rows = list(csv.reader(io.StringIO(files["2017/deliberations-2017.csv"].decode("utf-8"))))
    assert rows[0] == opendata.COLUMNS
    expected = []
    for name in ("2017-03-02-bureau", "2017-06-01-bureau"):  # oldest first
        scdl = meetings[name].scdl
        assert scdl is not None
        expected += list(csv.reader(io.StringIO(scdl.decode("utf-8"))))[1:]
    assert rows[1:] == expected and len(expected) == 3
    assert meetings["2017-09-01-bureau"].scdl is None and meetings["2017-09-01-bureau"].lacking
    assert HOSTILE in [r[opendata.COLUMNS.index("DELIB_OBJET")] for r in rows]


def test_file_sizes_are_said_in_french() -> None:
    assert site.file_size(10) == f"1{NBSP}Ko"
    assert site.file_size(125_000) == f"122{NBSP}Ko"
    assert site.file_size(1_500_000) == f"1,4{NBSP}Mo"


def test_a_meeting_named_like_the_site_folder_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_meeting(data / "Site")
    code, out = run("site", "--data", str(data), "--output", str(tmp_path / "out"))
    assert code == 2
    assert "La réunion « Site » porte le nom du dossier du site" in out
    assert not (tmp_path / "out").exists()


def test_without_libreoffice_the_site_says_so(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    make_meeting(data / "2016-11-28-bureau")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, out = run("site", "--data", str(data), "--output", str(tmp_path / "out"))
    assert code == 1
    assert "make-minutes site publie les copies PDF/A" in out and "LibreOffice" in out
    assert not (tmp_path / "out").exists()


@needs_libreoffice
def test_the_site_publishes_the_built_pdfs_and_leaves_out_a_meeting_with_problems(
    tmp_path: Path,
) -> None:
    data = two_years(tmp_path)
    make_meeting(
        data / "2017-09-01-bureau",
        {
            "Date": dt.datetime(2017, 9, 1),
            "Date de convocation": dt.datetime(2017, 8, 20),
            "Président": "Personne INCONNUE",
        },
    )
    out = tmp_path / "output"
    code, said = run("site", "--data", str(data), "--output", str(out))
    assert code == 1, said
    root = out / "site"
    assert "Site de publication écrit dans" in said and "2 réunions publiées" in said
    assert "2017-09-01-bureau : non publiée : elle a des problèmes" in said
    assert not (root / "2017" / "2017-09-01-bureau").exists()
    assert "2017-09-01-bureau" not in (root / "index.html").read_text(encoding="utf-8")
    # The PDFs of the site are the build's, byte for byte; the minutes of
    # 2 March 2017, not « arrêtés » yet, are not published (L2121-15).
    for meeting in ("2016-11-28-bureau", "2017-03-02-bureau"):
        built = sorted(p.relative_to(out / meeting) for p in (out / meeting).rglob("*.pdf"))
        if meeting.startswith("2017"):
            built.remove(Path("proces-verbal.pdf"))
        year = meeting[:4]
        published = sorted(
            p.relative_to(root / year / meeting) for p in (root / year / meeting).rglob("*.pdf")
        )
        assert built == published and built
        for name in built:
            assert (out / meeting / name).read_bytes() == (
                root / year / meeting / name
            ).read_bytes()
    assert (root / "2017" / "deliberations-2017.csv").is_file()
    assert "publiée sans ses lignes dans 2016/deliberations-2016.csv" in said

    # The 2017 meeting gone from data/ and the other one fixed: its pages go too.
    shutil.rmtree(data / "2017-03-02-bureau")
    shutil.rmtree(data / "2017-09-01-bureau")
    code, said = run("site", "--data", str(data), "--output", str(out))
    assert code == 0, said
    assert not (root / "2017").exists()
    assert sorted(p.name for p in root.iterdir()) == [
        ".make-minutes.json",
        "2016",
        "index.html",
        "style.css",
    ]


@pytest.mark.parametrize("name", ["a b#c?d", "réunion"])
def test_links_to_odd_folder_names_are_encoded(name: str) -> None:
    assert site.href(f"2016/{name}/index.html").count("#") == 0
    assert unquote(site.href(f"2016/{name}/index.html")) == f"2016/{name}/index.html"


def test_an_acknowledged_act_shows_its_transmission_date(tmp_path: Path) -> None:
    """With the préfecture's acknowledgement of an act (issue 18), its row
    says when it was received."""
    import dataclasses

    from pipeline import build as builder
    from pipeline import model
    from pipeline.problems import Report

    if not hasattr(model, "Acknowledgement"):
        pytest.skip("le modèle n’a pas encore les accusés de réception")
    (source,) = find_meetings(two_years(tmp_path))[1:]
    meeting, analysis = builder.read_and_check(source, Report())
    ack = model.Acknowledgement(
        number="1", received=dt.date(2017, 3, 6), act_id="", file="accuses/1.xml"
    )
    first = dataclasses.replace(analysis.items[0].deliberation, acknowledgement=ack)
    items = (dataclasses.replace(analysis.items[0], deliberation=first), *analysis.items[1:])
    summary = site.summary(meeting, dataclasses.replace(analysis, items=items))
    page = Page(site.meeting_page(summary, lambda path: 1000))
    assert "Transmis en préfecture le" in page.cells
    assert "6 mars 2017" in page.cells


def test_the_yearly_csv_passes_validata(tmp_path: Path) -> None:
    """The CSV of a year, rows of two meetings, as data.gouv.fr checks it."""
    from test_validators import VALIDATA, errors, validata

    if VALIDATA is None and not os.environ.get("CI"):
        pytest.skip("validata-table absent (voir tests/validata.txt)")
    data = two_years(tmp_path)
    make_meeting(
        data / "2017-06-01-bureau",
        {"Date": dt.datetime(2017, 6, 1), "Date de convocation": dt.datetime(2017, 5, 20)}
        | OPEN_DATA,
        deliberations=WITH_SUBJECTS[:2],
    )
    files, _ = make_site(data)
    path = tmp_path / "deliberations-2017.csv"
    path.write_bytes(files["2017/deliberations-2017.csv"])
    report = validata(path)
    assert errors(report) == [] and report["valid"], report


def test_a_folder_name_with_html_and_url_characters_is_linked_safely(tmp_path: Path) -> None:
    data = tmp_path / "data"
    name = '2017-06-01 <b onclick="x">#?%&'
    make_meeting(
        data / name,
        {
            "Date": dt.datetime(2017, 6, 1),
            "Date de convocation": dt.datetime(2017, 5, 20),
            "Procès-verbal arrêté le": dt.datetime(2017, 7, 3),
        },
    )
    files, pdfs = make_site(data)
    index = files["index.html"].decode("utf-8")
    assert "<b" not in index.replace("<body", "")
    (link,) = [href for href, _ in Page(index).links]
    assert "#" not in link and "?" not in link
    assert unquote(link) == f"2017/{name}/index.html" and unquote(link) in files
    assert f"2017/{name}/proces-verbal.pdf" in pdfs


def test_delib_url_of_each_act_is_the_path_of_its_pdf_in_the_site(tmp_path: Path) -> None:
    # « Adresse de publication » is where output/site/ is deposited: each act's
    # DELIB_URL, minus that address, leads to its extract's PDF in the site.
    data = tmp_path / "data"
    name = "2017-06-01 bureau #2?"
    base = "https://www.exemple.fr/publication"
    make_meeting(
        data / name,
        {
            "Date": dt.datetime(2017, 6, 1),
            "Date de convocation": dt.datetime(2017, 5, 20),
            "Adresse de publication": base + "/",
        }
        | OPEN_DATA,
        deliberations=WITH_SUBJECTS,
    )
    files, pdfs = make_site(data)
    rows = list(csv.DictReader(io.StringIO(files["2017/deliberations-2017.csv"].decode("utf-8"))))
    urls = [r["DELIB_URL"] for r in rows]
    assert len(urls) == 2 and all(u.startswith(base + "/") for u in urls), urls
    paths = [urlsplit(u).path.removeprefix("/publication/") for u in urls]
    assert all(not urlsplit(u).query and not urlsplit(u).fragment for u in urls), urls
    assert all(" " not in u for u in urls), urls
    extracts = {p for p in pdfs if "/extraits/" in p}
    assert {unquote(p) for p in paths} == extracts and len(extracts) == 2
    assert unquote(paths[0]).startswith(f"2017/{name}/extraits/")
