"""The layout holds: data flows forward through the stages, and every stage
folder is installed.

Each module of ``pipeline`` belongs to a layer; it may import modules of a
lower layer, or of its own stage folder, and never one above it: the reader
never knows French grammar, the law never formats text, the renderer never
opens a workbook (docs/architecture, README « Pour les développeurs »).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "pipeline"

# Lowest first. A module is named by its dotted path under pipeline; a stage
# folder by its name (every module inside it).
LAYERS: list[set[str]] = [
    {"text", "zipguard", "problems"},
    {"model"},
    {"contract"},
    {"read"},
    {"parse"},
    {"law"},
    {"words"},
    {"render"},
    {"manifest"},
    {"output"},
    {"workers"},
    {"build"},
    {"commands", "console", "clickfr"},
    {"cli"},
]
# The one exception to the layers: legal rules over plain values (the
# convocation delay, the form of an act number, the publication delay) live in
# law/ but are applied
# by the parser as it reads those values, so that their problems are listed
# with the reading errors: all the problems of a meeting at once (spec).
# They import nothing above contract.
ALLOWED = {("parse", "law.convocation"), ("parse", "law.acts"), ("parse", "law.publication")}
NEVER = {
    # What a stage must not know, whatever the layers say.
    "read": {"words", "render", "commands"},
    "parse": {"words", "render", "commands"},
    "law": {"words", "render", "commands"},
    "render": {"read", "parse"},
}


def modules() -> dict[str, Path]:
    return {
        ".".join(path.relative_to(PACKAGE).with_suffix("").parts): path
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py" and "templates" not in path.parts
    }


def unit(module: str) -> str:
    """The stage folder or top-level module a module belongs to."""
    return module.split(".", 1)[0]


def layer(module: str) -> int:
    found = [i for i, names in enumerate(LAYERS) if unit(module) in names]
    assert found, f"pipeline.{module} belongs to no layer: add it to LAYERS"
    return found[0]


def imports(path: Path) -> set[str]:
    """Every pipeline module ``path`` imports, at its top or in a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "pipeline" or node.module.startswith("pipeline."):
                base = node.module.removeprefix("pipeline").lstrip(".")
                for alias in node.names:  # a module of a stage folder, or a name in a module
                    sub = PACKAGE.joinpath(*base.split("."), f"{alias.name}.py") if base else None
                    name = f"{base}.{alias.name}" if sub is not None and sub.is_file() else base
                    found.add(name or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import (write « from pipeline… import »)")
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("pipeline.")
                for a in node.names
                if a.name.startswith("pipeline.")
            }
    return found


@pytest.mark.parametrize("module", sorted(modules()))
def test_a_module_imports_only_what_lies_below_it(module: str) -> None:
    own = layer(module)
    wrong = []
    for imported in sorted(imports(modules()[module])):
        if unit(imported) == "templates":
            continue
        if unit(imported) == unit(module):
            continue  # its own stage folder
        if (unit(module), imported) in ALLOWED:
            continue
        if layer(imported) >= own or unit(imported) in NEVER.get(unit(module), ()):
            wrong.append(imported)
    assert not wrong, f"pipeline.{module} imports {wrong}, which lie above it or beside it"


def test_every_stage_folder_is_installed() -> None:
    """pyproject lists the packages explicitly: a folder left out would be
    missing from an installed make-minutes."""
    setup = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    listed = set(
        re.findall(r'"(pipeline[\w.]*)"', setup.split("packages = [", 1)[1].split("]", 1)[0])
    )
    folders = {".".join(p.parent.relative_to(REPO).parts) for p in PACKAGE.rglob("__init__.py")}
    assert folders <= listed, f"not installed: {sorted(folders - listed)}"


@pytest.mark.parametrize("module", sorted(m for _, m in ALLOWED))
def test_the_rules_the_parser_applies_stand_below_it(module: str) -> None:
    """law.convocation and law.acts import nothing of read/, parse/ or above."""
    above = [i for i in imports(modules()[module]) if layer(i) >= layer("read.sources")]
    assert above == [], f"pipeline.{module} imports {above}"


def test_the_checker_sees_a_wrong_import(tmp_path: Path) -> None:
    """The witness: an import going up is found."""
    path = tmp_path / "x.py"
    path.write_text("def f():\n    from pipeline.render import contexts\n")
    assert imports(path) == {"render.contexts"}
    assert layer("render.contexts") > layer("law.rules")
