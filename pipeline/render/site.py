"""The publication site (``make-minutes site``): plain HTML5 pages, a style
sheet and a yearly SCDL CSV, from the meetings already built with their PDFs.

:func:`summary` takes from a meeting read and checked what its page shows
(in a worker process, like any reading); :func:`site_files` makes every file
of ``output/site/`` but the PDFs, which are the build's own, copied as they
are. Every text from the workbooks is escaped (:func:`html.escape`); every
link is relative and stays inside the site; no JavaScript, nothing fetched
from elsewhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from pipeline.law.checks import Analysis
from pipeline.model import Ballot, Meeting
from pipeline.render import opendata
from pipeline.words import french, results

MINUTES_PDF = "proces-verbal.pdf"
MINUTES_PENDING = (
    "Procès-verbal : publié ici dans la semaine qui suit la séance où il sera arrêté "
    "(article L2121-15 du CGCT)."
)
LIST_PDF = "liste-deliberations.pdf"
ANNEX_PDF = "annexe-tarifs.pdf"
STYLE = "style.css"
INDEX = "index.html"


@dataclass(frozen=True)
class Act:
    """A deliberation as the site lists it; ``pdf``: its extract's PDF,
    relative to the meeting's folder (« extraits/1-convention.pdf »)."""

    number: int
    act_number: str
    title: str
    result: str  # as the minutes word it (words/results.py)
    pdf: str
    transmitted: dt.date | None = None  # the préfecture's acknowledgement, when known


@dataclass(frozen=True)
class SiteMeeting:
    """What the site shows of one meeting, and its SCDL CSV (None, with
    what it lacks in ``lacking``, when the meeting cannot give it)."""

    name: str  # the folder's name: output/<name>/, site/<year>/<name>/
    body: str
    instance: str
    date: dt.date
    opening: dt.time
    location: str
    online_on: dt.date | None
    approved_on: dt.date | None
    minutes_online_on: dt.date | None
    acts: tuple[Act, ...]
    has_annex: bool
    scdl: bytes | None
    lacking: tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        """ "2016/2016-11-28-bureau": the meeting's folder in the site."""
        return opendata.site_folder(self.name, self.date)

    @property
    def pdfs(self) -> list[str]:
        """The PDFs of the meeting, relative to its output folder."""
        # The minutes are published once « arrêtés » (L2121-15), not before.
        documents = [MINUTES_PDF] if self.approved_on is not None else []
        if self.acts:
            documents.append(LIST_PDF)
        if self.has_annex:
            documents.append(ANNEX_PDF)
        return documents + [act.pdf for act in self.acts]


def summary(meeting: Meeting, analysis: Analysis) -> SiteMeeting:
    """The page of a meeting read and checked (``meeting`` with its
    « arrêté » date, as the build gives it)."""
    acts = []
    for item in analysis.items:
        d = item.deliberation
        acknowledgement = getattr(d, "acknowledgement", None)  # issue 18, when the model has it
        acts.append(
            Act(
                number=d.number,
                act_number=d.act_number,
                title=french.typography(d.title),
                result=results.result(
                    item.outcome,
                    item.counts,
                    secret=d.ballot is Ballot.SECRET,
                    presiding_feminine=meeting.member(item.presiding).feminine,
                ),
                pdf=opendata.extract_pdf(d),
                transmitted=getattr(acknowledgement, "received", None),
            )
        )
    lacking = tuple(opendata.missing(meeting, analysis)) if analysis.items else ()
    scdl = opendata.scdl_csv(meeting, analysis) if analysis.items and not lacking else None
    return SiteMeeting(
        name=meeting.name,
        body=capitalised(meeting.body.strip()),
        instance=meeting.instance.strip(),
        date=meeting.date,
        opening=meeting.opening,
        location=meeting.location.strip(),
        online_on=meeting.online_on,
        approved_on=meeting.approved_on,
        # « Procès-verbal mis en ligne le » (issue 18), when the model has it.
        minutes_online_on=getattr(meeting, "minutes_online_on", None),
        acts=tuple(acts),
        has_annex=meeting.has_tariff_sheet,
        scdl=scdl,
        lacking=lacking,
    )


# --- the files of the site -----------------------------------------------------------

Size = Callable[[str], int]  # the size in bytes of a file of the site, by its path


def site_files(meetings: list[SiteMeeting], size: Size) -> dict[str, bytes]:
    """Every file of the site but the PDFs (``size`` gives theirs, by their
    path in the site): the index, a page per meeting, the style sheet, and
    ``<year>/deliberations-<year>.csv`` for each year some meeting of which
    gives its open data."""
    files: dict[str, bytes] = {STYLE: CSS.encode("utf-8")}
    years = _by_year(meetings)
    csvs: dict[int, str] = {}
    for year, held in years.items():
        table = yearly_csv(held)
        if table is not None:
            csvs[year] = f"{year}/deliberations-{year}.csv"
            files[csvs[year]] = table
    for m in meetings:
        files[f"{m.folder}/{INDEX}"] = meeting_page(m, size).encode("utf-8")
    files[INDEX] = index_page(years, csvs, lambda path: len(files[path])).encode("utf-8")
    return files


def _by_year(meetings: list[SiteMeeting]) -> dict[int, list[SiteMeeting]]:
    """The meetings by year, the newest year and meeting first."""
    years: dict[int, list[SiteMeeting]] = {}
    for m in sorted(meetings, key=lambda m: (m.date, m.opening, m.name), reverse=True):
        years.setdefault(m.date.year, []).append(m)
    return years


def yearly_csv(meetings: list[SiteMeeting]) -> bytes | None:
    """The SCDL rows of every meeting of a year that gives them, oldest
    first, under the one header of render/opendata.py; None without any."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=opendata.COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    rows = 0
    for m in sorted(meetings, key=lambda m: (m.date, m.opening, m.name)):
        if m.scdl is None:
            continue
        for row in csv.DictReader(io.StringIO(m.scdl.decode("utf-8"), newline="")):
            writer.writerow(row)
            rows += 1
    return buffer.getvalue().encode("utf-8") if rows else None


def file_size(size: int) -> str:
    """ "123 Ko", "1,4 Mo" (French: a comma, a no-break space)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))}{french.NBSP}Ko"
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + f"{french.NBSP}Mo"


def href(path: str) -> str:
    """A relative link, each part percent-encoded (a folder name may hold
    spaces, « # » or « ? »), then escaped for the attribute."""
    return escape(quote(path, safe="/"), quote=True)


def _link(path: str, text: str, size: int) -> str:
    """ "<a href=…>Procès-verbal du 28 novembre 2016 (PDF, 123 Ko)</a>"."""
    kind = "CSV" if path.endswith(".csv") else "PDF"
    label = f"{text} ({kind}, {file_size(size)})"
    return f'<a href="{href(path)}">{escape(label)}</a>'


def _page(title: str, css: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{href(css)}">\n'
        f"</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def capitalised(text: str) -> str:
    """The first letter in capitals, as the documents' letterhead prints a body."""
    return text[:1].upper() + text[1:]


def heading(m: SiteMeeting) -> str:
    """ "Bureau du 28 novembre 2016"."""
    return f"{capitalised(m.instance)} du {french.date_short(m.date)}"


def index_page(years: dict[int, list[SiteMeeting]], csvs: dict[int, str], size: Size) -> str:
    """The index: a heading per year, newest first, each meeting linked."""
    bodies = sorted({m.body for held in years.values() for m in held})
    body = bodies[0] if len(bodies) == 1 else ""
    title = f"Actes publiés – {body}" if body else "Actes publiés"
    out = [f"<h1>{escape(title)}</h1>\n"]
    if not years:
        out.append("<p>Aucune séance publiée.</p>\n")
    for year, held in years.items():
        out.append(f"<h2>{year}</h2>\n<ul>\n")
        for m in held:
            what = heading(m) if body else f"{heading(m)} ({m.body})"
            out.append(f'<li><a href="{href(m.folder + "/" + INDEX)}">{escape(what)}</a></li>\n')
        out.append("</ul>\n")
        if year in csvs:
            link = _link(csvs[year], f"Données ouvertes des délibérations {year}", size(csvs[year]))
            out.append(f"<p>{link}</p>\n")
    return _page(title, STYLE, "".join(out))


def meeting_page(m: SiteMeeting, size: Size) -> str:
    """A meeting's page: what, when, where; its documents; its acts."""
    title = heading(m)
    day = french.date_short(m.date)
    facts = [
        ("Organisme", m.body),
        ("Instance", m.instance),
        ("Date", f"{day} à {french.hour(m.opening)}"),
        ("Lieu", m.location),
    ]
    if m.online_on is not None:
        facts.append(("Mise en ligne le", french.date_short(m.online_on)))
    out = [f"<h1>{escape(title)}</h1>\n<dl>\n"]
    for term, value in facts:
        out.append(f"<dt>{escape(term)}</dt><dd>{escape(value)}</dd>\n")
    out.append("</dl>\n<h2>Documents de la séance</h2>\n<ul>\n")
    documents = [(MINUTES_PDF, f"Procès-verbal du {day}")] if m.approved_on is not None else []
    if m.acts:
        documents.append((LIST_PDF, f"Liste des délibérations du {day}"))
    if m.has_annex:
        documents.append((ANNEX_PDF, f"Annexe des tarifs du {day}"))
    for pdf, text in documents:
        out.append(f"<li>{_link(pdf, text, size(f'{m.folder}/{pdf}'))}")
        if pdf == MINUTES_PDF and m.approved_on is not None:
            approved = french.date_short(m.approved_on)
            out.append(escape(f" – arrêté en séance du {approved}"))
        if pdf == MINUTES_PDF and m.minutes_online_on is not None:
            out.append(escape(f" – mis en ligne le {french.date_short(m.minutes_online_on)}"))
        out.append("</li>\n")
    if m.approved_on is None:
        out.append(f"<li>{escape(MINUTES_PENDING)}</li>\n")
    out.append("</ul>\n")
    if m.acts:
        out.append(_acts_table(m, size))
    out.append(f'<p><a href="{href("../../" + INDEX)}">Toutes les séances publiées</a></p>\n')
    return _page(f"{title} – {m.body}", f"../../{STYLE}", "".join(out))


def _acts_table(m: SiteMeeting, size: Size) -> str:
    transmitted = any(a.transmitted is not None for a in m.acts)
    numbered = any(a.act_number for a in m.acts)
    columns = ["N°", *(["N° d’acte"] if numbered else []), "Objet", "Résultat"]
    columns.append("Mise en ligne le")
    if transmitted:
        columns.append("Transmis en préfecture le")
    columns.append("Document")
    online = french.date_short(m.online_on) if m.online_on is not None else "non renseignée"
    caption = escape(f"Délibérations – {heading(m)}")
    out = [f"<h2>Délibérations</h2>\n<table>\n<caption>{caption}</caption>\n<thead>\n<tr>"]
    out += [f'<th scope="col">{escape(c)}</th>' for c in columns]
    out.append("</tr>\n</thead>\n<tbody>\n")
    for a in m.acts:
        cells = [f'<th scope="row">{a.number}</th>']
        texts = [*([a.act_number] if numbered else []), a.title, a.result, online]
        cells += [f"<td>{escape(text)}</td>" for text in texts]
        if transmitted:
            when = french.date_short(a.transmitted) if a.transmitted else ""
            cells.append(f"<td>{escape(when)}</td>")
        text = f"Extrait de la délibération n°{french.NBSP}{a.act_number or a.number}"
        cells.append(f"<td>{_link(a.pdf, text, size(f'{m.folder}/{a.pdf}'))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>\n")
    out.append("</tbody>\n</table>\n")
    return "".join(out)


CSS = """\
body { font-family: "Liberation Sans", Arial, sans-serif; line-height: 1.5; margin: 0;
  color: #1e1e1e; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; }
a { color: #000091; }
a:focus { outline: 2px solid #000091; outline-offset: 2px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: bold; padding: 0.5rem 0; }
th, td { border: 1px solid #929292; padding: 0.4rem; text-align: left; vertical-align: top; }
thead th { background: #eee; }
"""
