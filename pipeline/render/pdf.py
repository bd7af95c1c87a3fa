"""Tagged PDF/A-2b (PDF/UA-1) copies of the documents, made by LibreOffice
headless, then checked: ``soffice`` exits 0 even when it cannot load a
file, so each PDF must exist and show its document's heading.

How the documents reach LibreOffice (issue 16):

- **In batches.** ``soffice --convert-to`` silently stops reading its
  command line after 253 arguments: the launcher (oosplash) starts the real
  program (soffice.bin) through ``osl_executeProcess``, whose argument
  array holds 255 entries (``MAX_ARGS`` in sal/osl/unx/process.cxx): the
  program's path, the launcher's own ``--splash-pipe=…`` and 253 of ours.
  The rest is dropped, exit code 0, no message (measured with LibreOffice
  7.4: 600 small .docx and 7 options give 246 PDFs; 4 more options give 4
  PDFs fewer; long paths change nothing, it is a count). With our
  :data:`OPTIONS` that leaves 246 files; a batch holds at most
  :data:`BATCH` = 200, a margin of 46 for options added later or another
  version's launcher. (soffice.bin called directly reads every argument,
  but it is the launcher's internal program, not a documented command.)
- **In parallel.** ``workers`` threads each drive one ``soffice`` at a
  time, with its own profile folder (two running LibreOffice cannot share
  one: the second would hand its files to the first and exit), taking
  batches from a queue. The documents are spread over a multiple of
  ``workers`` batches of about the same work (:func:`cost`, the heaviest
  document first), so that the processes finish together: the PV of a
  large meeting weighs some thirty extracts.
- **Plain batches, not unoserver.** ``unoserver`` keeps one LibreOffice
  running and sends it documents over XML-RPC: it saves the start of each
  batch (about 1 s, against 5 to 30 s of conversion per batch here) but
  needs LibreOffice's own Python bindings (``import uno``: the Debian
  package python3-uno, the Python bundled with LibreOffice elsewhere), which
  pip cannot install into our environment; it adds a server to start, watch,
  restart after a crash (one that runs for hundreds of conversions is
  reported to die) and stop, and a port. A batch is one process that
  either finishes or is killed, with nothing left behind.
- **A timeout that grows with the work**: :func:`timeout` gives a batch
  :data:`START_SECONDS` plus :data:`SECONDS_PER_DOCUMENT` per document
  plus :data:`SECONDS_PER_MEGABYTE` per megabyte of its documents' text
  (``word/document.xml``, unzipped: the .docx's size is mostly its styles,
  the same in every document). Measured with LibreOffice 7.4 on the
  two-core reference machine: about 1 s to start, 0.15 s per small
  document, 2.2 s per megabyte (the PV of a 600-deliberation meeting,
  2.3 MB, takes 5 s); the allowances are over ten times that. A batch
  over its time is killed with its whole process group (``soffice`` runs in its own
  session) and each of its documents fails with ``pdf.timeout``; the other
  batches go on.
"""

from __future__ import annotations

import html
import io
import json
import math
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

# The export options, in the JSON form (LibreOffice 7.4 and later; the older
# "SelectPdfVersion=2" form silently gives a plain PDF). PDF/A-2b
# (SelectPdfVersion 2) and PDF/UA-1 go together: the PDF carries both
# pdfaid (part 2, conformance B) and pdfuaid (part 1) in its XMP, a
# structure tree (/StructTreeRoot) and /MarkInfo /Marked true
# (tests/test_publication.py reads them back).
EXPORT = {
    "SelectPdfVersion": {"type": "long", "value": "2"},
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "PDFUACompliance": {"type": "boolean", "value": "true"},
}
FILTER = "pdf:writer_pdf_Export:" + json.dumps(EXPORT, separators=(",", ":"))
# The arguments before the files (profile, --headless, --norestore,
# --convert-to FILTER, --outdir DIR): 7 of the 253 LibreOffice reads.
OPTIONS = 7
ARGUMENTS_READ = 253
BATCH = 200  # documents per soffice call: 46 under the 246 it would read
assert OPTIONS + BATCH < ARGUMENTS_READ

# A batch's time (seconds): see timeout(). Tests lower them.
START_SECONDS = 60.0
SECONDS_PER_DOCUMENT = 2.0
SECONDS_PER_MEGABYTE = 30.0


def missing(needs: str) -> str:
    """What a command says when LibreOffice cannot be found: ``needs``
    (« --pdf demande ») followed by where to get it."""
    return (
        f"{needs} LibreOffice, introuvable sur cet ordinateur (commande « soffice »). "
        "Installez-le (https://fr.libreoffice.org ; sous Debian ou Ubuntu : "
        "« apt-get install libreoffice-writer-nogui »), puis relancez."
    )


INSTALL = missing("--pdf demande")


class Failure(NamedTuple):
    """Why a document has no PDF: its code (« area.what ») and, in French,
    the message."""

    code: str
    message: str


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def text_size(docx: bytes) -> int:
    """The bytes of a .docx's text (``word/document.xml`` unzipped, read
    from the archive's directory), what its conversion's time follows;
    its whole size if it has none."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            return archive.getinfo("word/document.xml").file_size
    except (zipfile.BadZipFile, KeyError, ValueError):
        return len(docx)


def cost(text: int) -> float:
    """The seconds allowed to convert one document of ``text`` bytes."""
    return SECONDS_PER_DOCUMENT + SECONDS_PER_MEGABYTE * text / 1e6


def timeout(texts: list[int]) -> float:
    """The seconds a batch of documents of ``texts`` bytes of text may
    take, LibreOffice's start included."""
    return START_SECONDS + sum(map(cost, texts))


def batches(weights: list[float], workers: int = 1) -> list[list[int]]:
    """The indices of the documents in batches of at most :data:`BATCH`:
    as few as can be, rounded up to a multiple of ``workers`` so that each
    process gets as many, each batch about as heavy in ``weights`` (the
    heaviest document first to the lightest batch). Each batch in the
    order of the documents, the heaviest batch first."""
    if not weights:
        return []
    count = math.ceil(len(weights) / BATCH)
    count = min(len(weights), math.ceil(count / workers) * workers)
    groups: list[list[int]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for index in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        k = min((k for k in range(count) if len(groups[k]) < BATCH), key=lambda k: (loads[k], k))
        groups[k].append(index)
        loads[k] += weights[index]
    order = sorted(range(count), key=lambda k: (-loads[k], k))
    return [sorted(groups[k]) for k in order]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


NOT_PRODUCED = (
    "LibreOffice n’a pas produit de PDF pour ce document. Ouvrez le .docx dans LibreOffice "
    "pour vérifier qu’il s’ouvre, puis relancez avec --pdf."
)


def _timed_out(seconds: float, documents: int) -> Failure:
    return Failure(
        "pdf.timeout",
        f"LibreOffice n’avait pas fini au bout de {seconds:.0f} s (délai accordé à ses "
        f"{documents} document(s)) : il a été arrêté. Relancez avec --pdf ; si cela se "
        "reproduit, ouvrez ce document dans LibreOffice pour voir s’il s’y bloque.",
    )


def docx_title(content: bytes) -> str:
    """The title property of a .docx (docProps/core.xml), which LibreOffice
    carries into the PDF's /Title; "" when it has none."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            core = package.read("docProps/core.xml").decode("utf-8")
    except (KeyError, OSError, ValueError, zipfile.BadZipFile):
        return ""
    found = re.search(r"<dc:title>(.*?)</dc:title>", core, re.S)
    return html.unescape(found[1]) if found else ""


def _check(pdf: Path, heading: str, title: str = "") -> bytes | Failure:
    """The PDF's bytes if it exists, reads, and is this document's: its
    /Title is the .docx's title property when it has one (a few
    milliseconds: the Paris meeting's 603 PDFs are checked in about a
    second, where reading each first page's text took some 18 s of the
    run); else its first page shows ``heading``."""
    from pypdf import PdfReader

    if not pdf.is_file():
        return Failure("pdf.not-produced", NOT_PRODUCED)
    try:
        reader = PdfReader(str(pdf))
        pages = len(reader.pages)
        shown = (reader.metadata or {}).get("/Title", "") if title else ""
        first = "" if title else reader.pages[0].extract_text() or ""
    except Exception as exc:  # noqa: BLE001 - any unreadable PDF is reported
        return Failure("pdf.unreadable", f"le PDF produit est illisible ({type(exc).__name__}).")
    if not pages or (
        _flat(str(shown)) != _flat(title) if title else _flat(heading) not in _flat(first)
    ):
        return Failure(
            "pdf.wrong-heading",
            f"le PDF produit ne montre pas le titre attendu (« {title or heading} ») : "
            "LibreOffice n’a pas pu lire le document.",
        )
    return pdf.read_bytes()


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Stop ``process`` and every process it started (its process group)."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


class _Batch(NamedTuple):
    indices: list[int]
    folder: Path


def _convert_batch(
    batch: _Batch, documents: list[tuple[bytes, str]], texts: list[int], profile: Path
) -> tuple[list[bytes | Failure], bool]:
    """One ``soffice`` run over a batch: each document's PDF or Failure,
    and whether the process had to be killed (its profile is then left)."""
    inputs = []
    (batch.folder / "docx").mkdir(parents=True)
    for index in batch.indices:
        path = batch.folder / "docx" / f"document-{index:05d}.docx"
        path.write_bytes(documents[index][0])
        inputs.append(path)
    out = batch.folder / "pdf"
    command = [
        soffice() or "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        FILTER,
        "--outdir",
        str(out),
        *map(str, inputs),
    ]
    assert len(command) - 1 - len(inputs) == OPTIONS
    seconds = timeout([texts[i] for i in batch.indices])
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, killed whole
            env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"},
        )
    except OSError as exc:
        failed = Failure(
            "pdf.libreoffice-failed",
            f"LibreOffice n’a pas pu être lancé ({type(exc).__name__} : {exc}).",
        )
        return [failed] * len(inputs), False
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        _kill(process)
        return [_timed_out(seconds, len(inputs))] * len(inputs), True
    results = [
        _check(out / f"{path.stem}.pdf", documents[index][1], docx_title(documents[index][0]))
        for index, path in zip(batch.indices, inputs, strict=True)
    ]
    return results, False


def convert(
    documents: list[tuple[bytes, str]],
    *,
    workers: int = 1,
    done: Callable[[int], None] | None = None,
) -> list[bytes | Failure]:
    """For each (docx bytes, heading), the tagged PDF/A bytes, or the
    :class:`Failure` saying why there is none, in the same order; made by
    ``workers`` LibreOffice processes at once. ``done(k)`` is called (from
    any thread) each time a batch is checked, k documents finished so far."""
    results: list[bytes | Failure] = [
        Failure("pdf.not-started", "LibreOffice n’a pas été lancé.")
    ] * len(documents)
    texts = [text_size(content) for content, _ in documents]
    groups = batches([cost(text) for text in texts], max(1, workers))
    if not groups:
        return results
    lock = threading.Lock()
    finished = 0
    crashed: list[BaseException] = []
    with tempfile.TemporaryDirectory(prefix="make-minutes-pdf-") as tmp:
        folder = Path(tmp)
        todo: queue.SimpleQueue[_Batch] = queue.SimpleQueue()
        for number, indices in enumerate(groups):
            todo.put(_Batch(indices, folder / f"lot-{number:04d}"))

        def work(worker: int) -> None:
            nonlocal finished
            profile, spoiled = folder / f"profil-{worker}", 0
            while not crashed:
                try:
                    batch = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    made, killed = _convert_batch(batch, documents, texts, profile)
                except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
                    crashed.append(exc)
                    return
                if killed:  # a killed LibreOffice may leave its profile locked
                    spoiled += 1
                    profile = folder / f"profil-{worker}-{spoiled}"
                shutil.rmtree(batch.folder, ignore_errors=True)
                with lock:  # done() sees the counts in order
                    for index, result in zip(batch.indices, made, strict=True):
                        results[index] = result
                    finished += len(batch.indices)
                    if done:
                        done(finished)

        threads = [
            threading.Thread(target=work, args=(w,), name=f"pdf-{w}", daemon=True)
            for w in range(min(max(1, workers), len(groups)))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if crashed:
        raise crashed[0]
    return results
