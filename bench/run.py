"""Time make-minutes at the scale of the largest assemblies (issue 8).

    python bench/run.py [--keep DOSSIER] [--repeat 3] [--jobs N] [--scale 1] [--strict]

Generates its inputs (bench/generate.py) into a temporary folder, or into
``--keep DOSSIER`` to reuse them from one run to the next, then measures:

- the Paris-scale meeting stage by stage, in this process, built by the
  build's own functions (``build.prepare``, ``build.write``) with each stage
  timed through their hook (read, model, checks, contexts, rendering per
  template, open data, writing);
- the same meeting built by the whole command in a child process (wall time,
  interpreter start included, and peak memory);
- the naive docxtpl loop over the same 600 extracts (``DocxTemplate(path)``,
  ``render(context, autoescape=True)``, ``save(path)`` for each, as docxtpl's
  documentation shows, with the escaping make-minutes does) and the ratios;
- a 100,000-row ``Votes`` sheet read by ``sources.read_workbook``;
- the seed meeting built by the whole command;
- 200 seed-sized meetings built one at a time and with ``--jobs N``, and
  whether both outputs are the same bytes;
- the register of a year of 12 Paris-scale meetings (``make-minutes
  registre``, issue 19), without PDF, and its ratio to building the 12
  meetings' extracts (12 times those of the Paris meeting, measured above).

Short measurements are repeated (``--repeat``, 3 by default) and the best
is kept; the naive loop and the 200-meeting builds run once. Peak memory is
the ``ru_maxrss`` of the largest process of the command, read with
``getrusage(RUSAGE_CHILDREN)`` by a small probe process that runs nothing
else. The targets are reported, not asserted: the exit code is 0 unless the
bench itself fails, or, with ``--strict``, a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # generate.py, beside this file

import generate  # noqa: E402

REPO = generate.REPO

# The targets of issue 8, for the full scale on a 2-core machine.
PARIS_WALL = 8.0  # s, all documents, no PDF
PARIS_MEMORY = 400  # MB
PARIS_VS_NAIVE = 0.45  # whole command / naive loop over the extracts alone
EXTRACTS_SPEEDUP = 5.0  # naive loop / make-minutes, the 600 extracts
VOTES_READ = 1.0  # s, 100,000-row Votes sheet
SEED_WALL = 1.0  # s, interpreter start included
MEETINGS_PER_SECOND = 15.0
PDF_VS_SOFFICE = 0.6  # Paris with --pdf / plain soffice in batches of 200, one process
SEED_PDF_WALL = 4.0  # s, the sample with --pdf, LibreOffice start included
SOFFICE_BATCH = 200  # the baseline's batch: plain « soffice --convert-to » over 200 files
YEAR_MEETINGS = 12  # the register of a year: 12 Paris-scale meetings (issue 19)
YEAR_WALL = 60.0  # s, without PDF
YEAR_MEMORY = 1000  # MB

# Runs a command and reports its wall time and the peak memory of its
# largest process; the probe itself starts before the clock does.
PROBE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
output = done.stdout.decode("utf-8", "replace")[-4000:]
print(json.dumps({"wall": wall, "peak": peak, "code": done.returncode, "output": output}))
"""
PACKAGES = (
    "make-minutes",
    "docxtpl",
    "python-docx",
    "Jinja2",
    "lxml",
    "python-calamine",
    "openpyxl",
)


# --- formatting ---------------------------------------------------------------------------


def number(value: float, digits: int = 2) -> str:
    """French: "1 234,56" (narrow no-break space for thousands)."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def seconds(value: float) -> str:
    return f"{number(value)} s"


def megabytes(peak_bytes: int) -> str:
    return f"{number(peak_bytes / 1e6, 0)} Mo"


@dataclass
class Line:
    label: str
    value: str = ""
    target: str = ""
    met: bool | None = None  # None: no target, or not evaluated

    @property
    def verdict(self) -> str:
        return {True: "oui", False: "NON", None: ""}[self.met]


@dataclass
class Table:
    lines: list[Line] = field(default_factory=list)
    evaluate: bool = True  # targets hold for the full scale only
    header: list[str] = field(default_factory=list)  # what was measured, above the table

    def add(self, label: str, value: str = "", target: str = "", met: bool | None = None) -> None:
        self.lines.append(Line(label, value, target, met if self.evaluate else None))

    def render(self) -> str:
        head = Line("Mesure", "Valeur", "Cible", None)
        rows = [head, *self.lines]
        measures = [r for r in rows if r.value or r.target]  # the others are section titles
        widths = [max(len(getattr(r, a)) for r in measures) for a in ("label", "value", "target")]
        out = []
        for r in rows:
            verdict = "Atteinte" if r is head else r.verdict
            if r not in measures:
                out.append(r.label)
                continue
            out.append(
                f"{r.label.ljust(widths[0])}  {r.value.rjust(widths[1])}  "
                f"{r.target.ljust(widths[2])}  {verdict}".rstrip()
            )
        return "\n".join(out)

    @property
    def missed(self) -> list[Line]:
        return [line for line in self.lines if line.met is False]


def say(message: str) -> None:
    """Progress, on stderr: the table alone goes to stdout."""
    print(f"… {message}", file=sys.stderr, flush=True)


# --- the machine -----------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "processeur inconnu"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{number(int(line.split()[1]) / 2**20, 1)} Gio de mémoire"
    except OSError:
        pass
    return "mémoire inconnue"


def cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "commit inconnu"
    return f"commit {commit}" + (" (et modifications non validées)" if dirty else "")


def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} absent")
    return ", ".join(found)


def machine() -> list[str]:
    return [
        f"Date : {dt.date.today():%d/%m/%Y}, {_commit()}",
        (
            f"Machine : {_cpu_model()}, {cores()} cœurs ({os.cpu_count()} au total), {_memory()}, "
            f"{platform.system()} {platform.release()}"
        ),
        f"Python {platform.python_version()} ; {_versions()}",
    ]


# --- running the command -----------------------------------------------------------------


def make_minutes() -> list[str]:
    """The installed command beside this interpreter, else the one on PATH,
    else the same entry point through this interpreter."""
    beside = Path(sys.executable).with_name("make-minutes")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("make-minutes")
    if found:
        return [found]
    return [sys.executable, "-c", "from pipeline.cli import entry; entry()"]


@dataclass
class Run:
    wall: float
    peak: int  # bytes
    code: int
    output: str


def command(args: list[str], cwd: Path) -> Run:
    """``make-minutes ARGS`` in a fresh child, timed by a probe."""
    env = {**os.environ, "PYTHONUTF8": "1"}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, *make_minutes(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    data = json.loads(probe.stdout)
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return Run(data["wall"], data["peak"] * unit, data["code"], data["output"])


def best_run(args: Callable[[int], list[str]], cwd: Path, repeat: int) -> tuple[Run, int]:
    """The fastest of ``repeat`` runs, and the largest peak memory of them all.
    ``args(k)`` gives the arguments of run ``k`` (a fresh output folder each)."""
    runs = [command(args(k), cwd) for k in range(repeat)]
    failed = [r for r in runs if r.code != 0]
    best = failed[0] if failed else min(runs, key=lambda r: r.wall)
    return best, max(r.peak for r in runs)


def accepts_jobs() -> bool:
    done = subprocess.run([*make_minutes(), "--help"], capture_output=True, text=True)
    return "--jobs" in done.stdout


def failure(run: Run) -> str:
    return f"échec (code {run.code})"


# --- the Paris-scale meeting, stage by stage ---------------------------------------------------


RENDERER = "compiled.Templates (chaque modèle compilé une fois par exécution)"  # build.prepare's


@dataclass
class Stages:
    times: dict[str, float]  # stage label → best time
    counts: dict[str, int]  # label → how many documents or files
    extracts: list[Any]  # the extract Documents (for the naive loop)
    extracts_time: float  # rendering and writing the extracts alone, best run
    files: int


def paris_stages(data: Path, scratch: Path, repeat: int) -> Stages:
    """The meeting built by the build's own functions (``build.prepare`` and
    ``build.write``, the stages in the build's order), each stage timed
    through their ``timed`` hook; the workbooks read alone besides."""
    from pipeline import build, output
    from pipeline.problems import Report
    from pipeline.read import sources
    from pipeline.render.compiled import Templates

    best: dict[str, float] = {}
    counts: dict[str, int] = {}
    extracts_best = float("inf")
    for k in range(repeat):
        times: dict[str, float] = {}
        results: dict[str, Any] = {}

        def timed(
            label: str, action: Callable[..., Any], *args: Any, times=times, results=results, k=k
        ) -> Any:
            start = time.perf_counter()
            result = action(*args)
            times[label] = times.get(label, 0.0) + time.perf_counter() - start
            results[label] = result
            if k == 0 and label.startswith("render "):
                counts[label] = counts.get(label, 0) + 1
            return result

        (source,) = timed("find", sources.find_meetings, data)
        for path in source.files:
            timed("read", sources.read_workbook, path, Report())
        # A fresh Templates each run: a template's compilation counts in its first document.
        prepared = build.prepare(source, [], Templates(), timed)
        if prepared.report.errors or "contexts" not in results:
            raise SystemExit(
                "La séance générée a des erreurs :\n" + "\n".join(map(str, prepared.report.errors))
            )
        timed("write", build.write, prepared, scratch / f"etapes-{k}")
        docs = [d for d in results["contexts"] if d.template == "extrait.docx"]
        extracts = {d.filename: prepared.files[d.filename] for d in docs}
        start = time.perf_counter()
        output.write_all(scratch / f"extraits-{k}", extracts)
        extracts_time = times["render extrait.docx"] + time.perf_counter() - start
        extracts_best = min(extracts_best, extracts_time)
        times["total"] = sum(v for label, v in times.items() if label != "read")
        for label, value in times.items():
            best[label] = min(best.get(label, value), value)
    return Stages(best, counts, docs, extracts_best, len(prepared.files))


def naive_loop(extracts: list[Any], scratch: Path) -> float:
    """docxtpl as its documentation shows it, for each extract: open the
    template, render the context, save the document."""
    from docxtpl import DocxTemplate

    from pipeline import build

    template = build.default_templates() / "extrait.docx"  # the shipped one
    folder = scratch / "naif"
    (folder / "extraits").mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for doc in extracts:
        tpl = DocxTemplate(str(template))
        tpl.render(doc.context, autoescape=True)  # escaping, as make-minutes does
        tpl.save(str(folder / doc.filename))
    return time.perf_counter() - start


def read_votes(path: Path, rows: int, repeat: int) -> float:
    from pipeline.problems import Report
    from pipeline.read import sources

    best = float("inf")
    for _ in range(repeat):
        report = Report()
        start = time.perf_counter()
        sheets = sources.read_workbook(path, report)
        best = min(best, time.perf_counter() - start)
        if report.errors or len(sheets) != 1 or len(sheets[0].grid) != rows + 1:
            raise SystemExit(f"{path.name} mal lu : {[str(p) for p in report.problems]}")
    return best


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder``: relative path → SHA-256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --- the bench ---------------------------------------------------------------------------


def inputs(folder: Path, scale: float, seed: int) -> generate.Generated:
    """Generated once per folder, scale and seed (a marker says it is complete)."""
    marker = folder / f".genere-{scale}-{seed}"
    if marker.is_file():
        say(f"données reprises de {folder}")
        return generate.Generated(
            folder / "paris",
            folder / "lot",
            folder / "exemple",
            folder / f"votes-{generate.scaled('votes_rows', scale)}.xlsx",
            generate.plan(scale, seed),
            generate.scaled("meetings", scale),
            generate.scaled("votes_rows", scale),
        )
    say(f"génération des données dans {folder}")
    for old in folder.glob(".genere-*"):
        old.unlink()
    for sub in ("paris", "lot", "exemple"):
        shutil.rmtree(folder / sub, ignore_errors=True)
    g = generate.generate(folder, scale, seed)
    marker.touch()
    return g


@dataclass
class Measures:
    """What :func:`measure` measured, for the table."""

    g: Any  # generate's inputs
    scratch: Path
    repeat: int
    jobs: int
    stages: Any
    paris: Run
    paris_peak: int
    naive: float
    votes: float
    seed: Run
    seed_peak: int
    parallel: bool
    serial: Run
    many: Run | None
    pdf: PdfMeasures | None = None  # None: no LibreOffice here
    year: Run | None = None  # the register of YEAR_MEETINGS Paris-scale meetings


@dataclass
class PdfMeasures:
    paris: Run  # the whole command with --pdf
    documents: int  # .docx written
    pdfs: int  # .pdf written beside them
    baseline: float  # plain soffice in batches of SOFFICE_BATCH, one process, same documents
    baseline_pdfs: int
    seed: Run  # the sample with --pdf


def soffice_batches(documents: list[Path], scratch: Path) -> tuple[float, int]:
    """The baseline of the PDF targets: one plain ``soffice --convert-to``
    per batch of :data:`SOFFICE_BATCH` documents, one after the other, with
    make-minutes' PDF/A filter; its wall time and the PDFs it made."""
    from pipeline.render import pdf

    work = scratch / "soffice-seul"
    shutil.rmtree(work, ignore_errors=True)
    (work / "pdf").mkdir(parents=True)
    copies = []
    for k, path in enumerate(documents):
        copy = work / f"document-{k:05d}.docx"
        shutil.copyfile(path, copy)
        copies.append(copy)
    start = time.perf_counter()
    for i in range(0, len(copies), SOFFICE_BATCH):
        subprocess.run(
            [
                pdf.soffice() or "soffice",
                f"-env:UserInstallation={(work / 'profil').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                pdf.FILTER,
                "--outdir",
                str(work / "pdf"),
                *map(str, copies[i : i + SOFFICE_BATCH]),
            ],
            capture_output=True,
            check=False,
        )
    wall = time.perf_counter() - start
    made = len(list((work / "pdf").glob("*.pdf")))
    shutil.rmtree(work, ignore_errors=True)
    return wall, made


def measure_pdf(g: Any, scratch: Path, jobs: int) -> PdfMeasures | None:
    """Paris and the sample with --pdf, and the plain soffice baseline over
    the documents of the same Paris run."""
    from pipeline.render import pdf

    if not pdf.soffice():
        return None
    say(f"séance « Paris » avec --pdf, commande entière (--jobs {jobs})")
    out = scratch / "paris-pdf"
    paris = command(
        ["--data", str(g.paris), "--output", str(out), "--pdf", "--jobs", str(jobs)], scratch
    )
    documents = sorted(out.rglob("*.docx"))
    pdfs = len(list(out.rglob("*.pdf")))
    say(f"soffice seul sur les {len(documents)} documents, par lots de {SOFFICE_BATCH}")
    baseline, baseline_pdfs = soffice_batches(documents, scratch)
    say("séance d’exemple avec --pdf")
    seed = command(
        ["--data", str(g.example), "--output", str(scratch / "exemple-pdf"), "--pdf"], scratch
    )
    return PdfMeasures(paris, len(documents), pdfs, baseline, baseline_pdfs, seed)


def measure(folder: Path, args: argparse.Namespace) -> Measures:
    """Every measure of the bench, in its own scratch folder."""
    g = inputs(folder, args.scale, args.seed)
    scratch = folder / "mesures"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    repeat = args.repeat
    jobs = args.jobs or cores()

    say("séance « Paris », étape par étape")
    stages = paris_stages(g.paris, scratch, repeat)
    say("séance « Paris », commande entière")
    paris, paris_peak = best_run(
        lambda k: ["--data", str(g.paris), "--output", str(scratch / f"paris-{k}")],
        scratch,
        repeat,
    )
    say(f"boucle docxtpl naïve sur les {len(stages.extracts)} extraits")
    naive = naive_loop(stages.extracts, scratch)
    say(f"lecture d’une feuille Votes de {number(g.votes_rows, 0)} lignes")
    votes = read_votes(g.votes, g.votes_rows, repeat)
    say("séance d’exemple, commande entière")
    seed, seed_peak = best_run(
        lambda k: ["--data", str(g.example), "--output", str(scratch / f"exemple-{k}")],
        scratch,
        repeat,
    )
    parallel = accepts_jobs()
    say(f"{g.meetings} séances d’exemple, une à la fois")
    serial_args = ["--jobs", "1"] if parallel else []
    serial = command(
        ["--data", str(g.lot), "--output", str(scratch / "lot-1"), *serial_args], scratch
    )
    many = None
    if parallel:
        say(f"{g.meetings} séances d’exemple, --jobs {jobs}")
        many = command(
            ["--data", str(g.lot), "--output", str(scratch / "lot-n"), "--jobs", str(jobs)],
            scratch,
        )

    return Measures(
        g,
        scratch,
        repeat,
        jobs,
        stages,
        paris,
        paris_peak,
        naive,
        votes,
        seed,
        seed_peak,
        parallel,
        serial,
        many,
        measure_pdf(g, scratch, jobs),
        year=measure_year(g, scratch, jobs),
    )


def write_year(paris: Path, data: Path, meetings: int = YEAR_MEETINGS) -> Path:
    """``meetings`` copies of the Paris meeting, one a month of 2024, each
    dated, convened, numbered (``C{AAAA}{MM}_{NNN}``: no act number twice)
    and approving the minutes of the one before, as a clerk's year would."""
    import openpyxl

    (source,) = [p for p in paris.iterdir() if p.is_dir()]
    for k in range(meetings):
        day = dt.date(2024, k + 1, 14)
        folder = data / f"{day:%Y-%m-%d}-comite-syndical"
        shutil.copytree(source, folder, dirs_exist_ok=True)
        book = openpyxl.load_workbook(folder / "seance.xlsx")
        fields = {
            "Date": day,
            "Date de convocation": day - dt.timedelta(days=10),
            "Numérotation": "C{AAAA}{MM}_{NNN}",
            "Procès-verbal précédent": dt.date(2024, k, 14) if k else dt.date(2023, 12, 12),
        }
        for row in book.active.iter_rows(min_row=2):
            value = fields.get(row[0].value)
            if isinstance(value, str):
                row[1].value = value
            elif value is not None:
                row[1].value = dt.datetime(value.year, value.month, value.day)
        book.save(folder / "seance.xlsx")
    return data


def measure_year(g: Any, scratch: Path, jobs: int) -> Run:
    """The register of a year of Paris-scale meetings, the whole command, once."""
    say(f"registre d’une année de {YEAR_MEETINGS} séances « Paris », commande entière")
    data = write_year(g.paris, scratch / "annee")
    args = ["registre", "2024", "--data", str(data), "--output", str(scratch / "registre")]
    return command([*args, "--jobs", str(jobs)] if accepts_jobs() else args, scratch)


def bench(folder: Path, args: argparse.Namespace) -> Table:
    m = measure(folder, args)
    table = Table(evaluate=args.scale == 1)
    for rows in (stage_rows, paris_rows, reading_rows, lot_rows, pdf_rows, year_rows):
        rows(table, m)
    runs = [(m.paris, "séance « Paris »"), (m.seed, "séance d’exemple"), (m.serial, "lot")]
    if m.year is not None:
        runs.append((m.year, "registre de l’année"))
    if m.pdf is not None:
        runs += [(m.pdf.paris, "séance « Paris » avec --pdf"), (m.pdf.seed, "exemple avec --pdf")]
    for run, what in runs:
        if run.code:
            print(f"\nSortie de la commande ({what}) :\n{run.output}", file=sys.stderr)
    n_items = len(m.g.plan.deliberations) - 1
    table.header = [
        f"Séance « Paris » : {generate.describe(m.g)} ({n_items} extraits)",
        f"Rendu : {RENDERER}",
    ]
    shutil.rmtree(m.scratch, ignore_errors=True)  # some hundred MB of documents: only data is kept
    return table


def stage_rows(table: Table, m: Measures) -> None:
    """Paris, stage by stage."""
    stages, repeat = m.stages, m.repeat
    t, n = stages.times, stages.counts
    table.add(f"Séance « Paris », étape par étape (dans ce processus, meilleur de {repeat})")
    table.add("  lecture des classeurs seule (read_workbook)", seconds(t["read"]))
    table.add("  lecture et modèle (parse_meeting)", seconds(t["parse"]))
    table.add("  contrôles (analyse)", seconds(t["analyse"]))
    table.add("  contextes des documents (documents)", seconds(t["contexts"]))
    for label in n:  # the documents' order: minutes, annex, list, extracts
        name = label.removeprefix("render ")
        table.add(f"  rendu {name} (× {n[label]})", seconds(t[label]))
    if "opendata" in t:
        table.add("  données ouvertes (deliberations.csv)", seconds(t["opendata"]))
    table.add(f"  écriture (write_all, {stages.files} fichiers)", seconds(t["write"]))
    table.add("  total des étapes", seconds(t["total"]))


def paris_rows(table: Table, m: Measures) -> None:
    """Paris, the whole command, and the extracts against the naive loop."""
    stages, paris, paris_peak, naive = m.stages, m.paris, m.paris_peak, m.naive
    table.add("Séance « Paris », commande entière, tous les documents, sans PDF")
    if paris.code:
        table.add("  durée", failure(paris), f"< {seconds(PARIS_WALL)}", False)
    else:
        table.add(
            "  durée", seconds(paris.wall), f"< {seconds(PARIS_WALL)}", paris.wall < PARIS_WALL
        )
        table.add(
            "  mémoire maximale",
            megabytes(paris_peak),
            f"< {PARIS_MEMORY} Mo",
            paris_peak < PARIS_MEMORY * 1e6,
        )
        ratio = paris.wall / naive
        table.add(
            f"  rapport à la boucle naïve des {len(stages.extracts)} extraits",
            number(ratio),
            f"≤ {number(PARIS_VS_NAIVE)}",
            ratio <= PARIS_VS_NAIVE,
        )

    table.add(f"Les {len(stages.extracts)} extraits seuls")
    table.add("  boucle docxtpl naïve (ouvrir, rendre, enregistrer)", seconds(naive))
    table.add("  make-minutes (rendu et écriture)", seconds(stages.extracts_time))
    speedup = naive / stages.extracts_time
    table.add(
        "  accélération",
        f"× {number(speedup, 1)}",
        f"≥ × {number(EXTRACTS_SPEEDUP, 0)}",
        speedup >= EXTRACTS_SPEEDUP,
    )


def reading_rows(table: Table, m: Measures) -> None:
    """A long Votes sheet read; the sample meeting, the whole command."""
    g, votes, seed, seed_peak = m.g, m.votes, m.seed, m.seed_peak
    table.add("Lecture")
    table.add(
        f"  feuille Votes de {number(g.votes_rows, 0)} lignes (read_workbook)",
        seconds(votes),
        f"< {seconds(VOTES_READ)}",
        votes < VOTES_READ,
    )

    table.add("Séance d’exemple, commande entière (démarrage de Python compris)")
    if seed.code:
        table.add("  durée", failure(seed), f"< {seconds(SEED_WALL)}", False)
    else:
        table.add("  durée", seconds(seed.wall), f"< {seconds(SEED_WALL)}", seed.wall < SEED_WALL)
        table.add("  mémoire maximale", megabytes(seed_peak))


def lot_rows(table: Table, m: Measures) -> None:
    """Many meetings, one at a time and in parallel."""
    g, scratch, jobs, parallel, serial, many = m.g, m.scratch, m.jobs, m.parallel, m.serial, m.many
    table.add(f"{g.meetings} séances d’exemple, commande entière")
    rate_target = f"≥ {number(MEETINGS_PER_SECOND, 0)} séances/s"

    def rate(run: Run) -> str:
        return f"{number(g.meetings / run.wall, 1)} séances/s ({seconds(run.wall)})"

    label = "  une à la fois (--jobs 1)" if parallel else "  une à la fois"
    if serial.code:
        table.add(label, failure(serial), "code 0", False)
    else:
        table.add(label, rate(serial))
    if many is None:
        table.add("  en parallèle (--jobs)", "n/a (option absente)", rate_target, False)
        table.add("  identiques octet pour octet", "n/a")
    elif many.code:
        table.add(f"  en parallèle (--jobs {jobs})", failure(many), rate_target, False)
    else:
        table.add(
            f"  en parallèle (--jobs {jobs})",
            rate(many),
            rate_target,
            g.meetings / many.wall >= MEETINGS_PER_SECOND,
        )
        table.add("  mémoire maximale (du plus gros processus)", megabytes(many.peak))
        one, other = tree(scratch / "lot-1"), tree(scratch / "lot-n")
        same = one == other and not serial.code
        table.add(
            "  identiques octet pour octet à --jobs 1",
            f"{'oui' if same else 'NON'} ({number(len(other), 0)} fichiers)",
            "identiques",
            same,
        )


def pdf_rows(table: Table, m: Measures) -> None:
    """The PDF/A copies: Paris against plain soffice, the sample."""
    table.add("Copies PDF/A (--pdf, LibreOffice compris)")
    if m.pdf is None:
        table.add("  LibreOffice", "absent : non mesuré")
        return
    d = m.pdf
    if d.paris.code:
        table.add(f"  séance « Paris » (--jobs {m.jobs})", failure(d.paris), "code 0", False)
    else:
        table.add(f"  séance « Paris », commande entière (--jobs {m.jobs})", seconds(d.paris.wall))
    table.add(
        "  PDF écrits / documents",
        f"{number(d.pdfs, 0)} / {number(d.documents, 0)}",
        "tous",
        d.pdfs == d.documents > 0 and not d.paris.code,
    )
    table.add(
        f"  soffice seul, lots de {SOFFICE_BATCH}, un processus ({number(d.baseline_pdfs, 0)} PDF)",
        seconds(d.baseline),
    )
    ratio = d.paris.wall / d.baseline if d.baseline else float("inf")
    table.add(
        "  rapport à soffice seul",
        number(ratio),
        f"≤ {number(PDF_VS_SOFFICE)}",
        ratio <= PDF_VS_SOFFICE and not d.paris.code,
    )
    if d.seed.code:
        table.add("  séance d’exemple", failure(d.seed), f"< {seconds(SEED_PDF_WALL)}", False)
    else:
        table.add(
            "  séance d’exemple, commande entière",
            seconds(d.seed.wall),
            f"< {seconds(SEED_PDF_WALL)}",
            d.seed.wall < SEED_PDF_WALL,
        )


def year_rows(table: Table, m: Measures) -> None:
    """The register of a year (issue 19), against building its extracts."""
    if m.year is None:
        return
    items = YEAR_MEETINGS * (len(m.g.plan.deliberations) - 1)
    table.add(
        f"Registre d’une année : {YEAR_MEETINGS} séances « Paris », "
        f"{number(items, 0)} délibérations, sans PDF (make-minutes registre)"
    )
    if m.year.code:
        table.add("  durée", failure(m.year), f"< {seconds(YEAR_WALL)}", False)
        return
    table.add("  durée", seconds(m.year.wall), f"< {seconds(YEAR_WALL)}", m.year.wall < YEAR_WALL)
    table.add(
        "  mémoire maximale",
        megabytes(m.year.peak),
        f"< {number(YEAR_MEMORY, 0)} Mo",
        m.year.peak < YEAR_MEMORY * 1e6,
    )
    extracts = YEAR_MEETINGS * m.stages.extracts_time
    table.add(
        f"  rapport aux extraits des {YEAR_MEETINGS} séances ({YEAR_MEETINGS} × "
        f"{seconds(m.stages.extracts_time)})",
        number(m.year.wall / extracts),
    )


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("un nombre entier d’au moins 1 est attendu")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Mesure make-minutes à l’échelle des plus grandes assemblées (voir "
        "docs/performance.md)."
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DOSSIER",
        help="génère les données dans DOSSIER et les y garde pour les fois suivantes",
    )
    parser.add_argument("--repeat", type=positive, default=3, help="essais des mesures courtes (3)")
    parser.add_argument(
        "--jobs", type=positive, default=None, help="processus en parallèle (défaut : les cœurs)"
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="échelle des données (cibles évaluées à 1)"
    )
    parser.add_argument("--seed", type=int, default=2024, help="graine du hasard (2024)")
    parser.add_argument(
        "--strict", action="store_true", help="code de sortie 1 si une cible est manquée"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        table = bench(args.keep.resolve(), args)
    else:
        with tempfile.TemporaryDirectory(prefix="make-minutes-bench-") as folder:
            table = bench(Path(folder), args)
    print("\n".join(machine()))
    print(
        f"Mémoire : ru_maxrss du plus gros processus de la commande "
        f"(getrusage(RUSAGE_CHILDREN) dans un processus témoin) ; mesures courtes : meilleur "
        f"de {args.repeat} essai{'s' if args.repeat > 1 else ''}"
    )
    print("\n".join(table.header))
    if not table.evaluate:
        print(f"Échelle {number(args.scale)} : les cibles (échelle 1) ne sont pas évaluées.")
    print()
    print(table.render())
    print()
    missed = table.missed
    if not table.evaluate:
        verdict = "cibles non évaluées à cette échelle"
    elif missed:
        verdict = f"{len(missed)} cible(s) manquée(s)"
    else:
        verdict = "toutes les cibles sont atteintes"
    print(f"Bilan : {verdict} ; banc d’essai exécuté en {seconds(time.perf_counter() - start)}.")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
