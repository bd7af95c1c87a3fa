"""Snapshots of the documents: every XML part of every document built from
the sample meeting and from test meetings that exercise each rule (the
comité of tests/test_room.py: arrivals, departures, substitutes,
withdrawals, a presiding vice-president, ties, secret and public ballots,
named votes, act numbers; a meeting lost its quorum on second convocation;
Word exposés), pinned byte for byte.

A change that alters a document must update its snapshot in the same
commit, on purpose: ``SNAPSHOT_UPDATE=1 pytest tests/test_snapshots.py``,
then read ``git diff tests/snapshots``. A refactoring changes none.

Layout: ``tests/snapshots/<case>.json`` maps each output file to its parts
and each part to the short hash of its bytes; ``tests/snapshots/parts/``
holds each distinct part once (the templates' styles are shared by dozens of
extracts), as text cut before each tag, so that a failure shows a readable
diff of what changed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE, run
from test_exposes import meeting_with_exposes, write_expose
from test_room import BASE, COMITE, seance, three_leave, write

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
PARTS = SNAPSHOTS / "parts"
UPDATE = os.environ.get("SNAPSHOT_UPDATE") == "1"


def sample(folder: Path) -> None:
    shutil.copytree(SAMPLE, folder)


def comite(folder: Path) -> None:
    write(COMITE, folder)


def second_convocation(folder: Path) -> None:
    write(seance(three_leave(BASE), Deuxième_convocation="oui"), folder)


def word_exposes(folder: Path) -> None:
    meeting_with_exposes(folder, "exposes/01.docx", "Un exposé tapé dans la cellule.")
    write_expose(folder / "exposes" / "01.docx")


CASES: dict[str, Callable[[Path], None]] = {
    "exemple": sample,
    "comite": comite,
    "deuxieme-convocation": second_convocation,
    "exposes-word": word_exposes,
}


def _text(content: bytes) -> str:
    """A part as stored: XML cut before each tag (a CSV as it is)."""
    text = content.decode("utf-8")
    return text.replace("><", ">\n<") if text.startswith("<") else text


def _key(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]


def _parts(path: Path) -> dict[str, bytes]:
    if path.suffix != ".docx":
        return {"": path.read_bytes()}
    with zipfile.ZipFile(path) as package:
        return {
            info.filename: package.read(info)
            for info in package.infolist()
            if info.filename.endswith((".xml", ".rels"))
        }


def built(case: str, tmp_path: Path) -> dict[str, dict[str, bytes]]:
    CASES[case](tmp_path / "data" / case)
    code, printed = run("--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"))
    assert code == 0, printed
    out = tmp_path / "out" / case
    return {
        path.relative_to(out).as_posix(): _parts(path)
        for path in sorted(out.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


@pytest.mark.parametrize("case", list(CASES))
def test_documents_match_their_snapshot(case: str, tmp_path: Path) -> None:
    documents = built(case, tmp_path)
    index = {
        name: {part: _key(content) for part, content in parts.items()}
        for name, parts in documents.items()
    }
    stored = SNAPSHOTS / f"{case}.json"
    if UPDATE:
        PARTS.mkdir(parents=True, exist_ok=True)
        for parts in documents.values():
            for content in parts.values():
                (PARTS / f"{_key(content)}.txt").write_text(_text(content), encoding="utf-8")
        stored.write_text(json.dumps(index, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
    assert stored.is_file(), f"no snapshot for {case}: SNAPSHOT_UPDATE=1 pytest {__file__}"
    expected = json.loads(stored.read_text(encoding="utf-8"))
    assert sorted(index) == sorted(expected), "the documents written changed"
    changes = []
    for name, parts in index.items():
        assert sorted(parts) == sorted(expected[name]), f"{name}: its parts changed"
        for part, key in parts.items():
            if key != expected[name][part]:
                old = (PARTS / f"{expected[name][part]}.txt").read_text(encoding="utf-8")
                new = _text(documents[name][part])
                diff = difflib.unified_diff(
                    old.splitlines(), new.splitlines(), f"{name}:{part} (snapshot)", "built", n=2
                )
                changes.append("\n".join(list(diff)[:80]))
    assert not changes, "\n\n".join(changes)


def test_every_stored_part_is_used() -> None:
    """No orphan part is left in tests/snapshots/parts after an update."""
    used = {
        key
        for index in SNAPSHOTS.glob("*.json")
        for parts in json.loads(index.read_text(encoding="utf-8")).values()
        for key in parts.values()
    }
    stored = {p.stem for p in PARTS.glob("*.txt")}
    assert stored == used, (
        f"parts to remove: {sorted(stored - used)}; missing: {sorted(used - stored)}"
    )
