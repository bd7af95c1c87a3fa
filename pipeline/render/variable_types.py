"""What the variables of a template are made of (render/variables.py): a
group of variables as docs/templates.md tables it, a group as one
document uses it, the variables of one template."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    """One table of docs/templates.md: its heading (without the part in
    brackets) and its variables, each with a one-line description."""

    title: str
    fields: tuple[tuple[str, str], ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.fields]


@dataclass(frozen=True)
class Section:
    """A group as one document uses it: ``over`` names the lists its loop
    variable (the first word of its names) runs through; empty, its names
    are in the context itself."""

    group: Group
    over: tuple[str, ...] = ()
    note: str = ""  # printed after the group's title by the listing

    @property
    def alias(self) -> str | None:
        return self.group.fields[0][0].split(".")[0] if self.over else None


@dataclass(frozen=True)
class TemplateVariables:
    name: str  # the template's file name
    sections: tuple[Section, ...]

    @property
    def names(self) -> list[str]:
        return [n for s in self.sections for n in s.group.names]

    @property
    def aliases(self) -> dict[str, Section]:
        return {s.alias: s for s in self.sections if s.alias}
