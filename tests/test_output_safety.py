"""Writing outputs safely (issue 13, items 2, 3, 8, 9 and 10): a tampered
manifest never reaches outside the meeting's output folder, a kept copy
never overwrites anything, two builds of one meeting at once wait for each
other, a build killed while writing is recovered exactly whatever the
workbooks say next, and a full disk or a read-only folder is a French error
of its meeting, the others built.

Every test runs the real command: in-process with ``run``, or as a real
process when it must be killed, limited, run twice at once or given a full
disk or a read-only folder (a real tmpfs or a read-only bind mount in a
mount namespace of its own, ``chattr +i``, ``RLIMIT_FSIZE``).

docs/reliability.md lists the promises and the test that holds each one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import resource
import shutil
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DELIBERATIONS, REPO, make_meeting, run
from filelock import FileLock
from test_hostile import assert_built, assert_clean, problem_lines, two_meetings

from pipeline import output

MANIFEST = ".make-minutes.json"
LOCK = ".make-minutes.lock"
TIMEOUT = 120  # seconds, for a command run as a process
PROGRAM = """
import os, sys
{prelude}
from pipeline.cli import main
sys.argv = ["make-minutes", *sys.argv[1:]]
main()
"""


def build(tmp_path: Path, *extra: str, out: Path | None = None) -> tuple[int, str]:
    out = out or tmp_path / "out"
    return run("--data", str(tmp_path / "data"), "--output", str(out), "--jobs", "1", *extra)


def command(tmp_path: Path, *extra: str, prelude: str = "") -> list[str]:
    """The real command on tmp_path/data → tmp_path/out, as a process."""
    args = ["--data", str(tmp_path / "data"), "--output", str(tmp_path / "out"), "--jobs", "1"]
    return [sys.executable, "-c", PROGRAM.format(prelude=prelude), *args, *extra]


def process(tmp_path: Path, args: list[str], env: dict | None = None, **options) -> tuple[int, str]:
    """Run ``args`` (``env`` added to the environment): (exit code, stdout then stderr)."""
    try:
        done = subprocess.run(
            args,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            **options,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the command did not finish within {TIMEOUT} s")
    return done.returncode, done.stdout + done.stderr


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included): relative name → bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def assert_consistent(folder: Path) -> dict[str, str]:
    """What the folder holds is exactly what its manifest says the tool wrote:
    no pending entry, no temporary, no lock left."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert "en_cours" not in manifest, manifest
    files = {name: hashlib.sha256(content).hexdigest() for name, content in tree(folder).items()}
    del files[MANIFEST]
    assert files == manifest["fichiers"]
    return files


def warning_about(output: str, folder: Path, entry: str) -> list[str]:
    start = f"{folder / MANIFEST} : avertissement : entrée « {entry} » ignorée : "
    return [line for line in problem_lines(output) if line.startswith(start)]


# --- 2. a tampered manifest -----------------------------------------------------------


def _plant(kind: str, tmp_path: Path, folder: Path) -> tuple[str, object, Path]:
    """A file that must survive, and the manifest entry (name, hash) that
    names it: (entry, value, victim)."""
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir(exist_ok=True)
    victims = {
        "relatif": (tmp_path / "victime.txt", "../../victime.txt"),
        "absolu": (elsewhere / "victime.docx", str(elsewhere / "victime.docx")),
        "lien-symbolique": (elsewhere / "victime.docx", "archives/victime.docx"),
        "barre-inverse": (folder / "..\\..\\victime.docx", "..\\..\\victime.docx"),
        "lecteur-windows": (folder / "C:" / "victime.docx", "C:/victime.docx"),
        "copie-gardee": (
            folder / "proces-verbal.modifie-20250101-120000.docx",
            "proces-verbal.modifie-20250101-120000.docx",
        ),
        "fichier-du-secretaire": (folder / "notes.txt", "notes.txt"),
        "manifeste": (folder / MANIFEST, MANIFEST),
        "dossier": (folder / "dossier.docx" / "a.txt", "dossier.docx"),
    }
    if kind == "empreinte-non-texte":  # the tool's own file, its hash replaced by a number
        return "proces-verbal.docx", 12345, folder / "proces-verbal.docx"
    victim, entry = victims[kind]
    if kind == "lien-symbolique":
        (folder / "archives").symlink_to(elsewhere, target_is_directory=True)
    if kind != "manifeste":
        victim.parent.mkdir(parents=True, exist_ok=True)
        victim.write_bytes(f"à garder : {kind}".encode())
    value = sha256(victim)
    return entry, value, victim


TAMPERED = [
    "relatif",
    "absolu",
    "lien-symbolique",
    "barre-inverse",
    "lecteur-windows",
    "copie-gardee",
    "fichier-du-secretaire",
    "manifeste",
    "dossier",
    "empreinte-non-texte",
]


@pytest.mark.parametrize("kind", TAMPERED)
def test_a_tampered_manifest_touches_nothing_it_names(tmp_path: Path, kind: str) -> None:
    """An entry of .make-minutes.json that is not a file the tool writes in
    the meeting's folder, given the very hash of the file it names: a plain
    rebuild leaves that file alone and says so, naming the manifest and the
    entry; the entry is gone from the manifest it writes."""
    make_meeting(tmp_path / "data" / "m")
    assert build(tmp_path)[0] == 0
    folder = tmp_path / "out" / "m"
    entry, value, victim = _plant(kind, tmp_path, folder)
    before = victim.read_bytes()
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["fichiers"][entry] = value
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")

    code, printed = build(tmp_path)
    assert code == 0, printed
    assert_clean(printed)
    assert len(warning_about(printed, folder, entry)) == 1, printed
    assert victim.read_bytes() == before or kind == "manifeste"
    written = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["fichiers"]
    if kind == "empreinte-non-texte":  # the document written again, its true hash recorded
        assert written[entry] == sha256(victim)
    else:
        assert entry not in written
    code, printed = build(tmp_path)  # the entry is forgotten: no warning any more
    assert code == 0 and not warning_about(printed, folder, entry), printed
    assert victim.read_bytes() == before or kind == "manifeste"


def test_a_tampered_pending_entry_touches_nothing_either(tmp_path: Path) -> None:
    """The same through "en_cours", the hashes of an interrupted build."""
    make_meeting(tmp_path / "data" / "m")
    assert build(tmp_path)[0] == 0
    folder = tmp_path / "out" / "m"
    victim = tmp_path / "victime.txt"
    victim.write_text("à garder", encoding="utf-8")
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["en_cours"] = {"../../victime.txt": sha256(victim)}
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / ".victime.txt.abc.tmp").write_text("à garder aussi", encoding="utf-8")

    code, printed = build(tmp_path)
    assert code == 0, printed
    assert len(warning_about(printed, folder, "../../victime.txt")) == 1, printed
    assert victim.read_text(encoding="utf-8") == "à garder"
    assert (tmp_path / ".victime.txt.abc.tmp").read_text(encoding="utf-8") == "à garder aussi"
    assert_consistent(folder)


@pytest.mark.parametrize(
    "content",
    ["pas du JSON", "[" * 100_000, '{"fichiers": [1, 2]}'],
    ids=["texte", "imbrique", "liste"],
)
def test_an_unreadable_manifest_is_said_and_the_build_goes_on(tmp_path: Path, content: str) -> None:
    """A manifest that is not one (text, JSON nested beyond reason, a list
    of files that is not a list of names): a warning naming it; the
    documents, unchanged, are written again; exit 0."""
    make_meeting(tmp_path / "data" / "m")
    assert build(tmp_path)[0] == 0
    folder = tmp_path / "out" / "m"
    (folder / MANIFEST).write_text(content, encoding="utf-8")
    code, printed = build(tmp_path)
    assert code == 0, printed
    assert_clean(printed)
    start = f"{folder / MANIFEST} : avertissement : "
    assert len([line for line in problem_lines(printed) if line.startswith(start)]) == 1, printed
    assert_consistent(folder)


def test_extracts_are_never_written_through_a_symbolic_link(tmp_path: Path) -> None:
    """output/m/extraits replaced by a link to a folder elsewhere, holding a
    file of the very name and hash of the extract: the meeting is refused,
    naming extraits; nothing is written or removed there, nor in the
    meeting's folder; the other meeting is built."""
    m = two_meetings(tmp_path)
    assert build(tmp_path)[0] == 0
    folder = tmp_path / "out" / "m"
    elsewhere = tmp_path / "ailleurs"
    shutil.move(folder / "extraits", elsewhere)
    (folder / "extraits").symlink_to(elsewhere, target_is_directory=True)
    there, here = tree(elsewhere), tree(folder)
    deliberations = [row[:] for row in DELIBERATIONS]
    deliberations[1][1] = "Convention cadre modifiée"  # the extract would be renamed
    remake(m, deliberations)

    code, printed = build(tmp_path)
    assert code == 1, printed
    assert_clean(printed)
    lines = [
        line for line in problem_lines(printed) if line.startswith(f"{folder / 'extraits'} : ")
    ]
    assert len(lines) == 1 and "ce n’est pas un dossier ordinaire" in lines[0], printed
    assert "m : 1 problème, rien n’a été écrit pour cette réunion." in printed
    assert tree(elsewhere) == there
    assert tree(folder) == here
    assert_built(tmp_path, printed, "bonne")


def test_a_folder_in_place_of_a_document_is_never_replaced(tmp_path: Path) -> None:
    """out/m/proces-verbal.docx is a folder (holding a file of the clerk's):
    the meeting is refused, naming it; nothing is written in m's folder; the
    other meeting is built."""
    two_meetings(tmp_path)
    folder = tmp_path / "out" / "m"
    (folder / "proces-verbal.docx").mkdir(parents=True)
    (folder / "proces-verbal.docx" / "note.txt").write_text("à moi", encoding="utf-8")
    here = tree(folder)
    code, printed = build(tmp_path)
    assert code == 1, printed
    assert_clean(printed)
    place = f"{folder / 'proces-verbal.docx'} : "
    (line,) = [x for x in problem_lines(printed) if x.startswith(place)]
    assert "ce n’est pas un fichier ordinaire" in line and "Déplacez-le" in line, printed
    assert tree(folder) == here
    assert_built(tmp_path, printed, "bonne")


# --- 3. a kept copy never overwrites anything ------------------------------------------


def test_two_forced_builds_in_the_same_second_keep_both_edits(tmp_path: Path) -> None:
    """Two runs with --force stamped with the same second (the same ``now``):
    the second edit gets its own copy, -2, and the first copy is intact."""
    folder = tmp_path / "out"
    now = dt.datetime(2025, 3, 14, 10, 15, 2)
    assert output.write_all(folder, {"proces-verbal.docx": b"v1"}).refused == []
    (folder / "proces-verbal.docx").write_bytes(b"edition 1")
    first = output.write_all(folder, {"proces-verbal.docx": b"v2"}, force=True, now=now)
    (folder / "proces-verbal.docx").write_bytes(b"edition 2")
    second = output.write_all(folder, {"proces-verbal.docx": b"v3"}, force=True, now=now)
    assert [p.name for p in first.kept] == ["proces-verbal.modifie-20250314-101502.docx"]
    assert [p.name for p in second.kept] == ["proces-verbal.modifie-20250314-101502-2.docx"]
    assert (folder / "proces-verbal.modifie-20250314-101502.docx").read_bytes() == b"edition 1"
    assert (folder / "proces-verbal.modifie-20250314-101502-2.docx").read_bytes() == b"edition 2"
    assert (folder / "proces-verbal.docx").read_bytes() == b"v3"


def test_a_kept_copy_never_overwrites_a_file(tmp_path: Path) -> None:
    """The real command with --force, where files already hold the names its
    copy could take (this second and the next ones): none is overwritten, the
    copy takes the first free name, and the command names it."""
    make_meeting(tmp_path / "data" / "m")
    assert build(tmp_path)[0] == 0
    folder = tmp_path / "out" / "m"
    (folder / "proces-verbal.docx").write_bytes(b"ma version")
    start = dt.datetime.now().replace(microsecond=0)
    taken = {}
    for second in range(-1, 30):
        stamp = f"{start + dt.timedelta(seconds=second):%Y%m%d-%H%M%S}"
        path = folder / f"proces-verbal.modifie-{stamp}.docx"
        path.write_text(f"copie gardée plus tôt ({stamp})", encoding="utf-8")
        taken[path] = path.read_bytes()

    code, printed = build(tmp_path, "--force")
    assert code == 0, printed
    assert all(path.read_bytes() == content for path, content in taken.items())
    (copy,) = [p for p in folder.glob("proces-verbal.modifie-*.docx") if p not in taken]
    assert copy.name.endswith("-2.docx") and copy.read_bytes() == b"ma version"
    assert f"votre version modifiée est gardée dans {copy.name}" in printed


# --- 8. two builds of one meeting at once ----------------------------------------------


def long_meeting(folder: Path, count: int, title: str = "Convention", seed: int = 0) -> Path:
    """A meeting of ``count`` deliberations (as many extracts to write)."""
    rng = random.Random(seed)
    rows = [DELIBERATIONS[0]]
    for n in range(1, count + 1):
        words = " ".join(
            "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(120)
        )
        rows.append([n, f"{title} {n}", words, "Les membres approuvent.", "unanimité"])
    return remake(folder, rows)


def remake(folder: Path, deliberations: list[list]) -> Path:
    """The meeting's workbooks written anew, with these deliberations."""
    for name in ("seance.xlsx", "presences.xlsx", "deliberations.xlsx"):
        (folder / name).unlink(missing_ok=True)
    return make_meeting(folder, deliberations=deliberations)


def test_two_builds_at_once_on_one_output_do_not_collide(tmp_path: Path) -> None:
    """Two real builds of the same meeting started together, ten times: each
    succeeds (the second waits for the first), without a traceback, and the
    folder is exactly what its manifest says."""
    long_meeting(tmp_path / "data" / "m", 40)
    folder = tmp_path / "out" / "m"
    for _ in range(10):
        processes = [
            subprocess.Popen(
                command(tmp_path),
                cwd=tmp_path,
                env={**os.environ, "PYTHONPATH": str(REPO)},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        for p in processes:
            printed, _ = p.communicate(timeout=TIMEOUT)
            assert_clean(printed)
            assert p.returncode == 0, printed
            assert "m : proces-verbal.docx, liste-deliberations.docx, 40 extraits écrits" in printed
        files = assert_consistent(folder)
        assert len([name for name in files if name.startswith("extraits/")]) == 40


def test_a_build_waits_for_another_build_of_the_meeting(tmp_path: Path) -> None:
    """While another build holds the meeting's folder, the command says it
    waits, naming the folder; once it is free, the meeting is built."""
    make_meeting(tmp_path / "data" / "m")
    folder = tmp_path / "out" / "m"
    folder.mkdir(parents=True)
    printed = tmp_path / "printed.txt"
    with FileLock(str(folder / LOCK)), printed.open("w", encoding="utf-8") as sink:
        started = subprocess.Popen(
            command(tmp_path),
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while "attente" not in printed.read_text(encoding="utf-8"):
            assert started.poll() is None, printed.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "no waiting message"
            time.sleep(0.1)
        assert not (folder / "proces-verbal.docx").exists()
    assert started.wait(timeout=TIMEOUT) == 0
    text = printed.read_text(encoding="utf-8")
    assert (
        f"{folder} : une autre construction de cette réunion écrit dans ce dossier ; "
        "attente de la fin de son écriture…"
    ) in text
    assert_clean(text)
    assert_consistent(folder)
    assert not (folder / LOCK).exists()


def test_a_build_that_waits_too_long_gives_up_in_french(tmp_path: Path) -> None:
    """Another build that never ends (the wait shortened to 2 s): the
    meeting is an error that says so, its folder untouched; the other
    meeting is built."""
    two_meetings(tmp_path)
    assert build(tmp_path)[0] == 0
    folder = tmp_path / "out" / "m"
    before = tree(folder)
    with FileLock(str(folder / LOCK)):
        code, printed = process(
            tmp_path, command(tmp_path, prelude="import pipeline.output as o; o.LOCK_WAIT = 2")
        )
    assert code == 1, printed
    assert_clean(printed)
    assert f"{folder} : une autre construction de cette réunion écrit dans ce dossier" in printed
    assert (
        f"{folder} : une autre construction de cette réunion écrit dans ce dossier depuis plus "
        "de 2 secondes : rien n’a été écrit pour celle-ci. Relancez quand l’autre sera terminée."
    ) in problem_lines(printed)
    assert "m : 1 problème, rien n’a été écrit pour cette réunion." in printed
    assert {k: v for k, v in tree(folder).items() if k != LOCK} == before
    assert_built(tmp_path, printed, "bonne")


# --- 9. killed while writing, then other workbooks ----------------------------------

KILL = """
import threading
_kind, _after = os.environ["MM_KILL"].split(":")
_count, _guard, _real = [0], threading.Lock(), getattr(os, _kind)
def _counted(*args):
    result = _real(*args)
    with _guard:
        _count[0] += 1
        if _count[0] == int(_after):
            os._exit(137)  # as kill -9: nothing cleaned up
    return result
setattr(os, _kind, _counted)
"""


@pytest.mark.parametrize(
    ("kill", "then"),
    [
        ("fsync:6", "revenus"),  # temporaries half written
        ("replace:3", "revenus"),  # the first documents replaced
        ("replace:25", "revenus"),  # most documents replaced
        ("replace:25", "memes"),  # the interrupted data again
        ("replace:25", "revenus-force"),  # with --force: still no copy
    ],
)
def test_a_build_killed_while_writing_is_recovered_exactly(
    tmp_path: Path, kill: str, then: str
) -> None:
    """A build of other workbooks (other titles, hence other extracts)
    killed for real between two writes (the process exits at once after the
    N-th fsync or os.replace, as a kill -9 there would); then a build of the
    first workbooks again, or of the interrupted ones: no refusal, no
    "modifié", no kept copy, no stale extract, no temporary, and the folder
    holds exactly what a build from scratch gives."""
    meeting = tmp_path / "data" / "m"
    long_meeting(meeting, 30)
    assert build(tmp_path)[0] == 0
    folder = tmp_path / "out" / "m"
    first = (meeting / "deliberations.xlsx").read_bytes()
    before = tree(folder)
    long_meeting(meeting, 30, title="Avenant", seed=1)
    other = (meeting / "deliberations.xlsx").read_bytes()

    code, printed = process(
        tmp_path,
        command(tmp_path, prelude=KILL),
        env={"MM_KILL": kill},
    )
    # The meeting's worker process (or the command) died: no cleanup ran.
    assert code == 137 or "s’est arrêtée brutalement (code 137)" in printed, printed
    assert tree(folder) != before  # killed while writing, not before
    if kill.startswith("fsync"):
        assert list(folder.rglob(".*.tmp")), "no temporary left by the kill"

    (meeting / "deliberations.xlsx").write_bytes(other if then == "memes" else first)
    code, printed = build(tmp_path, *(["--force"] if then.endswith("force") else []))
    assert code == 0, printed
    assert "modifié" not in printed and "gardée" not in printed, printed
    assert "ignorée" not in printed, printed
    assert not list(folder.rglob("*.modifie-*"))
    assert not list(folder.rglob(".*.tmp"))
    build(tmp_path, out=tmp_path / "propre")
    expected = tree(tmp_path / "propre" / "m")
    found = tree(folder)
    assert sorted(found) == sorted(expected)
    assert {k: v for k, v in found.items() if k != MANIFEST} == {
        k: v for k, v in expected.items() if k != MANIFEST
    }
    assert_consistent(folder)


# --- 10. a full disk, a read-only folder ---------------------------------------------


def _big_meeting(tmp_path: Path) -> Path:
    """data/bonne and data/m built; then m's workbooks made to give
    documents of several hundred KB (hardly compressible text)."""
    m = two_meetings(tmp_path)
    assert build(tmp_path)[0] == 0
    rows = [DELIBERATIONS[0]]
    rng = random.Random(2)
    for n in range(1, 13):
        text = "".join(rng.choices(string.ascii_letters + string.digits, k=30000))
        rows.append([n, f"Point {n}", text, "Les membres approuvent.", "unanimité"])
    return remake(m, rows)


def assert_write_refused(tmp_path: Path, code: int, printed: str, why: str, what: str) -> None:
    """m is an error at its folder saying ``why`` and ``what`` to do, that
    the documents in place are unchanged; bonne is built."""
    assert_clean(printed)
    assert code == 1, printed
    folder = tmp_path / "out" / "m"
    lines = [line for line in problem_lines(printed) if line.startswith(str(folder))]
    assert len(lines) == 1, printed
    assert why in lines[0] and what in lines[0], printed
    assert "les documents déjà en place n’ont pas été modifiés" in lines[0], printed
    assert "m : 1 problème, rien n’a été écrit pour cette réunion." in printed
    assert_built(tmp_path, printed, "bonne")


def _namespace_mounts() -> bool:
    """Whether this machine lets a process mount in a mount namespace of its own."""
    if not shutil.which("unshare") or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt && umount /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(
    not _namespace_mounts(), reason="mount namespaces unavailable (unshare -m, as root)"
)


@needs_mounts
def test_a_full_disk_is_an_error_of_the_meeting(tmp_path: Path) -> None:
    """m's output folder on a real tmpfs with room for its previous
    documents and a little more: its new ones do not fit. A French error
    saying the disk is full and what to do; the folder as it was (no
    temporary, the same manifest); the other meeting built."""
    _big_meeting(tmp_path)
    folder = tmp_path / "out" / "m"
    saved, after = tmp_path / "avant", tmp_path / "apres"
    shutil.copytree(folder, saved, symlinks=True)
    after.mkdir()
    size = sum(-(-len(b) // 4096) * 4096 for b in tree(saved).values()) + 64 * 1024
    script = (
        'mount -t tmpfs -o size="$SIZE" tmpfs "$M" && cp -a "$SAVED/." "$M/" && "$@"; '
        'code=$?; cp -a "$M/." "$AFTER/"; exit $code'
    )
    env = {"SIZE": str(size), "M": str(folder), "SAVED": str(saved), "AFTER": str(after)}
    code, printed = process(
        tmp_path,
        ["unshare", "-m", "sh", "-c", script, "sh", *command(tmp_path)],
        env=env,
    )
    assert_write_refused(tmp_path, code, printed, "plus assez de place", "Libérez de la place")
    assert "choisissez un autre dossier avec --output" in printed
    assert tree(after) == tree(saved)


def test_a_file_too_large_for_the_limits_is_an_error_of_the_meeting(tmp_path: Path) -> None:
    """The same with RLIMIT_FSIZE (the process may not write a file larger
    than 200 KB: the write fails with EFBIG, as on a full quota)."""
    _big_meeting(tmp_path)
    folder = tmp_path / "out" / "m"
    before = tree(folder)
    limit = 200 * 1024

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    code, printed = process(tmp_path, command(tmp_path), preexec_fn=limited)
    assert_write_refused(tmp_path, code, printed, "plus assez de place", "Libérez de la place")
    assert tree(folder) == before


@needs_mounts
def test_a_read_only_folder_is_an_error_of_the_meeting(tmp_path: Path) -> None:
    """m's output folder bind-mounted read-only (EROFS): a French error
    saying so and what to do; nothing changed; the other meeting built."""
    _big_meeting(tmp_path)
    folder = tmp_path / "out" / "m"
    before = tree(folder)
    script = 'mount --bind "$M" "$M" && mount -o remount,bind,ro "$M" && exec "$@"'
    code, printed = process(
        tmp_path,
        ["unshare", "-m", "sh", "-c", script, "sh", *command(tmp_path)],
        env={"M": str(folder)},
    )
    assert_write_refused(tmp_path, code, printed, "en lecture seule", "Vérifiez les droits")
    assert tree(folder) == before


def _chattr(path: Path, flag: str) -> bool:
    if not shutil.which("chattr"):
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


def test_a_folder_nobody_may_write_in_is_an_error_of_the_meeting(tmp_path: Path) -> None:
    """m's output folder made immutable (chattr +i: even root may not create
    a file in it; EPERM): a French error saying so and what to do."""
    _big_meeting(tmp_path)
    folder = tmp_path / "out" / "m"
    before = tree(folder)
    if not _chattr(folder, "+i"):
        pytest.skip("chattr +i unavailable here")
    try:
        code, printed = build(tmp_path)
    finally:
        _chattr(folder, "-i")
    assert_write_refused(tmp_path, code, printed, "pas le droit d’y écrire", "Vérifiez les droits")
    assert tree(folder) == before


def test_a_file_where_the_folder_should_be_is_an_error_of_the_meeting(tmp_path: Path) -> None:
    """out/m is a file (of the clerk's): m is an error that says so, the
    file is untouched, the other meeting is built."""
    two_meetings(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "m").write_text("à moi", encoding="utf-8")
    code, printed = build(tmp_path)
    assert_clean(printed)
    assert code == 1, printed
    (line,) = [x for x in problem_lines(printed) if x.startswith(f"{tmp_path / 'out' / 'm'} : ")]
    assert "un fichier se trouve là où il faut un dossier" in line, printed
    assert "--output" in line
    assert (tmp_path / "out" / "m").read_text(encoding="utf-8") == "à moi"
    assert_built(tmp_path, printed, "bonne")
