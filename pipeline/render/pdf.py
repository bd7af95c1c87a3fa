"""PDF/A-2b copies of the documents, made by LibreOffice headless in one
``soffice`` call for the whole run (each start costs seconds), then checked:
``soffice`` exits 0 even when it cannot load a file, so each PDF must exist
and show its document's heading."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

# PDF/A needs the JSON form of the filter options (LibreOffice 7.4 and later);
# the older "SelectPdfVersion=2" form silently gives a plain PDF.
FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
TIMEOUT = 1800

INSTALL = (
    "--pdf demande LibreOffice, introuvable sur cet ordinateur (commande « soffice »). "
    "Installez-le (https://fr.libreoffice.org ; sous Debian ou Ubuntu : "
    "« apt-get install libreoffice-writer-nogui »), puis relancez."
)


class Failure(NamedTuple):
    """Why a document has no PDF: its code (« area.what ») and, in French,
    the message."""

    code: str
    message: str


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def convert(documents: list[tuple[bytes, str]]) -> list[bytes | Failure]:
    """For each (docx bytes, heading), the PDF/A bytes, or the
    :class:`Failure` saying why there is none."""
    from pypdf import PdfReader

    results: list[bytes | Failure] = [
        Failure("pdf.not-started", "LibreOffice n’a pas été lancé.")
    ] * len(documents)
    if not documents:
        return results
    with tempfile.TemporaryDirectory(prefix="make-minutes-pdf-") as tmp:
        folder = Path(tmp)
        inputs = []
        for index, (content, _) in enumerate(documents):
            path = folder / f"document-{index:05d}.docx"
            path.write_bytes(content)
            inputs.append(path)
        profile = (folder / "profil").as_uri()
        command = [
            soffice() or "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            FILTER,
            "--outdir",
            str(folder / "pdf"),
            *map(str, inputs),
        ]
        try:
            subprocess.run(
                command,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
                env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"},
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            failed = Failure(
                "pdf.libreoffice-failed", f"LibreOffice a échoué ({type(exc).__name__})."
            )
            return [failed] * len(documents)
        for index, (path, (_, heading)) in enumerate(zip(inputs, documents, strict=True)):
            pdf = folder / "pdf" / f"{path.stem}.pdf"
            if not pdf.is_file():
                results[index] = Failure(
                    "pdf.not-produced", "LibreOffice n’a pas produit de PDF pour ce document."
                )
                continue
            try:
                first = PdfReader(str(pdf)).pages[0].extract_text() or ""
            except Exception as exc:  # noqa: BLE001 - any unreadable PDF is reported
                results[index] = Failure(
                    "pdf.unreadable", f"le PDF produit est illisible ({type(exc).__name__})."
                )
                continue
            if _flat(heading) not in _flat(first):
                results[index] = Failure(
                    "pdf.wrong-heading",
                    f"le PDF produit ne montre pas le titre attendu (« {heading} ») : "
                    "LibreOffice n’a pas pu lire le document.",
                )
                continue
            results[index] = pdf.read_bytes()
    return results
