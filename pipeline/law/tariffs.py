"""Money, exactly: rate × quantity rounded to the cent half up, then raised
to the floor and lowered to the ceiling; totals; the change of a rate.

``decimal.Decimal`` throughout, never float. Pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

CENT = Decimal("0.01")


def to_cents(value: Decimal) -> Decimal:
    """Rounded to the cent, half up (0,125 → 0,13; Babel and round() go half-even)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount(
    rate: Decimal,
    quantity: Decimal,
    floor: Decimal | None = None,
    ceiling: Decimal | None = None,
) -> Decimal:
    """What a collectivité pays: rate × quantity to the cent, half up, then
    at least ``floor`` and at most ``ceiling``."""
    value = to_cents(rate * quantity)
    if floor is not None and value < floor:
        value = to_cents(floor)
    if ceiling is not None and value > ceiling:
        value = to_cents(ceiling)
    return value


def total(amounts: Iterable[Decimal]) -> Decimal:
    return to_cents(sum(amounts, Decimal(0)))


class Change(Enum):
    """What a rate did since last year when no percentage says it."""

    UNCHANGED = "unchanged"
    NEW = "new"  # last year's rate was zero: no percentage of nothing


def change(previous: Decimal | None, rate: Decimal) -> Decimal | Change | None:
    """Against last year's rate: ``None`` when there is none,
    :attr:`Change.UNCHANGED` when equal, :attr:`Change.NEW` when it was zero,
    else the change in percent rounded half up to two decimals (+11.11,
    -5.00). Numbers only: :func:`pipeline.words.french.rate_change` words it."""
    if previous is None:
        return None
    if previous == rate:
        return Change.UNCHANGED
    if previous == 0:
        return Change.NEW
    return ((rate - previous) / previous * 100).quantize(CENT, rounding=ROUND_HALF_UP)
