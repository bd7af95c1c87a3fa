"""The « Tarifs » and « Contributions » sheets: rates per service and
category, and what each body pays; the services « Autres points » cites."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from pipeline.model import Contribution, OtherItem, Tariff, tariff_key
from pipeline.parse import values
from pipeline.parse.tables import Row, table
from pipeline.problems import Place, Report
from pipeline.read.sources import Sheet
from pipeline.text import fold


def _money(row: Row, key: str, report: Report) -> Decimal | None:
    """A non-negative amount of an optional column (None when empty or bad)."""
    cell = row.cells.get(key)
    if cell is None:
        return None
    return values.non_negative(
        cell, report, "un montant en euros", "montant négatif", "tariff.negative-amount"
    )


def parse_tariffs(sheet: Sheet, report: Report) -> list[Tariff]:
    out: list[Tariff] = []
    seen: dict[tuple[str, str], Place] = {}
    for row in table(sheet, report):
        service, category, rate_cell = (row.cells.get(k) for k in ("service", "categorie", "tarif"))
        rate = _money(row, "tarif", report) if rate_cell else None
        floor, ceiling = _money(row, "plancher", report), _money(row, "plafond", report)
        previous = _money(row, "precedent", report)
        year = values.whole(row.cells["annee"], report, 1) if "annee" in row.cells else None
        if floor is not None and ceiling is not None and floor > ceiling:
            report.error(
                row.cells["plancher"].place,
                f"le plancher ({values.shown(row.cells['plancher'].value)}) dépasse le plafond "
                f"({values.shown(row.cells['plafond'].value)}).",
                code="tariff.floor-above-ceiling",
            )
        if service is None or category is None or rate is None:
            continue
        pair = tariff_key(values.text(service), values.text(category))
        if pair in seen:
            report.error(
                row.place,
                f"le couple Service « {values.text(service)} » / Catégorie « {values.text(category)} » "
                f"figure déjà à la {seen[pair]} : un seul tarif par catégorie d’un service.",
                code="tariff.duplicate",
            )
            continue
        seen[pair] = row.place
        budget = values.text(row.cells["budget"]) if "budget" in row.cells else ""
        unit = values.text(row.cells["unite"]) if "unite" in row.cells else ""
        out.append(
            Tariff(
                budget,
                values.text(service),
                values.text(category),
                rate,
                unit,
                floor,
                ceiling,
                previous,
                year,
                row.place,
            )
        )
    return out


def parse_contributions(
    sheet: Sheet, tariffs: list[Tariff] | None, report: Report
) -> list[Contribution]:
    """Each row's Service/Catégorie pair must be a row of Tarifs."""
    if tariffs is None:
        report.error(
            sheet.place,
            "une feuille « Contributions » demande une feuille « Tarifs » qui donne le tarif "
            "de chaque service et catégorie.",
            code="contribution.no-tariffs-sheet",
        )
        return []
    known = {t.key: t for t in tariffs}
    out: list[Contribution] = []
    seen: dict[tuple[str, str], Place] = {}
    for row in table(sheet, report):
        payer, service, category, quantity_cell = (
            row.cells.get(k) for k in ("collectivite", "service", "categorie", "quantite")
        )
        quantity = None
        if quantity_cell is not None:
            quantity = values.non_negative(
                quantity_cell,
                report,
                "une quantité (nombre)",
                "quantité négative",
                "contribution.negative-quantity",
            )
        if None in (payer, service, category, quantity):
            continue
        pair = tariff_key(values.text(service), values.text(category))
        if pair not in known:
            report.error(
                row.place,
                f"aucun tarif pour le service « {values.text(service)} » et la catégorie "
                f"« {values.text(category)} » dans la feuille « Tarifs ».",
                code="contribution.unknown-tariff",
            )
            continue
        tariff = known[pair]
        who = (fold(values.text(payer)), pair[0])
        if who in seen:
            report.warning(
                row.place,
                f"« {values.text(payer)} » figure déjà pour ce service à la {seen[who]} : "
                "sa contribution sera comptée deux fois.",
                code="contribution.duplicate-payer",
            )
        seen[who] = row.place
        out.append(
            Contribution(values.text(payer), tariff.service, tariff.category, quantity, row.place)
        )
    return out


def check_cited_services(
    others: list[OtherItem], tariffs: list[Tariff] | None, report: Report
) -> None:
    """The « Tarifs » column of « Autres points » names a Service of « Tarifs »."""
    services = {fold(t.service): t.service for t in tariffs or []}
    for item in others:
        if item.tariff_service is not None and fold(item.tariff_service) not in services:
            known = ", ".join(f"« {name} »" for name in services.values()) or "aucun"
            report.error(
                replace(item.place, column="Tarifs"),
                f"service « {item.tariff_service} » introuvable dans la feuille « Tarifs » "
                f"(services : {known}).",
                code="tariff.unknown-service",
            )
